/// `detokenize`: `target.ids` → text. With target.spm (an opus-mt directory): exactly
/// `MarianTokenizer.decode(ids, skip_special_tokens=True)`. Word level: the tokens joined by spaces,
/// punctuation attached as the language writes it (`Punctuation.join`: `¿el hombre come?`), special
/// tokens (EOS, pad and the decoder start token) left out.
public struct DetokenizeStage {
    public let context: StageContext

    public init(context: StageContext) { self.context = context }

    public func text(_ doc: Document) throws -> String {
        let ids = try doc.ids("target", producer: "decode", stage: context.stage)
        var checked = doc
        context.adopt(&checked)  // warns when the document comes from another model
        let c = context.model.config
        let vocab = context.model.targetVocabulary
        let special = Set([c.eosTokenID, c.decoderStartTokenID] + (c.padTokenID.map { [$0] } ?? []))
        var words: [String] = []
        for (i, id) in ids.enumerated() {
            guard id >= 0 && id < vocab.count else {
                throw VamosError("'target.ids[\(i)]' is \(id), outside the target vocabulary (0..<\(vocab.count))")
            }
            if !special.contains(id) { words.append(vocab[id]) }
        }
        if let tokenizer = context.model.tokenizer { return try tokenizer.decode(ids) }
        return Punctuation.join(words)
    }

    /// The document with `target.text` added (for `--json`).
    public func run(_ doc: inout Document) throws {
        let t = try text(doc)
        context.adopt(&doc)
        var target = doc.side("target")
        target["text"] = .string(t)
        doc.setSide("target", target)
    }
}
