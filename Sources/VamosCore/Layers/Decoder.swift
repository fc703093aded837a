/// One decoder layer: masked self-attention, encoder–decoder attention, then the feed-forward
/// block, each inside a residual connection:
///
///     y ← residual(y, MaskedSelfAttention);   y ← residual(y, EncoderDecoderAttention(·, memory));
///     y ← residual(y, FFN)
///
/// Wired once over arrays (`forward(_:keep:trace:selfAttend:crossAttend:)`), over a checkpoint's
/// weights (`DecoderLayer`, the stages) or training's parameters; each way of running it —
/// incremental decoding with a key/value cache (`--trace`, `--force`, `--layers`), a teacher-forced
/// training batch — only says where the attention's keys and values come from. Generation steps
/// run the same block on reserved buffers (`DecoderSteps`, DecoderStep.swift: no allocation per
/// step); ReferenceTests and DecodeBatchTests hold the two to the same bits.
public struct DecoderBlock<L: LinearMap, N: Normalization> where N.Value == L.Value {
    public typealias V = L.Value
    public var selfAttention: MultiHeadAttention<L>
    public let selfAttentionNorm: N?
    public var crossAttention: MultiHeadAttention<L>
    public let crossAttentionNorm: N?
    public let feedForward: PositionwiseFeedForward<L>?
    public let finalNorm: N?
    public let placement: ModelConfig.LayerNormPlacement

    /// What a layer keeps between decoding steps: the keys and values of every position so far
    /// (so a step costs O(t), not a rerun of the prefix) and the encoder output's keys and values.
    public struct Cache: Sendable {
        public var selfKeys: [V] = []     // [t, C]
        public var selfValues: [V] = []   // [t, C]
        public var crossKeys: [V]         // [T, C]
        public var crossValues: [V]       // [T, C]
    }

    /// What `backward` needs of a kept forward pass: each residual connection's norms and its sublayer's cache.
    public struct Kept {
        var selfAttention: ResidualNorms<V>
        var selfAttentionCache: MultiHeadAttention<L>.Cache?
        var crossAttention: ResidualNorms<V>
        var crossAttentionCache: MultiHeadAttention<L>.Cache?
        var feedForward: (norms: ResidualNorms<V>, cache: PositionwiseFeedForward<L>.Cache)?
    }

    public func makeCache(memory: [V]) -> Cache {
        Cache(crossKeys: crossAttention.k.forward(memory), crossValues: crossAttention.v.forward(memory))
    }

    /// x: [rows, C] → [rows, C]; `selfAttend(h)` and `crossAttend(h)` are the two attentions of the
    /// stream h (normalized first for pre-norm), with their caches when kept. Trace names as in
    /// TransformerLens' encoder–decoder (T5) block: `attn.*` (masked self-attention), `ln1`,
    /// `hook_resid_mid`, `cross_attn.*`, `hook_cross_attn_out`, `ln2`, `hook_resid_mid_cross`,
    /// `hook_mlp_out`, `ln3`, `hook_resid_post`.
    func forward(_ x: [V], keep: Bool, trace: TraceScope?,
                 selfAttend: ([V]) -> ([V], MultiHeadAttention<L>.Cache?),
                 crossAttend: ([V]) -> ([V], MultiHeadAttention<L>.Cache?)) -> (y: [V], kept: Kept?) {
        let C = selfAttention.dModel
        let shape = [x.count / C, C], axes = Axes.targetRows
        trace?.record("hook_resid_pre", x, shape: shape, axes: axes)
        var selfCache: MultiHeadAttention<L>.Cache? = nil, crossCache: MultiHeadAttention<L>.Cache? = nil
        let attn = residual(x, placement: placement, norm: selfAttentionNorm, keep: keep) { h in
            let (o, cache) = selfAttend(h)
            selfCache = cache
            return o
        }
        recordResidual(trace, attn, sublayerName: "hook_attn_out", sumName: "hook_resid_mid", lnName: "ln1", shape: shape, axes: axes)
        let cross = residual(attn.stream, placement: placement, norm: crossAttentionNorm, keep: keep) { h in
            let (o, cache) = crossAttend(h)
            crossCache = cache
            return o
        }
        recordResidual(trace, cross, sublayerName: "hook_cross_attn_out", sumName: "hook_resid_mid_cross", lnName: "ln2",
                       shape: shape, axes: axes)
        func kept(_ feedForward: (norms: ResidualNorms<V>, cache: PositionwiseFeedForward<L>.Cache)?) -> Kept? {
            keep ? Kept(selfAttention: attn.cache!, selfAttentionCache: selfCache, crossAttention: cross.cache!,
                        crossAttentionCache: crossCache, feedForward: feedForward) : nil
        }
        guard let feedForward else {
            // No feed-forward block: the block ends here.
            trace?.record("hook_resid_post", cross.stream, shape: shape, axes: axes)
            return (cross.stream, kept(nil))
        }
        var feedForwardCache: PositionwiseFeedForward<L>.Cache? = nil
        let mlp = residual(cross.stream, placement: placement, norm: finalNorm, keep: keep) { h in
            let (o, cache) = feedForward.forward(h, keep: keep)
            feedForwardCache = cache
            return o
        }
        recordResidual(trace, mlp, sublayerName: "hook_mlp_out", sumName: "hook_resid_post", lnName: "ln3", shape: shape, axes: axes)
        return (mlp.stream, kept(keep ? (mlp.cache!, feedForwardCache!) : nil))
    }

