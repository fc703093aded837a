import XCTest
@testable import VamosCore

/// The hand-written backward pass against finite differences of the loss, for every parameter of
/// small models that switch every config option on or off. The check runs the same generic code in
/// Double (float32 rounding in the loss would swamp the differences): for every parameter tensor θ
/// and entry i,  (L(θ + εeᵢ) − L(θ − εeᵢ)) / 2ε  must match  ∂L/∂θᵢ  within a relative error of 1e-3
/// (measured against max(|numeric|, |analytic|, 1e-6): the differences themselves are exact to
/// about 4e-10 in double, so gradients that are truly zero — the key bias, which softmax ignores —
/// are checked to 1e-9 absolute).
final class GradientCheckTests: XCTestCase {
    static let base = #""vocab_size": 7, "decoder_vocab_size": 7, "eos_token_id": 0, "decoder_start_token_id": 0, "max_position_embeddings": 12, "encoder_ffn_dim": 6, "decoder_ffn_dim": 6, "d_model": 4"#

    /// Between them, every value of every option.
    static let configs: [(String, String)] = [
        ("explainer", #"{\#(base), "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 1, "decoder_attention_heads": 1, "layer_norm": "none", "feed_forward": false, "attention_bias": false, "final_logits_bias": false, "positional_encoding": "sinusoidal_interleaved", "similarity": "dot", "share_encoder_decoder_embeddings": false, "d_model": 2}"#),
        ("marian", #"{\#(base), "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 2, "decoder_attention_heads": 2, "activation_function": "swish", "scale_embedding": true, "layer_norm": "post"}"#),
        ("prenorm", #"{\#(base), "encoder_layers": 1, "decoder_layers": 2, "encoder_attention_heads": 2, "decoder_attention_heads": 1, "activation_function": "gelu", "layer_norm": "pre", "positional_encoding": "learned", "similarity": "cosine", "tie_word_embeddings": false, "share_encoder_decoder_embeddings": false, "decoder_vocab_size": 9}"#),
        ("plain", #"{\#(base), "encoder_layers": 2, "decoder_layers": 1, "encoder_attention_heads": 4, "decoder_attention_heads": 2, "activation_function": "relu", "positional_encoding": "none", "attention_bias": false, "ffn_bias": false, "final_logits_bias": false}"#),
        ("gelu_new", #"{\#(base), "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2, "decoder_attention_heads": 2, "activation_function": "gelu_new", "similarity": "scaled_dot", "positional_encoding": "sinusoidal_halves"}"#),
    ]

    func testBackwardMatchesFiniteDifferences() throws {
        var worstOverall = 0.0
        for (name, json) in GradientCheckTests.configs {
            let config = try ModelConfig(json: try JSONCodec.parse(json, what: name), file: name)
            var rng = SeededRandom(seed: 7)
            let params = Parameters<Float>.initialized(config: config, rng: &rng).converted(to: Double.self)
            // Make biases and norms non-trivial so their gradients are tested away from the identity.
            for n in params.names where n.hasSuffix(".bias") || n.contains("layer_norm") || n == CheckpointNames.finalLogitsBias {
                params.values[n] = params.values[n]!.map { $0 + rng.normal() * 0.3 }
            }
            let model = TrainingModel<Double>(parameters: params)
            // Three pairs of different lengths, packed: each sentence over its own keys.
            let batch = Batch(pairs: [([1, 2, 3, 0], [4, 5, 0]), ([2, 0], [3, 6, 1, 0]), ([5, 4, 3, 2, 1, 0], [0])],
                              startID: 0)
            params.zeroGrads()
            try model.loss(batch, labelSmoothing: 0.1)
            let grads = params.grads
            var checked = 0
            for p in params.names {
                let theta = params.values[p]!
                for i in theta.indices {
                    let eps = 1e-6
                    params.values[p]![i] = theta[i] + eps
                    let plus = try model.loss(batch, labelSmoothing: 0.1, backward: false)
                    params.values[p]![i] = theta[i] - eps
                    let minus = try model.loss(batch, labelSmoothing: 0.1, backward: false)
                    params.values[p]![i] = theta[i]
                    let numeric = (plus - minus) / (2 * eps)
                    let analytic = grads[p]![i]
                    let rel = abs(numeric - analytic) / max(abs(numeric), abs(analytic), 1e-6)
                    worstOverall = max(worstOverall, rel)
                    if rel > 1e-3 {
                        XCTFail("\(name) \(p)[\(i)]: numeric \(numeric), analytic \(analytic), relative error \(rel)")
                    }
                    checked += 1
                }
            }
            XCTAssertEqual(checked, params.count, name)
        }
        print("gradient check: worst relative error \(worstOverall)")
    }
}
