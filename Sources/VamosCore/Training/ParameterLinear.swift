/// A linear layer whose weight and bias are slots of training's `Parameters` (Float to train,
/// Double for the gradient checks): the `LinearMap` the layers are built over when they train.
/// `backward` adds into the slots' gradients (none when the model computes input gradients only).
public struct ParameterLinear<F: Scalar>: TrainableLinearMap {
    let model: TrainingModel<F>
    /// The checkpoint name without `.weight` / `.bias` (ParameterTree's `prefix`).
    let prefix: String
    public let inFeatures: Int
    public let outFeatures: Int

    public func forward(_ x: [F]) -> [F] {
        model.linear(prefix, x, in: inFeatures, out: outFeatures)
    }

    public func backward(_ dy: [F], input x: [F]) -> [F] {
        model.linearBack(prefix, dy, x: x, in: inFeatures, out: outFeatures)
    }
}
