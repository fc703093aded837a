/// Layer normalization over the last axis:
///     LN(x) = (x − mean(x)) / √(var(x) + ε) · γ + β      (var is the biased variance)
///
/// One layer for the stages (`LayerNorm<Float>`, a checkpoint's γ, β) and for training (Float or
/// Double, its parameters' γ, β), the backward pass beside the forward.
public struct LayerNorm<F: Scalar>: Sendable {
    public let gamma: [F]  // [C]
    public let beta: [F]   // [C]
    public let eps: F

    /// What the backward pass needs: x̂ [rows, C] and 1/√(var + ε) [rows].
    public struct Cache: Sendable {
        public var xhat: [F]
        public var rstd: [F]
    }

    public init(gamma: [F], beta: [F], eps: F) {
        precondition(gamma.count == beta.count)
        self.gamma = gamma
        self.beta = beta
        self.eps = eps
    }

    /// x: [rows, C] → [rows, C]
    public func forward(_ x: [F]) -> [F] { forward(x, keep: false).y }

    public func forward(_ x: [F], keep: Bool) -> (y: [F], cache: Cache?) {
        let r = layerNormForward(x, gamma: gamma, beta: beta, eps: eps)
        return (r.y, keep ? Cache(xhat: r.xhat, rstd: r.rstd) : nil)
    }

    /// d(x) from d(LN(x)), adding into dγ and dβ (`layerNormBackward`).
    public func backward(_ dy: [F], _ cache: Cache, dGamma: inout [F], dBeta: inout [F]) -> [F] {
        layerNormBackward(dy: dy, xhat: cache.xhat, rstd: cache.rstd, gamma: gamma, dGamma: &dGamma, dBeta: &dBeta)
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
    // Buffer pointers: the same operations in the same order as indexing, without its checks.
    x.withUnsafeBufferPointer { x in gamma.withUnsafeBufferPointer { gamma in beta.withUnsafeBufferPointer { beta in
    y.withUnsafeMutableBufferPointer { y in xhat.withUnsafeMutableBufferPointer { xhat in rstd.withUnsafeMutableBufferPointer { rstd in
        parallelBlocks(rows, work: rows * C) { r in
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
    } } } } } }
    return (y, xhat, rstd)
}

/// LN backward:  dx = rstd · (g − mean(g) − x̂ · mean(g ⊙ x̂)),  g = dy ⊙ γ;
/// dγ += Σ_rows dy ⊙ x̂,  dβ += Σ_rows dy.
public func layerNormBackward<T: Scalar>(dy: [T], xhat: [T], rstd: [T], gamma: [T],
                                         dGamma: inout [T], dBeta: inout [T]) -> [T] {
    let C = gamma.count
    let rows = dy.count / C
    var dx = [T](repeating: 0, count: dy.count)
    dy.withUnsafeBufferPointer { dy in xhat.withUnsafeBufferPointer { xhat in rstd.withUnsafeBufferPointer { rstd in
    gamma.withUnsafeBufferPointer { gamma in dGamma.withUnsafeMutableBufferPointer { dGamma in
    dBeta.withUnsafeMutableBufferPointer { dBeta in dx.withUnsafeMutableBufferPointer { dx in
        parallelBlocks(rows, work: rows * C) { r in  // dx: rows are independent
            let base = r * C
            var meanG: T = 0, meanGX: T = 0
            for j in 0..<C {
                let g = dy[base + j] * gamma[j]
                meanG += g
                meanGX += g * xhat[base + j]
            }
            meanG /= T(C)
            meanGX /= T(C)
            for j in 0..<C {
                let g = dy[base + j] * gamma[j]
                dx[base + j] = rstd[r] * (g - meanG - xhat[base + j] * meanGX)
            }
        }
        // dγ, dβ: each column's sum in row order; blocks of columns on the threads.
        let columnBlocks = rows * C >= parallelBlockWork ? max(1, min(C / 16, 8)) : 1
        let per = (C + columnBlocks - 1) / columnBlocks
        parallelFor(columnBlocks) { b in
            let j0 = min(C, b * per), j1 = min(C, j0 + per)
            for r in 0..<rows {
                let base = r * C
                for j in j0..<j1 {
                    dGamma[j] += dy[base + j] * xhat[base + j]
                    dBeta[j] += dy[base + j]
                }
            }
        }
    } } } } } } }
    return dx
}

/// What a residual connection normalizes with, whatever holds γ and β: the stages' `LayerNorm<Float>`
/// (a checkpoint's) or training's `ParameterLayerNorm<F>` (slots of `Parameters`), so each block is
/// wired once over either (EncoderBlock, DecoderBlock).
public protocol Normalization {
    associatedtype Value: Scalar
    func forward(_ x: [Value], keep: Bool) -> (y: [Value], cache: LayerNorm<Value>.Cache?)
}

/// A `Normalization` with a backward pass that adds into its own γ, β gradients.
public protocol TrainableNormalization: Normalization {
    func backward(_ dy: [Value], _ cache: LayerNorm<Value>.Cache) -> [Value]
}

extension LayerNorm: Normalization {
    public typealias Value = F
}
