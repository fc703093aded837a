/// How `decode` searches, from the model directory's `generation_config.json`, read as
/// transformers' `GenerationConfig` reads it (its class defaults where a key is absent — note
/// `max_length` 20, `num_beams` 1). A directory without the file keeps Vamos' own default: greedy,
/// config.json's `max_length`, `<pad>` never generated, no forced `</s>` (see docs/MODEL.md).
///
/// Keys acted on: `num_beams`, `max_length`, `max_new_tokens`, `min_length`, `min_new_tokens`,
/// `length_penalty`, `early_stopping`, `bad_words_ids`, `forced_eos_token_id`, `no_repeat_ngram_size`,
/// `renormalize_logits`; `decoder_start_token_id`, `eos_token_id`, `pad_token_id` must agree with
/// config.json. Keys that would change the result but are not implemented (sampling, repetition
/// penalties, …) are reported in `ignored` when set to something other than their default.
public struct GenerationConfig: Sendable, Equatable {
    /// `early_stopping`: `false` (transformers' heuristic), `true` (stop once `num_beams` hypotheses
    /// are finished) or `"never"` (the canonical beam search stopping rule).
    public enum EarlyStopping: String, Sendable, Equatable, CaseIterable {
        case heuristic = "false"
        case whenDone = "true"
        case never
    }

    public var numBeams = 1
    /// The widest beam Vamos searches (each beam keeps its own decoder cache).
    public static let maxBeams = 1024
    /// Counts the decoder start token, as in transformers: at most `maxLength − 1` ids are generated.
    public var maxLength = 20
    /// When set, replaces `maxLength` with `maxNewTokens + 1`.
    public var maxNewTokens: Int?
    public var minLength = 0
    public var minNewTokens = 0
    public var lengthPenalty = 1.0
    public var earlyStopping = EarlyStopping.heuristic
    public var badWordsIDs: [[Int]] = []
    public var forcedEOSTokenID: Int?
    public var noRepeatNgramSize = 0
    public var renormalizeLogits = false
    /// Keys set to values that would change generate()'s result but that Vamos does not implement.
    public var ignored: [String] = []

    public init() {}

    /// Vamos' default without `generation_config.json`: greedy, config.json's `max_length`, `<pad>` banned.
    public static func vamosDefault(_ config: ModelConfig) -> GenerationConfig {
        var g = GenerationConfig()
        g.maxLength = config.maxLength
        if let pad = config.padTokenID { g.badWordsIDs = [[pad]] }
        return g
    }

    public init(json: JSON, file: String, config: ModelConfig) throws {
        guard let obj = json.objectValue else { throw VamosError("\(file): expected a JSON object") }
        let c = ConfigDecoder(obj, file: file)
        numBeams = try c.int("num_beams", default: 1, min: 1)
        guard numBeams <= GenerationConfig.maxBeams else {
            throw VamosError("\(file): 'num_beams' is \(numBeams); at most \(GenerationConfig.maxBeams) is supported")
        }
        maxLength = try c.int("max_length", default: 20, min: 1)
        maxNewTokens = c.has("max_new_tokens") ? try c.int("max_new_tokens", min: 1) : nil
        minLength = try c.int("min_length", default: 0)
        minNewTokens = try c.int("min_new_tokens", default: 0)
        lengthPenalty = try c.double("length_penalty", default: 1.0)
        switch obj["early_stopping"] {
        case nil, .null?: earlyStopping = .heuristic
        case .bool(let b)?: earlyStopping = b ? .whenDone : .heuristic
        case .string("never")?: earlyStopping = .never
        default:
            throw VamosError("\(file): 'early_stopping' must be true, false or \"never\", got \(JSONCodec.serialize(obj["early_stopping"]!))")
        }
        if c.has("bad_words_ids") {
            guard let lists = obj["bad_words_ids"]?.arrayValue, !lists.isEmpty else {
                throw VamosError("\(file): 'bad_words_ids' must be a non-empty list of lists of token ids")
            }
            badWordsIDs = try lists.map { list in
                guard let ids = list.arrayValue?.map({ $0.intValue }), !ids.isEmpty, ids.allSatisfy({ $0 != nil }) else {
                    throw VamosError("\(file): 'bad_words_ids' must be a non-empty list of lists of token ids, got \(JSONCodec.serialize(list))")
                }
                return try ids.map { id in
                    guard id! >= 0 && id! < config.decoderVocabSize else {
                        throw VamosError("\(file): 'bad_words_ids' has id \(id!), outside the target vocabulary of \(config.decoderVocabSize)")
                    }
                    return id!
                }
            }
        }
        forcedEOSTokenID = try c.optionalInt("forced_eos_token_id")
        if let f = forcedEOSTokenID, f >= config.decoderVocabSize {
            throw VamosError("\(file): 'forced_eos_token_id' \(f) is outside the target vocabulary of \(config.decoderVocabSize)")
        }
        noRepeatNgramSize = try c.int("no_repeat_ngram_size", default: 0)
        renormalizeLogits = try c.bool("renormalize_logits", default: false)

        // The special ids: generate() takes them from this file; Vamos from config.json, so they must agree.
        for (key, expected) in [("decoder_start_token_id", config.decoderStartTokenID as Int?),
                                ("eos_token_id", config.eosTokenID), ("pad_token_id", config.padTokenID)] {
            guard let v = obj[key], !v.isNull else { continue }
            let value = v.intValue ?? (v.arrayValue?.count == 1 ? v.arrayValue![0].intValue : nil)
            guard let value else {
                throw VamosError("\(file): '\(key)' must be one token id, got \(JSONCodec.serialize(v)) (Vamos stops on a single end-of-sentence id)")
            }
            guard value == expected else {
                throw VamosError("\(file): '\(key)' is \(value) but config.json says \(expected.map(String.init) ?? "null"); they must agree")
            }
        }

        // Set to a value that changes the result, but not implemented here.
        func differs(_ key: String, from defaultValue: JSON) -> Bool {
            guard let v = obj[key], !v.isNull else { return false }
            if case .number = v, case .number = defaultValue { return v.doubleValue != defaultValue.doubleValue }
            return v != defaultValue
        }
        let notImplemented: [(String, JSON)] = [
            ("do_sample", .bool(false)), ("num_beam_groups", .int(1)), ("diversity_penalty", .int(0)),
            ("repetition_penalty", .int(1)), ("encoder_repetition_penalty", .int(1)),
            ("encoder_no_repeat_ngram_size", .int(0)), ("forced_bos_token_id", .null),
            ("suppress_tokens", .null), ("begin_suppress_tokens", .null), ("sequence_bias", .null),
            ("exponential_decay_length_penalty", .null), ("num_return_sequences", .int(1)),
            ("guidance_scale", .null), ("penalty_alpha", .null), ("constraints", .null),
            ("force_words_ids", .null),
        ]
        ignored = notImplemented.filter { differs($0.0, from: $0.1) }.map(\.0)
    }

    /// How many ids may be generated: `max_new_tokens`, else `max_length − 1` (the start token counted).
    public var maxGeneratedIDs: Int { maxNewTokens ?? max(1, maxLength - 1) }
}
