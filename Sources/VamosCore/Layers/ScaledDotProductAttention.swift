#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one attention call computed, kept for the trace and for the backward pass.
/// Shapes: Tq queries, Tk keys, C = d_model, H heads, D = C / H.
public struct AttentionActivations<T: Scalar>: Sendable {
    public var qs: [T]       // [Tq, C] queries as compared: ·1/√D (scaled_dot) or unit length per head (cosine)
    public var ks: [T]       // [Tk, C] keys as compared (unit length per head for cosine)
    public var qNorms: [T]   // [Tq, H] lengths before normalizing (cosine only)
    public var kNorms: [T]   // [Tk, H]
    public var scores: [T]   // [H, Tq, Tk] similarities, masked entries = maskValue
    public var pattern: [T]  // [H, Tq, Tk] softmax of the scores: the attention weights
    public var z: [T]        // [Tq, C] = [Tq, H, D] weighted sums of the values, heads side by side
}

/// The value a masked score takes (as Hugging Face does): softmax turns it into exactly 0, and
/// unlike −∞ it can be written in a JSON trace.
public let attentionMaskValue = Float.maskValue

extension Scalar {
    /// The most negative finite value: a masked attention score.
    static var maskValue: Self { -Self.greatestFiniteMagnitude }
}

/// The subsequent mask (the Annotated Transformer's `subsequent_mask`): in masked decoder
/// self-attention, query i may attend to key j only when j is not after it. `queries` Tq and `keys`
/// Tk: query i sits at position Tk − Tq + i (the earlier positions came from the cache), so row i
/// allows keys 0 … Tk − Tq + i. [Tq, Tk], row-major, true = may attend.
public func subsequentMask(queries Tq: Int, keys Tk: Int) -> [Bool] {
    var mask = [Bool](repeating: false, count: Tq * Tk)
    for i in 0..<Tq {
        for j in 0..<max(0, min(Tk, Tk - Tq + i + 1)) { mask[i * Tk + j] = true }
    }
    return mask
}

/// Scaled dot-product attention, the attention proper, for projected q [Tq, C] and k, v [Tk, C]:
///
///     s[h, i, j] = sim(q_i, k_j)          scaled_dot: q·k/√D   dot: q·k   cosine: q̂·k̂
///     s[h, i, j] = −max  for j > Tk − Tq + i (causal: subsequentMask)
///     p = softmax_j(s),   z_i = Σ_j p[h, i, j] v_j
///
/// With `causal`, query i sits at position Tk − Tq + i (earlier positions came from a cache).
public func attentionForward<T: Scalar>(q: [T], k: [T], v: [T], dModel C: Int, heads H: Int,
                                        similarity: ModelConfig.Similarity, causal: Bool) -> AttentionActivations<T> {
    let D = C / H
    let Tq = q.count / C, Tk = k.count / C
    var a = AttentionActivations<T>(qs: q, ks: k, qNorms: [], kNorms: [], scores: [T](repeating: 0, count: H * Tq * Tk),
                                    pattern: [], z: [T](repeating: 0, count: Tq * C))
    switch similarity {
    case .scaledDot:
        let scale: T = dotScale(headDim: D)
        for i in a.qs.indices { a.qs[i] *= scale }
    case .dot:
        break
    case .cosine:
        a.qNorms = normalizeHeads(&a.qs, rows: Tq, C: C, D: D)
        a.kNorms = normalizeHeads(&a.ks, rows: Tk, C: C, D: D)
    }
    a.qs.withUnsafeBufferPointer { qp in
        a.ks.withUnsafeBufferPointer { kp in
            a.scores.withUnsafeMutableBufferPointer { sp in
                headScores(q: qp.baseAddress!, k: kp.baseAddress!, queries: Tq, keys: Tk, dModel: C, heads: H, into: sp.baseAddress!)
            }
        }
    }
    if causal {
        let allowed = subsequentMask(queries: Tq, keys: Tk)                                // [Tq, Tk]
        for h in 0..<H {
            for i in 0..<Tq {
                for j in 0..<Tk where !allowed[i * Tk + j] {
                    a.scores[(h * Tq + i) * Tk + j] = T.maskValue                          // after query i
                }
            }
        }
    }
    a.pattern = a.scores
    softmaxRows(&a.pattern, rows: H * Tq, n: Tk)
    a.pattern.withUnsafeBufferPointer { pp in
        v.withUnsafeBufferPointer { vp in
            a.z.withUnsafeMutableBufferPointer { zp in
                headMix(p: pp.baseAddress!, v: vp.baseAddress!, queries: Tq, keys: Tk, dModel: C, heads: H, into: zp.baseAddress!)
            }
        }
    }
    return a
}

