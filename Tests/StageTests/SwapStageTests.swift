/// Swapping a stage: pipelines/examples/posenc.py (Python, standard library only) in place of the
/// Swift posenc. The same input through both: `tensor diff` finds no difference (exactly: atol 0,
/// rtol 0) and the documents are byte-identical; the rest of the pipeline translates the same.
import Foundation
import XCTest

final class SwapStageTests: XCTestCase {
    func python() throws -> String { try python3("the Python posenc cannot be compared") }

    func testPythonPosencWritesWhatTheSwiftPosencWrites() throws {
        let py = try python()
        let script = Paths.root.appendingPathComponent("pipelines/examples/posenc.py").path
        let cases = Paths.models.map { ($0, Paths.model($0)) } + [("statquest", Paths.root.appendingPathComponent("models/statquest").path)]
        for (name, dir) in cases {
            let text = name == "tiny" || name == "statquest" ? "let's go\nto go\ngo go let's to go\n" : "the big cat sees a fish\nthe dog\na red house is a small house\n"
            let m = ["--model", dir]
            let embedded = try pipeline([("tokenize", m + ["--quiet"]), ("embed", m)], stdin: text)
            assertSucceeded(embedded)
            for flags in [[], ["--keep", "--trace"]] {
                let swift = try runProcess("posenc", m + flags, stdin: embedded.stdout)
                XCTAssertEqual(swift.status, 0, swift.err)
                let python = try runProcess(py, [script] + m + flags, stdin: embedded.stdout)
                XCTAssertEqual(python.status, 0, "\(name): \(python.err)")
                XCTAssertEqual(python.outLines.count, 3)
                let a = try writeTemp("swift.jsonl", swift.out), b = try writeTemp("python.jsonl", python.out)
                let diff = try runProcess("tensor", ["diff", a, b, "--atol", "0", "--rtol", "0"])
                XCTAssertEqual(diff.status, 0, "\(name) \(flags): tensor diff:\n\(diff.out)\(diff.err)")
                XCTAssertEqual(python.out, swift.out, "\(name) \(flags): not byte-identical")
            }
            // and the pipeline after it translates the same
            let after = try pipeline([("encode", m), ("decode", m), ("detokenize", m)],
                                     stdin: try runProcess(py, [script] + m, stdin: embedded.stdout).stdout)
            let reference = try pipeline([("posenc", m), ("encode", m), ("decode", m), ("detokenize", m)], stdin: embedded.stdout)
            assertSucceeded(after); assertSucceeded(reference)
            XCTAssertEqual(after.out, reference.out, name)
        }
    }

    /// The replacement keeps the error contract: one line `posenc: input line N: …`, status 1.
    func testPythonPosencReportsBadInputLikeAStage() throws {
        let py = try python()
        let script = Paths.root.appendingPathComponent("pipelines/examples/posenc.py").path
        let r = try runProcess(py, [script, "--model", Paths.model("tiny")], stdin: #"{"format":"vamos/1","source":{"ids":[0]}}"# + "\n")
        assertStageError(r, stage: "posenc", mentions: ["input line 1", "no tensor 'embeddings'"])
    }
}
