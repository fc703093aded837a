/// `tokenize`: a line of text → `source.text`, `source.tokens`, `source.ids`.
/// With source.spm (an opus-mt directory): exactly MarianTokenizer's ids (`MarianTokenizer.encode`);
/// `source.tokens` are the vocabulary's tokens for those ids (`convert_ids_to_tokens`), and the
/// `unknown` list has the pieces the vocabulary lacks (`lowercase` and `add_eos_to_source` do not apply).
/// Word level: the text is split on white space, and punctuation the vocabulary knows is split off a
/// word it does not know whole (`Punctuation`); each word is looked up in the source vocabulary;
/// a word it lacks becomes `<unk>` (an error naming the word when there is no `<unk>`); the
/// `eos_token_id` token is appended (`add_eos_to_source`).
public struct TokenizeStage {
    public let context: StageContext
    public let lowercase: Bool

    public init(context: StageContext, lowercase: Bool? = nil) {
        self.context = context
        self.lowercase = lowercase ?? context.model.config.lowercase
    }

    /// Returns the document and the words that were not in the vocabulary.
    public func run(text: String) throws -> (Document, unknown: [String]) {
        let model = context.model
        let vocab = model.sourceVocabulary
        if let tokenizer = model.tokenizer {
            let encoding = try tokenizer.encode(text)
            return (document(text: text, tokens: encoding.ids.map { vocab[$0] }, ids: encoding.ids,
                             unknown: Array(zip(encoding.unknownPositions, encoding.unknown))), encoding.unknown)
        }
        let words = (lowercase ? text.lowercased() : text).split(whereSeparator: isWordSeparator)
            .flatMap { Punctuation.split(String($0)) { vocab.id(of: $0) != nil } }
        var tokens: [String] = [], ids: [Int] = [], unknown: [String] = [], positions: [Int] = []
        for word in words {
            if let id = vocab.id(of: word) {
                tokens.append(word)
                ids.append(id)
            } else if let unk = vocab.unknownID {
                positions.append(ids.count)
                unknown.append(word)
                tokens.append(vocab[unk])
                ids.append(unk)
            } else {
                throw VamosError("unknown word '\(word)': not in the vocabulary of model '\(model.name)', which has no <unk>")
            }
        }
        if model.config.addEOSToSource {
            let eos = model.config.eosTokenID
            tokens.append(vocab[eos])
            ids.append(eos)
        }
        return (document(text: text, tokens: tokens, ids: ids, unknown: Array(zip(positions, unknown))), unknown)
    }

    /// `source.unknown` — `[{"position": i, "word": w}]`, where `tokens[i]` is `<unk>` for the word
    /// or piece `w` of the text — is written only when there are unknown words, so that other
    /// documents keep their bytes.
    func document(text: String, tokens: [String], ids: [Int], unknown: [(Int, String)] = []) -> Document {
        var doc = Document(stage: context.stage)
        context.adopt(&doc)
        var source = JSONObject([
            ("text", .string(text)),
            ("tokens", .array(tokens.map { .string($0) })),
            ("ids", .array(ids.map { .int($0) })),
        ])
        if !unknown.isEmpty {
            source["unknown"] = .array(unknown.map { .object(JSONObject([("position", .int($0.0)), ("word", .string($0.1))])) })
        }
        doc.setSide("source", source)
        return doc
    }
}
