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
    var batch = GreedyBatch(decoder: decoder, output: output, config: config, maxLength: maxLength,
                            processors: processors, topK: topK, probabilities: probabilities)
    for m in memories { batch.add(memory: m) }
    while batch.running > 0 { _ = try batch.step() }
    return batch.steps
}

/// Greedy decoding as a running batch that sentences join and leave at any step (continuous
/// batching): `decode` admits documents as they arrive, steps everything running, and writes each
/// sentence as soon as it (and every sentence before it) is done. Whatever joins when, a
/// sentence's steps are the bits it gets alone (`Decoder.step`).
public struct GreedyBatch {
    let decoder: Decoder
    let output: OutputProjection
    let config: ModelConfig
    let maxLength: Int
    let processors: LogitsProcessors
    let topK: Int
    let probabilities: Bool
    private var states: [Decoder.State?] = []
    private var inputs: [[Int]] = []
    /// Each sentence's steps so far, in the order they were added.
    public private(set) var steps: [[DecodeStep]] = []
    private var active: [Int] = []
    /// Added with nothing to generate (maxLength 0): finished at the next step.
    private var finishedEarly: [Int] = []

    public init(decoder: Decoder, output: OutputProjection, config: ModelConfig, maxLength: Int,
                processors: LogitsProcessors, topK: Int = 5, probabilities: Bool = true) {
        self.decoder = decoder
        self.output = output
        self.config = config
        self.maxLength = maxLength
        self.processors = processors
        self.topK = topK
        self.probabilities = probabilities
    }

    /// Sentences still generating.
    public var running: Int { active.count + finishedEarly.count }

    /// Adds a sentence (its encoder output [T, C]); returns its index.
    @discardableResult
    public mutating func add(memory: [Float]) -> Int {
        let i = steps.count
        states.append(decoder.start(memory: memory, reserving: Decoder.cachePositions(maxLength: maxLength)))
        inputs.append([config.decoderStartTokenID])
        steps.append([])
        if maxLength > 0 { active.append(i) } else { states[i] = nil; finishedEarly.append(i) }
        return i
    }

    /// The steps of a finished sentence, handed over once: a long stream keeps nothing of it.
    public mutating func take(_ i: Int) -> [DecodeStep] {
        let s = steps[i]
        steps[i] = []
        inputs[i] = []
        return s
    }

    /// One step of every running sentence; returns the indices of those that finished.
    public mutating func step() throws -> [Int] {
        var finished = finishedEarly
        finishedEarly = []
        guard !active.isEmpty else { return finished }
        let V = output.vocabSize
        var batch: [Decoder.State] = []                      // moved out, so the caches grow in place
        for s in active { batch.append(states[s]!); states[s] = nil }
        let h = try decoder.step(active.map { inputs[$0].last! }, states: &batch)
        let logits = output.forward(h)                       // [active, V]
        var still: [Int] = []
        for (r, s) in active.enumerated() {
            var scores = Array(logits[(r * V)..<((r + 1) * V)])
            processors.apply(&scores, inputIDs: inputs[s])
            let step = probabilities ? pickGreedy(logits: scores, topK: topK) : DecodeStep(id: argmax(scores), probability: 0, top: [])
            steps[s].append(step)
            if step.id != config.eosTokenID && steps[s].count < maxLength {
                inputs[s].append(step.id)
                states[s] = batch[r]
                still.append(s)
            } else {
                finished.append(s)                           // its caches are freed
            }
        }
        active = still
        return finished
    }
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
