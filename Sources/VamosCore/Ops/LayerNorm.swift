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
/// pass. Per row r (CKernels/layernorm.c, the same loop for Float and Double):
///     mean = (Σ_j x[r, j]) / C,  var = (Σ_j (x[r, j] − mean)²) / C     in Double, j = 0, 1, …
///     inv = 1 / √(var + ε),  x̂[r, j] = T((x[r, j] − mean) · inv),  y[r, j] = x̂[r, j] · γ[j] + β[j]
/// Rows are independent: blocks of rows run on the threads without changing a bit.
public func layerNormForward<T: Scalar>(_ x: [T], gamma: [T], beta: [T], eps: T)
    -> (y: [T], xhat: [T], rstd: [T]) {
    let C = gamma.count
    let rows = x.count / C
    // Every element is written below: no zero-filling first.
    var y = [T](unsafeUninitializedCapacity: x.count) { $1 = x.count }
    var xhat = [T](unsafeUninitializedCapacity: x.count) { $1 = x.count }
    var rstd = [T](unsafeUninitializedCapacity: rows) { $1 = rows }
    x.withUnsafeBufferPointer { x in gamma.withUnsafeBufferPointer { gamma in beta.withUnsafeBufferPointer { beta in
    y.withUnsafeMutableBufferPointer { y in xhat.withUnsafeMutableBufferPointer { xhat in rstd.withUnsafeMutableBufferPointer { rstd in
        parallelRanges(rows, work: rows * C) { range in
            T.layerNormForwardRows(x: x.baseAddress!, gamma: gamma.baseAddress!, beta: beta.baseAddress!, eps: eps,
                                   C: C, rows: range, y: y.baseAddress!, xhat: xhat.baseAddress!, rstd: rstd.baseAddress!)
        }
    } } } } } }
    return (y, xhat, rstd)
}

/// LN backward:  dx = rstd · ((g − mean(g)) − x̂ · mean(g ⊙ x̂)),  g = dy ⊙ γ  (means in T, j = 0, 1, …);
/// dγ += Σ_rows dy ⊙ x̂,  dβ += Σ_rows dy  (each column's sum in row order).
public func layerNormBackward<T: Scalar>(dy: [T], xhat: [T], rstd: [T], gamma: [T],
                                         dGamma: inout [T], dBeta: inout [T]) -> [T] {
    let C = gamma.count
    let rows = dy.count / C
    var dx = [T](unsafeUninitializedCapacity: dy.count) { $1 = dy.count }  // every element written below
    dy.withUnsafeBufferPointer { dy in xhat.withUnsafeBufferPointer { xhat in rstd.withUnsafeBufferPointer { rstd in
    gamma.withUnsafeBufferPointer { gamma in dGamma.withUnsafeMutableBufferPointer { dGamma in
    dBeta.withUnsafeMutableBufferPointer { dBeta in dx.withUnsafeMutableBufferPointer { dx in
        parallelRanges(rows, work: rows * C) { range in  // dx: rows are independent
            T.layerNormBackwardRows(dy: dy.baseAddress!, xhat: xhat.baseAddress!, rstd: rstd.baseAddress!,
                                    gamma: gamma.baseAddress!, C: C, rows: range, dx: dx.baseAddress!)
        }
        // dγ, dβ: blocks of columns on the threads.
        parallelColumnBlocks(rows: rows, columns: C) { columns in
            T.layerNormParameterGradients(dy: dy.baseAddress!, xhat: xhat.baseAddress!, rows: rows, C: C,
                                          columns: columns, dGamma: dGamma.baseAddress!, dBeta: dBeta.baseAddress!)
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
