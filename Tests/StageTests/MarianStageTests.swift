import Foundation
import XCTest
import VamosCore

/// opus-mt directories through the real stage executables: the six-stage pipeline gives the
/// translations transformers gives (Tests/Fixtures/reference/opus-*.json, made by
/// Tests/Reference/make_opus_fixtures.py), `decode`'s flags select the generate() options they name,
/// `--trace` works, and bad model directories get one line on stderr naming the stage and exit 1.
final class MarianStageTests: XCTestCase {
    static let stages = ["tokenize", "embed", "posenc", "encode", "decode", "detokenize"]

    struct Case {
        let text: String
        let generate: JSONObject
        func ids(_ variant: String) -> [Int] {
            generate[variant]?.objectValue?["ids"]?.arrayValue?.compactMap(\.intValue) ?? []
        }
        func text(_ variant: String) -> String { generate[variant]?.objectValue?["text"]?.stringValue ?? "" }
        func options(_ variant: String) -> JSONObject { generate[variant]?.objectValue?["options"]?.objectValue ?? JSONObject() }
    }

    func cases(_ model: String) throws -> [Case] {
        var bytes = try XCTUnwrap(readFile(StageRunner.repo("Tests/Fixtures/reference/\(model).json")))
        let root = try JSONCodec.parse(bytes: &bytes, what: model)
        return root.objectValue!["cases"]!.arrayValue!.map {
            Case(text: $0.objectValue!["text"]!.stringValue!, generate: $0.objectValue!["generate"]!.objectValue!)
        }
    }

    /// Runs `stages` one after another, each reading what the previous wrote.
    func pipeline(_ stages: [(String, [String])], input: Data, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        var data = input
        for (stage, args) in stages {
            let run = try StageRunner.run(stage, args, stdin: data)
            XCTAssertEqual(run.status, 0, "\(stage) \(args): \(run.stderr)", file: file, line: line)
            data = run.stdout
        }
        return data
    }

