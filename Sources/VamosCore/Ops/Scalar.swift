import CKernels
import Foundation

/// The number types the math runs in: Float everywhere (stages, training), Double where a check
/// needs more precision than float32 has (the gradient check compares finite differences of the
/// loss, which float32 rounding would swamp). One generic code path serves both.
public protocol Scalar: BinaryFloatingPoint, Sendable {
    /// C = op(A)·op(B) (+ C when beta is 1), row-major, every element in the kernels' canonical order.
    static func gemm(transA: Bool, transB: Bool, M: Int, N: Int, K: Int,
                     A: UnsafePointer<Self>, lda: Int, B: UnsafePointer<Self>, ldb: Int,
                     beta: Self, C: UnsafeMutablePointer<Self>, ldc: Int)
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
    // Vamos' own elementary functions (Sources/CKernels/vamos_math.c): the same bits on every machine.
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
    @inline(__always) public static func exp(_ x: Double) -> Double { vamos_exp(x) }
    @inline(__always) public static func log(_ x: Double) -> Double { vamos_log(x) }
    @inline(__always) public static func erf(_ x: Double) -> Double { vamos_erf(x) }
    @inline(__always) public static func tanh(_ x: Double) -> Double { vamos_tanh(x) }
}
