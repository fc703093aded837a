/// `decode`: tensor `encoder_output` → `target.tokens`, `target.ids` by greedy decoding from
/// `decoder_start_token_id` until `eos_token_id` or `maxLength` generated ids.
/// `trace` adds, per step, the top-k next words (`target.steps`) and the decoder's internals
/// (masked self-attention and encoder–decoder attention patterns, one query row per step).
public struct DecodeStage {
    public let context: StageContext
    public let keep: Bool
    public let trace: Bool
    public let maxLength: Int
    public let topK: Int
    let decoder: Decoder
    let output: OutputProjection

    /// `--force`: the translation to score instead of generating one (nil: greedy decoding).
    public let force: [Int]?
    public let forceText: String?

    public init(context: StageContext, keep: Bool = false, trace: Bool = false, maxLength: Int? = nil, topK: Int = 5,
                force: String? = nil) throws {
        self.context = context
        self.forceText = force
        self.force = try force.map { try DecodeStage.forcedIDs($0, model: context.model) }
        self.keep = keep
        self.trace = trace
        let c = context.model.config
        // config.json's max_length counts the start token (as in transformers); --max-length counts
        // generated ids. The last generated id is never fed back, so max_position_embeddings ids fit.
        self.maxLength = min(maxLength ?? max(1, c.maxLength - 1), c.maxPositionEmbeddings)
        self.topK = topK
        decoder = try context.model.decoder()
        output = try context.model.outputProjection()
    }

    /// `--force` text → target ids: split on white space, each word looked up in the target
    /// vocabulary (`<unk>` if it has one, else an error), the EOS token appended unless the text
    /// already ends with it.
    public static func forcedIDs(_ text: String, model: Model) throws -> [Int] {
        let vocab = model.targetVocabulary, c = model.config
        var ids = try text.split(whereSeparator: { $0.isWhitespace }).map { word -> Int in
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

    public func run(_ doc: inout Document) throws {
        if force != nil { return try runForced(&doc) }
        let memory = try context.sequenceTensor(doc, "encoder_output", producer: "encode")
        context.adopt(&doc)
        let model = context.model
        let steps = try greedyDecode(decoder: decoder, output: output, memory: memory.data, config: model.config,
                                     maxLength: maxLength, topK: topK)
        let vocab = model.targetVocabulary
        // Merge into any target the document already has (a reference, say); a stale text goes.
        var target = doc.side("target")
        target["text"] = nil
        target["steps"] = nil
        target["tokens"] = .array(steps.map { .string(vocab[$0.id]) })
        target["ids"] = .array(steps.map { .int($0.id) })
        if trace {
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
            // The decoder's internals: one teacher-forced pass over the inputs it was fed
            // (start id + every generated id but the last): row i is step i's computation.
            let inputs = [model.config.decoderStartTokenID] + steps.dropLast().map(\.id)
            let t = Trace()
            var state = decoder.start(memory: memory.data)
            _ = try decoder.forward(inputs, state: &state, trace: t)
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
        let t = trace ? Trace() : nil
        let steps = try forcedScores(decoder: decoder, output: output, memory: memory.data, config: model.config,
                                     ids: ids, topK: topK, trace: t)
        // JSON has no −∞: an id generation never picks (the pad) gets the most negative float32.
        func finite(_ v: Float) -> Float { v.isFinite ? v : -.greatestFiniteMagnitude }
        let total = steps.reduce(0.0) { $0 + Double($1.logProbability) }
        var target = doc.side("target")
        target["text"] = nil
        target["steps"] = nil
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
