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
    let processors = LogitsProcessors(GenerationConfig.vamosDefault(config), eosID: config.eosTokenID,
                                      maxGenerated: maxLength)
    return try greedyDecode(decoder: decoder, output: output, memory: memory, config: config,
                            maxLength: maxLength, processors: processors, topK: topK)
}

/// Greedy decoding as transformers' `generate(num_beams=1, do_sample=False)`: at each step the
/// logits processors (`bad_words_ids`, `forced_eos_token_id`, …) act on the last position's logits,
///
///     scores = processors(inputIDs, logits);  next = argmax(scores)
///
/// until `</s>` or `maxLength` generated ids. `probability` and `top` are softmax(scores).
public func greedyDecode(decoder: Decoder, output: OutputProjection, memory: [Float], config: ModelConfig,
                         maxLength: Int, processors: LogitsProcessors, topK: Int = 5) throws -> [DecodeStep] {
    var state = decoder.start(memory: memory)
    var inputs = [config.decoderStartTokenID]
    var steps: [DecodeStep] = []
    while steps.count < maxLength {
        let h = try decoder.forward([inputs.last!], state: &state)
        var scores = output.forward(h)                               // [V]
        processors.apply(&scores, inputIDs: inputs)
        let step = pickGreedy(logits: scores, topK: topK)
        steps.append(step)
        if step.id == config.eosTokenID { break }
        inputs.append(step.id)
    }
    return steps
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
    var bestK = TopK(k: min(max(0, topK), logits.count))                               // lower id first on a tie
    if topK > 0 { for i in probs.indices { bestK.offer(probs[i], index: i) } }
    let top = bestK.items.map { (id: $0.index, probability: $0.value) }
    return DecodeStep(id: best, probability: probs[best], top: top)
}
