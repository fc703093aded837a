/// The position-wise feed-forward block:  FFN(x) = fc2(act(fc1(x)))   — [T, C] → [T, F] → [T, C]
///
/// Written once for the stages (`PositionwiseFeedForward<Linear>`, a checkpoint's weights) and for
/// training (`PositionwiseFeedForward<ParameterLinear<F>>`), with the backward pass beside the forward.
public struct PositionwiseFeedForward<L: LinearMap> {
    public let fc1: L
    public let fc2: L
    public let activation: ModelConfig.Activation

    /// What the backward pass needs: x [T, C], h = fc1(x) [T, F], a = act(h) [T, F].
    public struct Cache {
        public var x: [L.Value]
        public var h: [L.Value]
        public var a: [L.Value]
    }

    public init(fc1: L, fc2: L, activation: ModelConfig.Activation) {
        self.fc1 = fc1
        self.fc2 = fc2
        self.activation = activation
    }

    public func forward(_ x: [L.Value]) -> [L.Value] { forward(x, keep: false).y }

    /// The forward pass; with `keep`, also what `backward` needs (h is then copied once, before the
    /// activation overwrites it).
    public func forward(_ x: [L.Value], keep: Bool) -> (y: [L.Value], cache: Cache?) {
        var h = fc1.forward(x)                                        // [T, F]
        let preActivation = keep ? h : nil
        if keep { h = parallelCopy(h) }                               // a gets a buffer of its own
        activate(&h, activation)                                      // a = act(h), in place
        let y = fc2.forward(h)                                        // [T, C]
        return (y, preActivation.map { Cache(x: x, h: $0, a: h) })
    }
}

extension PositionwiseFeedForward where L: TrainableLinearMap {
    /// d(x) from d(FFN(x)), adding fc1's and fc2's gradients:  da = dy·W2,  dh = da ⊙ act′(h),  dx = dh·W1.
    public func backward(_ dy: [L.Value], _ cache: Cache) -> [L.Value] {
        let da = fc2.backward(dy, input: cache.a)                     // [T, F]
        let dh = activationBackward(dy: da, x: cache.h, activation)   // [T, F]
        return fc1.backward(dh, input: cache.x)                       // [T, C]
    }
}

extension PositionwiseFeedForward: Sendable where L: Sendable {}

extension PositionwiseFeedForward {
    /// The feed-forward block `spec` of the ParameterTree, its layers made by `linear`.
    init(_ spec: ParameterTree.FeedForward, config c: ModelConfig, linear: (ParameterTree.Linear) throws -> L) rethrows {
        self.init(fc1: try linear(spec.fc1), fc2: try linear(spec.fc2), activation: c.activation)
    }
}
