import Foundation

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
    public var dModel: Int { q.outFeatures }
    public var headDim: Int { dModel / heads }

    /// The value a masked score takes (as Hugging Face does): softmax turns it into exactly 0, and
    /// unlike −∞ it can be written in a JSON trace.
    public static let maskValue = -Float.greatestFiniteMagnitude

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

    /// The attention proper, for projected q [Tq, C] and k, v [Tk, C]. With `causal`, query i sits at
    /// position Tk − Tq + i (earlier positions come from a cache) and sees keys 0…that position.
    public func attend(q: [Float], k: [Float], v: [Float], causal: Bool, trace: TraceScope? = nil) -> [Float] {
        let C = dModel, H = heads, D = headDim
        let Tq = q.count / C, Tk = k.count / C
        let offset = Tk - Tq
        var scores = [Float](repeating: 0, count: H * Tq * Tk)       // [H, Tq, Tk]
        var qs = q                                                    // [Tq, C]
        var ks = k                                                    // [Tk, C]
        switch similarity {
        case .scaledDot:
            let scale = Float(1 / Double(D).squareRoot())
            for i in qs.indices { qs[i] *= scale }
        case .dot:
            break
        case .cosine:
            normalizeHeads(&qs, rows: Tq, C: C, D: D)
            normalizeHeads(&ks, rows: Tk, C: C, D: D)
        }
        qs.withUnsafeBufferPointer { qp in
            ks.withUnsafeBufferPointer { kp in
                scores.withUnsafeMutableBufferPointer { sp in
                    for h in 0..<H {
                        matmul(qp.baseAddress! + h * D, lda: C, kp.baseAddress! + h * D, ldb: C, transposeB: true,
                               sp.baseAddress! + h * Tq * Tk, ldc: Tk, M: Tq, N: Tk, K: D)
                    }
                }
            }
        }
        if causal {
            for h in 0..<H {
                for i in 0..<Tq where offset + i + 1 < Tk {
                    for j in (offset + i + 1)..<Tk { scores[(h * Tq + i) * Tk + j] = MultiHeadAttention.maskValue }
                }
            }
        }
        var pattern = scores
        softmaxRows(&pattern, rows: H * Tq, n: Tk)
        var z = [Float](repeating: 0, count: Tq * C)                  // [Tq, H, D]
        pattern.withUnsafeBufferPointer { pp in
            v.withUnsafeBufferPointer { vp in
                z.withUnsafeMutableBufferPointer { zp in
                    for h in 0..<H {
                        matmul(pp.baseAddress! + h * Tq * Tk, lda: Tk, vp.baseAddress! + h * D, ldb: C, transposeB: false,
                               zp.baseAddress! + h * D, ldc: C, M: Tq, N: D, K: Tk)
                    }
                }
            }
        }
        let result = out.forward(z)                                   // [Tq, C]
        if let trace {
            trace.record("hook_q", q, shape: [Tq, H, D], axes: ["query", "head", "d_head"])
            trace.record("hook_k", k, shape: [Tk, H, D], axes: ["key", "head", "d_head"])
            trace.record("hook_v", v, shape: [Tk, H, D], axes: ["key", "head", "d_head"])
            trace.record("hook_attn_scores", scores, shape: [H, Tq, Tk], axes: ["head", "query", "key"])
            trace.record("hook_pattern", pattern, shape: [H, Tq, Tk], axes: ["head", "query", "key"])
            trace.record("hook_z", z, shape: [Tq, H, D], axes: ["query", "head", "d_head"])
        }
        return result
    }

    /// Divides each head's slice of each row by its length (at least 1e-8), for cosine similarity.
    private func normalizeHeads(_ x: inout [Float], rows: Int, C: Int, D: Int) {
        for r in 0..<rows {
            for h in 0..<(C / D) {
                let base = r * C + h * D
                var ss: Float = 0
                for d in 0..<D { ss += x[base + d] * x[base + d] }
                let inv = 1 / max(ss.squareRoot(), 1e-8)
                for d in 0..<D { x[base + d] *= inv }
            }
        }
    }
}
