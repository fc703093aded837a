/// End-to-end runs of the real executables: `tokenize | embed | posenc | encode | decode |
/// detokenize` for every fixture model, one sentence and a file of many (one output line per input
/// line, in order, each as when run alone), against the PyTorch reference ids
/// (Tests/Fixtures/reference/*.json), and the scripts `pipelines/translate.sh` and
/// `pipelines/dump.sh`.
import Foundation
import XCTest

final class PipelineTests: XCTestCase {
    /// The tiny model translates "let's go" to the reference's greedy ids, rendered as text.
    func testLetsGoWithTinyModelGivesReferenceIDs() throws {
        let model = Paths.model("tiny")
        let reference = try XCTUnwrap(try referenceCases("tiny").first { $0.text == "let's go" })
        XCTAssertEqual(reference.greedyIDs, [1, 1, 3])

        // The ids themselves (detokenize --json keeps them) …
        let json = try pipeline(fullPipeline(model: model, extra: ["detokenize": ["--json"]]), stdin: "let's go\n")
        assertSucceeded(json)
        XCTAssertEqual(json.err, "")
        XCTAssertEqual(json.outLines.count, 1)
        let doc = try jsonObject(json.outLines[0])
        let source = try XCTUnwrap(doc["source"] as? [String: Any])
        let target = try XCTUnwrap(doc["target"] as? [String: Any])
        XCTAssertEqual(source["ids"] as? [Int], reference.sourceIDs)
        XCTAssertEqual(target["ids"] as? [Int], reference.greedyIDs)
        XCTAssertEqual(target["tokens"] as? [String], ["vamos", "vamos", "<EOS>"])
        XCTAssertEqual(target["text"] as? String, "vamos vamos")
        XCTAssertEqual(doc["stage"] as? String, "detokenize")

        // … and as plain text.
        let text = try pipeline(fullPipeline(model: model), stdin: "let's go\n")
        assertSucceeded(text)
        XCTAssertEqual(text.out, try renderTarget(reference.greedyIDs, model: "tiny") + "\n")
        XCTAssertEqual(text.out, "vamos vamos\n")
    }

    /// One sentence through every fixture model gives the reference ids.
    func testEveryModelTranslatesOneSentence() throws {
        for name in Paths.models {
            let first = try XCTUnwrap(try referenceCases(name).first)
            let r = try pipeline(fullPipeline(model: Paths.model(name), extra: ["detokenize": ["--json"]]), stdin: first.text + "\n")
            assertSucceeded(r)
            XCTAssertEqual(r.err, "", name)
            XCTAssertEqual(r.outLines.count, 1, name)
            let target = try XCTUnwrap(try jsonObject(r.outLines[0])["target"] as? [String: Any], name)
            XCTAssertEqual(target["ids"] as? [Int], first.greedyIDs, "\(name): '\(first.text)'")
            XCTAssertEqual(target["text"] as? String, try renderTarget(first.greedyIDs, model: name), name)
        }
    }

    /// A file of many sentences (every reference case) streams through: one line per input line, in
    /// order, each the reference translation and the same as running that sentence alone.
    func testManySentencesStreamThroughInOrder() throws {
        for name in Paths.models {
            let model = Paths.model(name)
            let cases = try referenceCases(name)
            let all = try pipeline(fullPipeline(model: model), stdin: cases.map { $0.text + "\n" }.joined())
            assertSucceeded(all)
            XCTAssertEqual(all.err, "", name)
            XCTAssertEqual(all.outLines.count, cases.count, "\(name): one output line per input line")
            for (i, c) in cases.enumerated() where i < all.outLines.count {
                XCTAssertEqual(all.outLines[i], try renderTarget(c.greedyIDs, model: name), "\(name) line \(i + 1): '\(c.text)'")
                let alone = try pipeline(fullPipeline(model: model), stdin: c.text + "\n")
                assertSucceeded(alone)
                XCTAssertEqual(alone.outLines, [all.outLines[i]], "\(name) line \(i + 1): alone vs. in the stream")
            }
        }
    }

