import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The feed-forward block's nonlinearity, applied elementwise in place.
public func activate<T: Scalar>(_ x: inout [T], _ kind: ModelConfig.Activation) {
    let n = x.count
    guard n > 0 else { return }
    x.withUnsafeMutableBufferPointer { activate($0.baseAddress!, count: n, kind) }
}

/// The same on n values at `x` (decoding's reserved buffers); `parallel: false` keeps it on the
/// caller (a decoding step: handing a closure to the threads allocates, and a step must not).
public func activate<T: Scalar>(_ x: UnsafeMutablePointer<T>, count n: Int, _ kind: ModelConfig.Activation,
                                parallel: Bool = true) {
    guard n > 0 else { return }
    func blocks(work: Int, _ body: (Range<Int>) -> Void) {
        if parallel { parallelRanges(n, work: work, body) } else { body(0..<n) }
    }
    switch kind {
    case .relu:  // max(x, 0); −0 stays −0 (x < 0 is false for it)
        blocks(work: n) { r in  // elementwise: blocks on the threads change no bit
            if T.self == Float.self {
                vamos_relu_f32(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self) + r.lowerBound, Int64(r.count))
            } else {
                precondition(T.self == Double.self)
                vamos_relu_f64(UnsafeMutableRawPointer(x).assumingMemoryBound(to: Double.self) + r.lowerBound, Int64(r.count))
            }
        }
    case .gelu:  // x · Φ(x) = ½x(1 + erf(x/√2))
        for i in 0..<n { x[i] = 0.5 * x[i] * (1 + T.erf(x[i] * 0.70710678118654752)) }
    case .geluNew:  // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
        for i in 0..<n {
            let v = x[i]
            x[i] = 0.5 * v * (1 + T.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)))
        }
    case .swish, .silu:  // x · σ(x) = x / (1 + e^−x)
        if T.self == Float.self {
            // The kernel computes exactly the expression below, several elements at a time.
            let q = UnsafeMutableRawPointer(x).assumingMemoryBound(to: Float.self)
            blocks(work: 8 * n) { r in vamos_swish(q + r.lowerBound, Int64(r.count)) }
            return
        }
        for i in 0..<n { x[i] = x[i] / (1 + T.exp(-x[i])) }
    }
}

/// The derivative of the activation at the pre-activation values `x`, times `dy`:  dx = dy · act′(x).
public func activationBackward<T: Scalar>(dy: [T], x: [T], _ kind: ModelConfig.Activation) -> [T] {
    var dx = parallelCopy(dy)
    switch kind {
    case .relu:
        let n = x.count
        guard n > 0 else { return dx }
        x.withUnsafeBytes { xr in
            dx.withUnsafeMutableBytes { dr in
                parallelRanges(n, work: n) { r in
                    if T.self == Float.self {
                        vamos_relu_backward_f32(dr.baseAddress!.assumingMemoryBound(to: Float.self) + r.lowerBound,
                                                xr.baseAddress!.assumingMemoryBound(to: Float.self) + r.lowerBound, Int64(r.count))
                    } else {
                        vamos_relu_backward_f64(dr.baseAddress!.assumingMemoryBound(to: Double.self) + r.lowerBound,
                                                xr.baseAddress!.assumingMemoryBound(to: Double.self) + r.lowerBound, Int64(r.count))
                    }
                }
            }
        }
    case .gelu:  // Φ(x) + x φ(x)
        for i in x.indices {
            let v = x[i]
            let cdf = 0.5 * (1 + T.erf(v * 0.70710678118654752))
            let pdf = T.exp(-0.5 * v * v) * 0.3989422804014327
            dx[i] *= cdf + v * pdf
        }
    case .geluNew:  // ½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3·0.044715x²),  t = tanh(√(2/π)(x + 0.044715x³))
        for i in x.indices {
            let v = x[i]
            let t = T.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))
            let inner: T = 0.7978845608028654 * (1 + 3 * 0.044715 * v * v)
            let slope: T = 0.5 * v * (1 - t * t) * inner
            dx[i] *= 0.5 * (1 + t) + slope
        }
    case .swish, .silu:  // σ(x)(1 + x(1 − σ(x)))
        for i in x.indices {
            let s = 1 / (1 + T.exp(-x[i]))
            dx[i] *= s * (1 + x[i] * (1 - s))
        }
    }
    return dx
}
