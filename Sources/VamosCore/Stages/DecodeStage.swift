/// `decode`: tensor `encoder_output` → `target.tokens`, `target.ids`, by greedy search or beam search
/// from `decoder_start_token_id` until `eos_token_id` or the length limit — as transformers'
/// `generate` does with the directory's generation_config.json (see `GenerationConfig`), each setting
/// overridable. Beam search adds `target.score` (the winning hypothesis' length-penalized score).
/// `trace` adds, per step, the top-k next words (`target.steps`), for beam search the finished
/// hypotheses (`target.hypotheses`), and the decoder's internals (masked self-attention and
/// encoder–decoder attention patterns, one query row per step).
public struct DecodeStage {
    public let context: StageContext
    public let keep: Bool
    public let trace: Bool
    /// With `trace`: which trace tensors to keep (`--trace-filter`).
    public var traceFilter = TraceFilter.all
    /// Most ids generated (`</s>` included).
    public let maxLength: Int
    public let topK: Int
    /// The search settings in force: generation_config.json (or Vamos' default) with the overrides.
    public let generation: GenerationConfig
    public let processors: LogitsProcessors
    let decoder: Decoder
    /// `--layers a:b` (with `--force`): run only decoder layers a..<b (DecodeLayers.swift).
    public let layers: LayerSlice?
    let output: OutputProjection

    /// What decode writes into `target` (or what a later stage derives from it): removed first, so a
    /// re-decoded document never mixes old and new results.
    static let writtenKeys = ["text", "steps", "score", "hypotheses", "forced"]

    /// `--force`: the translation to score instead of generating one (nil: generate).
    public let force: [Int]?
    public let forceText: String?

    /// `maxLength` counts generated ids (transformers' `max_new_tokens`); the others override the
    /// generation_config.json keys of the same meaning (`num_beams`, `length_penalty`,
    /// `early_stopping`, `no_repeat_ngram_size`).
    public init(context: StageContext, keep: Bool = false, trace: Bool = false, maxLength: Int? = nil, topK: Int = 5,
                beams: Int? = nil, lengthPenalty: Double? = nil, earlyStopping: GenerationConfig.EarlyStopping? = nil,
                noRepeatNgramSize: Int? = nil, force: String? = nil, ablate: [HeadAddress] = [], layers: LayerSlice? = nil) throws {
        self.context = context
        self.forceText = force
        self.force = try force.map { try DecodeStage.forcedIDs($0, model: context.model) }
        self.keep = keep
        self.trace = trace
        let c = context.model.config
        var g = context.model.generation
        if let beams { g.numBeams = beams }
        if let lengthPenalty { g.lengthPenalty = lengthPenalty }
        if let earlyStopping { g.earlyStopping = earlyStopping }
        if let noRepeatNgramSize { g.noRepeatNgramSize = noRepeatNgramSize }
        if !g.ignored.isEmpty {
            context.warn("warning: generation_config.json sets \(g.ignored.map { "'\($0)'" }.joined(separator: ", ")), which Vamos does not implement; decoding without")
        }
        generation = g
        if g.numBeams > 1 && c.decoderVocabSize < 2 {
            throw VamosError("beam search (\(g.numBeams) beams) needs a target vocabulary of at least 2 words; this one has \(c.decoderVocabSize)")
        }
        // config.json's / generation_config.json's max_length counts the start token (as in
        // transformers); --max-length counts generated ids. The last generated id is never fed back,
        // so max_position_embeddings ids fit.
        self.maxLength = min(maxLength ?? g.maxGeneratedIDs, c.maxPositionEmbeddings)
        processors = LogitsProcessors(g, eosID: c.eosTokenID, maxGenerated: self.maxLength)
        self.topK = topK
        decoder = try context.model.decoder().ablating(ablate)
        self.layers = layers
        if let layers {
            guard force != nil else { throw VamosError("--layers needs --force TEXT: the decoder runs in pieces over a given translation (teacher forcing)") }
            _ = try layers.resolve(count: decoder.layers.count, stack: "decoder", after: DecodeStage.scoredAfter)
        }
        output = try context.model.outputProjection()
    }

