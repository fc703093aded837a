/// One encoder layer: self-attention, then the feed-forward block, each inside a residual connection.
public struct EncoderLayer: Sendable {
    public let selfAttention: MultiHeadAttention
    public let selfAttentionNorm: LayerNorm?
    public let feedForward: PositionwiseFeedForward?
    public let finalNorm: LayerNorm?
    public let placement: ModelConfig.LayerNormPlacement

    /// x: [T, C] → [T, C]
    public func forward(_ x: [Float], trace: TraceScope? = nil) -> [Float] {
        let C = selfAttention.dModel
        let T = x.count / C
        let rowAxes = ["token", "d_model"]
        trace?.record("hook_resid_pre", x, shape: [T, C], axes: rowAxes)
        let (mid, attnOut) = residual(x, placement: placement, norm: selfAttentionNorm) {
            selfAttention.forward($0, memory: $0, causal: false, trace: trace?.scope("attn"))
        }
        trace?.record("hook_attn_out", attnOut, shape: [T, C], axes: rowAxes)
        trace?.record("hook_resid_mid", mid, shape: [T, C], axes: rowAxes)
        guard let feedForward else {
            trace?.record("hook_resid_post", mid, shape: [T, C], axes: rowAxes)
            return mid
        }
        let (post, mlpOut) = residual(mid, placement: placement, norm: finalNorm) { feedForward.forward($0) }
        trace?.record("hook_mlp_out", mlpOut, shape: [T, C], axes: rowAxes)
        trace?.record("hook_resid_post", post, shape: [T, C], axes: rowAxes)
        return post
    }
}

/// The encoder stack: `encoder_input` [T, C] → `encoder_output` [T, C]. With pre-norm layers a last
/// layer norm follows the stack.
public struct Encoder: Sendable {
    public let layers: [EncoderLayer]
    public let finalNorm: LayerNorm?

    /// Runs layers `range` (all by default). The final norm of a pre-norm stack belongs to the last
    /// layer's step, so splitting the stack anywhere gives the same result as running it whole.
    public func forward(_ x: [Float], layers range: Range<Int>? = nil, trace: Trace? = nil) -> [Float] {
        let range = range ?? 0..<layers.count
        var h = x
        for l in range {
            h = layers[l].forward(h, trace: trace.map { TraceScope($0, "encoder.blocks.\(l).") })
        }
        if let finalNorm, range.upperBound == layers.count, !range.isEmpty || layers.isEmpty {
            h = finalNorm.forward(h)
            trace?.record("encoder.ln_final.hook_normalized", h, shape: [h.count / finalNorm.gamma.count, finalNorm.gamma.count],
                          axes: ["token", "d_model"])
        }
        return h
    }
}
