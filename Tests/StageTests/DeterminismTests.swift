import Foundation
import VamosCore
import XCTest

/// The same bytes whatever runs them: every SIMD variant this machine has (VAMOS_ISA, the scalar
/// one included), 1, 2 or 3 threads, and 1, 3 or 16 documents per batch, through the real
/// executables on the fixture models and the opus-mt fixtures (shared and separate vocabularies,
/// float16 and bfloat16 weights), greedy and beam search.
final class DeterminismTests: XCTestCase {
    static let sentences: [String: [String]] = [
        "word": ["let's go", "to go", "go", "let's go to go let's go", "to", "let's"],
        "opus": try! referenceSentences("opus-en-es"),
    ]

    static func referenceSentences(_ model: String) throws -> [String] {
        let data = try Data(contentsOf: Paths.reference(model))
        let obj = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        return (obj["cases"] as! [[String: Any]]).prefix(20).map { $0["text"] as! String }
    }

    /// The variants this machine runs (a variant it lacks is skipped, and reported).
    static let variants: [String] = {
        let all = Kernels.ISA.allCases
        let missing = all.filter { !$0.isSupported }.map(\.rawValue)
        if !missing.isEmpty { print("DeterminismTests: this machine cannot run \(missing.joined(separator: ", ")); skipped") }
        return all.filter(\.isSupported).map(\.rawValue)
    }()

    /// `encoder_input` documents for the model's sentences (tokenize | embed | posenc).
    func encoderInputs(_ model: String, _ sentences: [String]) throws -> Data {
        let m = ["--model", Paths.model(model)]
        let r = try pipeline([("tokenize", m + ["--quiet"]), ("embed", m), ("posenc", m)], stdin: Data(sentences.joined(separator: "\n").utf8))
        XCTAssertTrue(r.succeeded, r.err)
        return r.stdout
    }

    func run(_ stage: String, _ args: [String], _ input: Data, isa: String?, file: StaticString = #filePath, line: UInt = #line) throws -> Data {
        var env = Runner.environment
        env["VAMOS_ISA"] = isa
        env["VAMOS_THREADS"] = nil
        let r = try runProcess(stage, args, stdin: input, env: env)
        XCTAssertEqual(r.status, 0, "\(stage) \(args) VAMOS_ISA=\(isa ?? "-"): \(r.err)", file: file, line: line)
        XCTAssertFalse(r.stdout.isEmpty, file: file, line: line)
        return r.stdout
    }

    func assertSameBytes(_ model: String, _ sentences: [String], decodeArgs: [[String]], full: Bool) throws {
        let m = ["--model", Paths.model(model)]
        let input = try encoderInputs(model, sentences)
        let encoded = try run("encode", m + ["--threads", "1", "--batch", "1"], input, isa: "scalar")
        let decoded = try decodeArgs.map { try run("decode", m + $0 + ["--threads", "1", "--batch", "1"], encoded, isa: "scalar") }
        let isas = DeterminismTests.variants
        XCTAssertTrue(isas.contains("scalar"))
        let threadCounts = full ? [1, 2, 3] : [3]
        let batches = full ? [1, 3, 16] : [16]
        for isa in isas {
            for threads in threadCounts {
                for batch in batches {
                    let opts = ["--threads", "\(threads)", "--batch", "\(batch)"]
                    let what = "\(model) VAMOS_ISA=\(isa) \(opts.joined(separator: " "))"
                    XCTAssertEqual(try run("encode", m + opts, input, isa: isa), encoded, "encode: \(what)")
                    for (args, expected) in zip(decodeArgs, decoded) {
                        XCTAssertEqual(try run("decode", m + args + opts, encoded, isa: isa), expected, "decode \(args): \(what)")
                    }
                }
            }
        }
    }

    func testWordModelsAnyVariantThreadsAndBatch() throws {
        try assertSameBytes("tiny", Self.sentences["word"]!, decodeArgs: [[], ["--beams", "3"], ["--trace"]], full: true)
        for model in ["marian", "prenorm", "plain"] {
            try assertSameBytes(model, Self.sentences["word"]!, decodeArgs: [[]], full: false)
        }
    }

    func testOpusFixturesAnyVariantThreadsAndBatch() throws {
        try assertSameBytes("opus-en-es", Self.sentences["opus"]!, decodeArgs: [["--beams", "1"], ["--beams", "4"]], full: true)
        for model in ["opus-en-es-separate", "opus-en-es-bf16", "opus-en-es-f16"] {
            try assertSameBytes(model, Self.sentences["opus"]!, decodeArgs: [["--beams", "1"], []], full: false)
        }
    }

