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
        let rows = x.count / inFeatures
        var y = matmul(x, weight, M: rows, N: outFeatures, K: inFeatures, transposeB: true)
        if let bias {
            for r in 0..<rows {
                for j in 0..<outFeatures { y[r * outFeatures + j] += bias[j] }
            }
        }
        return y
    }
}
