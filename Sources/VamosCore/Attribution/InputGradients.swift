/// The gradient of each target word's log-probability with respect to the model's inputs — the
/// raw material of every attribution method (Attributions.swift).
///
///     log p(y_t | y_<t, x) = logits_t[y_t] − log Σ_v exp(logits_t[v])     (the model's own softmax,
///                                                                          no logits processors)
///     ∂ log p / ∂ logits_t = onehot(y_t) − softmax(logits_t)             (row t; every other row 0)
///
/// then back through the decoder (giving ∂/∂ decoder input and ∂/∂ encoder output) and the encoder
/// (giving ∂/∂ encoder_input), on the same forward/backward functions `train` uses.
///
/// Shapes: T source positions, S target positions, C d_model, V target vocabulary.
extension TrainingModel {
    public struct InputGradients {
        /// [S] log p(y_t | y_<t, x).
        public var logProbabilities: [F]
        /// S entries of [T, C]: ∂ log p(y_t) / ∂ encoder_input.
        public var source: [[F]]
        /// S entries of [S, C]: ∂ log p(y_t) / ∂ decoder input (rows past t are 0: the mask).
        public var target: [[F]]
    }

    /// One sentence: `source` x [T, C] is encoder_input (embeddings + positions), `target` y [S, C] the
    /// decoder input (embeddings + positions of the start token and labels[0..<S−1]), `labels` [S].
    /// One forward pass, then one backward pass per target position (input gradients only; the
    /// layer norms' parameter gradients it adds on the way are reset to 0).
    public func inputGradients(source x: [F], target y: [F], labels: [Int]) -> InputGradients {
        let C = c.dModel, T = x.count / C, S = y.count / C, V = c.decoderVocabSize
        precondition(labels.count == S && x.count == T * C && y.count == S * C)
        var f = Forward()
        let source = PackedSequences(lengths: [T]), target = PackedSequences(lengths: [S])
        let memory = encoderStack(x, sequences: source, &f)                         // [T, C]
        decoderStack(y, targets: target, memory: memory, sources: source, &f)       // f.logits [S, V]
        var result = InputGradients(logProbabilities: [], source: [], target: [])
        inputGradientsOnly = true                                         // no weight gradients
        defer { inputGradientsOnly = false }
        for t in 0..<S {
            var probs = Array(f.logits[(t * V)..<((t + 1) * V)])          // [V]
            result.logProbabilities.append(Self.logProbability(probs, labels[t]))
            softmaxRows(&probs, rows: 1, n: V)
            var dlogits = [F](repeating: 0, count: S * V)                  // [S, V]
            for v in 0..<V { dlogits[t * V + v] = -probs[v] }
            dlogits[t * V + labels[t]] += 1
            var dMemory = [F](repeating: 0, count: memory.count)           // [T, C]
            let dy = decoderStackBackward(dlogits, f, dMemory: &dMemory)
            result.target.append(dy)
            result.source.append(encoderStackBackward(dMemory, f))
        }
        parameters.zeroGrads()
        return result
    }

    /// log softmax(row)[id] = (row[id] − max) − log Σ exp(row − max), summed in index order.
    static func logProbability(_ row: [F], _ id: Int) -> F {
        var m = -F.infinity
        for v in row where v > m { m = v }
        var sum: F = 0
        for v in row { sum += F.exp(v - m) }
        return (row[id] - m) - F.log(sum)
    }
}