    /// `--force` text → target ids. A word-level model: split on white space, each word looked up in the target
    /// vocabulary (`<unk>` if it has one, else an error), the EOS token appended unless the text
    /// already ends with it.
    /// A SentencePiece model (opus-mt) encodes the text as transformers encodes labels
    /// (`tokenizer(text_target=…)`), `</s>` appended.
    public static func forcedIDs(_ text: String, model: Model) throws -> [Int] {
        let vocab = model.targetVocabulary, c = model.config
        if let tokenizer = model.tokenizer {
            let ids = try tokenizer.encodeTarget(text).ids
            guard ids.count <= c.maxPositionEmbeddings else {
                throw VamosError("--force: \(ids.count) target tokens (with </s>) exceed max_position_embeddings \(c.maxPositionEmbeddings) of model '\(model.name)'")
            }
            return ids
        }
        var ids = try text.split(whereSeparator: isWordSeparator).map { word -> Int in
            if let id = vocab.id(of: String(word)) { return id }
            if let unk = vocab.unknownID { return unk }
            throw VamosError("--force: unknown word '\(word)': not in the target vocabulary of model '\(model.name)' (\(vocab.count) words, no <unk>)")
        }
        if ids.last != c.eosTokenID { ids.append(c.eosTokenID) }
        guard ids.count <= c.maxPositionEmbeddings else {
            throw VamosError("--force: \(ids.count) target tokens (with <EOS>) exceed max_position_embeddings \(c.maxPositionEmbeddings) of model '\(model.name)'")
        }
        return ids
    }

    /// Whether `stream()` applies: greedy search without trace or --force (beam search already
    /// runs its beams together; the others go one document at a time).
    public var batches: Bool { !trace && force == nil && generation.numBeams <= 1 }

    /// A running batch for `decode`'s stream (continuous batching): documents join with `admit`,
    /// every `step` advances them all, `finished` hands back each one that is done.
    public func stream() -> Stream { Stream(stage: self) }

    public struct Stream: DocumentStream {
        let stage: DecodeStage
        var batch: GreedyBatch
        var docs: [Int: Document] = [:]

        init(stage: DecodeStage) {
            self.stage = stage
            batch = GreedyBatch(decoder: stage.decoder, output: stage.output, config: stage.context.model.config,
                                maxLength: stage.maxLength, processors: stage.processors, topK: stage.topK, probabilities: false)
        }

        public var running: Int { batch.running }

        /// Adds a document; returns its index (documents are numbered in the order admitted).
        public mutating func admit(_ doc: Document) throws -> Int {
            try stage.refusePartialRun(doc)
            let memory = try stage.context.sequenceTensor(doc, "encoder_output", producer: "encode")
            var doc = doc
            stage.context.adopt(&doc)
            let i = batch.add(memory: memory.data)
            docs[i] = doc
            return i
        }

        /// One step of every running document; the ones that finished, as `run` would write them.
        public mutating func step() throws -> [(index: Int, doc: Document)] {
            try batch.step().map { i in
                var doc = docs.removeValue(forKey: i)!
                doc.setSide("target", stage.baseTarget(doc, ids: batch.take(i).map(\.id)))
                if !stage.keep { doc.tensors["encoder_output"] = nil }
                return (i, doc)
            }
        }
    }

    /// `target` with this decode's ids and tokens, stale results removed, other fields kept.
    func baseTarget(_ doc: Document, ids: [Int]) -> JSONObject {
        let vocab = context.model.targetVocabulary
        var target = doc.side("target")
        for key in DecodeStage.writtenKeys { target[key] = nil }
        target["tokens"] = .array(ids.map { .string(vocab[$0]) })
        target["ids"] = .array(ids.map { .int($0) })
        return target
    }