    /// The same many-sentence stream, with the documents kept: every stage's ids match the reference.
    func testManySentencesKeepTheirSourceAndTargetIDs() throws {
        let cases = try referenceCases("marian")
        let r = try pipeline(fullPipeline(model: Paths.model("marian"), extra: ["detokenize": ["--json"]]),
                             stdin: cases.map { $0.text + "\n" }.joined())
        assertSucceeded(r)
        XCTAssertEqual(r.outLines.count, cases.count)
        for (c, line) in zip(cases, r.outLines) {
            let doc = try jsonObject(line)
            XCTAssertEqual((doc["source"] as? [String: Any])?["text"] as? String, c.text)
            XCTAssertEqual((doc["source"] as? [String: Any])?["ids"] as? [Int], c.sourceIDs, c.text)
            XCTAssertEqual((doc["target"] as? [String: Any])?["ids"] as? [Int], c.greedyIDs, c.text)
        }
    }

    /// Without --model, VAMOS_MODEL names the model; --model wins over it (docs/MODEL.md).
    func testVAMOS_MODELIsTheDefaultAndModelOptionWins() throws {
        var env = Runner.environment
        env["VAMOS_MODEL"] = Paths.model("marian")
        let fromEnv = try runProcess("tokenize", [], stdin: "the cat\n", env: env)
        XCTAssertEqual(fromEnv.status, 0, fromEnv.err)
        XCTAssertEqual((try jsonObject(fromEnv.outLines[0])["model"] as? [String: Any])?["name"] as? String, "marian")
        let explicit = try runProcess("tokenize", ["--model", Paths.model("tiny")], stdin: "go\n", env: env)
        XCTAssertEqual(explicit.status, 0, explicit.err)
        XCTAssertEqual((try jsonObject(explicit.outLines[0])["model"] as? [String: Any])?["name"] as? String, "tiny")
    }

    /// tokenize --lowercase (and a config's "lowercase": true) lowercases before the lookup.
    func testTokenizeLowercase() throws {
        let tiny = try runProcess("tokenize", ["--model", Paths.model("tiny"), "--lowercase"], stdin: "GO\n")
        XCTAssertEqual(tiny.status, 0, tiny.err)
        XCTAssertEqual((try jsonObject(tiny.outLines[0])["source"] as? [String: Any])?["ids"] as? [Int], [2, 3])
        let prenorm = try runProcess("tokenize", ["--model", Paths.model("prenorm")], stdin: "The Cat eats\n")
        XCTAssertEqual((try jsonObject(prenorm.outLines[0])["source"] as? [String: Any])?["ids"] as? [Int], [3, 9, 13, 0])
        XCTAssertEqual((try jsonObject(prenorm.outLines[0])["source"] as? [String: Any])?["text"] as? String, "The Cat eats")
        // --no-lowercase overrides the config: "The" and "Cat" are then unknown (<unk> is 1).
        let kept = try runProcess("tokenize", ["--model", Paths.model("prenorm"), "--no-lowercase", "--quiet"], stdin: "The Cat eats\n")
        XCTAssertEqual(kept.status, 0, kept.err)
        XCTAssertEqual((try jsonObject(kept.outLines[0])["source"] as? [String: Any])?["ids"] as? [Int], [1, 1, 13, 0])
    }

    /// `pipelines/translate-parallel.sh`: shards over GNU parallel, output in input order, the same
    /// lines as one stream (a sentence's translation does not depend on its shard or batch).
    func testTranslateParallelEqualsOneStream() throws {
        let bin = try XCTUnwrap(Paths.binDirectory)
        var env = Runner.environment
        env["VAMOS_BIN"] = bin
        guard (try? runProcess("/bin/sh", ["-c", "command -v parallel"], env: env).status) == 0 else {
            throw XCTSkip("GNU parallel is not installed (make deps installs it)")
        }
        let corpus = try String(contentsOfFile: Paths.root.appendingPathComponent("data/demo-en-es/test.tsv").path, encoding: .utf8)
        let lines = corpus.split(separator: "\n").prefix(150).map { String($0.split(separator: "\t")[0]) }
        let input = lines.joined(separator: "\n") + "\n"
        let model = Paths.root.appendingPathComponent("models/demo-en-es").path
        let one = try runProcess("/bin/bash", [Paths.script("translate.sh"), "--model", model], stdin: input, env: env)
        let sharded = try runProcess("/bin/bash", [Paths.script("translate-parallel.sh"), "--model", model, "--jobs", "3", "--lines", "17"],
                                     stdin: input, env: env)
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertEqual(sharded.status, 0, sharded.err)
        XCTAssertEqual(sharded.outLines.count, 150)
        XCTAssertEqual(sharded.out, one.out)
    }

