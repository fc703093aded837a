/// Multi-head attention (self-attention, masked decoder self-attention and encoder–decoder attention).
///
///     q = x_q·Wqᵀ + bq,  k = x_kv·Wkᵀ + bk,  v = x_kv·Wvᵀ + bv        — each [T, C] = [T, H, D]
///     s[h, i, j] = sim(q_i, k_j) per head h            (scaled_dot: q·k/√D, dot: q·k, cosine)
///     s[h, i, j] = −max for j > i (subsequentMask, masked self-attention only)
///     p = softmax_j(s);  z_i = Σ_j p[h,i,j] v_j;  out = z·Woᵀ + bo
///
/// Shapes: Tq queries, Tk keys, C = d_model, H heads, D = C / H.
/// Written once for the stages (`MultiHeadAttention<Linear>`, a checkpoint's weights) and for
/// training (`MultiHeadAttention<ParameterLinear<F>>`), the batched forward keeping its caches and
/// the backward pass beside the forward.
public struct MultiHeadAttention<L: LinearMap> {
    public typealias V = L.Value
    public let q: L
    public let k: L
    public let v: L
    public let out: L
    public let heads: Int
    public let similarity: ModelConfig.Similarity
    /// Heads whose output is zeroed before the output projection (HeadAblation.swift).
    public var ablatedHeads: Set<Int> = []
    public var dModel: Int { q.outFeatures }
    public var headDim: Int { dModel / heads }

    public init(q: L, k: L, v: L, out: L, heads: Int, similarity: ModelConfig.Similarity) {
        self.q = q
        self.k = k
        self.v = v
        self.out = out
        self.heads = heads
        self.similarity = similarity
    }
}

extension MultiHeadAttention: Sendable where L: Sendable {}

extension MultiHeadAttention where L.Value == Float {
    /// Attention of `x` [Tq, C] over `memory` [Tk, C] (itself for self-attention).
    public func forward(_ x: [Float], memory: [Float], causal: Bool, trace: TraceScope? = nil) -> [Float] {
        attend(q: q.forward(x), k: k.forward(memory), v: v.forward(memory), causal: causal, trace: trace)
    }

    /// The attention proper, for projected q [Tq, C] and k, v [Tk, C] (see `attentionForward`),
    /// then the output projection. With `causal`, query i sits at position Tk − Tq + i.
    public func attend(q: [Float], k: [Float], v: [Float], causal: Bool, trace: TraceScope? = nil) -> [Float] {
        let C = dModel, H = heads, D = headDim
        let Tq = q.count / C, Tk = k.count / C
        let a = attentionForward(q: q, k: k, v: v, dModel: C, heads: H, similarity: similarity, causal: causal)
        let z = ablate(a.z)                                            // [Tq, C]
        let result = out.forward(z)                                   // [Tq, C]
        if let trace {
            trace.record("hook_q", q, shape: [Tq, H, D], axes: ["query", "head", "d_head"])
            trace.record("hook_k", k, shape: [Tk, H, D], axes: ["key", "head", "d_head"])
            trace.record("hook_v", v, shape: [Tk, H, D], axes: ["key", "head", "d_head"])
            trace.record("hook_attn_scores", a.scores, shape: [H, Tq, Tk], axes: ["head", "query", "key"])
            trace.record("hook_pattern", a.pattern, shape: [H, Tq, Tk], axes: ["head", "query", "key"])
            trace.record("hook_z", z, shape: [Tq, H, D], axes: ["query", "head", "d_head"])
        }
        return result
    }
}

// MARK: packed sequences, keeping what the backward pass needs (training, attributions)

extension MultiHeadAttention {
    /// What `backward` needs of `forward(_:queries:memory:keys:…)`.
    public struct Cache {
        var hq: [V]                          // [rows(queries), C] the q projection's input
        var hkv: [V]                         // [rows(keys), C] the k and v projections' input
        var k: [V], v: [V]                   // [rows(keys), C]
        var acts: [AttentionActivations<V>]  // per sequence
        var z: [V]                           // [rows(queries), C]
        var queries: PackedSequences, keys: PackedSequences
    }

    /// Sequences packed in h (`queries`: sequence s is rows queries.ranges[s]) attend over their own
    /// rows of memory (`keys`; memory is h itself for self-attention), every key of a sequence
    /// unmasked (with `causal`, query i of a sequence sees its keys up to i). The projections run
    /// once over all rows; the attention proper (`attentionForward`) per sequence, one per task.
    public func forward(_ h: [V], queries: PackedSequences, memory: [V], keys: PackedSequences, causal: Bool, keep: Bool)
        -> (y: [V], cache: Cache?) {
        let q = self.q.forward(h), k = self.k.forward(memory), v = self.v.forward(memory)
        let (z, acts) = attendSequences(q: q, k: k, v: v, queries: queries.ranges, keys: keys.ranges, causal: causal,
                                        keep: keep)
        let za = ablate(z)                                                  // the output projection's input
        let y = out.forward(za)                                             // [rows(queries), C]
        return (y, keep ? Cache(hq: h, hkv: memory, k: k, v: v, acts: acts, z: za, queries: queries, keys: keys) : nil)
    }

