import Foundation
import VamosCore
import XCTest

/// A model `train` makes from a Marian-expressible config loads in transformers and computes the
/// same: Tests/Reference/make_marian_export_fixtures.py trained these with `train`, loaded them with
/// `MarianMTModel.from_pretrained` and recorded its encoder output and `generate()`'s ids (with the
/// directory's own generation_config.json). Training is deterministic, so the test retrains the
/// same model (its model.safetensors must have the recorded sha256) and compares: encoder output
/// within 1e-5, greedy ids identical — at the length limit too (marian-swish: forced </s>).
final class MarianExportTests: XCTestCase {
    func fixture(_ name: String) throws -> [String: Any] {
        let url = Paths.root.appendingPathComponent("Tests/Fixtures/reference/marian-export/\(name).json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    /// `train` for a few steps on a d_model-8 architecture with `keys` added (a JSON fragment); the
    /// run's result and its output directory.
    func trainTiny(_ keys: String, in dir: URL, name: String, steps: Int) throws -> (RunResult, String) {
        let corpus = Paths.root.appendingPathComponent("Tests/Fixtures/train/corpus.tsv").path
        let config = dir.appendingPathComponent("\(name).json").path
        try (#"{"d_model": 8, "encoder_layers": 1, "decoder_layers": 1, "encoder_attention_heads": 2, "decoder_attention_heads": 2, "encoder_ffn_dim": 8, "decoder_ffn_dim": 8, "max_position_embeddings": 8, "# + keys + "}")
            .write(toFile: config, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent(name).path
        return (try runProcess("train", ["--corpus", corpus, "--config", config, "--out", out, "--steps", "\(steps)", "--quiet"]), out)
    }

    func readJSON(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testTrainedMarianModelsComputeWhatTransformersComputes() throws {
        for name in ["marian-relu", "marian-swish"] {
            let f = try fixture(name)
            let out = try temporaryDirectory().appendingPathComponent(name).path
            // The recorded command, its paths relative to the repository.
            let args = (f["train"] as! [String]).map { $0.hasPrefix("Tests/") ? Paths.root.appendingPathComponent($0).path : $0 }
            let r = try runProcess("train", args + ["--out", out], timeout: 300)
            XCTAssertEqual(r.status, 0, r.err)
            let weights = [UInt8](try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors")))
            XCTAssertEqual(SHA256.hex(weights), f["sha256"] as? String,
                           "\(name): train \(args) made other weights than the fixture's; rerun Tests/Reference/make_marian_export_fixtures.py")

            // What makes transformers load it as Marian and generate() behave as decode.
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/config.json"))) as! [String: Any]
            let vocab = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/target_vocab.json"))) as! [String: Int]
            XCTAssertEqual(config["model_type"] as? String, "marian")
            XCTAssertEqual(config["architectures"] as? [String], ["MarianMTModel"])
            let pad = try XCTUnwrap(vocab["<pad>"])
            XCTAssertEqual(config["pad_token_id"] as? Int, pad)
            XCTAssertEqual(config["decoder_start_token_id"] as? Int, pad)
            let generation = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/generation_config.json"))) as! [String: Any]
            XCTAssertEqual(generation["bad_words_ids"] as? [[Int]], [[pad]])
            XCTAssertEqual(generation["forced_eos_token_id"] as? Int, config["eos_token_id"] as? Int)
            XCTAssertEqual(generation["max_length"] as? Int, config["max_length"] as? Int)

            let cases = f["cases"] as! [[String: Any]]
            let input = cases.map { $0["text"] as! String }.joined(separator: "\n") + "\n"
            let encoded = try pipeline(Array(fullPipeline(model: out).prefix(4)), stdin: input)
            assertSucceeded(encoded)
            let decoded = try runProcess("decode", ["--model", out], stdin: encoded.out)
            XCTAssertEqual(decoded.status, 0, decoded.err)
            let encDocs = encoded.outLines.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            let decDocs = decoded.outLines.map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
            XCTAssertEqual(encDocs.count, cases.count)
            XCTAssertEqual(decDocs.count, cases.count)
            var worst = 0.0
            for (i, c) in cases.enumerated() where i < min(encDocs.count, decDocs.count) {
                let text = c["text"] as! String
                XCTAssertEqual((encDocs[i]["source"] as! [String: Any])["ids"] as? [Int], c["source_ids"] as? [Int], "\(name) '\(text)'")
                let theirs = (c["encoder_output"] as! [String: Any])["data"] as! [Double]
                let ours = ((encDocs[i]["tensors"] as! [String: Any])["encoder_output"] as! [String: Any])["data"] as! [Double]
                XCTAssertEqual(ours.count, theirs.count)
                for (a, b) in zip(ours, theirs) { worst = max(worst, abs(a - b)) }
                XCTAssertEqual((decDocs[i]["target"] as! [String: Any])["ids"] as? [Int], c["generate_ids"] as? [Int],
                               "\(name) '\(text)': greedy ids")
            }
            XCTAssertLessThanOrEqual(worst, 1e-5, "\(name): encoder output vs MarianMTModel")
        }
    }

    /// A config Marian cannot express stays a Vamos model; asking for "marian" then is an error naming why.
    func testOtherConfigsStayVamosModels() throws {
        let dir = try temporaryDirectory()
        let (r, out) = try trainTiny(#""layer_norm": "pre""#, in: dir, name: "m", steps: 2)
        XCTAssertEqual(r.status, 0, r.err)
        let config = try readJSON(out + "/config.json")
        XCTAssertEqual(config["model_type"] as? String, "vamos")
        XCTAssertNil(config["pad_token_id"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: out + "/generation_config.json"))

        let (e, _) = try trainTiny(#""model_type": "marian", "layer_norm": "pre", "similarity": "cosine""#, in: dir, name: "f", steps: 2)
        assertStageError(e, stage: "train", mentions: ["MarianMTModel cannot express", "layer_norm \"pre\"", "similarity \"cosine\""])
    }

    /// generation_config.json's max_length is decode's limit: max_length when it fits, else
    /// max_position_embeddings ids after the start token (generate() would index past the table).
    func testGenerationLengthIsDecodesLimit() throws {
        let dir = try temporaryDirectory()
        for (maxLength, expected) in [(nil, 9), (5, 5), (40, 9)] as [(Int?, Int)] {
            let extra = maxLength.map { ", \"max_length\": \($0)" } ?? ""
            let (r, out) = try trainTiny(#""positional_encoding": "sinusoidal_halves", "layer_norm": "post""# + extra,
                                         in: dir, name: "m\(maxLength ?? 0)", steps: 1)
            XCTAssertEqual(r.status, 0, r.err)
            let written = try readJSON(out + "/config.json")
            XCTAssertEqual(written["model_type"] as? String, "marian")
            let generation = try readJSON(out + "/generation_config.json")
            XCTAssertEqual(generation["max_length"] as? Int, expected, "max_length \(maxLength.map(String.init) ?? "absent"), max_position_embeddings 8")
        }
    }
}