    /// A sentence alone or in the middle of a stream (other sentences before and after it, batched
    /// with them) is decoded to the same bytes.
    func testASentenceAloneOrInAStream() throws {
        let model = "opus-en-es", m = ["--model", Paths.model(model)]
        let sentences = Self.sentences["opus"]!
        let stream = try run("decode", m + ["--beams", "1"], try run("encode", m, try encoderInputs(model, sentences), isa: nil), isa: nil)
        let lines = stream.split(separator: UInt8(ascii: "\n"))
        for i in [0, 7, sentences.count - 1] {
            let alone = try run("decode", m + ["--beams", "1", "--batch", "1"],
                                try run("encode", m + ["--batch", "1"], try encoderInputs(model, [sentences[i]]), isa: nil), isa: nil)
            XCTAssertEqual(alone, Data(lines[i]) + Data("\n".utf8), "sentence \(i)")
        }
    }

    /// A bad document in the middle of a batched stream: the documents before it are written and
    /// the error is the one a batch of one gives (encode and decode's running batch alike).
    func testABadDocumentInABatchedStreamReportsAsOneByOne() throws {
        let model = "opus-en-es", m = ["--model", Paths.model(model)]
        let sentences = Array(Self.sentences["opus"]!.prefix(8))
        let posenc = try encoderInputs(model, sentences)
        let encoded = try run("encode", m, posenc, isa: nil)
        for (stage, input, bad) in [("encode", posenc, #"{"format":"vamos/1","tensors":{"encoder_input":{"shape":[1,3],"data":[1,2,3]}}}"#),
                                    ("decode", encoded, #"{"format":"vamos/1","tensors":{"encoder_output":{"shape":[1,3],"data":[1,2,3]}}}"#)] {
            var lines = input.split(separator: UInt8(ascii: "\n")).map { Data($0) + Data("\n".utf8) }
            lines.insert(Data((bad + "\n").utf8), at: 5)
            let stream = lines.reduce(Data(), +)
            let args = m + (stage == "decode" ? ["--beams", "1"] : [])
            let one = try runProcess(stage, args + ["--batch", "1"], stdin: stream)
            let many = try runProcess(stage, args + ["--batch", "16"], stdin: stream)
            XCTAssertEqual(one.status, 1, one.err)
            XCTAssertEqual(many.status, 1, many.err)
            XCTAssertEqual(many.outLines.count, 5, stage)
            XCTAssertEqual(many.stdout, one.stdout, stage)
            XCTAssertEqual(many.err, one.err, stage)
            XCTAssertTrue(many.err.contains("input line 6"), many.err)
        }
    }

    /// A batching stage never holds a finished document back waiting for more input (here the
    /// newline after the document comes 0.3 s later, on its own): the first translation is out
    /// while the writer still sleeps before the second document (3 s of slack; not a speed test).
    func testABatchIsNeverHeldBackWaitingForInput() throws {
        let bin = try XCTUnwrap(Paths.binDirectory)
        let m = Paths.model("tiny")
        let doc = try run("encode", ["--model", m], try encoderInputs("tiny", ["let's go"]), isa: nil)
        let line = String(decoding: doc, as: UTF8.self).trimmingCharacters(in: .newlines)
        let dir = try temporaryDirectory()
        let docFile = dir.appendingPathComponent("doc.json").path
        try line.write(toFile: docFile, atomically: true, encoding: .utf8)
        let script = """
            start=$(date +%s%N)
            { cat '\(docFile)'; sleep 0.3; printf '\\n'; sleep 3; cat '\(docFile)'; printf '\\n'; } \\
              | '\(bin)/decode' --model '\(m)' --batch 16 \\
              | while read -r l; do echo $(( ($(date +%s%N) - start) / 1000000 )); done
            """
        let r = try runProcess("/bin/bash", ["-c", script], timeout: 60)
        XCTAssertEqual(r.status, 0, r.err)
        let times = r.outLines.compactMap { Int($0) }
        XCTAssertEqual(times.count, 2, r.out)
        XCTAssertLessThan(times.first ?? .max, 2500, "the first document waited for the second: \(times)")
        XCTAssertGreaterThan(times.last ?? 0, 3000, "\(times)")
    }

    func testBadThreadsAndVariantAreUsageErrors() throws {
        let r = try runProcess("encode", ["--threads", "0"], stdin: "")
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.contains("--threads"), r.err)
        var env = ProcessInfo.processInfo.environment
        env["VAMOS_ISA"] = "sse9"
        let r2 = try runProcess("embed", [], stdin: "", env: env)
        XCTAssertEqual(r2.status, 64)
        XCTAssertTrue(r2.err.contains("VAMOS_ISA"), r2.err)
        XCTAssertEqual(r2.errLines.count, 1, r2.err)
    }
}