/// s[h, i, j] = q_i,h · k_j,h for every head h: q [Tq, C] and k [Tk, C] (row stride C) → s [H, Tq, Tk].
@inline(__always)
func headScores<T: Scalar>(q: UnsafePointer<T>, k: UnsafePointer<T>, queries Tq: Int, keys Tk: Int, dModel C: Int,
                           heads H: Int, into s: UnsafeMutablePointer<T>) {
    let D = C / H
    for h in 0..<H {
        matmul(q + h * D, lda: C, k + h * D, ldb: C, transposeB: true, s + h * Tq * Tk, ldc: Tk, M: Tq, N: Tk, K: D)
    }
}

/// z_i,h = Σ_j p[h, i, j] v_j,h for every head h: p [H, Tq, Tk] and v [Tk, C] → z [Tq, C].
@inline(__always)
func headMix<T: Scalar>(p: UnsafePointer<T>, v: UnsafePointer<T>, queries Tq: Int, keys Tk: Int, dModel C: Int,
                        heads H: Int, into z: UnsafeMutablePointer<T>) {
    let D = C / H
    for h in 0..<H {
        matmul(p + h * Tq * Tk, lda: Tk, v + h * D, ldb: C, transposeB: false, z + h * D, ldc: C, M: Tq, N: D, K: Tk)
    }
}

/// `attentionForward` for one query over Tk keys and values (rows of stride C at `k`, `v`; no
/// mask: for a cached step the query is the last position), on caller buffers: `scratch` holds
/// H·Tk scores, C query values, and for cosine Tk·C keys and H + Tk·H lengths; z gets [C].
/// The same operations in the same order as `attentionForward` with Tq = 1: the same bits.
func attendOne(q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>, keys Tk: Int, dModel C: Int,
               heads H: Int, similarity: ModelConfig.Similarity, scratch: UnsafeMutablePointer<Float>,
               into z: UnsafeMutablePointer<Float>) {
    let D = C / H
    let scores = scratch, qs = scratch + H * Tk
    qs.update(from: q, count: C)
    var ks = k
    switch similarity {
    case .scaledDot:
        let scale: Float = dotScale(headDim: D)
        for i in 0..<C { qs[i] *= scale }
    case .dot:
        break
    case .cosine:
        let unit = qs + C, norms = unit + Tk * C
        unit.update(from: k, count: Tk * C)
        normalizeHeads(qs, rows: 1, C: C, D: D, norms: norms)
        normalizeHeads(unit, rows: Tk, C: C, D: D, norms: norms + H)
        ks = UnsafePointer(unit)
    }
    headScores(q: qs, k: ks, queries: 1, keys: Tk, dModel: C, heads: H, into: scores)
    softmaxRows(scores, rows: H, n: Tk)
    headMix(p: scores, v: v, queries: 1, keys: Tk, dModel: C, heads: H, into: z)
}

/// scaled_dot's 1/√D, rounded once from float64 (the forward pass, `attendOne` and the backward pass).
@inline(__always)
func dotScale<T: Scalar>(headDim D: Int) -> T { T(1 / Double(D).squareRoot()) }

/// Floats `attendOne` needs in `scratch` for up to Tk keys.
func attendOneScratch(keys Tk: Int, dModel C: Int, heads H: Int) -> Int { H * Tk + C + Tk * C + H + Tk * H }

