/// A residual connection around a sublayer `f`, with layer normalization where the config puts it:
///
///     post:  x = LN(x + f(x))        (the original paper, Marian)
///     pre:   x = x + f(LN(x))
///     none:  x = x + f(x)            (the explainer's residual connections)
///
/// Returns the new stream, f's own output, the residual sum x + f(·), and the normalized values
/// (LN(x) for pre, LN(x + f(x)) for post), for the trace.
func residual(_ x: [Float], placement: ModelConfig.LayerNormPlacement, norm: LayerNorm?,
              _ f: ([Float]) -> [Float]) -> (stream: [Float], sublayer: [Float], sum: [Float], normalized: [Float]?) {
    let normalizedInput = placement == .pre ? norm!.forward(x) : nil
    let fx = f(normalizedInput ?? x)
    var sum = x
    for i in sum.indices { sum[i] += fx[i] }
    if placement == .post {
        let n = norm!.forward(sum)
        return (n, fx, sum, n)
    }
    return (sum, fx, sum, normalizedInput)
}

/// Records a residual block's values under TransformerLens' names: the sum as `sumName`
/// (`hook_resid_mid`, `hook_resid_post`, …) and the layer norm's output as `lnName.hook_normalized`.
func recordResidual(_ trace: TraceScope?, _ r: (stream: [Float], sublayer: [Float], sum: [Float], normalized: [Float]?),
                    sublayerName: String, sumName: String, lnName: String, shape: [Int], axes: [String]) {
    guard let trace else { return }
    if let n = r.normalized { trace.record("\(lnName).hook_normalized", n, shape: shape, axes: axes) }
    trace.record(sublayerName, r.sublayer, shape: shape, axes: axes)
    trace.record(sumName, r.sum, shape: shape, axes: axes)
}
