/// The layers' parameters as slots of training's `Parameters` (Float to train, Double for the
/// gradient checks): the `LinearMap` and `Normalization` the blocks are built over when they train.
/// Each `backward` adds into its slots' gradients (none when the model computes input gradients only).

/// A linear layer:  y = x·Wᵀ + b  over the slots `weight` and `bias`.
public struct ParameterLinear<F: Scalar>: TrainableLinearMap {
    let model: TrainingModel<F>
    let weight: String
    let bias: String?
    public let inFeatures: Int
    public let outFeatures: Int

    /// The layer `spec` of the ParameterTree (`prefix.weight`, `prefix.bias`).
    init(model: TrainingModel<F>, _ spec: ParameterTree.Linear) {
        self.init(model: model, weight: spec.weight, bias: spec.bias)
    }

    /// Any weight [out, in] and optional bias [out] of the tree (the output layer: a tied embedding).
    init(model: TrainingModel<F>, weight: ParameterTree.Entry, bias: ParameterTree.Entry?) {
        self.model = model
        self.weight = weight.name
        self.bias = bias?.name
        inFeatures = weight.shape[1]
        outFeatures = weight.shape[0]
    }

    public func forward(_ x: [F]) -> [F] {
        linearForward(x, weight: model.parameters.values[weight]!, bias: bias.map { model.parameters.values[$0]! },
                      in: inFeatures, out: outFeatures)
    }

    public func backward(_ dy: [F], input x: [F]) -> [F] {
        model.linearBack(weight: weight, bias: bias, dy, x: x, in: inFeatures, out: outFeatures)
    }
}

/// A layer norm over the slots `prefix.weight` (γ) and `prefix.bias` (β).
public struct ParameterLayerNorm<F: Scalar>: TrainableNormalization {
    let model: TrainingModel<F>
    let prefix: String

    var norm: LayerNorm<F> {
        LayerNorm(gamma: model.parameters.values["\(prefix).weight"]!, beta: model.parameters.values["\(prefix).bias"]!,
                  eps: F(model.parameters.config.layerNormEps))
    }

    public func forward(_ x: [F], keep: Bool) -> (y: [F], cache: LayerNorm<F>.Cache?) { norm.forward(x, keep: keep) }

    public func backward(_ dy: [F], _ cache: LayerNorm<F>.Cache) -> [F] {
        let norm = self.norm
        return model.withGrad("\(prefix).weight") { dGamma in
            model.withGrad("\(prefix).bias") { dBeta in norm.backward(dy, cache, dGamma: &dGamma, dBeta: &dBeta) }
        }
    }
}
