/// Where each weight lives in `model.safetensors` — the one place that knows checkpoint names.
/// They are Hugging Face Marian's (`MarianMTModel`), so `save_pretrained` output loads as it is.
/// docs/MODEL.md has the table.
enum CheckpointNames {
    static let shared = "model.shared.weight"
    static func embedTokens(_ stack: String) -> String { "model.\(stack).embed_tokens.weight" }
    static func embedPositions(_ stack: String) -> String { "model.\(stack).embed_positions.weight" }
    static func layer(_ stack: String, _ l: Int) -> String { "model.\(stack).layers.\(l)" }
    static func stackNorm(_ stack: String) -> String { "model.\(stack).layer_norm" }
    static let lmHead = "lm_head.weight"
    static let finalLogitsBias = "final_logits_bias"
    // Inside a layer:
    static let selfAttention = "self_attn"
    static let crossAttention = "encoder_attn"
    static let selfAttentionNorm = "self_attn_layer_norm"
    static let crossAttentionNorm = "encoder_attn_layer_norm"
    static let finalNorm = "final_layer_norm"
    static let fc1 = "fc1"
    static let fc2 = "fc2"
    static let projections = (q: "q_proj", k: "k_proj", v: "v_proj", out: "out_proj")
}

/// Building the layers from the checkpoint, each part loaded only when a stage needs it.
extension Model {
    private typealias N = CheckpointNames

    /// The source embedding. Only the rows looked up are read (and checked for NaN/∞ then), so
    /// `embed` touches a few kilobytes of a 100 MB matrix.
    public func sourceEmbedding() throws -> Embedding {
        let c = config
        let shape = [c.vocabSize, c.dModel]
        let names = c.shareEncoderDecoderEmbeddings ? [N.shared, N.embedTokens("encoder"), N.embedTokens("decoder")] : [N.embedTokens("encoder")]
        let w = try matrix(anyOf: names, shape, checked: false)
        let name = names.first { weights.entries[$0] != nil }!
        return Embedding(weight: w, scale: embeddingScale, checkRows: "\(weights.path): tensor '\(name)'")
    }

    public func targetEmbedding() throws -> Embedding {
        let c = config
        let shape = [c.decoderVocabSize, c.dModel]
        let w = c.shareEncoderDecoderEmbeddings
            ? try matrix(anyOf: [N.shared, N.embedTokens("decoder"), N.embedTokens("encoder")], shape)
            : try matrix(N.embedTokens("decoder"), shape)
        return Embedding(weight: w, scale: embeddingScale)
    }

    var embeddingScale: Float { config.scaleEmbedding ? Float(Double(config.dModel).squareRoot()) : 1 }

    /// Positional encoding of the encoder (`stack: "encoder"`) or decoder.
    public func positionalEncoding(_ stack: String) throws -> PositionalEncoding {
        let c = config
        let learned = c.positionalEncoding == .learned
            ? try weight(N.embedPositions(stack), [c.maxPositionEmbeddings, c.dModel]) : nil
        return PositionalEncoding(kind: c.positionalEncoding, dModel: c.dModel,
                                  maxPositions: c.maxPositionEmbeddings, learned: learned)
    }

    public func encoder() throws -> Encoder {
        let c = config
        let layers = try (0..<c.encoderLayers).map { l -> EncoderLayer in
            let p = N.layer("encoder", l)
            return EncoderLayer(
                selfAttention: try attention("\(p).\(N.selfAttention)", heads: c.encoderAttentionHeads),
                selfAttentionNorm: try layerNorm("\(p).\(N.selfAttentionNorm)"),
                feedForward: try feedForward(p, width: c.encoderFFNDim),
                finalNorm: c.feedForward ? try layerNorm("\(p).\(N.finalNorm)") : nil,
                placement: c.layerNorm)
        }
        return Encoder(layers: layers, finalNorm: c.layerNorm == .pre ? try layerNorm(N.stackNorm("encoder")) : nil)
    }

    public func decoder() throws -> Decoder {
        let c = config
        let layers = try (0..<c.decoderLayers).map { l -> DecoderLayer in
            let p = N.layer("decoder", l)
            return DecoderLayer(
                selfAttention: try attention("\(p).\(N.selfAttention)", heads: c.decoderAttentionHeads),
                selfAttentionNorm: try layerNorm("\(p).\(N.selfAttentionNorm)"),
                crossAttention: try attention("\(p).\(N.crossAttention)", heads: c.decoderAttentionHeads),
                crossAttentionNorm: try layerNorm("\(p).\(N.crossAttentionNorm)"),
                feedForward: try feedForward(p, width: c.decoderFFNDim),
                finalNorm: c.feedForward ? try layerNorm("\(p).\(N.finalNorm)") : nil,
                placement: c.layerNorm)
        }
        return Decoder(embedding: try targetEmbedding(), positions: try positionalEncoding("decoder"), layers: layers,
                       finalNorm: c.layerNorm == .pre ? try layerNorm(N.stackNorm("decoder")) : nil)
    }

