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

    public init(context: StageContext, keep: Bool = false, trace: Bool = false, maxLength: Int? = nil, topK: Int = 5) throws {
        self.context = context
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

    public func run(_ doc: inout Document) throws {
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
}
