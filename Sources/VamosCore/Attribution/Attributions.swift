/// Which input tokens a translation's words came from, by backpropagation — Inseq's gradient
/// methods, for an encoder–decoder, one sentence at a time:
///
///     g_t = ∂ log p(y_t | y_<t, x) / ∂ e                (InputGradients; e a row of the input)
///     saliency[t, s]             = ‖g_t[s]‖₂
///     input_x_gradient[t, s]     = Σ_d e_s[d] · g_t[s, d]
///     integrated_gradients[t, s] = Σ_d e_s[d] · (1/m) Σ_{k=1..m} g_t[s, d] at (k/m)·e
///                                  (baseline 0, right Riemann sum; source and target inputs scaled together)
///
/// where e_s is row s of `encoder_input` (embeddings + positions) for the source side, and row j of
/// the decoder input (the start token, then the target shifted right) for the target side.
/// The inputs are float32 (as embed | posenc write them); the network runs in Double on the float32
/// weights widened exactly (TrainingModel<Double>), so a confident row — p near 1, where
/// onehot − softmax is small — is not lost to float32 cancellation. Sums over d run in index order
/// in Double; each result is rounded once to float32.
public enum AttributionMethod: String, CaseIterable, Sendable {
    case saliency
    case inputXGradient = "input_x_gradient"
    case integratedGradients = "integrated_gradients"

    /// The tensor names it writes: [target, source] and [target, previous target token].
    public var tensorName: String { "attributions.\(rawValue)" }
    public var targetTensorName: String { "attributions.\(rawValue).target" }
}

public struct Attributions {
    /// [S, T]: one row per target id (the final EOS included), one column per source token.
    public var source: [Float]
    /// [S, S]: one column per decoder input position (start token, y_1, …); 0 past the row (the mask).
    public var target: [Float]
    public var sourceLength: Int
    public var targetLength: Int
    /// [S] log p(y_t | y_<t, x) at the inputs themselves (α = 1).
    public var logProbabilities: [Float]

    /// Several methods on one sentence; saliency and input × gradient share one set of gradients.
    public static func compute(_ methods: [AttributionMethod], model: TrainingModel<Double>, source x: [Float],
                               target y: [Float], labels: [Int], steps: Int = 50) -> [(AttributionMethod, Attributions)] {
        var shared: TrainingModel<Double>.InputGradients? = nil
        return methods.map { method in
            if method != .integratedGradients && shared == nil {
                shared = model.inputGradients(source: x.map(Double.init), target: y.map(Double.init), labels: labels)
            }
            return (method, compute(method, model: model, source: x, target: y, labels: labels, steps: steps, gradients: shared))
        }
    }

    /// `source` x [T, C] = encoder_input, `target` y [S, C] = decoder input, `labels` [S] = target.ids;
    /// `gradients`: the inputs' gradients when already computed (saliency, input × gradient).
    public static func compute(_ method: AttributionMethod, model: TrainingModel<Double>, source x: [Float],
                               target y: [Float], labels: [Int], steps: Int = 50,
                               gradients: TrainingModel<Double>.InputGradients? = nil) -> Attributions {
        let C = model.parameters.config.dModel, T = x.count / C, S = y.count / C
        func plain() -> TrainingModel<Double>.InputGradients {
            gradients ?? model.inputGradients(source: x.map(Double.init), target: y.map(Double.init), labels: labels)
        }
        switch method {
        case .saliency:
            let g = plain()
            return Attributions(source: reduce(g.source, rows: T, C) { gs, _ in norm(gs) },
                                target: reduce(g.target, rows: S, C) { gs, _ in norm(gs) },
                                sourceLength: T, targetLength: S, logProbabilities: g.logProbabilities.map(Float.init))
        case .inputXGradient:
            let g = plain()
            return Attributions(source: reduce(g.source, rows: T, C) { gs, s in dot(x, s * C, gs) },
                                target: reduce(g.target, rows: S, C) { gs, j in dot(y, j * C, gs) },
                                sourceLength: T, targetLength: S, logProbabilities: g.logProbabilities.map(Float.init))
        case .integratedGradients:
            precondition(steps >= 1)
            var sumSource = [[Double]](repeating: [Double](repeating: 0, count: T * C), count: S)
            var sumTarget = [[Double]](repeating: [Double](repeating: 0, count: S * C), count: S)
            var logProbabilities: [Float] = []
            for k in 1...steps {
                let alpha = Float(k) / Float(steps)
                let g = model.inputGradients(source: x.map { Double($0 * alpha) }, target: y.map { Double($0 * alpha) },
                                             labels: labels)
                if k == steps { logProbabilities = g.logProbabilities.map(Float.init) }
                for t in 0..<S {
                    for i in 0..<(T * C) { sumSource[t][i] += g.source[t][i] }
                    for i in 0..<(S * C) { sumTarget[t][i] += g.target[t][i] }
                }
            }
            let m = Double(steps)
            func ig(_ sums: [[Double]], _ e: [Float], rows: Int) -> [Float] {
                var out = [Float](repeating: 0, count: S * rows)
                for t in 0..<S {
                    for r in 0..<rows {
                        var acc = 0.0
                        for d in 0..<C { acc += Double(e[r * C + d]) * (sums[t][r * C + d] / m) }
                        out[t * rows + r] = Float(acc)
                    }
                }
                return out
            }
            return Attributions(source: ig(sumSource, x, rows: T), target: ig(sumTarget, y, rows: S),
                                sourceLength: T, targetLength: S, logProbabilities: logProbabilities)
        }
    }

    /// [S, rows]: f applied to each row's C gradient components.
    static func reduce(_ grads: [[Double]], rows: Int, _ C: Int, _ f: (ArraySlice<Double>, Int) -> Double) -> [Float] {
        var out = [Float](repeating: 0, count: grads.count * rows)
        for (t, g) in grads.enumerated() {
            for r in 0..<rows { out[t * rows + r] = Float(f(g[(r * C)..<((r + 1) * C)], r)) }
        }
        return out
    }

    static func norm(_ g: ArraySlice<Double>) -> Double {
        var acc = 0.0
        for v in g { acc += v * v }
        return acc.squareRoot()
    }

    static func dot(_ e: [Float], _ offset: Int, _ g: ArraySlice<Double>) -> Double {
        var acc = 0.0
        for (i, v) in g.enumerated() { acc += Double(e[offset + i]) * v }
        return acc
    }
}
