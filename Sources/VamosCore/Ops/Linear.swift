/// A fully connected layer, weight stored as PyTorch stores it:  y = x · Wᵀ + b
public struct Linear: Sendable {
    public let weight: WeightMatrix  // [out, in], as stored (float32, bfloat16 or float16)
    public let bias: [Float]?        // [out]
    public var inFeatures: Int { weight.cols }
    public var outFeatures: Int { weight.rows }

    public init(weight: WeightMatrix, bias: [Float]?) {
        precondition(bias == nil || bias!.count == weight.rows)
        self.weight = weight
        self.bias = bias
    }

    public init(weight: Tensor, bias: Tensor?) {
        precondition(weight.rank == 2)
        self.init(weight: WeightMatrix(weight.data, rows: weight.shape[0], cols: weight.shape[1]), bias: bias?.data)
    }

    /// x: [rows, in] → [rows, out]:  y = x·Wᵀ + b, each element the canonical dot product plus b
    /// (the same bits as `linearForward` on the same float32 values).
    public func forward(_ x: [Float]) -> [Float] {
        let rows = x.count / inFeatures
        var y = [Float](repeating: 0, count: rows * outFeatures)
        forward(x, into: &y)
        return y
    }

    /// The same into a buffer of rows·out values (decoding reuses its buffers).
    public func forward(_ x: [Float], into y: inout [Float]) {
        let rows = x.count / inFeatures
        precondition(y.count >= rows * outFeatures)
        x.withUnsafeBufferPointer { xp in
            y.withUnsafeMutableBufferPointer { yp in forward(xp.baseAddress!, rows: rows, into: yp.baseAddress!) }
        }
    }

    /// The same on raw buffers: x [rows, in] → y [rows, out].
    public func forward(_ x: UnsafePointer<Float>, rows: Int, into y: UnsafeMutablePointer<Float>) {
        if let bias {
            bias.withUnsafeBufferPointer { weight.multiply(x, rows: rows, bias: $0.baseAddress, into: y) }
        } else {
            weight.multiply(x, rows: rows, bias: nil, into: y)
        }
    }
}

/// Linear forward on raw parameters: y[N, out] = x[N, in] · W[out, in]ᵀ + b.
public func linearForward<T: Scalar>(_ x: [T], weight: [T], bias: [T]?, in inFeatures: Int, out outFeatures: Int) -> [T] {
    let rows = x.count / inFeatures
    guard let bias, rows > 0, inFeatures > 0 else {
        var y = matmul(x, weight, M: rows, N: outFeatures, K: inFeatures, transposeB: true)
        if let bias { for r in 0..<rows { for j in 0..<outFeatures { y[r * outFeatures + j] += bias[j] } } }
        return y
    }
    precondition(weight.count == outFeatures * inFeatures && bias.count == outFeatures)
    return [T](unsafeUninitializedCapacity: rows * outFeatures) { y, count in  // every element written
        x.withUnsafeBufferPointer { xp in
            weight.withUnsafeBufferPointer { wp in
                bias.withUnsafeBufferPointer { bp in
                    T.linear(M: rows, N: outFeatures, K: inFeatures, A: xp.baseAddress!, B: wp.baseAddress!, bias: bp.baseAddress!, C: y.baseAddress!)
                }
            }
        }
        count = rows * outFeatures
    }
}

/// Linear backward:  dx = dy · W,   dW += dyᵀ · x,   db += Σ_rows dy.
public func linearBackward<T: Scalar>(dy: [T], x: [T], weight: [T], in inFeatures: Int, out outFeatures: Int,
                                      dWeight: inout [T], dBias: UnsafeMutableBufferPointer<T>?) -> [T] {
    let rows = dy.count / outFeatures
    if rows == 0 || inFeatures == 0 || outFeatures == 0 { return [T](repeating: 0, count: rows * inFeatures) }
    let dx = [T](unsafeUninitializedCapacity: rows * inFeatures) { dxp, count in  // every element written
        dy.withUnsafeBufferPointer { dyp in
            weight.withUnsafeBufferPointer { wp in
                matmul(dyp.baseAddress!, lda: outFeatures, wp.baseAddress!, ldb: inFeatures, transposeB: false,
                       dxp.baseAddress!, ldc: inFeatures, M: rows, N: inFeatures, K: outFeatures)
            }
        }
        count = rows * inFeatures
    }
    dy.withUnsafeBufferPointer { dyp in
        weight.withUnsafeBufferPointer { wp in
            x.withUnsafeBufferPointer { xp in
                dWeight.withUnsafeMutableBufferPointer { dwp in
                    matmul(dyp.baseAddress!, lda: outFeatures, transposeA: true, xp.baseAddress!, ldb: inFeatures,
                           transposeB: false, dwp.baseAddress!, ldc: inFeatures, M: outFeatures, N: inFeatures, K: rows,
                           accumulate: true)
                }
            }
        }
    }
    if let dBias {  // dbias[j] += Σ_r dy[r, j], in row order; blocks of columns on the threads
        dy.withUnsafeBufferPointer { dyp in
            parallelColumnBlocks(rows: rows, columns: outFeatures) { columns in
                T.addColumnSums(x: dyp.baseAddress!, rows: rows, C: outFeatures, columns: columns, into: dBias.baseAddress!)
            }
        }
    }
    return dx
}