    /// Teacher-forced sequences packed in x [rows, C] (`targets`: no padding) over the encoder output
    /// memory (`sources`: sequence s's rows of memory, packed the same way), each over its own rows
    /// (training, attributions); with `keep`, what `backward` needs.
    public func forward(_ x: [V], targets: PackedSequences, memory: [V], sources: PackedSequences, keep: Bool)
        -> (y: [V], kept: Kept?) {
        forward(x, keep: keep, trace: nil, selfAttend: { h in
            selfAttention.forward(h, queries: targets, memory: h, keys: targets, causal: true, keep: keep)
        }, crossAttend: { h in
            crossAttention.forward(h, queries: targets, memory: memory, keys: sources, causal: false, keep: keep)
        })
    }
}

extension DecoderBlock where L.Value == Float {
    /// x: the next n positions [n, C] → [n, C]; the cache grows by n positions.
    public func forward(_ x: [Float], cache: inout Cache, trace: TraceScope? = nil) -> [Float] {
        var c = cache
        cache.selfKeys = []; cache.selfValues = []  // no second reference: the cache grows in place
        defer { cache = c }
        return forward(x, keep: false, trace: trace, selfAttend: { h in
            c.selfKeys += selfAttention.k.forward(h)
            c.selfValues += selfAttention.v.forward(h)
            return (selfAttention.attend(q: selfAttention.q.forward(h), k: c.selfKeys, v: c.selfValues,
                                         causal: true, trace: trace?.scope("attn")), nil)
        }, crossAttend: { h in
            (crossAttention.attend(q: crossAttention.q.forward(h), k: c.crossKeys, v: c.crossValues,
                                   causal: false, trace: trace?.scope("cross_attn")), nil)
        }).y
    }
}

extension DecoderBlock where L: TrainableLinearMap, N: TrainableNormalization {
    /// d(x) from d(block output) of a kept `forward(_:targets:memory:sources:keep:)`, adding the
    /// block's parameter gradients and d(memory) into `dMemory` (the residual connections in
    /// reverse: FFN, cross, self).
    public func backward(_ dOut: [V], _ kept: Kept, dMemory: inout [V]) -> [V] {
        var dx = dOut
        if let feedForward, let (norms, cache) = kept.feedForward {
            dx = residualBackward(dx, norms, norm: finalNorm) { feedForward.backward($0, cache) }
        }
        dx = residualBackward(dx, kept.crossAttention, norm: crossAttentionNorm) { d in
            dMemory.withUnsafeMutableBufferPointer { dm in
                crossAttention.backward(d, kept.crossAttentionCache!, dMemory: dm)
            }
        }
        return residualBackward(dx, kept.selfAttention, norm: selfAttentionNorm) {
            selfAttention.backward($0, kept.selfAttentionCache!, dMemory: nil)
        }
    }
}

extension DecoderBlock {
    /// The layer `spec` of the ParameterTree, its linear layers and norms made by `linear` and `norm`.
    init(_ spec: ParameterTree.Layer, config c: ModelConfig, linear: (ParameterTree.Linear) throws -> L,
         norm: (ParameterTree.Norm) throws -> N) rethrows {
        self.init(selfAttention: try MultiHeadAttention(spec.selfAttention, config: c, linear: linear),
                  selfAttentionNorm: try spec.selfAttentionNorm.map(norm),
                  crossAttention: try MultiHeadAttention(spec.crossAttention!, config: c, linear: linear),
                  crossAttentionNorm: try spec.crossAttentionNorm.map(norm),
                  feedForward: try spec.feedForward.map { try PositionwiseFeedForward($0, config: c, linear: linear) },
                  finalNorm: try spec.finalNorm.map(norm), placement: c.layerNorm)
    }
}

extension DecoderBlock: Sendable where L: Sendable, N: Sendable {}

/// The stages' decoder layer: a checkpoint's weights.
public typealias DecoderLayer = DecoderBlock<Linear, LayerNorm<Float>>

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

    /// Positions to reserve for decoding up to `maxLength` new ids (`DecoderSteps`): the start id
    /// and every id but the last are fed. Capped, so that an unbounded --max-length does not
    /// reserve gigabytes (past the cap a sequence's storage doubles as it grows).
    public static func cachePositions(maxLength: Int) -> Int { max(0, min(maxLength, 1024)) }

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
