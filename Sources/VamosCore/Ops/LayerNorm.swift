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
        layerNormForward(x, gamma: gamma, beta: beta, eps: eps).y
    }
}

/// LN forward, keeping x̂ = (x − mean)/√(var + ε) [rows, C] and 1/√(var + ε) [rows] for the backward
/// pass. Statistics are accumulated in double.
public func layerNormForward<T: Scalar>(_ x: [T], gamma: [T], beta: [T], eps: T)
    -> (y: [T], xhat: [T], rstd: [T]) {
    let C = gamma.count
    let rows = x.count / C
    var y = [T](repeating: 0, count: x.count)
    var xhat = [T](repeating: 0, count: x.count)
    var rstd = [T](repeating: 0, count: rows)
    for r in 0..<rows {
        let base = r * C
        var mean: Double = 0
        for j in 0..<C { mean += Double(x[base + j]) }
        mean /= Double(C)
        var variance: Double = 0
        for j in 0..<C { let d = Double(x[base + j]) - mean; variance += d * d }
        variance /= Double(C)
        let inv = 1 / (variance + Double(eps)).squareRoot()
        rstd[r] = T(inv)
        for j in 0..<C {
            let n = T((Double(x[base + j]) - mean) * inv)
            xhat[base + j] = n
            y[base + j] = n * gamma[j] + beta[j]
        }
    }
    return (y, xhat, rstd)
}

/// LN backward:  dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)),  g = dy ⊙ γ;
/// dγ += Σ_rows dy ⊙ x̂,  dβ += Σ_rows dy.
public func layerNormBackward<T: Scalar>(dy: [T], xhat: [T], rstd: [T], gamma: [T],
                                         dGamma: inout [T], dBeta: inout [T]) -> [T] {
    let C = gamma.count
    let rows = dy.count / C
    var dx = [T](repeating: 0, count: dy.count)
    for r in 0..<rows {
        let base = r * C
        var meanG: T = 0, meanGX: T = 0
        for j in 0..<C {
            let g = dy[base + j] * gamma[j]
            meanG += g
            meanGX += g * xhat[base + j]
            dGamma[j] += dy[base + j] * xhat[base + j]
            dBeta[j] += dy[base + j]
        }
        meanG /= T(C)
        meanGX /= T(C)
        for j in 0..<C {
            let g = dy[base + j] * gamma[j]
            dx[base + j] = rstd[r] * (g - meanG - xhat[base + j] * meanGX)
        }
    }
    return dx
}
