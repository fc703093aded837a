/// The architecture, from `config.json`. Hugging Face `MarianConfig` key names and class defaults
/// where Marian has the key; Vamos keys (defaulting to what Marian does) for the rest.
/// docs/MODEL.md is the reference for every key.
public struct ModelConfig: Sendable, Equatable {
    public enum PositionalEncoding: String, CaseIterable, Sendable {
        case sinusoidalHalves = "sinusoidal_halves"
        case sinusoidalInterleaved = "sinusoidal_interleaved"
        case learned
        case none
    }
    public enum LayerNormPlacement: String, CaseIterable, Sendable { case post, pre, none }
    public enum Similarity: String, CaseIterable, Sendable {
        case scaledDot = "scaled_dot"
        case dot
        case cosine
    }
    public enum Activation: String, CaseIterable, Sendable {
        case relu, gelu
        case geluNew = "gelu_new"
        case swish, silu
    }

    public var modelType: String
    public var vocabSize: Int
    public var decoderVocabSize: Int
    public var shareEncoderDecoderEmbeddings: Bool
    public var tieWordEmbeddings: Bool
    public var dModel: Int
    public var encoderLayers: Int
    public var decoderLayers: Int
    public var encoderAttentionHeads: Int
    public var decoderAttentionHeads: Int
    public var encoderFFNDim: Int
    public var decoderFFNDim: Int
    public var activation: Activation
    public var scaleEmbedding: Bool
    public var maxPositionEmbeddings: Int
    public var decoderStartTokenID: Int
    public var eosTokenID: Int
    public var padTokenID: Int?
    public var maxLength: Int

    public var positionalEncoding: PositionalEncoding
    public var layerNorm: LayerNormPlacement
    public var layerNormEps: Float
    public var feedForward: Bool
    public var attentionBias: Bool
    public var ffnBias: Bool
    public var finalLogitsBias: Bool
    public var similarity: Similarity
    public var addEOSToSource: Bool
    public var lowercase: Bool

    public init(json: JSON, file: String = "config.json") throws {
        guard let obj = json.objectValue else { throw VamosError("\(file): expected a JSON object") }
        let c = ConfigDecoder(obj, file: file)
        modelType = try c.string("model_type", default: "vamos")
        guard modelType == "vamos" || modelType == "marian" else {
            throw VamosError("\(file): 'model_type' is \"\(modelType)\"; Vamos runs \"vamos\" and \"marian\" models")
        }
        vocabSize = try c.int("vocab_size", min: 1)
        decoderVocabSize = try c.int("decoder_vocab_size", default: vocabSize, min: 1)
        shareEncoderDecoderEmbeddings = try c.bool("share_encoder_decoder_embeddings", default: true)
        tieWordEmbeddings = try c.bool("tie_word_embeddings", default: true)
        dModel = try c.int("d_model", default: 1024, min: 1)
        encoderLayers = try c.int("encoder_layers", default: 12)
        decoderLayers = try c.int("decoder_layers", default: 12)
        encoderAttentionHeads = try c.int("encoder_attention_heads", default: 16, min: 1)
        decoderAttentionHeads = try c.int("decoder_attention_heads", default: 16, min: 1)
        encoderFFNDim = try c.int("encoder_ffn_dim", default: 4096, min: 1)
        decoderFFNDim = try c.int("decoder_ffn_dim", default: 4096, min: 1)
        activation = try c.choice("activation_function", default: Activation.gelu)
        scaleEmbedding = try c.bool("scale_embedding", default: false)
        maxPositionEmbeddings = try c.int("max_position_embeddings", default: 1024, min: 1)
        decoderStartTokenID = try c.int("decoder_start_token_id")
        eosTokenID = try c.int("eos_token_id")
        padTokenID = try c.optionalInt("pad_token_id")
        maxLength = try c.int("max_length", default: 512, min: 1)

        positionalEncoding = try c.choice("positional_encoding", default: PositionalEncoding.sinusoidalHalves)
        layerNorm = try c.choice("layer_norm", default: LayerNormPlacement.post)
        let eps = try c.double("layer_norm_eps", default: 1e-5)
        guard eps > 0, Float(eps) > 0, Float(eps).isFinite else {
            throw VamosError("\(file): 'layer_norm_eps' must be a positive float32 (≥ 1e-45), got \(eps)")
        }
        layerNormEps = Float(eps)
        feedForward = try c.bool("feed_forward", default: true)
        attentionBias = try c.bool("attention_bias", default: true)
        ffnBias = try c.bool("ffn_bias", default: true)
        finalLogitsBias = try c.bool("final_logits_bias", default: true)
        similarity = try c.choice("similarity", default: Similarity.scaledDot)
        addEOSToSource = try c.bool("add_eos_to_source", default: true)
        lowercase = try c.bool("lowercase", default: false)

        try validate(file: file)
    }

    /// Upper bounds on sizes read from config.json, checked before anything is allocated from them.
    static var limits: [(key: KeyPath<ModelConfig, Int>, name: String, max: Int)] { [
        (\.vocabSize, "vocab_size", 10_000_000), (\.decoderVocabSize, "decoder_vocab_size", 10_000_000),
        (\.dModel, "d_model", 65_536), (\.encoderLayers, "encoder_layers", 1_000), (\.decoderLayers, "decoder_layers", 1_000),
        (\.encoderFFNDim, "encoder_ffn_dim", 1_048_576), (\.decoderFFNDim, "decoder_ffn_dim", 1_048_576),
        (\.maxPositionEmbeddings, "max_position_embeddings", 1_048_576), (\.maxLength, "max_length", 1_048_576),
    ] }

    func validate(file: String) throws {
        for limit in ModelConfig.limits where self[keyPath: limit.key] > limit.max {
            throw VamosError("\(file): '\(limit.name)' is \(self[keyPath: limit.key]); at most \(limit.max) is supported")
        }
        guard dModel % encoderAttentionHeads == 0 else {
            throw VamosError("\(file): 'encoder_attention_heads' (\(encoderAttentionHeads)) must divide 'd_model' (\(dModel))")
        }
        guard dModel % decoderAttentionHeads == 0 else {
            throw VamosError("\(file): 'decoder_attention_heads' (\(decoderAttentionHeads)) must divide 'd_model' (\(dModel))")
        }
        if shareEncoderDecoderEmbeddings && decoderVocabSize != vocabSize {
            throw VamosError("\(file): 'share_encoder_decoder_embeddings' needs 'decoder_vocab_size' (\(decoderVocabSize)) equal to 'vocab_size' (\(vocabSize))")
        }
        for (key, id) in [("decoder_start_token_id", decoderStartTokenID), ("eos_token_id", eosTokenID)] {
            guard id < decoderVocabSize else {
                throw VamosError("\(file): '\(key)' \(id) is outside the target vocabulary of \(decoderVocabSize)")
            }
        }
        guard eosTokenID < vocabSize || !addEOSToSource else {
            throw VamosError("\(file): 'eos_token_id' \(eosTokenID) is outside the source vocabulary of \(vocabSize)")
        }
        if let pad = padTokenID, pad >= decoderVocabSize {
            throw VamosError("\(file): 'pad_token_id' \(pad) is outside the target vocabulary of \(decoderVocabSize)")
        }
    }

    public var encoderHeadDim: Int { dModel / encoderAttentionHeads }
    public var decoderHeadDim: Int { dModel / decoderAttentionHeads }
}
