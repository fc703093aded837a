/// What a layer multiplies by, whatever holds the weights:  y = x·Wᵀ + b,  x [rows, in] → [rows, out].
/// The stages' `Linear` (a checkpoint's mapped float32/bfloat16/float16 matrix) and training's
/// `ParameterLinear` (a slot of `Parameters`, Float or Double) both are one, so each layer is
/// written once, over either (PositionwiseFeedForward, …).
public protocol LinearMap {
    associatedtype Value: Scalar
    var inFeatures: Int { get }
    var outFeatures: Int { get }
    func forward(_ x: [Value]) -> [Value]
}

/// A `LinearMap` with a backward pass:  dx = dy·W;  dW += dyᵀ·x,  db += Σ_rows dy  (into its gradients).
public protocol TrainableLinearMap: LinearMap {
    func backward(_ dy: [Value], input x: [Value]) -> [Value]
}

extension Linear: LinearMap {
    public typealias Value = Float
}
