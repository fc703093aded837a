/// One encoder layer: self-attention, then the feed-forward block, each inside a residual connection.
public struct EncoderLayer: Sendable {
    public var selfAttention: MultiHeadAttention<Linear>
    public let selfAttentionNorm: LayerNorm<Float>?
    public let feedForward: PositionwiseFeedForward<Linear>?
    public let finalNorm: LayerNorm<Float>?
    public let placement: ModelConfig.LayerNormPlacement

    /// x: [T, C] → [T, C]. Trace names: TransformerLens' (`hook_resid_pre`, `ln1.hook_normalized`,
    /// `attn.*`, `hook_attn_out`, `hook_resid_mid`, `ln2.hook_normalized`, `hook_mlp_out`, `hook_resid_post`).
    public func forward(_ x: [Float], trace: TraceScope? = nil) -> [Float] {
        let C = selfAttention.dModel
        let shape = [x.count / C, C], axes = Axes.sourceRows
        trace?.record("hook_resid_pre", x, shape: shape, axes: axes)
        let attn = residual(x, placement: placement, norm: selfAttentionNorm) {
            selfAttention.forward($0, memory: $0, causal: false, trace: trace?.scope("attn"))
        }
        recordResidual(trace, attn, sublayerName: "hook_attn_out", sumName: "hook_resid_mid", lnName: "ln1", shape: shape, axes: axes)
        guard let feedForward else {
            // No feed-forward block: the block ends here.
            trace?.record("hook_resid_post", attn.stream, shape: shape, axes: axes)
            return attn.stream
        }
        let mlp = residual(attn.stream, placement: placement, norm: finalNorm) { feedForward.forward($0) }
        recordResidual(trace, mlp, sublayerName: "hook_mlp_out", sumName: "hook_resid_post", lnName: "ln2", shape: shape, axes: axes)
        return mlp.stream
    }
}

/// The encoder stack: `encoder_input` [T, C] → `encoder_output` [T, C]. With pre-norm layers a last
/// layer norm follows the stack.
public struct Encoder: Sendable {
    public var layers: [EncoderLayer]
    public let finalNorm: LayerNorm<Float>?

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