/// The backward pass of `attentionForward`: from dz [Tq, C] to dq [Tq, C], dk, dv [Tk, C].
///
///     dv_h = p_hᵀ · dz_h                        dp_h = dz_h · v_hᵀ
///     ds = p ⊙ (dp − Σ_j dp ⊙ p)               (softmax; masked entries have p = 0, so ds = 0)
///     dq̃_h = ds_h · k̃_h,   dk̃_h = ds_hᵀ · q̃_h  (q̃, k̃ the vectors as compared)
///     scaled_dot: dq = dq̃/√D;  cosine: dx = (dx̂ − x̂ (x̂·dx̂)) / max(‖x‖, 1e-8) per head
public func attentionBackward<T: Scalar>(dz: [T], v: [T], activations a: AttentionActivations<T>, dModel C: Int, heads H: Int,
                                         similarity: ModelConfig.Similarity) -> (dq: [T], dk: [T], dv: [T]) {
    let D = C / H
    let Tq = dz.count / C, Tk = v.count / C
    var dv = [T](repeating: 0, count: Tk * C)
    var dp = [T](repeating: 0, count: H * Tq * Tk)
    var dq = [T](repeating: 0, count: Tq * C)
    var dk = [T](repeating: 0, count: Tk * C)
    dz.withUnsafeBufferPointer { dzp in
        v.withUnsafeBufferPointer { vp in
            a.pattern.withUnsafeBufferPointer { pp in
                dv.withUnsafeMutableBufferPointer { dvp in
                    dp.withUnsafeMutableBufferPointer { dpp in
                        for h in 0..<H {
                            // dv_h[Tk, D] = p_hᵀ[Tk, Tq] · dz_h[Tq, D]
                            matmul(pp.baseAddress! + h * Tq * Tk, lda: Tk, transposeA: true, dzp.baseAddress! + h * D, ldb: C,
                                   transposeB: false, dvp.baseAddress! + h * D, ldc: C, M: Tk, N: D, K: Tq)
                            // dp_h[Tq, Tk] = dz_h[Tq, D] · v_hᵀ
                            matmul(dzp.baseAddress! + h * D, lda: C, vp.baseAddress! + h * D, ldb: C, transposeB: true,
                                   dpp.baseAddress! + h * Tq * Tk, ldc: Tk, M: Tq, N: Tk, K: D)
                        }
                    }
                }
            }
        }
    }
    // softmax backward, row by row: ds = p ⊙ (dp − ⟨dp, p⟩)
    var ds = dp
    for r in 0..<(H * Tq) {
        let base = r * Tk
        var dot: T = 0
        for j in 0..<Tk { dot += dp[base + j] * a.pattern[base + j] }
        for j in 0..<Tk { ds[base + j] = a.pattern[base + j] * (dp[base + j] - dot) }
    }
    ds.withUnsafeBufferPointer { dsp in
        a.qs.withUnsafeBufferPointer { qp in
            a.ks.withUnsafeBufferPointer { kp in
                dq.withUnsafeMutableBufferPointer { dqp in
                    dk.withUnsafeMutableBufferPointer { dkp in
                        for h in 0..<H {
                            matmul(dsp.baseAddress! + h * Tq * Tk, lda: Tk, kp.baseAddress! + h * D, ldb: C, transposeB: false,
                                   dqp.baseAddress! + h * D, ldc: C, M: Tq, N: D, K: Tk)
                            matmul(dsp.baseAddress! + h * Tq * Tk, lda: Tk, transposeA: true, qp.baseAddress! + h * D, ldb: C,
                                   transposeB: false, dkp.baseAddress! + h * D, ldc: C, M: Tk, N: D, K: Tq)
                        }
                    }
                }
            }
        }
    }
    switch similarity {
    case .scaledDot:
        let scale: T = dotScale(headDim: D)
        for i in dq.indices { dq[i] *= scale }
    case .dot:
        break
    case .cosine:
        normalizeHeadsBackward(&dq, unit: a.qs, norms: a.qNorms, rows: Tq, C: C, D: D)
        normalizeHeadsBackward(&dk, unit: a.ks, norms: a.kNorms, rows: Tk, C: C, D: D)
    }
    return (dq, dk, dv)
}

/// x̂ = x / max(‖x‖, 1e-8) for each head's slice of each row, in place; returns the lengths [rows, H].
func normalizeHeads<T: Scalar>(_ x: inout [T], rows: Int, C: Int, D: Int) -> [T] {
    var norms = [T](repeating: 0, count: rows * (C / D))
    guard !x.isEmpty else { return norms }
    x.withUnsafeMutableBufferPointer { xp in
        norms.withUnsafeMutableBufferPointer { normalizeHeads(xp.baseAddress!, rows: rows, C: C, D: D, norms: $0.baseAddress!) }
    }
    return norms
}

/// The same on rows·C values at `x`, the lengths into `norms` [rows, H].
func normalizeHeads<T: Scalar>(_ x: UnsafeMutablePointer<T>, rows: Int, C: Int, D: Int, norms: UnsafeMutablePointer<T>) {
    let H = C / D
    for r in 0..<rows {
        for h in 0..<H {
            let base = r * C + h * D
            var ss: T = 0
            for d in 0..<D { ss += x[base + d] * x[base + d] }
            let n = ss.squareRoot()
            norms[r * H + h] = n
            let inv = 1 / max(n, 1e-8)
            for d in 0..<D { x[base + d] *= inv }
        }
    }
}

/// Backward of `normalizeHeads`: dx = (dx̂ − x̂ ⟨x̂, dx̂⟩) / ‖x‖ (or dx̂ / 1e-8 where the length was clamped).
func normalizeHeadsBackward<T: Scalar>(_ g: inout [T], unit: [T], norms: [T], rows: Int, C: Int, D: Int) {
    let H = C / D
    for r in 0..<rows {
        for h in 0..<H {
            let base = r * C + h * D
            let n = norms[r * H + h]
            if n <= 1e-8 {
                for d in 0..<D { g[base + d] /= 1e-8 }
                continue
            }
            var dot: T = 0
            for d in 0..<D { dot += unit[base + d] * g[base + d] }
            for d in 0..<D { g[base + d] = (g[base + d] - unit[base + d] * dot) / n }
        }
    }
}
