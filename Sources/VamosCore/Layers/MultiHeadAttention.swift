/// Multi-head attention (self-attention, masked decoder self-attention and encoder–decoder attention).
///
///     q = x_q·Wqᵀ + bq,  k = x_kv·Wkᵀ + bk,  v = x_kv·Wvᵀ + bv        — each [T, C] = [T, H, D]
///     s[h, i, j] = sim(q_i, k_j) per head h            (scaled_dot: q·k/√D, dot: q·k, cosine)
///     s[h, i, j] = −max for j > i (subsequentMask, masked self-attention only)
///     p = softmax_j(s);  z_i = Σ_j p[h,i,j] v_j;  out = z·Woᵀ + bo
///
/// Shapes: Tq queries, Tk keys, C = d_model, H heads, D = C / H.
public struct MultiHeadAttention: Sendable {
    public let q: Linear
    public let k: Linear
    public let v: Linear
    public let out: Linear
    public let heads: Int
    public let similarity: ModelConfig.Similarity
    /// Heads whose output is zeroed before the output projection (HeadAblation.swift).
    public var ablatedHeads: Set<Int> = []
    public var dModel: Int { q.outFeatures }
    public var headDim: Int { dModel / heads }

    /// The value a masked score takes (see `attentionMaskValue`).
    public static let maskValue = attentionMaskValue

    public init(q: Linear, k: Linear, v: Linear, out: Linear, heads: Int, similarity: ModelConfig.Similarity) {
        self.q = q
        self.k = k
        self.v = v
        self.out = out
        self.heads = heads
        self.similarity = similarity
    }

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
