/// A fully connected layer, weight stored as PyTorch stores it:  y = x · Wᵀ + b
public struct Linear: Sendable {
    public let weight: [Float]   // [out, in]
    public let bias: [Float]?    // [out]
    public let inFeatures: Int
    public let outFeatures: Int

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2)
        self.weight = weight.data
        self.bias = bias?.data
        outFeatures = weight.shape[0]
        inFeatures = weight.shape[1]
    }

    /// x: [rows, in] → [rows, out]
    public func forward(_ x: [Float]) -> [Float] {
        linearForward(x, weight: weight, bias: bias, in: inFeatures, out: outFeatures)
    }
}

/// Linear forward on raw parameters: y[N, out] = x[N, in] · W[out, in]ᵀ + b.
public func linearForward<T: Scalar>(_ x: [T], weight: [T], bias: [T]?, in inFeatures: Int, out outFeatures: Int) -> [T] {
    let rows = x.count / inFeatures
    var y = matmul(x, weight, M: rows, N: outFeatures, K: inFeatures, transposeB: true)
    if let bias {
        for r in 0..<rows { for j in 0..<outFeatures { y[r * outFeatures + j] += bias[j] } }
    }
    return y
}

/// Linear backward:  dx = dy · W,   dW += dyᵀ · x,   db += Σ_rows dy.
public func linearBackward<T: Scalar>(dy: [T], x: [T], weight: [T], in inFeatures: Int, out outFeatures: Int,
                                      dWeight: inout [T], dBias: UnsafeMutableBufferPointer<T>?) -> [T] {
    let rows = dy.count / outFeatures
    var dx = [T](repeating: 0, count: rows * inFeatures)
    dy.withUnsafeBufferPointer { dyp in
        weight.withUnsafeBufferPointer { wp in
            dx.withUnsafeMutableBufferPointer { dxp in
                matmul(dyp.baseAddress!, lda: outFeatures, wp.baseAddress!, ldb: inFeatures, transposeB: false,
                       dxp.baseAddress!, ldc: inFeatures, M: rows, N: inFeatures, K: outFeatures)
            }
            x.withUnsafeBufferPointer { xp in
                dWeight.withUnsafeMutableBufferPointer { dwp in
                    matmul(dyp.baseAddress!, lda: outFeatures, transposeA: true, xp.baseAddress!, ldb: inFeatures,
                           transposeB: false, dwp.baseAddress!, ldc: inFeatures, M: outFeatures, N: inFeatures, K: rows,
                           accumulate: true)
                }
            }
        }
    }
    if let dBias {
        for r in 0..<rows { for j in 0..<outFeatures { dBias[j] += dy[r * outFeatures + j] } }
    }
    return dx
}
