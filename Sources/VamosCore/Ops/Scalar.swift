import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The number types the math runs in: Float everywhere (stages, training), Double where a check
/// needs more precision than float32 has (the gradient check compares finite differences of the
/// loss, which float32 rounding would swamp). One generic code path serves both.
public protocol Scalar: BinaryFloatingPoint, Sendable {
    /// C = op(A)·op(B) (+ C when beta is 1), row-major, every element in the kernels' canonical order.
    static func gemm(transA: Bool, transB: Bool, M: Int, N: Int, K: Int,
                     A: UnsafePointer<Self>, lda: Int, B: UnsafePointer<Self>, ldb: Int,
                     beta: Self, C: UnsafeMutablePointer<Self>, ldc: Int)
    /// C[M, N] = A[M, K] · B[N, K]ᵀ + bias[N]: each element the canonical dot product, then + bias
    /// (the same two roundings as the product followed by a separate bias addition).
    static func linear(M: Int, N: Int, K: Int, A: UnsafePointer<Self>, B: UnsafePointer<Self>,
                       bias: UnsafePointer<Self>, C: UnsafeMutablePointer<Self>)
    /// Layer normalization of rows [r0, r1) (CKernels/layernorm.c; the formulas in LayerNorm.swift).
    static func layerNormForwardRows(x: UnsafePointer<Self>, gamma: UnsafePointer<Self>, beta: UnsafePointer<Self>,
                                     eps: Self, C: Int, rows: Range<Int>, y: UnsafeMutablePointer<Self>,
                                     xhat: UnsafeMutablePointer<Self>, rstd: UnsafeMutablePointer<Self>)
    static func layerNormBackwardRows(dy: UnsafePointer<Self>, xhat: UnsafePointer<Self>, rstd: UnsafePointer<Self>,
                                      gamma: UnsafePointer<Self>, C: Int, rows: Range<Int>, dx: UnsafeMutablePointer<Self>)
    static func layerNormParameterGradients(dy: UnsafePointer<Self>, xhat: UnsafePointer<Self>, rows: Int, C: Int,
                                            columns: Range<Int>, dGamma: UnsafeMutablePointer<Self>,
                                            dBeta: UnsafeMutablePointer<Self>)
    /// out[j] += Σ_r x[r, j] for j in `columns`, each sum in row order (CKernels/layernorm.c).
    static func addColumnSums(x: UnsafePointer<Self>, rows: Int, C: Int, columns: Range<Int>, into out: UnsafeMutablePointer<Self>)
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func erf(_ x: Self) -> Self
    static func tanh(_ x: Self) -> Self
}

extension Float: Scalar {
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, M: Int, N: Int, K: Int, A: UnsafePointer<Float>, lda: Int,
                            B: UnsafePointer<Float>, ldb: Int, beta: Float, C: UnsafeMutablePointer<Float>, ldc: Int) {
        vamos_sgemm(transA ? 1 : 0, transB ? 1 : 0, Int64(M), Int64(N), Int64(K), A, Int64(lda), B, Int64(ldb),
                    C, Int64(ldc), beta == 0 ? 0 : 1)
    }
    @inline(__always)
    public static func linear(M: Int, N: Int, K: Int, A: UnsafePointer<Float>, B: UnsafePointer<Float>,
                              bias: UnsafePointer<Float>, C: UnsafeMutablePointer<Float>) {
        vamos_linear_f32(Int64(M), Int64(N), Int64(K), A, B, bias, C)
    }
    // Vamos' own elementary functions (Sources/CKernels/vamos_math.c): the same bits on every machine.
    public static func layerNormForwardRows(x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>,
                                            eps: Float, C: Int, rows: Range<Int>, y: UnsafeMutablePointer<Float>,
                                            xhat: UnsafeMutablePointer<Float>, rstd: UnsafeMutablePointer<Float>) {
        vamos_layernorm_forward_f32(x, gamma, beta, eps, Int64(C), Int64(rows.lowerBound), Int64(rows.upperBound), y, xhat, rstd)
    }
    public static func layerNormBackwardRows(dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, rstd: UnsafePointer<Float>,
                                             gamma: UnsafePointer<Float>, C: Int, rows: Range<Int>, dx: UnsafeMutablePointer<Float>) {
        vamos_layernorm_backward_f32(dy, xhat, rstd, gamma, Int64(C), Int64(rows.lowerBound), Int64(rows.upperBound), dx)
    }
    public static func layerNormParameterGradients(dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, rows: Int, C: Int,
                                                   columns: Range<Int>, dGamma: UnsafeMutablePointer<Float>,
                                                   dBeta: UnsafeMutablePointer<Float>) {
        vamos_layernorm_params_f32(dy, xhat, Int64(rows), Int64(C), Int64(columns.lowerBound), Int64(columns.upperBound), dGamma, dBeta)
    }
    public static func addColumnSums(x: UnsafePointer<Float>, rows: Int, C: Int, columns: Range<Int>, into out: UnsafeMutablePointer<Float>) {
        vamos_column_sums_f32(x, Int64(rows), Int64(C), Int64(columns.lowerBound), Int64(columns.upperBound), out)
    }
    @inline(__always) public static func exp(_ x: Float) -> Float { vamos_expf(x) }
    @inline(__always) public static func log(_ x: Float) -> Float { vamos_logf(x) }
    @inline(__always) public static func erf(_ x: Float) -> Float { vamos_erff(x) }
    @inline(__always) public static func tanh(_ x: Float) -> Float { vamos_tanhf(x) }
}

