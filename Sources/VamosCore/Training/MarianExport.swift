/// When what `train` makes is a model transformers' `MarianMTModel` computes exactly, `train` writes
/// it as one: `model_type: marian`, `architectures`, a `<pad>` in both vocabularies at the same id
/// (the decoder's start token, as in Marian), `pad_token_id`, and a `generation_config.json` that
/// makes `generate()`'s defaults what `decode` does (greedy, `<pad>` never generated, `</s>` forced
/// at the length limit, `max_length` as decode limits it). The weights already carry Marian's names
/// (CheckpointNames). docs/MODEL.md, "Trained models in transformers".
public enum MarianExport {
    public static let pad = "<pad>"

    /// What transformers' Marian cannot express in `c` (empty: every Vamos key is at Marian's value).
    public static func obstacles(_ c: ModelConfig) -> [String] {
        var o: [String] = []
        if c.layerNorm != .post { o.append("layer_norm \"\(c.layerNorm.rawValue)\" (Marian: post)") }
        if c.positionalEncoding != .sinusoidalHalves {
            o.append("positional_encoding \"\(c.positionalEncoding.rawValue)\" (Marian: sinusoidal_halves)")
        }
        if c.similarity != .scaledDot { o.append("similarity \"\(c.similarity.rawValue)\" (Marian: scaled_dot)") }
        if !c.feedForward { o.append("feed_forward false (Marian always has the feed-forward block)") }
        if !c.attentionBias { o.append("attention_bias false") }
        if !c.ffnBias { o.append("ffn_bias false") }
        if !c.finalLogitsBias { o.append("final_logits_bias false") }
        if c.layerNormEps != 1e-5 { o.append("layer_norm_eps \(c.layerNormEps) (Marian's nn.LayerNorm: 1e-5)") }
        return o
    }

    /// The architecture as train would resolve it, vocabulary keys stubbed, to ask `obstacles`.
    static func probe(_ architecture: JSONObject) throws -> ModelConfig {
        var c = architecture
        for key in ["vocab_size", "decoder_vocab_size", "eos_token_id", "decoder_start_token_id"] {
            c[key] = .int(key.hasSuffix("size") ? 1 : 0)
        }
        c["pad_token_id"] = nil
        c["model_type"] = .string("vamos")
        c["share_encoder_decoder_embeddings"] = c["share_encoder_decoder_embeddings"] ?? .bool(false)
        return try ModelConfig(json: .object(c), file: "architecture")
    }

    /// Whether `train` writes a Marian model: when `model_type` is absent and the config is
    /// expressible, or when it says "marian" (then an obstacle is an error).
    static func applies(_ architecture: JSONObject) throws -> Bool {
        let obstacles = self.obstacles(try probe(architecture))
        switch architecture["model_type"]?.stringValue {
        case "marian"?:
            guard obstacles.isEmpty else {
                throw VamosError("architecture: 'model_type' is \"marian\", but transformers' MarianMTModel cannot express \(obstacles.joined(separator: ", ")); leave 'model_type' out (Vamos then writes a \"vamos\" model)")
            }
            return true
        case nil: return obstacles.isEmpty
        default: return false
        }
    }

    /// generation_config.json: generate()'s defaults made decode's. `max_length` is capped as
    /// decode caps it: at most max_position_embeddings ids after the start token.
    static func generationConfig(_ c: JSONObject, pad: Int, eos: Int) throws -> [UInt8] {
        let resolved = try probe(c)
        let maxLength = min(resolved.maxLength, resolved.maxPositionEmbeddings + 1)
        let g = JSONObject([
            ("bad_words_ids", .array([.array([.int(pad)])])),
            ("decoder_start_token_id", c["decoder_start_token_id"] ?? .int(pad)),
            ("eos_token_id", .int(eos)),
            ("forced_eos_token_id", .int(eos)),
            ("max_length", .int(maxLength)),
            ("num_beams", .int(1)),
            ("pad_token_id", .int(pad)),
        ])
        return Array((JSONCodec.serialize(.object(g), pretty: true) + "\n").utf8)
    }
}
