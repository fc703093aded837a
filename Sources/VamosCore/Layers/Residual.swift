/// A residual connection around a sublayer `f`, with layer normalization where the config puts it:
///
///     post:  x = LN(x + f(x))        (the original paper, Marian)
///     pre:   x = x + f(LN(x))
///     none:  x = x + f(x)            (the explainer's residual connections)
///
/// Returns the new stream, f's own output, the residual sum x + f(·), and the normalized values
/// (LN(x) for pre, LN(x + f(x)) for post), for the trace.
func residual<F: Scalar>(_ x: [F], placement: ModelConfig.LayerNormPlacement, norm: LayerNorm<F>?, keep: Bool = false,
                         _ f: ([F]) -> [F])
    -> (stream: [F], sublayer: [F], sum: [F], normalized: [F]?, cache: ResidualNorms<F>?) {
    var norms = ResidualNorms<F>()
    var normalizedInput: [F]? = nil
    if placement == .pre {
        let r = norm!.forward(x, keep: keep)
        normalizedInput = r.y
        norms.pre = r.cache
    }
    let fx = f(normalizedInput ?? x)
    var sum = x
    for i in sum.indices { sum[i] += fx[i] }
    if placement == .post {
        let r = norm!.forward(sum, keep: keep)
        norms.post = r.cache
        return (r.y, fx, sum, r.y, keep ? norms : nil)
    }
    return (sum, fx, sum, normalizedInput, keep ? norms : nil)
}

/// What `residualBackward` needs of a residual connection's layer norm: its cache before the
/// sublayer (pre) or after the sum (post); neither for none.
public struct ResidualNorms<F: Scalar> {
    var pre: LayerNorm<F>.Cache?
    var post: LayerNorm<F>.Cache?
}

/// d(x) from d(stream), beside `residual`:  post: dSum = LN′ᵀ·dOut, else dSum = dOut;
/// dIn = f′ᵀ·dSum (`fBack`), through LN′ᵀ for pre;  dx = dIn + dSum (the skip path).
/// `norm(dy, cache)` is the layer norm's backward (it adds the norm's gradients).
func residualBackward<F: Scalar>(_ dOut: [F], _ norms: ResidualNorms<F>, norm: ([F], LayerNorm<F>.Cache) -> [F],
                                 _ fBack: ([F]) -> [F]) -> [F] {
    var dSum = dOut
    if let post = norms.post { dSum = norm(dOut, post) }
    var dIn = fBack(dSum)
    if let pre = norms.pre { dIn = norm(dIn, pre) }
    for i in dIn.indices { dIn[i] += dSum[i] }
    return dIn
}

/// Records a residual block's values under TransformerLens' names: the sum as `sumName`
/// (`hook_resid_mid`, `hook_resid_post`, …) and the layer norm's output as `lnName.hook_normalized`.
func recordResidual(_ trace: TraceScope?, _ r: (stream: [Float], sublayer: [Float], sum: [Float], normalized: [Float]?,
                                               cache: ResidualNorms<Float>?),
                    sublayerName: String, sumName: String, lnName: String, shape: [Int], axes: [String]) {
    guard let trace else { return }
    if let n = r.normalized { trace.record("\(lnName).hook_normalized", n, shape: shape, axes: axes) }
    trace.record(sublayerName, r.sublayer, shape: shape, axes: axes)
    trace.record(sumName, r.sum, shape: shape, axes: axes)
}