extension Double: Scalar {
    @inline(__always)
    public static func gemm(transA: Bool, transB: Bool, M: Int, N: Int, K: Int, A: UnsafePointer<Double>, lda: Int,
                            B: UnsafePointer<Double>, ldb: Int, beta: Double, C: UnsafeMutablePointer<Double>, ldc: Int) {
        vamos_dgemm(transA ? 1 : 0, transB ? 1 : 0, Int64(M), Int64(N), Int64(K), A, Int64(lda), B, Int64(ldb),
                    C, Int64(ldc), beta == 0 ? 0 : 1)
    }
    public static func linear(M: Int, N: Int, K: Int, A: UnsafePointer<Double>, B: UnsafePointer<Double>,
                              bias: UnsafePointer<Double>, C: UnsafeMutablePointer<Double>) {
        gemm(transA: false, transB: true, M: M, N: N, K: K, A: A, lda: K, B: B, ldb: K, beta: 0, C: C, ldc: N)
        for r in 0..<M { for j in 0..<N { C[r * N + j] += bias[j] } }
    }
    public static func layerNormForwardRows(x: UnsafePointer<Double>, gamma: UnsafePointer<Double>, beta: UnsafePointer<Double>,
                                            eps: Double, C: Int, rows: Range<Int>, y: UnsafeMutablePointer<Double>,
                                            xhat: UnsafeMutablePointer<Double>, rstd: UnsafeMutablePointer<Double>) {
        vamos_layernorm_forward_f64(x, gamma, beta, eps, Int64(C), Int64(rows.lowerBound), Int64(rows.upperBound), y, xhat, rstd)
    }
    public static func layerNormBackwardRows(dy: UnsafePointer<Double>, xhat: UnsafePointer<Double>, rstd: UnsafePointer<Double>,
                                             gamma: UnsafePointer<Double>, C: Int, rows: Range<Int>, dx: UnsafeMutablePointer<Double>) {
        vamos_layernorm_backward_f64(dy, xhat, rstd, gamma, Int64(C), Int64(rows.lowerBound), Int64(rows.upperBound), dx)
    }
    public static func layerNormParameterGradients(dy: UnsafePointer<Double>, xhat: UnsafePointer<Double>, rows: Int, C: Int,
                                                   columns: Range<Int>, dGamma: UnsafeMutablePointer<Double>,
                                                   dBeta: UnsafeMutablePointer<Double>) {
        vamos_layernorm_params_f64(dy, xhat, Int64(rows), Int64(C), Int64(columns.lowerBound), Int64(columns.upperBound), dGamma, dBeta)
    }
    public static func addColumnSums(x: UnsafePointer<Double>, rows: Int, C: Int, columns: Range<Int>, into out: UnsafeMutablePointer<Double>) {
        vamos_column_sums_f64(x, Int64(rows), Int64(C), Int64(columns.lowerBound), Int64(columns.upperBound), out)
    }
    @inline(__always) public static func exp(_ x: Double) -> Double { vamos_exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { vamos_log(x) }
    @inline(__always) public static func erf(_ x: Double) -> Double { vamos_erf(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { vamos_tanh(x) }
}
