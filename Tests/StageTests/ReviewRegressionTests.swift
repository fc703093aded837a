/// Inputs a code review found crashing or misbehaving, each now a clear one-line error (or the right
/// result): huge --top-k/--beams, non-finite options, overflowing arithmetic, a non-JSON number form,
/// a newline in a tensor name, unsafe tensor names for file paths, training options and vocabularies,
/// and forced scoring that must see the same logits processors as generation.
import Foundation
import XCTest

final class ReviewRegressionTests: XCTestCase {
    func encoderOutput() throws -> String { try Documents.shared.input(of: "decode") }

    func testDecodeOptionBounds() throws {
        for args in [["--top-k", "9223372036854775807"], ["--beams", "5000"], ["--length-penalty", "nan"]] {
            let r = try runProcess("decode", ["--model", Paths.model("tiny")] + args, stdin: try encoderOutput())
            assertStageError(r, stage: "decode", status: 64, mentions: [args[0]])
        }
    }

    func testArithmeticOverflowIsAnErrorNotNaNInTheOutput() throws {
        let doc = #"{"format":"vamos/1","tensors":{"encoder_input":{"shape":[2,2],"data":[3e38,3e38,-3e38,3e38]}}}"#
        let r = try runProcess("encode", ["--model", Paths.model("marian").replacingOccurrences(of: "marian", with: "tiny")], stdin: doc + "\n")
        // tiny: no layer norm, so 3e38 + attention output overflows float32.
        assertStageError(r, stage: "encode", mentions: ["encoder_output", "overflowed float32"])
    }

    func testNumberFormsJSONForbids() throws {
        let r = try runProcess("embed", ["--model", Paths.model("tiny")], stdin: #"{"format":"vamos/1","x":1.,"source":{"ids":[1]}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["'1.'", "not a JSON number"])
    }

    func testErrorsStayOneLineWhateverTheyQuote() throws {
        let r = try runProcess("posenc", ["--model", Paths.model("tiny")],
                               stdin: #"{"format":"vamos/1","tensors":{"embeddings":{"shape":[1,3],"data":[1,2,3]},"a\nb":{"shape":[1],"data":[1]}}}"# + "\n")
        assertStageError(r, stage: "posenc", mentions: ["embeddings"])
        let bad = #"{"format":"vamos/1","tensors":{"x\ny":{"shape":[1],"data":[NaN]}}}"#
        let r2 = try runProcess("posenc", ["--model", Paths.model("tiny")], stdin: bad + "\n")
        XCTAssertEqual(r2.errLines.count, 1, r2.err)
    }

    func testAttentionFilesStayInsideOutDir() throws {
        let dir = try temporaryDirectory().appendingPathComponent("sub")
        let doc = #"{"format":"vamos/1","tensors":{"../../escaped.cross_attn.hook_pattern":{"shape":[1,1,1],"axes":["head","query","key"],"data":[1.0]}}}"#
        let r = try runProcess("tensor", ["attention", "--out", dir.path], stdin: doc + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        let written = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(written.count, 1, "\(written)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("escaped.cross_attn.head0.svg").path))
    }

    func testEmptyTensorsCannotClaimHugeDimensions() throws {
        let doc = #"{"format":"vamos/1","tensors":{"encoder.blocks.0.attn.hook_pattern":{"shape":[1,2147483648,0],"data":[]}}}"#
        let r = try runProcess("tensor", ["attention", "--out", try temporaryDirectory().path], stdin: doc + "\n")
        XCTAssertEqual(r.status, 2, r.err)
        XCTAssertEqual(r.errLines.count, 1, r.err)
        XCTAssertTrue(r.err.contains("empty but claims a dimension"), r.err)
    }

    func testForcedScoresSeeGenerationsLogitsProcessors() throws {
        // With no-repeat-ngram-size 1, generation can never repeat a word: forcing a repeat scores it 0.
        let r = try runProcess("decode", ["--model", Paths.root.appendingPathComponent("models/statquest").path,
                                          "--no-repeat-ngram-size", "1", "--force", "vamos vamos"],
                               stdin: try Documents.shared.input(of: "decode", model: "tiny"))
        // (a tiny-model document: statquest has the same shapes; the warning about the other model is expected)
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try jsonObject(r.outLines[0])
        let steps = ((doc["target"] as! [String: Any])["forced"] as! [String: Any])["steps"] as! [[String: Any]]
        XCTAssertEqual(steps[1]["probability"] as? Double, 0)
    }

    func testTrainRefusesWhatItShouldNot() throws {
        let dir = try temporaryDirectory()
        let corpus = dir.appendingPathComponent("c.tsv").path, config = dir.appendingPathComponent("a.json").path
        try "let's go\tvamos\nto go\tir\n".write(toFile: corpus, atomically: true, encoding: .utf8)
        try Data(contentsOf: Paths.root.appendingPathComponent("data/statquest/architecture.json"))
            .write(to: URL(fileURLWithPath: config))
        let common = ["--corpus", corpus, "--config", config, "--steps", "3", "--quiet"]
        // A directory that is not a model is never replaced.
        let victim = dir.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try "precious".write(to: victim.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        var r = try runProcess("train", common + ["--out", victim.path])
        assertStageError(r, stage: "train", mentions: ["not a model directory"])
        XCTAssertEqual(try String(contentsOf: victim.appendingPathComponent("notes.txt"), encoding: .utf8), "precious")
        // Vocabulary ids must be 0..<n.
        let vocab = dir.appendingPathComponent("v.json").path
        try #"{"<EOS>": 0, "<unk>": 1, "go": 7}"#.write(toFile: vocab, atomically: true, encoding: .utf8)
        r = try runProcess("train", common + ["--out", dir.appendingPathComponent("m").path, "--source-vocab", vocab])
        assertStageError(r, stage: "train", mentions: ["no gaps or repeats", "'go' has 7"])
        // Options and divergence.
        r = try runProcess("train", common + ["--out", dir.appendingPathComponent("m").path, "--lr", "nan"])
        assertStageError(r, stage: "train", status: 64, mentions: ["--lr"])
        r = try runProcess("train", common + ["--out", dir.appendingPathComponent("m").path, "--lr", "1e30", "--warmup", "0", "--steps", "30"])
        // D12 (issue 10): an error during training is the one line on stderr (no start line before it
        // when stderr is not a terminal).
        assertStageError(r, stage: "train", mentions: ["step ", "diverged"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m").path), "no model written")
        r = try runProcess("train", common + ["--out", dir.appendingPathComponent("m").path, "--resume"])
        assertStageError(r, stage: "train", mentions: ["--resume", "no checkpoint"])
    }
}
