import CBLAS

/// The one matrix product every layer uses (BLAS `sgemm`).
///
///     C[M, N] = op(A) · op(B) (+ C when `accumulate`)
///     op(A) = A, stored [M, K], or Aᵀ with A stored [K, M] (`transposeA`, for weight gradients)
///     op(B) = B, stored [K, N], or Bᵀ with B stored [N, K] (`transposeB`, PyTorch's Linear layout)
///
/// `lda`, `ldb`, `ldc` are row strides, so a head's slice of a `[T, C]` buffer can be used in place.
@inline(__always)
public func matmul(
    _ A: UnsafePointer<Float>, lda: Int, transposeA: Bool = false,
    _ B: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
    _ C: UnsafeMutablePointer<Float>, ldc: Int,
    M: Int, N: Int, K: Int, accumulate: Bool = false
) {
    if M == 0 || N == 0 { return }
    if K == 0 {
        if !accumulate { for i in 0..<M { (C + i * ldc).update(repeating: 0, count: N) } }
        return
    }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        Int32(M), Int32(N), Int32(K),
        1, A, Int32(lda), B, Int32(ldb),
        accumulate ? 1 : 0, C, Int32(ldc))
}

/// `A[M, K] · op(B)` for whole, contiguous buffers.
public func matmul(_ A: [Float], _ B: [Float], M: Int, N: Int, K: Int, transposeB: Bool) -> [Float] {
    precondition(A.count == M * K && B.count == K * N, "matmul: buffer sizes do not match [\(M),\(K)]·[\(K),\(N)]")
    var C = [Float](repeating: 0, count: M * N)
    A.withUnsafeBufferPointer { a in
        B.withUnsafeBufferPointer { b in
            C.withUnsafeMutableBufferPointer { c in
                matmul(a.baseAddress!, lda: K, b.baseAddress!, ldb: transposeB ? K : N, transposeB: transposeB,
                       c.baseAddress!, ldc: N, M: M, N: N, K: K)
            }
        }
    }
    return C
}
