/// `decode --force "TEXT"`: teacher-forced scoring of a given translation — per token the
/// probability, log-probability, rank and candidates, from one teacher-forced pass of the same
/// Decoder greedy decoding uses; `--trace` the attention at each step.
import Foundation
import XCTest

final class ForceTests: XCTestCase {
    func forced(_ model: String, _ text: String, _ force: String, extra: [String] = []) throws -> [String: Any] {
        try jsonObject(try tracedDocument(model: model, text: text, decodeArgs: ["--force", force] + extra))
    }

    func forcedSteps(_ doc: [String: Any]) throws -> [[String: Any]] {
        let target = try XCTUnwrap(doc["target"] as? [String: Any])
        let forced = try XCTUnwrap(target["forced"] as? [String: Any])
        return try XCTUnwrap(forced["steps"] as? [[String: Any]])
    }

    /// Forcing what greedy decoding produced gives greedy's own probabilities, rank 1 at every step,
    /// and the same decoder trace (checked with tensor diff).
    func testForcingTheGreedyTranslationReproducesGreedy() throws {
        for model in Paths.models {
            let text = sentence(for: model)
            let greedyLine = try tracedDocument(model: model, text: text, decodeArgs: ["--max-length", "6"])
            let greedy = try jsonObject(greedyLine)
            let target = greedy["target"] as! [String: Any]
            let tokens = target["tokens"] as! [String]
            let steps = target["steps"] as! [[String: Any]]
            let forcedLine = try tracedDocument(model: model, text: text, decodeArgs: ["--force", tokens.joined(separator: " ")])
            let f = try jsonObject(forcedLine)
            let fs = try forcedSteps(f)
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Paths.model(model) + "/config.json"))) as! [String: Any]
            let eos = (target["ids"] as! [Int]).last == config["eos_token_id"] as? Int
            XCTAssertEqual(fs.count, eos ? tokens.count : tokens.count + 1, "\(model): <EOS> appended only when missing")
            for (i, s) in steps.enumerated() {
                XCTAssertEqual(fs[i]["token"] as? String, s["token"] as? String)
                XCTAssertEqual(fs[i]["rank"] as? Int, 1, "\(model) step \(i + 1): greedy's word has rank 1")
                XCTAssertEqual(fs[i]["probability"] as! Double, s["probability"] as! Double, accuracy: 1e-5, "\(model) step \(i + 1)")
                XCTAssertEqual((fs[i]["top"] as! [[String: Any]]).map { $0["id"] as! Int }, (s["top"] as! [[String: Any]]).map { $0["id"] as! Int })
            }
            if eos {
                // the decoder internals of the same sequence: equal to greedy's trace within float rounding
                let a = try writeTemp("greedy.jsonl", greedyLine), b = try writeTemp("forced.jsonl", forcedLine)
                let r = try runProcess("tensor", ["diff", a, b, "--atol", "1e-5", "--rtol", "1e-4", "--ignore", "target"])
                XCTAssertEqual(r.status, 0, "\(model): \(r.out)")
            }
        }
    }

    /// Another word: its probability is the one the top list gives it, its rank its place there,
    /// log_probability = log(probability), the total their sum.
    func testForcedScoresAreConsistent() throws {
        let doc = try forced("tiny", "let's go", "ir y vamos", extra: ["--top-k", "4"])
        let target = doc["target"] as! [String: Any]
        XCTAssertEqual(target["tokens"] as? [String], ["ir", "y", "vamos", "<EOS>"])
        XCTAssertEqual(target["ids"] as? [Int], [0, 2, 1, 3])
        XCTAssertNil(target["steps"], "greedy's steps are not written with --force")
        let forced = target["forced"] as! [String: Any]
        XCTAssertEqual(forced["text"] as? String, "ir y vamos")
        let steps = try forcedSteps(doc)
        var total = 0.0
        for (i, s) in steps.enumerated() {
            XCTAssertEqual(s["position"] as? Int, i + 1)
            let p = s["probability"] as! Double, lp = s["log_probability"] as! Double
            XCTAssertEqual(lp, log(p), accuracy: 1e-5)
            let top = s["top"] as! [[String: Any]]
            XCTAssertEqual(top.count, 4)
            let place = try XCTUnwrap(top.firstIndex { $0["id"] as? Int == s["id"] as? Int })
            XCTAssertEqual(s["rank"] as? Int, place + 1)
            XCTAssertEqual(top[place]["probability"] as! Double, p)
            XCTAssertEqual(top.map { $0["probability"] as! Double }.reduce(0, +), 1, accuracy: 1e-5)
            total += lp
        }
        XCTAssertEqual(forced["log_probability"] as! Double, total, accuracy: 1e-5)
    }

    /// The statquest model: `vamos` is what it says for `let's go`; `ir` is not (rank > 1, low p).
    func testWhyThisWordAndNotThatOne() throws {
        let m = Paths.root.appendingPathComponent("models/statquest").path
        let args = ["--model", m]
        func run(_ force: String) throws -> [String: Any] {
            let r = try pipeline([("tokenize", args), ("embed", args), ("posenc", args), ("encode", args), ("decode", args + ["--force", force])],
                                 stdin: "let's go\n")
            guard r.succeeded else { throw HarnessError(r.summary) }
            return try jsonObject(r.outLines[0])
        }
        let vamos = try forcedSteps(try run("vamos")), ir = try forcedSteps(try run("ir <EOS>"))
        XCTAssertEqual(vamos.count, 2)
        XCTAssertEqual(ir.count, 2, "an explicit <EOS> is not doubled")
        XCTAssertEqual(vamos[0]["rank"] as? Int, 1)
        XCTAssertGreaterThan(vamos[0]["probability"] as! Double, 0.99)
        XCTAssertGreaterThan(ir[0]["rank"] as! Int, 1)
        XCTAssertLessThan(ir[0]["probability"] as! Double, 0.01)
        // the candidates are the same at step 1 whatever is forced (same prefix: the start token)
        XCTAssertEqual((vamos[0]["top"] as! [[String: Any]]).map { $0["id"] as! Int }, (ir[0]["top"] as! [[String: Any]]).map { $0["id"] as! Int })
    }

    /// --trace with --force: the attention at each forced step, rows labelled by the forced words.
    func testForceTraceHasTheAttentionOfTheForcedSteps() throws {
        let doc = try forced("marian", "the big cat sees a fish", "el gato")
        let ids = (doc["target"] as! [String: Any])["ids"] as! [Int]
        XCTAssertEqual(ids.count, 3)
        let cross = try tensor(doc, "decoder.blocks.1.cross_attn.hook_pattern")
        XCTAssertEqual(cross.shape, [2, 3, 7])
        let selfAttn = try tensor(doc, "decoder.blocks.0.attn.hook_pattern")
        XCTAssertEqual(selfAttn.shape, [2, 3, 3])
        XCTAssertEqual(selfAttn.data[1], 0, "masked: position 0 does not see position 1")
        let r = try runProcess("tensor", ["show", "decoder.blocks.0.cross_attn.hook_pattern"], stdin: try tracedDocument(model: "marian", text: "the big cat sees a fish", decodeArgs: ["--force", "el gato"]))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.outLines.contains { $0.hasPrefix("el ") } && r.outLines.contains { $0.hasPrefix("gato ") }, r.out)
        let steps = try runProcess("tensor", ["steps"], stdin: try tracedDocument(model: "marian", text: "the big cat sees a fish", decodeArgs: ["--force", "el gato"]))
        XCTAssertEqual(steps.status, 0, steps.err)
        XCTAssertEqual(steps.outLines.count, 4)
        XCTAssertTrue(steps.outLines[0].hasPrefix("step 1: el forced  p "), steps.out)
        XCTAssertTrue(steps.outLines[3].hasPrefix("total log p "), steps.out)
    }

    func testUnknownForcedWordIsAnError() throws {
        let input = try Documents.shared.input(of: "decode")
        let r = try runProcess("decode", ["--model", Paths.model("tiny"), "--force", "vamos playa"], stdin: input + "\n")
        assertStageError(r, stage: "decode", mentions: ["--force", "'playa'", "target vocabulary"])
        // a model with <unk> maps it there
        let marian = try Documents.shared.input(of: "decode", model: "marian", text: "the cat")
        let u = try runProcess("decode", ["--model", Paths.model("marian"), "--force", "el zzz"], stdin: marian + "\n")
        XCTAssertEqual(u.status, 0, u.err)
        XCTAssertEqual(((try jsonObject(u.outLines[0])["target"] as! [String: Any])["tokens"] as! [String])[1], "<unk>")
    }
}
