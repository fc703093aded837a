/// All trainable weights of a model, by checkpoint name, with a gradient buffer for each.
public final class Parameters<F: Scalar> {
    public let config: ModelConfig
    /// Names in a fixed order (`ParameterTree.parameters`).
    public let names: [String]
    public let shapes: [String: [Int]]
    public var values: [String: [F]]
    public var grads: [String: [F]]

    public init(config: ModelConfig, values: [String: [F]]) {
        self.config = config
        let list = ParameterTree(config).parameters
        names = list.map(\.name)
        shapes = Dictionary(uniqueKeysWithValues: list.map { ($0.name, $0.shape) })
        self.values = values
        grads = values.mapValues { [F](repeating: 0, count: $0.count) }
    }

    /// Fresh weights: Xavier-uniform linears, N(0, 1/√d_model) embeddings, LN γ = 1, β = 0, biases 0.
    public static func initialized(config: ModelConfig, rng: inout SeededRandom) -> Parameters<F> {
        var values: [String: [F]] = [:]
        for (name, shape) in ParameterTree(config).parameters {
            let n = shape.reduce(1, *)
            var v = [F](repeating: 0, count: n)
            if name.hasSuffix("layer_norm.weight") {
                v = [F](repeating: 1, count: n)
            } else if name.hasSuffix(".bias") || name == CheckpointNames.finalLogitsBias {
                // zeros
            } else if name.contains("embed_tokens") || name == CheckpointNames.shared || name.contains("embed_positions")
                        || name == CheckpointNames.lmHead {
                let std = 1 / Double(config.dModel).squareRoot()
                for i in 0..<n { v[i] = F(Float(rng.normal() * std)) }
            } else {
                let limit = (6 / Double(shape[0] + shape[1])).squareRoot()
                for i in 0..<n { v[i] = F(Float((rng.uniform() * 2 - 1) * limit)) }
            }
            values[name] = v
        }
        return Parameters(config: config, values: values)
    }

    /// The weights of a model directory.
    public static func load(_ model: Model) throws -> Parameters<F> {
        var values: [String: [F]] = [:]
        for (name, shape) in ParameterTree(model.config).parameters {
            // A shared embedding may be stored under either stack's name (as the stages read it).
            let names = name == CheckpointNames.shared
                ? [name, CheckpointNames.embedTokens("encoder"), CheckpointNames.embedTokens("decoder")] : [name]
            values[name] = try model.weight(anyOf: names, shape).data.map { F($0) }
        }
        return Parameters(config: model.config, values: values)
    }

    public func zeroGrads() {
        for name in names { grads[name] = [F](repeating: 0, count: values[name]!.count) }
    }

    public var count: Int { names.reduce(0) { $0 + values[$1]!.count } }

    /// As named float32 tensors, in order (for safetensors).
    public func tensors() -> [(String, Tensor)] {
        names.map { ($0, Tensor(shape: shapes[$0]!, data: values[$0]!.map { Float($0) })) }
    }

    /// The same weights in another number type.
    public func converted<G: Scalar>(to: G.Type) -> Parameters<G> {
        Parameters<G>(config: config, values: values.mapValues { $0.map { G($0) } })
    }

}