    /// `pipelines/translate.sh --model DIR "sentence" …`: one line per sentence; stdin otherwise.
    func testTranslateScript() throws {
        let bin = try XCTUnwrap(Paths.binDirectory)
        var env = Runner.environment
        env["VAMOS_BIN"] = bin
        let r = try runProcess("/bin/bash", [Paths.script("translate.sh"), "--model", Paths.model("tiny"), "let's go", "to go"], env: env)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.outLines, [try renderTarget([1, 1, 3], model: "tiny"),
                                    try renderTarget([1, 1, 1, 0, 0, 1, 1, 1, 1], model: "tiny")])

        let fromStdin = try runProcess("/bin/bash", [Paths.script("translate.sh"), "--model=\(Paths.model("tiny"))"], stdin: "let's go\n", env: env)
        XCTAssertEqual(fromStdin.status, 0, fromStdin.err)
        XCTAssertEqual(fromStdin.out, "vamos vamos\n")

        let bad = try runProcess("/bin/bash", [Paths.script("translate.sh"), "--bogus"], env: env)
        XCTAssertEqual(bad.status, 64)
        XCTAssertEqual(bad.errLines.count, 1, bad.err)

        // A stage failing inside the script: its status and its one line come through.
        let failing = try runProcess("/bin/bash", [Paths.script("translate.sh"), "--model", Paths.model("tiny"), "let's dance"], env: env)
        assertStageError(failing, stage: "tokenize", mentions: ["'dance'"])
    }

    /// `pipelines/dump.sh --model DIR --trace OUTDIR sentences…` leaves one file per stage, each a
    /// valid document stream with a document per sentence, and prints the translation.
    func testDumpScript() throws {
        let bin = try XCTUnwrap(Paths.binDirectory)
        var env = Runner.environment
        env["VAMOS_BIN"] = bin
        let out = try temporaryDirectory().appendingPathComponent("dump")
        let r = try runProcess("/bin/bash", [Paths.script("dump.sh"), "--model", Paths.model("tiny"), "--trace", out.path, "let's go", "to go"], env: env)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.err, "")
        XCTAssertEqual(r.outLines, ["vamos vamos", try renderTarget([1, 1, 1, 0, 0, 1, 1, 1, 1], model: "tiny")])

        let files = ["1-tokenize", "2-embed", "3-posenc", "4-encode", "5-decode"]
        for (file, stage) in zip(files, Paths.stages) {
            let url = out.appendingPathComponent(file + ".jsonl")
            let text = try String(contentsOf: url, encoding: .utf8)
            XCTAssertEqual(text.last, "\n", file)
            let docs = try lines(text).map { try jsonObject($0) }
            XCTAssertEqual(docs.count, 2, file)
            for doc in docs {
                XCTAssertEqual(doc["format"] as? String, "vamos/1", file)
                XCTAssertEqual(doc["stage"] as? String, stage, file)
                XCTAssertEqual((doc["model"] as? [String: Any])?["name"] as? String, "tiny", file)
            }
            // Each file is also what the next stage reads: the next stage accepts it whole.
            if let next = Paths.stages.dropFirst(Paths.stages.firstIndex(of: stage)! + 1).first {
                let again = try runProcess(next, ["--model", Paths.model("tiny")], stdin: text)
                XCTAssertEqual(again.status, 0, "\(next) reading \(file).jsonl: \(again.err)")
                XCTAssertEqual(again.outLines.count, 2)
            }
        }
        // --trace and --keep: the internals and the consumed tensors are in the files.
        let posenc = try jsonObject(try String(contentsOf: out.appendingPathComponent("3-posenc.jsonl"), encoding: .utf8).components(separatedBy: "\n")[0])
        XCTAssertTrue(tensorNames(posenc).isSuperset(of: ["embeddings", "positional_encoding", "encoder_input"]))
        let decode = try jsonObject(try String(contentsOf: out.appendingPathComponent("5-decode.jsonl"), encoding: .utf8).components(separatedBy: "\n")[0])
        XCTAssertTrue(tensorNames(decode).isSuperset(of: ["encoder_output", "encoder.blocks.0.attn.hook_pattern",
                                                          "decoder.blocks.0.cross_attn.hook_pattern"]))
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("6-detokenize.txt"), encoding: .utf8), r.out)
    }
}
