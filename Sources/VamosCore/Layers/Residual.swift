/// A residual connection around a sublayer `f`, with layer normalization where the config puts it:
///
///     post:  x = LN(x + f(x))        (the original paper, Marian)
///     pre:   x = x + f(LN(x))
///     none:  x = x + f(x)            (the explainer's residual connections)
///
/// Returns the new stream and the sublayer's own output f(·), for the trace.
func residual(_ x: [Float], placement: ModelConfig.LayerNormPlacement, norm: LayerNorm?,
              _ f: ([Float]) -> [Float]) -> (stream: [Float], sublayer: [Float]) {
    let input = placement == .pre ? norm!.forward(x) : x
    let fx = f(input)
    var sum = x
    for i in sum.indices { sum[i] += fx[i] }
    return (placement == .post ? norm!.forward(sum) : sum, fx)
}
