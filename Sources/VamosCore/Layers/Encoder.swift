/// One encoder layer: self-attention, then the feed-forward block, each inside a residual connection:
///
///     x ← residual(x, SelfAttention);   x ← residual(x, FFN)
///
/// Wired once (`forward(_:keep:trace:attend:)`), over a checkpoint's weights (`EncoderLayer`, the
/// stages) or training's parameters (`EncoderBlock<ParameterLinear<F>, ParameterLayerNorm<F>>`);
/// each way of running it — one sentence, sentences packed side by side (EncoderBatch.swift, and
/// training's batches) — only says which keys the attention sees.
public struct EncoderBlock<L: LinearMap, N: Normalization> where N.Value == L.Value {
    public typealias V = L.Value
    public var selfAttention: MultiHeadAttention<L>
    public let selfAttentionNorm: N?
    public let feedForward: PositionwiseFeedForward<L>?
    public let finalNorm: N?
    public let placement: ModelConfig.LayerNormPlacement

    /// What `backward` needs of a kept forward pass: each residual connection's norms and its sublayer's cache.
    public struct Kept {
        var attention: ResidualNorms<V>
        var attentionCache: MultiHeadAttention<L>.Cache?
        var feedForward: (norms: ResidualNorms<V>, cache: PositionwiseFeedForward<L>.Cache)?
    }

    /// x: [rows, C] → [rows, C]; `attend(h)` is the self-attention of the stream h (normalized first
    /// for pre-norm), with its cache when kept. Trace names: TransformerLens' (`hook_resid_pre`,
    /// `ln1.hook_normalized`, `attn.*`, `hook_attn_out`, `hook_resid_mid`, `ln2.hook_normalized`,
    /// `hook_mlp_out`, `hook_resid_post`).
    func forward(_ x: [V], keep: Bool, trace: TraceScope?, attend: ([V]) -> ([V], MultiHeadAttention<L>.Cache?))
        -> (y: [V], kept: Kept?) {
        let C = selfAttention.dModel
        let shape = [x.count / C, C], axes = Axes.sourceRows
        trace?.record("hook_resid_pre", x, shape: shape, axes: axes)
        var attentionCache: MultiHeadAttention<L>.Cache? = nil
        let attn = residual(x, placement: placement, norm: selfAttentionNorm, keep: keep) { h in
            let (o, cache) = attend(h)
            attentionCache = cache
            return o
        }
        recordResidual(trace, attn, sublayerName: "hook_attn_out", sumName: "hook_resid_mid", lnName: "ln1", shape: shape, axes: axes)
        guard let feedForward else {
            // No feed-forward block: the block ends here.
            trace?.record("hook_resid_post", attn.stream, shape: shape, axes: axes)
            return (attn.stream, keep ? Kept(attention: attn.cache!, attentionCache: attentionCache, feedForward: nil) : nil)
        }
        var feedForwardCache: PositionwiseFeedForward<L>.Cache? = nil
        let mlp = residual(attn.stream, placement: placement, norm: finalNorm, keep: keep) { h in
            let (o, cache) = feedForward.forward(h, keep: keep)
            feedForwardCache = cache
            return o
        }
        recordResidual(trace, mlp, sublayerName: "hook_mlp_out", sumName: "hook_resid_post", lnName: "ln2", shape: shape, axes: axes)
        return (mlp.stream, keep ? Kept(attention: attn.cache!, attentionCache: attentionCache,
                                        feedForward: (mlp.cache!, feedForwardCache!)) : nil)
    }

    /// Sequences packed in x [rows, C] (`sequences`: no padding), each attending over its own rows
    /// (training, attributions); with `keep`, what `backward` needs.
    public func forward(_ x: [V], sequences: PackedSequences, keep: Bool) -> (y: [V], kept: Kept?) {
        forward(x, keep: keep, trace: nil) { h in
            selfAttention.forward(h, queries: sequences, memory: h, keys: sequences, causal: false, keep: keep)
        }
    }
}

extension EncoderBlock where L.Value == Float {
    /// One sentence x: [T, C] → [T, C], recording into `trace`.
    public func forward(_ x: [Float], trace: TraceScope? = nil) -> [Float] {
        forward(x, keep: false, trace: trace) { h in
            (selfAttention.forward(h, memory: h, causal: false, trace: trace?.scope("attn")), nil)
        }.y
    }
}

extension EncoderBlock where L: TrainableLinearMap, N: TrainableNormalization {
    /// d(x) from d(block output) of a kept `forward(_:sequences:keep:)`, adding the block's parameter
    /// gradients (the residual connections in reverse: FFN, then self-attention).
    public func backward(_ dOut: [V], _ kept: Kept) -> [V] {
        var dx = dOut
        if let feedForward, let (norms, cache) = kept.feedForward {
            dx = residualBackward(dx, norms, norm: finalNorm) { feedForward.backward($0, cache) }
        }
        return residualBackward(dx, kept.attention, norm: selfAttentionNorm) {
            selfAttention.backward($0, kept.attentionCache!, dMemory: nil)
        }
    }
}

extension EncoderBlock {
    /// The layer `spec` of the ParameterTree, its linear layers and norms made by `linear` and `norm`
    /// (a checkpoint's weights, or training's parameters).
    init(_ spec: ParameterTree.Layer, config c: ModelConfig, linear: (ParameterTree.Linear) throws -> L,
         norm: (ParameterTree.Norm) throws -> N) rethrows {
        self.init(selfAttention: try MultiHeadAttention(spec.selfAttention, config: c, linear: linear),
                  selfAttentionNorm: try spec.selfAttentionNorm.map(norm),
                  feedForward: try spec.feedForward.map { try PositionwiseFeedForward($0, config: c, linear: linear) },
                  finalNorm: try spec.finalNorm.map(norm), placement: c.layerNorm)
    }
}

extension EncoderBlock: Sendable where L: Sendable, N: Sendable {}

/// The stages' encoder layer: a checkpoint's weights.
public typealias EncoderLayer = EncoderBlock<Linear, LayerNorm<Float>>

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
