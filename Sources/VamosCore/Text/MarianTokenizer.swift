/// The tokenizer of an opus-mt directory, doing exactly what transformers' `MarianTokenizer`
/// (`models/marian/tokenization_marian.py`, on the slow `PreTrainedTokenizer` base) does:
///
/// **encode** (`tokenizer(text)["input_ids"]`)
/// 1. split the text around the special tokens written in it (`</s>`, `<unk>`, `<pad>`: the added-token
///    trie); each of those stays one token;
/// 2. every other segment: a leading language code (`>>fra<<`: starts with `>>`, up to the first
///    `<<`) becomes one token; the rest goes through `source.spm` (`encode(text, out_type=str)`);
/// 3. tokens → ids through `vocab.json` (an added special token first); a token it lacks → `<unk>`;
/// 4. `</s>` appended.
///
/// **decode** (`tokenizer.decode(ids, skip_special_tokens=True)`)
/// 1. drop the ids of the special tokens (their ids in `vocab.json`, even with separate vocabularies);
/// 2. ids → tokens through the target vocabulary (`target_vocab.json`, else `vocab.json`); an id it
///    does not name → that id's piece in the SentencePiece model;
/// 3. join the tokens with the SentencePiece model's `decode_pieces` — `source.spm` when the
///    vocabulary is shared (transformers' `use_source_tokenizer` default), `target.spm` when separate —
///    a special token spelled out by the target vocabulary standing alone between pieces (`"… " + tok + " "`);
/// 4. `▁` → space, then Python's `str.strip()`.
public struct MarianTokenizer: Sendable {
    public let source: SentencePiece
    public let target: SentencePiece
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    public let separateVocabularies: Bool
    /// The special tokens (`eos_token`, `unk_token`, `pad_token`) that `vocab.json` has, with their ids there.
    public let specialTokens: [(token: String, id: Int)]
    public let eosID: Int
    public let unknownID: Int

    /// What `encode` returns: the tokens (pieces and special tokens, as `tokenize` gives them), the ids
    /// (`</s>` appended), and the tokens the vocabulary lacked (each became `<unk>`).
    public struct Encoding: Sendable, Equatable {
        public var tokens: [String]
        public var ids: [Int]
        public var unknown: [String]
        /// Where each unknown piece is in `tokens`/`ids`.
        public var unknownPositions: [Int] = []
    }

    /// `separate`: `tokenizer_config.json`'s `separate_vocabs`.
    public init(source: SentencePiece, target: SentencePiece, sourceVocabulary: Vocabulary,
                targetVocabulary: Vocabulary, separate: Bool, eosToken: String = "</s>",
                unknownToken: String = "<unk>", padToken: String = "<pad>") throws {
        self.source = source
        self.target = target
        self.sourceVocabulary = sourceVocabulary
        self.targetVocabulary = targetVocabulary
        separateVocabularies = separate
        let vocabFile = "vocab.json"
        guard let unk = sourceVocabulary.exactID(of: unknownToken) else {
            throw VamosError("\(vocabFile) has no '\(unknownToken)' (MarianTokenizer requires it)")
        }
        guard let eos = sourceVocabulary.exactID(of: eosToken) else {
            throw VamosError("\(vocabFile) has no '\(eosToken)', the end-of-sentence token")
        }
        unknownID = unk
        eosID = eos
        specialTokens = [eosToken, unknownToken, padToken].compactMap { t in
            sourceVocabulary.exactID(of: t).map { (token: t, id: $0) }
        }
    }

    // MARK: encode

    public func encode(_ text: String) throws -> Encoding {
        try encode(text, spm: source, vocabulary: sourceVocabulary, unknownID: unknownID)
    }

    /// `tokenizer(text_target=text)["input_ids"]`, the labels of a translation: the same steps with
    /// `target.spm` and, when the vocabularies are separate, the target vocabulary (transformers'
    /// target mode). Used by `decode --force`.
    public func encodeTarget(_ text: String) throws -> Encoding {
        let vocabulary = separateVocabularies ? targetVocabulary : sourceVocabulary
        return try encode(text, spm: target, vocabulary: vocabulary,
                          unknownID: vocabulary.exactID(of: sourceVocabulary[unknownID]) ?? unknownID)
    }