    /// The attention proper (`attentionForward`) of sequences whose rows lie side by side: sequence
    /// s's queries are rows `queries[s]` of q [rows, C], its keys and values rows `keys[s]` of k, v
    /// (all of them unmasked; with `causal`, query i sees keys up to i). One sequence per task; z has each
    /// sequence's rows where its queries are, so every sequence gets the bits it gets alone. With
    /// `keep`, also each sequence's activations (for the backward pass).
    func attendSequences(q: [V], k: [V], v: [V], queries: [Range<Int>], keys: [Range<Int>], causal: Bool, keep: Bool)
        -> (z: [V], activations: [AttentionActivations<V>]) {
        let C = dModel, H = heads, S = queries.count
        var found = [AttentionActivations<V>?](repeating: nil, count: keep ? S : 0)
        var z = [V](repeating: 0, count: q.count)                         // [rows, C]
        found.withUnsafeMutableBufferPointer { acts in
            z.withUnsafeMutableBufferPointer { zp in
                parallelFor(S) { s in  // each sequence writes its own rows of z (and its own slot)
                    let qr = queries[s], kr = keys[s]
                    let a = attentionForward(q: Array(q[(qr.lowerBound * C)..<(qr.upperBound * C)]),
                                             k: Array(k[(kr.lowerBound * C)..<(kr.upperBound * C)]),
                                             v: Array(v[(kr.lowerBound * C)..<(kr.upperBound * C)]),
                                             dModel: C, heads: H, similarity: similarity, causal: causal)
                    for i in 0..<a.z.count { zp[qr.lowerBound * C + i] = a.z[i] }
                    if keep { acts[s] = a }
                }
            }
        }
        return (z, found.map { $0! })
    }
}

extension MultiHeadAttention where L: TrainableLinearMap {
    /// d(h) from d(out) of `forward(_:queries:memory:keys:…)`, adding the projections' gradients;
    /// d(memory) goes into `dMemory` when given (encoder–decoder attention), else into d(h)
    /// (self-attention: memory = h).
    public func backward(_ dOut: [V], _ a: Cache, dMemory: UnsafeMutableBufferPointer<V>?) -> [V] {
        let C = dModel, H = heads
        let dz = ablate(out.backward(dOut, input: a.z))                    // [rows(queries), C] (ablated heads: 0)
        // Every element is written below (each sequence's rows by its task): no zero-filling first.
        var dq = [V](unsafeUninitializedCapacity: a.hq.count) { $1 = a.hq.count }
        var dk = [V](unsafeUninitializedCapacity: a.hkv.count) { $1 = a.hkv.count }
        var dv = [V](unsafeUninitializedCapacity: a.hkv.count) { $1 = a.hkv.count }
        dq.withUnsafeMutableBufferPointer { dqp in
            dk.withUnsafeMutableBufferPointer { dkp in
                dv.withUnsafeMutableBufferPointer { dvp in
                    parallelFor(a.queries.count) { s in  // independent sequences, as in the forward pass
                        let qr = (a.queries.ranges[s].lowerBound * C)..<(a.queries.ranges[s].upperBound * C)
                        let kr = (a.keys.ranges[s].lowerBound * C)..<(a.keys.ranges[s].upperBound * C)
                        let g = attentionBackward(dz: Array(dz[qr]), v: Array(a.v[kr]), activations: a.acts[s],
                                                  dModel: C, heads: H, similarity: similarity)
                        for i in 0..<qr.count { dqp[qr.lowerBound + i] = g.dq[i] }
                        for i in 0..<kr.count { dkp[kr.lowerBound + i] = g.dk[i]; dvp[kr.lowerBound + i] = g.dv[i] }
                    }
                }
            }
        }
        var dh = q.backward(dq, input: a.hq)
        let dkv1 = k.backward(dk, input: a.hkv)
        let dkv2 = v.backward(dv, input: a.hkv)
        if let dMemory {
            addSumInPlace(UnsafeMutableBufferPointer(rebasing: dMemory[0..<dkv1.count]), dkv1, dkv2)
        } else {
            dh.withUnsafeMutableBufferPointer { addSumInPlace($0, dkv1, dkv2) }
        }
        return dh
    }
}

extension MultiHeadAttention {
    /// The attention `spec` of the ParameterTree, its projections made by `linear`.
    init(_ spec: ParameterTree.Attention, config c: ModelConfig, linear: (ParameterTree.Linear) throws -> L) rethrows {
        self.init(q: try linear(spec.q), k: try linear(spec.k), v: try linear(spec.v), out: try linear(spec.out),
                  heads: spec.heads, similarity: c.similarity)
    }
}
