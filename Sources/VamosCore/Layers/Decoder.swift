/// One decoder layer: masked self-attention, encoder–decoder attention, then the feed-forward
/// block, each inside a residual connection.
public struct DecoderLayer: Sendable {
    public var selfAttention: MultiHeadAttention<Linear>
    public let selfAttentionNorm: LayerNorm<Float>?
    public var crossAttention: MultiHeadAttention<Linear>
    public let crossAttentionNorm: LayerNorm<Float>?
    public let feedForward: PositionwiseFeedForward<Linear>?
    public let finalNorm: LayerNorm<Float>?
    public let placement: ModelConfig.LayerNormPlacement

    /// What a layer keeps between decoding steps: the keys and values of every position so far
    /// (so a step costs O(t), not a rerun of the prefix) and the encoder output's keys and values.
    public struct Cache: Sendable {
        public var selfKeys: [Float] = []     // [t, C]
        public var selfValues: [Float] = []   // [t, C]
        public var crossKeys: [Float]         // [T, C]
        public var crossValues: [Float]       // [T, C]
    }

    public func makeCache(memory: [Float]) -> Cache {
        Cache(crossKeys: crossAttention.k.forward(memory), crossValues: crossAttention.v.forward(memory))
    }

    /// x: the next n positions [n, C] → [n, C]; the cache grows by n positions. Trace names as in
    /// TransformerLens' encoder–decoder (T5) block: `attn.*` (masked self-attention), `ln1`,
    /// `hook_resid_mid`, `cross_attn.*`, `hook_cross_attn_out`, `ln2`, `hook_resid_mid_cross`,
    /// `hook_mlp_out`, `ln3`, `hook_resid_post`.
    public func forward(_ x: [Float], cache: inout Cache, trace: TraceScope? = nil) -> [Float] {
        let C = selfAttention.dModel
        let shape = [x.count / C, C], axes = Axes.targetRows
        trace?.record("hook_resid_pre", x, shape: shape, axes: axes)
        let attn = residual(x, placement: placement, norm: selfAttentionNorm) { h in
            cache.selfKeys += selfAttention.k.forward(h)
            cache.selfValues += selfAttention.v.forward(h)
            return selfAttention.attend(q: selfAttention.q.forward(h), k: cache.selfKeys, v: cache.selfValues,
                                        causal: true, trace: trace?.scope("attn"))
        }
        recordResidual(trace, attn, sublayerName: "hook_attn_out", sumName: "hook_resid_mid", lnName: "ln1", shape: shape, axes: axes)
        let cross = residual(attn.stream, placement: placement, norm: crossAttentionNorm) { h in
            crossAttention.attend(q: crossAttention.q.forward(h), k: cache.crossKeys, v: cache.crossValues,
                                  causal: false, trace: trace?.scope("cross_attn"))
        }
        recordResidual(trace, cross, sublayerName: "hook_cross_attn_out", sumName: "hook_resid_mid_cross", lnName: "ln2",
                       shape: shape, axes: axes)
        guard let feedForward else {
            // No feed-forward block: the block ends here.
            trace?.record("hook_resid_post", cross.stream, shape: shape, axes: axes)
            return cross.stream
        }
        let mlp = residual(cross.stream, placement: placement, norm: finalNorm) { feedForward.forward($0) }
        recordResidual(trace, mlp, sublayerName: "hook_mlp_out", sumName: "hook_resid_post", lnName: "ln3", shape: shape, axes: axes)
        return mlp.stream
    }
}

/// The decoder: target ids → embeddings + positions → layers → (final norm) → hidden states.
/// Used one step at a time while generating, or on a whole prefix at once (teacher forcing);
/// both give the same numbers because masked self-attention lets position i see only 0…i.
public struct Decoder: Sendable {
    public let embedding: Embedding
    public let positions: PositionalEncoding
    public var layers: [DecoderLayer]
    public let finalNorm: LayerNorm<Float>?

    public struct State: Sendable {
        public var caches: [DecoderLayer.Cache]
        /// Positions processed so far.
        public var length = 0
    }

    /// Starts decoding against `memory` (the encoder output, [T, C]).
    public func start(memory: [Float]) -> State {
        State(caches: layers.map { $0.makeCache(memory: memory) })
    }

    /// Feeds the next target ids; returns their hidden states [n, C].
    public func forward(_ ids: [Int], state: inout State, trace: Trace? = nil) throws -> [Float] {
        let h = try input(ids, start: state.length, trace: trace)
        return forward(resid: h, layers: 0..<layers.count, state: &state, trace: trace)
    }

    /// The decoder input of the next ids [n, C]: their embeddings plus the positions from `start`.
    public func input(_ ids: [Int], start: Int, trace: Trace? = nil) throws -> [Float] {
        let C = embedding.dModel
        let embedded = try embedding.forward(ids, field: "target.ids")
        let h = try positions.forward(embedded, start: start)
        trace?.record("decoder.hook_embed", embedded, shape: [ids.count, C], axes: ["position", "d_model"])
        trace?.record("decoder.hook_input", h, shape: [ids.count, C], axes: ["position", "d_model"])
        return h
    }

    /// Layers `range` over the residual stream h [n, C] of the next n positions (`decode --layers`);
    /// the final norm belongs to the last layer's step, so running `:k` then `k:` gives what running
    /// all gives. `state.length` advances once the last layer has run.
    public func forward(resid x: [Float], layers range: Range<Int>, state: inout State, trace: Trace? = nil) -> [Float] {
        let C = embedding.dModel, n = x.count / C
        var h = x
        for l in range {
            h = layers[l].forward(h, cache: &state.caches[l], trace: trace.map { TraceScope($0, "decoder.blocks.\(l).") })
        }
        guard range.upperBound == layers.count else { return h }
        if let finalNorm {
            h = finalNorm.forward(h)
            trace?.record("decoder.ln_final.hook_normalized", h, shape: [n, C], axes: ["position", "d_model"])
        }
        state.length += n
        return h
    }
}

/// The final fully connected layer:  logits = y·Uᵀ + b   — [n, C] → [n, V]
public struct OutputProjection: Sendable {
    public let linear: Linear

    public func forward(_ y: [Float]) -> [Float] { linear.forward(y) }
    public var vocabSize: Int { linear.outFeatures }
}