    public func run(_ doc: inout Document) throws {
        try refusePartialRun(doc)
        if force != nil { return try runForced(&doc) }
        let memory = try context.sequenceTensor(doc, "encoder_output", producer: "encode")
        context.adopt(&doc)
        let model = context.model
        let c = model.config
        let vocab = model.targetVocabulary
        var ids: [Int]
        var steps: [DecodeStep] = []
        var hypotheses: [BeamSearch.Hypothesis] = []
        if generation.numBeams <= 1 {
            steps = try greedyDecode(decoder: decoder, output: output, memory: memory.data, config: c,
                                     maxLength: maxLength, processors: processors, topK: topK, probabilities: trace)
            ids = steps.map(\.id)
        } else {
            let search = BeamSearch(beams: generation.numBeams, maxLength: maxLength,
                                    lengthPenalty: generation.lengthPenalty, earlyStopping: generation.earlyStopping,
                                    processors: processors)
            hypotheses = try search.run(decoder: decoder, output: output, memory: memory.data,
                                        startID: c.decoderStartTokenID, eosID: c.eosTokenID)
            ids = hypotheses[0].ids
        }
        // Merge into any target the document already has (a reference, say); a stale text goes.
        var target = baseTarget(doc, ids: ids)
        if !hypotheses.isEmpty { target["score"] = .float(hypotheses[0].score) }
        if trace {
            // The decoder's internals: one teacher-forced pass over the inputs it was fed
            // (start id + every generated id but the last): row i is step i's computation.
            let inputs = [c.decoderStartTokenID] + ids.dropLast()
            let t = Trace(filter: traceFilter)
            var state = decoder.start(memory: memory.data)
            let hidden = try decoder.forward(inputs, state: &state, trace: t)
            if !hypotheses.isEmpty {
                // What the model thought at each position of the winning hypothesis.
                let V = output.vocabSize
                let logits = output.forward(hidden)
                steps = ids.indices.map { i in
                    var scores = Array(logits[(i * V)..<((i + 1) * V)])
                    processors.apply(&scores, inputIDs: Array(inputs[...i]))
                    var step = pickGreedy(logits: scores, topK: topK)
                    var probs = scores
                    softmaxRows(&probs, rows: 1, n: V)
                    step.id = ids[i]
                    step.probability = probs[ids[i]]
                    return step
                }
                target["hypotheses"] = .array(hypotheses.filter(\.finished).map { h in
                    .object(JSONObject([("ids", .array(h.ids.map { .int($0) })), ("score", .float(h.score))]))
                })
            }
            target["steps"] = .array(steps.enumerated().map { i, s in
                .object(JSONObject([
                    ("position", .int(i + 1)),
                    ("id", .int(s.id)), ("token", .string(vocab[s.id])), ("probability", .float(s.probability)),
                    ("top", .array(s.top.map { t in
                        .object(JSONObject([("id", .int(t.id)), ("token", .string(vocab[t.id])),
                                            ("probability", .float(t.probability))]))
                    })),
                ]))
            })
            for (name, tensor) in t.tensors { doc.tensors[name] = tensor }
        }
        doc.setSide("target", target)
        if !keep { doc.tensors["encoder_output"] = nil }
    }

    /// `--force`: one teacher-forced pass over the given translation (`forcedScores`). Writes it as
    /// `target.tokens`/`target.ids`, and `target.forced`: the text, the total log-probability and per
    /// token its probability, log-probability, rank and the top-k candidates. `--trace` adds the
    /// decoder's internals of that same pass.
    func runForced(_ doc: inout Document) throws {
        let memory = try context.sequenceTensor(doc, "encoder_output", producer: "encode")
        context.adopt(&doc)
        let model = context.model, vocab = model.targetVocabulary, ids = force!
        let t = trace ? Trace(filter: traceFilter) : nil
        let steps: [ForcedStep]
        if let layers {
            // A partial run writes decoder_resid (and keeps encoder_output) instead of target.forced.
            guard let s = try forcedLayers(&doc, memory: memory.data, slice: layers, trace: t) else { return }
            steps = s
        } else {
            steps = try forcedScores(decoder: decoder, output: output, memory: memory.data, config: model.config,
                                     ids: ids, processors: processors, topK: topK, trace: t)
        }
        // JSON has no −∞: an id generation never picks (the pad) gets the most negative float32.
        func finite(_ v: Float) -> Float { v.isFinite ? v : -.greatestFiniteMagnitude }
        let total = steps.reduce(0.0) { $0 + Double($1.logProbability) }
        var target = doc.side("target")
        for key in DecodeStage.writtenKeys { target[key] = nil }
        target["tokens"] = .array(ids.map { .string(vocab[$0]) })
        target["ids"] = .array(ids.map { .int($0) })
        target["forced"] = .object(JSONObject([
            ("text", .string(forceText ?? "")),
            ("log_probability", .float(finite(Float(total)))),
            ("steps", .array(steps.enumerated().map { i, s in
                .object(JSONObject([
                    ("position", .int(i + 1)), ("id", .int(s.id)), ("token", .string(vocab[s.id])),
                    ("probability", .float(s.probability)), ("log_probability", .float(finite(s.logProbability))),
                    ("rank", .int(s.rank)),
                    ("top", .array(s.top.map { c in
                        .object(JSONObject([("id", .int(c.id)), ("token", .string(vocab[c.id])),
                                            ("probability", .float(c.probability))]))
                    })),
                ]))
            })),
        ]))
        for (name, tensor) in t?.tensors ?? [] { doc.tensors[name] = tensor }
        doc.setSide("target", target)
        if !keep { doc.tensors["encoder_output"] = nil }
    }
}
