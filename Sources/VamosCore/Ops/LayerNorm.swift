/// Layer normalization over the last axis:
///     LN(x) = (x − mean(x)) / √(var(x) + ε) · γ + β      (var is the biased variance)
public struct LayerNorm: Sendable {
    public let gamma: [Float]  // [C]
    public let beta: [Float]   // [C]
    public let eps: Float

    public init(gamma: [Float], beta: [Float], eps: Float) {
        precondition(gamma.count == beta.count)
        self.gamma = gamma
        self.beta = beta
        self.eps = eps
    }

    /// x: [rows, C] → [rows, C]
    public func forward(_ x: [Float]) -> [Float] {
        let C = gamma.count
        let rows = x.count / C
        var out = [Float](repeating: 0, count: x.count)
        for r in 0..<rows {
            let base = r * C
            var mean: Double = 0
            for j in 0..<C { mean += Double(x[base + j]) }
            mean /= Double(C)
            var variance: Double = 0
            for j in 0..<C { let d = Double(x[base + j]) - mean; variance += d * d }
            variance /= Double(C)
            let inv = 1 / (variance + Double(eps)).squareRoot()
            for j in 0..<C {
                out[base + j] = Float((Double(x[base + j]) - mean) * inv) * gamma[j] + beta[j]
            }
        }
        return out
    }
}
