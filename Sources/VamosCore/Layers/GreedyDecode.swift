/// One generated position: the word picked and the words that came closest.
public struct DecodeStep: Sendable, Equatable {
    public var id: Int
    public var probability: Float
    /// The `k` most probable ids, most probable first (lower id first on a tie).
    public var top: [(id: Int, probability: Float)]

    public static func == (a: DecodeStep, b: DecodeStep) -> Bool {
        a.id == b.id && a.probability == b.probability && a.top.map(\.id) == b.top.map(\.id)
            && a.top.map(\.probability) == b.top.map(\.probability)
    }
}

/// Greedy decoding: start from `decoder_start_token_id` (the explainer's `<EOS>`), and at each step
/// append the most probable next word, until `<EOS>` or `maxLength` generated ids.
///
///     logits = OutputProjection(Decoder(prefix, memory))[last];  next = argmax(logits)
///
/// The pad id is never picked (unless it is also the EOS id); on a tie the lowest id wins, as
/// `torch.argmax` does. Each step feeds only the new id: the decoder's cache holds the rest.
public func greedyDecode(decoder: Decoder, output: OutputProjection, memory: [Float], config: ModelConfig,
                         maxLength: Int, topK: Int = 5) throws -> [DecodeStep] {
    var state = decoder.start(memory: memory)
    var next = config.decoderStartTokenID
    var steps: [DecodeStep] = []
    while steps.count < maxLength {
        let h = try decoder.forward([next], state: &state)
        var logits = output.forward(h)                               // [V]
        maskNeverGenerated(&logits, config: config)
        let step = pickGreedy(logits: logits, topK: topK)
        steps.append(step)
        if step.id == config.eosTokenID { break }
        next = step.id
    }
    return steps
}

/// The ids generation never picks get logit −∞: the pad id, unless it is also the EOS id (as
/// opus-mt's `bad_words_ids: [[pad]]`). Greedy decoding and teacher-forced scoring both use it, so
/// a forced word's probability is the one generation would have seen.
func maskNeverGenerated(_ logits: inout [Float], config: ModelConfig) {
    if let pad = config.padTokenID, pad != config.eosTokenID, pad < logits.count { logits[pad] = -.infinity }
}

/// Ids ordered most probable first, the lower id first on a tie (the order of `top`).
func candidateOrder(_ probs: [Float]) -> [Int] {
    probs.indices.sorted { probs[$0] != probs[$1] ? probs[$0] > probs[$1] : $0 < $1 }
}

/// argmax (lowest id on a tie) and the top-k of softmax(logits).
func pickGreedy(logits: [Float], topK: Int) -> DecodeStep {
    var probs = logits
    softmaxRows(&probs, rows: 1, n: probs.count)
    var best = 0
    for i in logits.indices where logits[i] > logits[best] { best = i }
    let top = candidateOrder(probs).prefix(max(0, topK)).map { (id: $0, probability: probs[$0]) }
    return DecodeStep(id: best, probability: probs[best], top: top)
}