    func encode(_ text: String, spm: SentencePiece, vocabulary: Vocabulary, unknownID: Int) throws -> Encoding {
        var tokens: [String] = []
        for segment in splitOnSpecialTokens(text) {
            if segment.special {
                tokens.append(segment.text)
                continue
            }
            let (code, rest) = Self.languageCode(segment.text)
            if let code { tokens.append(code) }
            tokens += try spm.encode(rest)
        }
        var ids: [Int] = [], unknown: [String] = [], positions: [Int] = []
        for token in tokens {
            if let special = specialTokens.first(where: { $0.token == token }) {
                ids.append(special.id)
            } else if let id = vocabulary.exactID(of: token) {
                ids.append(id)
            } else {
                positions.append(ids.count)
                ids.append(unknownID)
                unknown.append(token)
            }
        }
        tokens.append(sourceVocabulary[eosID])
        ids.append(eosID)
        return Encoding(tokens: tokens, ids: ids, unknown: unknown, unknownPositions: positions)
    }

    /// The text cut around every special token written in it (`tokens_trie.split`), empty pieces dropped.
    func splitOnSpecialTokens(_ text: String) -> [(text: String, special: Bool)] {
        let bytes = Array(text.utf8)
        let specials = specialTokens.map { Array($0.token.utf8) }.filter { !$0.isEmpty }
        var out: [(text: String, special: Bool)] = []
        var start = 0, i = 0
        func flush(_ end: Int) {
            if end > start { out.append((String(decoding: bytes[start..<end], as: UTF8.self), false)) }
        }
        while i < bytes.count {
            if let s = specials.first(where: { i + $0.count <= bytes.count && bytes[i..<(i + $0.count)].elementsEqual($0) }) {
                flush(i)
                out.append((String(decoding: s, as: UTF8.self), true))
                i += s.count
                start = i
            } else {
                i += 1
            }
        }
        flush(bytes.count)
        return out
    }

    /// `remove_language_code`: `">>fra<< text"` → (`">>fra<<"`, `" text"`): a segment starting with
    /// `>>` loses everything up to the first `<<`.
    static func languageCode(_ text: String) -> (code: String?, rest: String) {
        let b = Array(text.utf8)
        guard b.count >= 2, b[0] == 0x3E, b[1] == 0x3E else { return (nil, text) }
        var i = 0
        while i + 1 < b.count {
            if b[i] == 0x3C && b[i + 1] == 0x3C {
                return (String(decoding: b[..<(i + 2)], as: UTF8.self), String(decoding: b[(i + 2)...], as: UTF8.self))
            }
            i += 1
        }
        return (nil, text)
    }

    // MARK: decode

    public func decode(_ ids: [Int]) throws -> String {
        let skipped = Set(specialTokens.map(\.id))
        let model = separateVocabularies ? target : source
        var tokens: [String] = []
        for id in ids where !skipped.contains(id) {
            if id >= 0 && id < targetVocabulary.count && targetVocabulary.named[id] {
                tokens.append(targetVocabulary[id])
            } else if id >= 0 && id < model.count {
                let piece = model.pieces[id]
                tokens.append(piece.isEmpty ? (specialTokens.first { $0.id == unknownID }?.token ?? "<unk>") : piece)
            } else {
                throw VamosError("id \(id) is in neither the target vocabulary nor \(model.path)")
            }
        }
        let specialNames = Set(specialTokens.map { Array($0.token.utf8) })
        var out = ""
        var run: [String] = []
        for token in tokens {
            if specialNames.contains(Array(token.utf8)) {
                out += try model.decode(run) + token + " "
                run = []
            } else {
                run.append(token)
            }
        }
        out += try model.decode(run)
        return Self.pythonStrip(out.replacingScalars(of: "\u{2581}", with: " "))
    }

    /// Python's `str.strip()`: removes leading and trailing characters for which `str.isspace()` holds.
    static func pythonStrip(_ s: String) -> String {
        let scalars = Array(s.unicodeScalars)
        var lo = 0, hi = scalars.count
        while lo < hi && isPythonSpace(scalars[lo]) { lo += 1 }
        while hi > lo && isPythonSpace(scalars[hi - 1]) { hi -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[lo..<hi])
        return String(out)
    }

    /// `str.isspace()`: the characters of bidirectional class WS, B or S, or of category Zs.
    static func isPythonSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}

private extension String {
    func replacingScalars(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = String.UnicodeScalarView()
        let t = Array(target.unicodeScalars), r = Array(replacement.unicodeScalars)
        let s = Array(unicodeScalars)
        var i = 0
        while i < s.count {
            if i + t.count <= s.count && s[i..<(i + t.count)].elementsEqual(t) {
                out.append(contentsOf: r)
                i += t.count
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return String(out)
    }
}
