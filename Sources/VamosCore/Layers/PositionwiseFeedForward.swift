/// The position-wise feed-forward block:  FFN(x) = fc2(act(fc1(x)))   — [T, C] → [T, ffn] → [T, C]
public struct PositionwiseFeedForward: Sendable {
    public let fc1: Linear
    public let fc2: Linear
    public let activation: ModelConfig.Activation

    public init(fc1: Linear, fc2: Linear, activation: ModelConfig.Activation) {
        self.fc1 = fc1
        self.fc2 = fc2
        self.activation = activation
    }

    public func forward(_ x: [Float]) -> [Float] {
        var h = fc1.forward(x)
        activate(&h, activation)
        return fc2.forward(h)
    }
}