    func lines(_ data: Data) -> [String] {
        var s = String(decoding: data, as: UTF8.self)
        if s.hasSuffix("\n") { s.removeLast() }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Every sentence of the fixtures through all six executables: the text transformers'
    /// generate() + MarianTokenizer.decode give, with generation_config.json's beams and with --beams 1.
    func testPipelineTranslatesAsTransformers() throws {
        for model in ["opus-en-es", "opus-en-es-separate", "opus-en-es-f16", "opus-en-es-bf16"] {
            let dir = StageRunner.repo("Tests/Fixtures/models/\(model)")
            let cs = try cases(model).filter { !$0.text.contains("\n") }
            let input = Data((cs.map(\.text).joined(separator: "\n") + "\n").utf8)
            let encoded = try pipeline(["tokenize", "embed", "posenc", "encode"].map { ($0, ["--model", dir]) }, input: input)
            for (variant, flags) in [("beam", [String]()), ("greedy", ["--beams", "1"])] {
                let text = try pipeline([("decode", ["--model", dir] + flags), ("detokenize", ["--model", dir])], input: encoded)
                XCTAssertEqual(lines(text), cs.map { $0.text(variant) }, "\(model) \(variant)")
            }
        }
    }

    /// decode's flags are generate()'s options: --beams (num_beams), --length-penalty, --early-stopping
    /// (true, false, never), --max-length (max_new_tokens, with the forced </s>), --no-repeat-ngram-size.
    func testDecodeFlagsSelectTheGenerateOptions() throws {
        let model = "opus-en-es-separate"
        let dir = StageRunner.repo("Tests/Fixtures/models/\(model)")
        let cs = try cases(model)
        let input = Data((cs.map(\.text).joined(separator: "\n") + "\n").utf8)
        let encoded = try pipeline(["tokenize", "embed", "posenc", "encode"].map { ($0, ["--model", dir]) }, input: input)
        var checked = 0
        for variant in cs[0].generate.keys {
            let o = cs[0].options(variant)
            var flags = ["--model", dir]
            if let n = o["num_beams"]?.intValue { flags += ["--beams", String(n)] }
            if let p = o["length_penalty"]?.doubleValue { flags += ["--length-penalty", String(p)] }
            switch o["early_stopping"] {
            case .bool(let b)?: flags += ["--early-stopping", b ? "true" : "false"]
            case .string(let s)?: flags += ["--early-stopping", s]
            default: break
            }
            if let m = o["max_new_tokens"]?.intValue { flags += ["--max-length", String(m)] }
            if let n = o["no_repeat_ngram_size"]?.intValue { flags += ["--no-repeat-ngram-size", String(n)] }
            let out = lines(try pipeline([("decode", flags)], input: encoded))
            XCTAssertEqual(out.count, cs.count)
            for (line, c) in zip(out, cs) {
                let doc = try Document(json: JSONCodec.parse(line, what: "decode output"))
                XCTAssertEqual(try doc.ids("target", producer: "decode", stage: "test"), c.ids(variant),
                               "\(variant) \(flags) \(c.text.debugDescription)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 8 * cs.count)
    }

    func testTraceOnAnOpusModel() throws {
        let dir = StageRunner.repo("Tests/Fixtures/models/opus-en-es")
        let out = try pipeline([("tokenize", ["--model", dir]), ("embed", ["--model", dir]), ("posenc", ["--model", dir, "--trace"]),
                                ("encode", ["--model", dir, "--trace"]), ("decode", ["--model", dir, "--trace"])],
                               input: Data("A bird has 6 songs.\n".utf8))
        let doc = try Document(json: JSONCodec.parse(lines(out)[0], what: "trace"))
        let target = doc.side("target")
        XCTAssertEqual(target["steps"]?.arrayValue?.count, target["ids"]?.arrayValue?.count)
        XCTAssertNotNil(target["score"])
        XCTAssertEqual(target["hypotheses"]?.arrayValue?.count, 4, "generation_config.json: num_beams 4")
        XCTAssertNotNil(doc.tensors["encoder.blocks.1.attn.hook_pattern"])
        XCTAssertNotNil(doc.tensors["decoder.blocks.1.cross_attn.hook_pattern"])
        XCTAssertNotNil(doc.tensors["positional_encoding"])
    }

    // MARK: bad model directories

    /// A copy of an opus fixture directory to spoil.
    func copy(_ model: String = "opus-en-es") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: StageRunner.repo("Tests/Fixtures/models/\(model)"), toPath: dir)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }

    func edit(_ path: String, _ from: String, _ to: String) throws {
        let s = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(s.contains(from), "\(path) has no \(from)")
        try s.replacingOccurrences(of: from, with: to).write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// `stage` fails on `dir` with exit status 1 and one line on stderr: "stage: …fragment…".
    func assertFails(_ stage: String, _ dir: String, _ fragments: [String], input: String = "the cat\n",
                     file: StaticString = #filePath, line: UInt = #line) throws {
        var data = Data(input.utf8)
        if stage != "tokenize" {  // a valid document for the stage, made with the intact model
            let good = StageRunner.repo("Tests/Fixtures/models/opus-en-es")
            let before = Array(Self.stages.prefix(while: { $0 != stage }))
            data = try pipeline(before.map { ($0, ["--model", good]) }, input: data, file: file, line: line)
        }
        let run = try StageRunner.run(stage, ["--model", dir], stdin: data)
        XCTAssertEqual(run.status, 1, "\(stage): exit status; stderr: \(run.stderr)", file: file, line: line)
        let errLines = run.stderr.split(separator: "\n")
        XCTAssertEqual(errLines.count, 1, "\(stage): one line on stderr, got: \(run.stderr)", file: file, line: line)
        XCTAssertTrue(run.stderr.hasPrefix("\(stage): "), "\(stage): names the stage: \(run.stderr)", file: file, line: line)
        for f in fragments {
            XCTAssertTrue(run.stderr.contains(f), "\(stage): expected '\(f)' in: \(run.stderr)", file: file, line: line)
        }
    }

    func testAnotherModelTypeIsRejected() throws {
        let dir = try copy()
        try edit(dir + "/config.json", "\"model_type\": \"marian\"", "\"model_type\": \"bart\"")
        try assertFails("tokenize", dir, ["config.json", "'model_type'", "\"bart\"", "\"marian\""])
    }

    func testMissingFiles() throws {
        var dir = try copy()
        try FileManager.default.removeItem(atPath: dir + "/target.spm")
        try assertFails("detokenize", dir, ["source.spm but no target.spm"])
        dir = try copy()
        try FileManager.default.removeItem(atPath: dir + "/source.spm")
        try assertFails("tokenize", dir, ["target.spm but no source.spm"])
        dir = try copy()
        try FileManager.default.removeItem(atPath: dir + "/vocab.json")
        try assertFails("tokenize", dir, ["no vocab.json"])
        dir = try copy("opus-en-es-separate")
        try FileManager.default.removeItem(atPath: dir + "/target_vocab.json")
        try assertFails("tokenize", dir, ["tokenizer_config.json", "'separate_vocabs' is true", "no target_vocab.json"])
        dir = try copy()
        try FileManager.default.removeItem(atPath: dir + "/model.safetensors")
        try assertFails("embed", dir, ["no model.safetensors"])
        // Only the pickle: never loaded; the message gives the conversion command.
        try Data("not really a pickle".utf8).write(to: URL(fileURLWithPath: dir + "/pytorch_model.bin"))
        try assertFails("encode", dir, ["pytorch_model.bin", "never loads",
                                        "MarianMTModel as M; M.from_pretrained('\(dir)').save_pretrained('\(dir)', safe_serialization=True)"])
    }

    /// Rewrites model.safetensors with `change` applied to the list of tensors.
    func rewriteWeights(_ dir: String, _ change: (inout [(String, Tensor)]) -> Void) throws {
        let f = try SafeTensorsFile(path: dir + "/model.safetensors")
        var tensors = try f.names.map { ($0, try f.tensor($0)) }
        change(&tensors)
        try FileManager.default.removeItem(atPath: dir + "/model.safetensors")
        try SafeTensorsWriter.write(tensors, metadata: ["format": "pt"], to: dir + "/model.safetensors")
    }

    func testMissingOrMisshapenTensor() throws {
        let name = "model.encoder.layers.1.fc1.weight"
        var dir = try copy()
        try rewriteWeights(dir) { $0.removeAll { $0.0 == name } }
        try assertFails("encode", dir, ["'\(name)'", "missing", "[64, 32]"])
        dir = try copy()
        try rewriteWeights(dir) { ts in
            let i = ts.firstIndex { $0.0 == name }!
            ts[i].1 = Tensor(shape: [32, 64], data: ts[i].1.data)
        }
        try assertFails("encode", dir, ["'\(name)'", "[32, 64]", "[64, 32]"])
        dir = try copy()
        try rewriteWeights(dir) { $0.removeAll { $0.0 == "model.shared.weight" } }
        try assertFails("embed", dir, ["model.shared.weight"])
    }

    func testVocabularyAndSentencePieceMismatch() throws {
        // A word-level vocabulary beside opus-mt's SentencePiece models.
        var dir = try copy()
        try FileManager.default.removeItem(atPath: dir + "/vocab.json")
        try FileManager.default.copyItem(atPath: StageRunner.repo("Tests/Fixtures/models/marian/vocab.json"), toPath: dir + "/vocab.json")
        try assertFails("tokenize", dir, ["vocab.json has only", "pieces of", "source.spm", "not made together"])
        // A file that is no SentencePiece model.
        dir = try copy()
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: dir + "/source.spm"))
        try assertFails("tokenize", dir, ["source.spm: not a SentencePiece model"])
        // config.json's eos disagreeing with the vocabulary's </s>.
        dir = try copy()
        try edit(dir + "/config.json", "\"eos_token_id\": 0", "\"eos_token_id\": 5")
        try edit(dir + "/generation_config.json", "\"eos_token_id\": 0", "\"eos_token_id\": 5")
        try assertFails("tokenize", dir, ["'</s>' id 0", "'eos_token_id' is 5"])
    }

    func testGenerationConfigIsChecked() throws {
        var dir = try copy()
        try edit(dir + "/generation_config.json", "\"eos_token_id\": 0", "\"eos_token_id\": 3")
        try assertFails("decode", dir, ["generation_config.json", "'eos_token_id' is 3", "config.json says 0"])
        dir = try copy()
        try edit(dir + "/generation_config.json", "\"num_beams\": 4", "\"num_beams\": 0")
        try assertFails("decode", dir, ["generation_config.json", "'num_beams'", "positive integer"])
        // Sampling is not implemented: a warning, then deterministic decoding.
        dir = try copy()
        try edit(dir + "/generation_config.json", "\"num_beams\": 4", "\"num_beams\": 4, \"do_sample\": true")
        let good = StageRunner.repo("Tests/Fixtures/models/opus-en-es")
        let encoded = try pipeline(["tokenize", "embed", "posenc", "encode"].map { ($0, ["--model", good]) },
                                   input: Data("the cat\n".utf8))
        let run = try StageRunner.run("decode", ["--model", dir], stdin: encoded)
        XCTAssertEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("decode: warning: generation_config.json sets 'do_sample'"), run.stderr)
    }
}
