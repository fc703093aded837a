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
/// of each unfinished sentence through the decoder together (`DecoderSteps`), so each weight is
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
/// sentence's steps are the bits it gets alone (`DecoderSteps`). A step allocates nothing beyond
/// what it returns: the caches, the logits [B, V] and every other buffer are reserved when a
/// sentence joins (the batch holds them by reference: it is not meant to be copied).
public struct GreedyBatch {
    let output: OutputProjection
    let config: ModelConfig
    let maxLength: Int
    let processors: LogitsProcessors
    let topK: Int
    let probabilities: Bool
    private let decoder: DecoderSteps
    private var slots: [Int?] = []                   // each sentence's slot while it runs
    private var inputs: [[Int]] = []
    /// Each sentence's steps so far, in the order they were added.
    public private(set) var steps: [[DecodeStep]] = []
    private var active: [Int] = [], still: [Int] = []
    /// Added with nothing to generate (maxLength 0): finished at the next step.
    private var finishedEarly: [Int] = []
    // Reused every step: the rows' ids and slots, the logits [B, V], a row's probabilities [V].
    private var rowIDs: [Int] = [], rowSlots: [Int] = []
    private let logits = Reserved(), probs = Reserved()

    public init(decoder: Decoder, output: OutputProjection, config: ModelConfig, maxLength: Int,
                processors: LogitsProcessors, topK: Int = 5, probabilities: Bool = true) {
        self.decoder = DecoderSteps(decoder: decoder)
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
        let positions = Decoder.cachePositions(maxLength: maxLength)
        inputs.append([config.decoderStartTokenID])
        inputs[i].reserveCapacity(positions + 1)
        steps.append([])
        if maxLength > 0 {
            slots.append(decoder.add(memory: memory, reserving: positions))
            steps[i].reserveCapacity(positions)
            active.append(i)
            let B = active.count, V = output.vocabSize
            rowIDs.reserveCapacity(B); rowSlots.reserveCapacity(B); still.reserveCapacity(B)
            logits.reserve(B * V)
            probs.reserve(V)
        } else {
            slots.append(nil)
            finishedEarly.append(i)
        }
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
        let V = output.vocabSize, B = active.count
        rowIDs.removeAll(keepingCapacity: true)
        rowSlots.removeAll(keepingCapacity: true)
        for s in active { rowIDs.append(inputs[s].last!); rowSlots.append(slots[s]!) }
        let h = try decoder.step(rowIDs, slots: rowSlots)        // all rows in one pass
        output.linear.forward(h, rows: B, into: logits.p)        // [B, V]
        still.removeAll(keepingCapacity: true)
        for (r, s) in active.enumerated() {
            let scores = UnsafeMutableBufferPointer(start: logits.p + r * V, count: V)
            processors.apply(scores, inputIDs: inputs[s], scratch: probs.p)
            let step = probabilities ? pickGreedy(logits: UnsafeBufferPointer(scores), topK: topK, probs: probs.p)
                                     : DecodeStep(id: argmax(scores), probability: 0, top: [])
            steps[s].append(step)
            if step.id != config.eosTokenID && steps[s].count < maxLength {
                inputs[s].append(step.id)
                still.append(s)
            } else {
                decoder.remove(slots[s]!)                        // its slot serves the next sentence
                slots[s] = nil
                finished.append(s)
            }
        }
        swap(&active, &still)
        return finished
    }
}

/// The index of the largest value, the lowest index on a tie (as `torch.argmax`).
func argmax<X: RandomAccessCollection<Float>>(_ x: X) -> Int where X.Index == Int {
    var best = x.startIndex
    for i in x.indices where x[i] > x[best] { best = i }
    return best - x.startIndex
}

/// Ids ordered most probable first, the lower id first on a tie (the order of `top`).
func candidateOrder(_ probs: [Float]) -> [Int] {
    probs.indices.sorted { probs[$0] != probs[$1] ? probs[$0] > probs[$1] : $0 < $1 }
}

/// argmax (lowest id on a tie) and the top-k of softmax(logits).
func pickGreedy(logits: [Float], topK: Int) -> DecodeStep {
    var probs = [Float](repeating: 0, count: logits.count)
    return logits.withUnsafeBufferPointer { l in
        probs.withUnsafeMutableBufferPointer { pickGreedy(logits: l, topK: topK, probs: $0.baseAddress!) }
    }
}

/// The same with the probabilities computed into `probs` (V values).
func pickGreedy(logits: UnsafeBufferPointer<Float>, topK: Int, probs: UnsafeMutablePointer<Float>) -> DecodeStep {
    let V = logits.count
    probs.update(from: logits.baseAddress!, count: V)
    softmaxRows(probs, rows: 1, n: V)
    let best = argmax(logits)
    var bestK = TopK(k: min(max(0, topK), V))                                          // lower id first on a tie
    if topK > 0 { for i in 0..<V { bestK.offer(probs[i], index: i) } }
    let top = bestK.items.map { (id: $0.index, probability: $0.value) }
    return DecodeStep(id: best, probability: probs[best], top: top)
}
