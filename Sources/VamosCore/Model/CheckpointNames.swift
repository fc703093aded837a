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

/// Building the layers from the checkpoint, each part loaded only when a stage needs it, by
/// walking the ParameterTree: the names and shapes every layer reads are listed there once.
extension Model {
    private typealias N = CheckpointNames
    private typealias T = ParameterTree

    var tree: ParameterTree { ParameterTree(config) }

    /// A shared embedding may be stored under either stack's name too (save_pretrained keeps all three).
    private func embeddingNames(_ e: T.Entry, first stack: String) -> [String] {
        e.name == N.shared ? [N.shared, N.embedTokens(stack), N.embedTokens(stack == "encoder" ? "decoder" : "encoder")] : [e.name]
    }

    /// The source embedding. Only the rows looked up are read (and checked for NaN/∞ then), so
    /// `embed` touches a few kilobytes of a 100 MB matrix.
    public func sourceEmbedding() throws -> Embedding {
        let e = tree.encoder.embedding
        let names = embeddingNames(e, first: "encoder")
        let w = try matrix(anyOf: names, e.shape, checked: false)
        let name = names.first { weights.entries[$0] != nil }!
        return Embedding(weight: w, scale: embeddingScale, checkRows: "\(weights.path): tensor '\(name)'")
    }

    public func targetEmbedding() throws -> Embedding {
        let e = tree.decoder.embedding
        return Embedding(weight: try matrix(anyOf: embeddingNames(e, first: "decoder"), e.shape), scale: embeddingScale)
    }

    var embeddingScale: Float { config.scaleEmbedding ? Float(Double(config.dModel).squareRoot()) : 1 }

    /// Positional encoding of the encoder (`stack: "encoder"`) or decoder.
    public func positionalEncoding(_ stack: String) throws -> PositionalEncoding {
        let c = config
        let entry = stack == "encoder" ? tree.encoder.positions : tree.decoder.positions
        let learned = try entry.map { try weight($0.name, $0.shape) }
        return PositionalEncoding(kind: c.positionalEncoding, dModel: c.dModel,
                                  maxPositions: c.maxPositionEmbeddings, learned: learned)
    }

    public func encoder() throws -> Encoder {
        let s = tree.encoder
        return Encoder(layers: try s.layers.map { try EncoderLayer($0, config: config, linear: linear, norm: layerNorm) },
                       finalNorm: try s.finalNorm.map(layerNorm))
    }

    public func decoder() throws -> Decoder {
        let s = tree.decoder
        return Decoder(embedding: try targetEmbedding(), positions: try positionalEncoding("decoder"),
                       layers: try s.layers.map { try DecoderLayer($0, config: config, linear: linear, norm: layerNorm) },
                       finalNorm: try s.finalNorm.map(layerNorm))
    }

    public func outputProjection() throws -> OutputProjection {
        let t = tree
        // Tied: the embedding matrix itself (one copy in memory, the mapped file's).
        let w = try t.lmHead.map { try matrix($0.name, $0.shape) } ?? targetEmbedding().weight
        let b = try t.finalLogitsBias.map { try weight($0.name, $0.shape).data }
        return OutputProjection(linear: Linear(weight: w, bias: b))
    }

    private func linear(_ l: T.Linear) throws -> Linear {
        Linear(weight: try matrix(l.weight.name, l.weight.shape), bias: try l.bias.map { try weight($0.name, $0.shape).data })
    }

    private func layerNorm(_ n: T.Norm) throws -> LayerNorm<Float> {
        LayerNorm(gamma: try weight(n.weight.name, n.weight.shape).data, beta: try weight(n.bias.name, n.bias.shape).data,
                  eps: config.layerNormEps)
    }
}