    public func outputProjection() throws -> OutputProjection {
        let c = config
        // Tied: the embedding matrix itself (one copy in memory, the mapped file's).
        let w = c.tieWordEmbeddings
            ? try targetEmbedding().weight
            : try matrix(N.lmHead, [c.decoderVocabSize, c.dModel])
        let b = c.finalLogitsBias
            ? try weight(N.finalLogitsBias, [1, c.decoderVocabSize]).data : nil
        return OutputProjection(linear: Linear(weight: w, bias: b))
    }

    private func linear(_ prefix: String, out: Int, in inFeatures: Int, bias: Bool) throws -> Linear {
        Linear(weight: try matrix("\(prefix).weight", [out, inFeatures]),
               bias: bias ? try weight("\(prefix).bias", [out]).data : nil)
    }

    private func attention(_ prefix: String, heads: Int) throws -> MultiHeadAttention {
        let C = config.dModel, b = config.attentionBias
        let P = N.projections
        return MultiHeadAttention(
            q: try linear("\(prefix).\(P.q)", out: C, in: C, bias: b),
            k: try linear("\(prefix).\(P.k)", out: C, in: C, bias: b),
            v: try linear("\(prefix).\(P.v)", out: C, in: C, bias: b),
            out: try linear("\(prefix).\(P.out)", out: C, in: C, bias: b),
            heads: heads, similarity: config.similarity)
    }

    private func feedForward(_ prefix: String, width: Int) throws -> PositionwiseFeedForward? {
        guard config.feedForward else { return nil }
        let C = config.dModel, b = config.ffnBias
        return PositionwiseFeedForward(
            fc1: try linear("\(prefix).\(N.fc1)", out: width, in: C, bias: b),
            fc2: try linear("\(prefix).\(N.fc2)", out: C, in: width, bias: b),
            activation: config.activation)
    }

    private func layerNorm(_ prefix: String) throws -> LayerNorm? {
        guard config.layerNorm != .none else { return nil }
        let C = config.dModel
        return LayerNorm(gamma: try weight("\(prefix).weight", [C]).data, beta: try weight("\(prefix).bias", [C]).data,
                         eps: config.layerNormEps)
    }
}

/// Every parameter a config implies, with its shape, in a fixed order (the order the trainer
/// initializes, optimizes and saves them in).
extension CheckpointNames {
    static func parameterShapes(_ c: ModelConfig) -> [(name: String, shape: [Int])] {
        var out: [(String, [Int])] = []
        let C = c.dModel
        func linear(_ p: String, _ o: Int, _ i: Int, bias: Bool) {
            out.append(("\(p).weight", [o, i]))
            if bias { out.append(("\(p).bias", [o])) }
        }
        func norm(_ p: String) {
            guard c.layerNorm != .none else { return }
            out.append(("\(p).weight", [C]))
            out.append(("\(p).bias", [C]))
        }
        func attention(_ p: String) {
            for proj in [projections.q, projections.k, projections.v, projections.out] {
                linear("\(p).\(proj)", C, C, bias: c.attentionBias)
            }
        }
        if c.shareEncoderDecoderEmbeddings {
            out.append((shared, [c.vocabSize, C]))
        } else {
            out.append((embedTokens("encoder"), [c.vocabSize, C]))
            out.append((embedTokens("decoder"), [c.decoderVocabSize, C]))
        }
        if c.positionalEncoding == .learned {
            out.append((embedPositions("encoder"), [c.maxPositionEmbeddings, C]))
            out.append((embedPositions("decoder"), [c.maxPositionEmbeddings, C]))
        }
        for (stack, layers, ffn) in [("encoder", c.encoderLayers, c.encoderFFNDim), ("decoder", c.decoderLayers, c.decoderFFNDim)] {
            for l in 0..<layers {
                let p = layer(stack, l)
                attention("\(p).\(selfAttention)")
                norm("\(p).\(selfAttentionNorm)")
                if stack == "decoder" {
                    attention("\(p).\(crossAttention)")
                    norm("\(p).\(crossAttentionNorm)")
                }
                if c.feedForward {
                    linear("\(p).\(fc1)", ffn, C, bias: c.ffnBias)
                    linear("\(p).\(fc2)", C, ffn, bias: c.ffnBias)
                    norm("\(p).\(finalNorm)")
                }
            }
            if c.layerNorm == .pre { norm(stackNorm(stack)) }
        }
        if !c.tieWordEmbeddings { out.append((lmHead, [c.decoderVocabSize, C])) }
        if c.finalLogitsBias { out.append((finalLogitsBias, [1, c.decoderVocabSize])) }
        return out
    }
}
