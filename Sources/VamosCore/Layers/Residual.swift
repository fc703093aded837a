/// A residual connection around a sublayer `f`, with layer normalization where the config puts it:
///
///     post:  x = LN(x + f(x))        (the original paper, Marian)
///     pre:   x = x + f(LN(x))
///     none:  x = x + f(x)            (the explainer's residual connections)
///
/// Returns the new stream, f's own output, the residual sum x + f(·), and the normalized values
/// (LN(x) for pre, LN(x + f(x)) for post), for the trace.
func residual<N: Normalization>(_ x: [N.Value], placement: ModelConfig.LayerNormPlacement, norm: N?, keep: Bool = false,
                                _ f: ([N.Value]) -> [N.Value]) -> Residual<N.Value> {
    typealias F = N.Value
    var norms = ResidualNorms<F>()
    var normalizedInput: [F]? = nil
    if placement == .pre {
        let r = norm!.forward(x, keep: keep)
        normalizedInput = r.y
        norms.pre = r.cache
    }
    let fx = f(normalizedInput ?? x)
    let sum = elementwiseSum(x, fx)
    if placement == .post {
        let r = norm!.forward(sum, keep: keep)
        norms.post = r.cache
        return Residual(stream: r.y, sublayer: fx, sum: sum, normalized: r.y, cache: keep ? norms : nil)
    }
    return Residual(stream: sum, sublayer: fx, sum: sum, normalized: normalizedInput, cache: keep ? norms : nil)
}

/// What `residual` computed: the new stream, the sublayer's output, x + f(·), the normalized values
/// and (with `keep`) what `residualBackward` needs.
struct Residual<F: Scalar> {
    var stream: [F]
    var sublayer: [F]
    var sum: [F]
    var normalized: [F]?
    var cache: ResidualNorms<F>?
}

/// What `residualBackward` needs of a residual connection's layer norm: its cache before the
/// sublayer (pre) or after the sum (post); neither for none.
public struct ResidualNorms<F: Scalar> {
    var pre: LayerNorm<F>.Cache?
    var post: LayerNorm<F>.Cache?
}

/// d(x) from d(stream), beside `residual`:  post: dSum = LN′ᵀ·dOut, else dSum = dOut;
/// dIn = f′ᵀ·dSum (`fBack`), through LN′ᵀ for pre;  dx = dIn + dSum (the skip path).
/// `norm`'s backward adds the norm's gradients.
func residualBackward<N: TrainableNormalization>(_ dOut: [N.Value], _ norms: ResidualNorms<N.Value>, norm: N?,
                                                 _ fBack: ([N.Value]) -> [N.Value]) -> [N.Value] {
    var dSum = dOut
    if let post = norms.post { dSum = norm!.backward(dOut, post) }
    var dIn = fBack(dSum)
    if let pre = norms.pre { dIn = norm!.backward(dIn, pre) }
    addInPlace(&dIn, dSum)
    return dIn
}

/// Records a residual block's values under TransformerLens' names: the sum as `sumName`
/// (`hook_resid_mid`, `hook_resid_post`, …) and the layer norm's output as `lnName.hook_normalized`.
func recordResidual<F: Scalar>(_ trace: TraceScope?, _ r: Residual<F>,
                                sublayerName: String, sumName: String, lnName: String, shape: [Int], axes: [String]) {
    guard let trace else { return }
    if let n = r.normalized { trace.record("\(lnName).hook_normalized", n, shape: shape, axes: axes) }
    trace.record(sublayerName, r.sublayer, shape: shape, axes: axes)
    trace.record(sumName, r.sum, shape: shape, axes: axes)
}
