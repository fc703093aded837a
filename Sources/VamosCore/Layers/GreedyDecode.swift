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
                         maxLength: Int, processors: LogitsProcessors, topK: Int = 5,
                         probabilities: Bool = true) throws -> [DecodeStep] {
    try greedyDecode(decoder: decoder, output: output, memories: [memory], config: config, maxLength: maxLength,
                     processors: processors, topK: topK, probabilities: probabilities)[0]
}

/// Greedy decoding of several sentences at once (`decode --batch`): every step feeds the next id
/// of each unfinished sentence through the decoder together (`Decoder.step`), so each weight is
/// read once per step for all of them; a sentence leaves the batch at its `</s>`. Each sentence's
/// steps are the bits it gets alone. Without `probabilities` only the ids are computed (no
/// softmax, no top-k): `probability` is 0 and `top` empty.
public func greedyDecode(decoder: Decoder, output: OutputProjection, memories: [[Float]], config: ModelConfig,
                         maxLength: Int, processors: LogitsProcessors, topK: Int = 5,
                         probabilities: Bool = true) throws -> [[DecodeStep]] {
    var states: [Decoder.State?] = memories.map { decoder.start(memory: $0) }
    var inputs = [[Int]](repeating: [config.decoderStartTokenID], count: memories.count)
    var steps = [[DecodeStep]](repeating: [], count: memories.count)
    var active = Array(memories.indices).filter { _ in maxLength > 0 }
    let V = output.vocabSize
    while !active.isEmpty {
        var batch: [Decoder.State] = []                      // moved out, so the caches grow in place
        for s in active { batch.append(states[s]!); states[s] = nil }
        let h = try decoder.step(active.map { inputs[$0].last! }, states: &batch)
        let logits = output.forward(h)                       // [active, V]
        var still: [Int] = []
        for (r, s) in active.enumerated() {
            states[s] = batch[r]
            var scores = Array(logits[(r * V)..<((r + 1) * V)])
            processors.apply(&scores, inputIDs: inputs[s])
            let step = probabilities ? pickGreedy(logits: scores, topK: topK) : DecodeStep(id: argmax(scores), probability: 0, top: [])
            steps[s].append(step)
            if step.id != config.eosTokenID && steps[s].count < maxLength {
                inputs[s].append(step.id)
                still.append(s)
            }
        }
        active = still
    }
    return steps
}

/// The index of the largest value, the lowest index on a tie (as `torch.argmax`).
func argmax(_ x: [Float]) -> Int {
    var best = 0
    for i in x.indices where x[i] > x[best] { best = i }
    return best
}

/// Ids ordered most probable first, the lower id first on a tie (the order of `top`).
func candidateOrder(_ probs: [Float]) -> [Int] {
    probs.indices.sorted { probs[$0] != probs[$1] ? probs[$0] > probs[$1] : $0 < $1 }
}

/// argmax (lowest id on a tie) and the top-k of softmax(logits).
func pickGreedy(logits: [Float], topK: Int) -> DecodeStep {
    var probs = logits
    softmaxRows(&probs, rows: 1, n: probs.count)
    let best = argmax(logits)
    var bestK = TopK(k: min(max(0, topK), logits.count))                               // lower id first on a tie
    if topK > 0 { for i in probs.indices { bestK.offer(probs[i], index: i) } }
    let top = bestK.items.map { (id: $0.index, probability: $0.value) }
    return DecodeStep(id: best, probability: probs[best], top: top)
}
