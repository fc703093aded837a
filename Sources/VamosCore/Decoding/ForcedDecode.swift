/// One position of a teacher-forced translation: how probable the model found the given word.
public struct ForcedStep: Sendable, Equatable {
    public var id: Int
    public var probability: Float
    /// log softmax of the logits at the forced id (−∞ for an id generation never picks, the pad).
    public var logProbability: Float
    /// 1 for the word greedy decoding would pick here; candidates ordered as `top` orders them.
    public var rank: Int
    /// The `k` most probable ids, most probable first (lower id first on a tie).
    public var top: [(id: Int, probability: Float)]

    public static func == (a: ForcedStep, b: ForcedStep) -> Bool {
        a.id == b.id && a.probability == b.probability && a.logProbability == b.logProbability && a.rank == b.rank
            && a.top.map(\.id) == b.top.map(\.id) && a.top.map(\.probability) == b.top.map(\.probability)
    }
}

/// Teacher-forced scoring ("why this word and not that one"): feeds the decoder
/// `[decoder_start_token_id] + ids[:-1]` in one pass (masked self-attention makes row i see only
/// 0…i, so row i is what generation computes at step i) and reads, at each row, the probability,
/// log-probability and rank of `ids[i]` under the same distribution generation uses (the same
/// logits processors — the pad never generated, bad words, … — then softmax). `trace` receives the
/// decoder's internals of that pass.
public func forcedScores(decoder: Decoder, output: OutputProjection, memory: [Float], config: ModelConfig,
                         ids: [Int], processors: LogitsProcessors? = nil, topK: Int = 5,
                         trace: Trace? = nil) throws -> [ForcedStep] {
    let processors = processors ?? LogitsProcessors(GenerationConfig.vamosDefault(config), eosID: config.eosTokenID,
                                                    maxGenerated: Int.max / 2)
    guard !ids.isEmpty else { return [] }
    let inputs = [config.decoderStartTokenID] + ids.dropLast()
    var state = decoder.start(memory: memory)
    let h = try decoder.forward(inputs, state: &state, trace: trace)   // [S, C]
    return forcedScores(hidden: h, output: output, config: config, ids: ids, processors: processors, topK: topK)
}

/// The scoring half of `forcedScores`, from the decoder's hidden states h [S, C] of the inputs
/// `[decoder_start_token_id] + ids[:-1]` (`decode --force --layers` computes them in pieces).
public func forcedScores(hidden h: [Float], output: OutputProjection, config: ModelConfig, ids: [Int],
                         processors: LogitsProcessors? = nil, topK: Int = 5) -> [ForcedStep] {
    let processors = processors ?? LogitsProcessors(GenerationConfig.vamosDefault(config), eosID: config.eosTokenID,
                                                    maxGenerated: Int.max / 2)
    let inputs = [config.decoderStartTokenID] + ids.dropLast()
    let logits = output.forward(h)                                     // [S, V]
    let V = output.vocabSize
    return ids.enumerated().map { i, id in
        var row = Array(logits[(i * V)..<((i + 1) * V)])
        processors.apply(&row, inputIDs: Array(inputs[...i]))
        let logProbs = logSoftmax(row)
        var probs = row
        softmaxRows(&probs, rows: 1, n: V)
        let order = candidateOrder(probs)
        let rank = (order.firstIndex(of: id) ?? V - 1) + 1
        return ForcedStep(id: id, probability: probs[id], logProbability: logProbs[id], rank: rank,
                          top: order.prefix(max(0, topK)).map { (id: $0, probability: probs[$0]) })
    }
}
