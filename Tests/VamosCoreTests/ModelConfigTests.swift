import XCTest
@testable import VamosCore

/// config.json: defaults, validation, and sizes bounded before anything is allocated from them.
final class ModelConfigTests: XCTestCase {
    func config(_ json: String) throws -> ModelConfig {
        try ModelConfig(json: try JSONCodec.parse(json, what: "config.json"))
    }

    func testMarianDefaultsAndRequiredIDs() throws {
        let c = try config(#"{"vocab_size": 10, "eos_token_id": 0, "decoder_start_token_id": 9}"#)
        XCTAssertEqual(c.dModel, 1024)
        XCTAssertEqual(c.layerNorm, .post)
        XCTAssertEqual(c.positionalEncoding, .sinusoidalHalves)
        XCTAssertEqual(c.similarity, .scaledDot)
        XCTAssertNil(c.padTokenID)
        XCTAssertThrowsError(try config(#"{"vocab_size": 10, "eos_token_id": 0}"#)) { e in
            XCTAssertTrue("\(e)".contains("decoder_start_token_id"), "\(e)")
        }
    }

    func testHugeSizesAreRejectedBeforeAllocating() {
        for (key, value) in [("vocab_size", "99999999999"), ("d_model", "1000000"), ("encoder_layers", "100000"),
                             ("max_position_embeddings", "4294967296")] {
            let json = #"{"vocab_size": 10, "eos_token_id": 0, "decoder_start_token_id": 0, "d_model": 16, "encoder_attention_heads": 1, "decoder_attention_heads": 1, "\#(key)": \#(value)}"#
            XCTAssertThrowsError(try config(json), key) { e in
                XCTAssertTrue("\(e)".contains("'\(key)'") && "\(e)".contains("at most"), "\(e)")
            }
        }
    }

    func testInvalidChoicesNameTheKeyAndTheOptions() {
        XCTAssertThrowsError(try config(#"{"vocab_size": 10, "eos_token_id": 0, "decoder_start_token_id": 0, "similarity": "l2"}"#)) { e in
            XCTAssertEqual("\(e)", #"config.json: 'similarity' must be one of "scaled_dot", "dot", "cosine", got "l2""#)
        }
    }
}
