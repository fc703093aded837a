/// The one matrix product every layer uses (a BLAS-shaped `gemm` on Vamos' own kernels, CKernels/gemm.c).
///
///     C[M, N] = op(A) · op(B) (+ C when `accumulate`)
///     op(A) = A, stored [M, K], or Aᵀ with A stored [K, M] (`transposeA`, for weight gradients)
///     op(B) = B, stored [K, N], or Bᵀ with B stored [N, K] (`transposeB`, PyTorch's Linear layout)
///
/// `lda`, `ldb`, `ldc` are row strides, so a head's slice of a `[T, C]` buffer can be used in place.
@inline(__always)
public func matmul<T: Scalar>(
    _ A: UnsafePointer<T>, lda: Int, transposeA: Bool = false,
    _ B: UnsafePointer<T>, ldb: Int, transposeB: Bool,
    _ C: UnsafeMutablePointer<T>, ldc: Int,
    M: Int, N: Int, K: Int, accumulate: Bool = false
) {
    if M == 0 || N == 0 { return }
    if K == 0 {
        if !accumulate { for i in 0..<M { (C + i * ldc).update(repeating: 0, count: N) } }
        return
    }
    T.gemm(transA: transposeA, transB: transposeB, M: M, N: N, K: K, A: A, lda: lda, B: B, ldb: ldb,
           beta: accumulate ? 1 : 0, C: C, ldc: ldc)
}

/// `A[M, K] · op(B)` for whole, contiguous buffers.
public func matmul<T: Scalar>(_ A: [T], _ B: [T], M: Int, N: Int, K: Int, transposeB: Bool) -> [T] {
    precondition(A.count == M * K && B.count == K * N, "matmul: buffer sizes do not match [\(M),\(K)]·[\(K),\(N)]")
    if M == 0 || N == 0 { return [] }
    return [T](unsafeUninitializedCapacity: M * N) { c, count in  // every element written (zeros when K = 0)
        A.withUnsafeBufferPointer { a in
            B.withUnsafeBufferPointer { b in
                matmul(a.baseAddress!, lda: K, b.baseAddress!, ldb: transposeB ? K : N, transposeB: transposeB,
                       c.baseAddress!, ldc: N, M: M, N: N, K: K)
            }
        }
        count = M * N
    }
}
