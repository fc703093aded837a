import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// The real binaries on large and strict input (docs/FORMAT.md §10): memory measured from the
/// child's own rusage, errors with line and byte offset, the trace filter, the limits.
final class TensorIOTests: XCTestCase {
    let tiny = Paths.model("tiny")

    /// Tests/Fixtures/tools/peak_rss.c, compiled once (by the C compiler SwiftPM uses).
    static let peakRSS: String? = {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-peak-rss-\(getpid())").path
        let source = Paths.root.appendingPathComponent("Tests/Fixtures/tools/peak_rss.c").path
        for cc in ["clang", "cc", "gcc"] {
            if let r = try? runProcess("/usr/bin/env", [cc, "-O1", "-o", out, source]), r.status == 0 { return out }
        }
        return nil
    }()

    /// Runs `exe args < input` (a file), stdout discarded; its peak RSS from wait4, measured by
    /// peak_rss (see there why not from this process).
    func measured(_ exe: String, _ args: [String], input: URL) throws -> (status: Int32, maxRSS: Int, stderr: String) {
        guard let tool = TensorIOTests.peakRSS else { throw XCTSkip("no C compiler (clang, cc, gcc) to build peak_rss.c") }
        let errURL = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-measured-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errURL) }
        let r = try runProcess(tool, ["/dev/null", errURL.path, try Paths.executable(exe)] + args, stdin: try Data(contentsOf: input, options: .alwaysMapped))
        let fields = r.out.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(fields.count, 2, r.out + r.err)
        let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        return (Int32(fields.first ?? -1), fields.last ?? 0, err)
    }

    /// A file of one document: tensor `embeddings` of `shape`, `count` values "1".
    func bigDocument(shape: String, count: Int) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-big-\(UUID().uuidString).json")
        var bytes = Array(#"{"format":"vamos/1","stage":"embed","tensors":{"embeddings":{"shape":"#.utf8) + Array(shape.utf8)
        bytes += Array(#","axes":["token","d_model"],"data":["#.utf8)
        bytes.reserveCapacity(bytes.count + 2 * count + 8)
        for i in 0..<count { bytes.append(0x31); if i + 1 < count { bytes.append(0x2C) } }
        bytes += Array("]}}}\n".utf8)
        try Data(bytes).write(to: url)
        return url
    }

    /// The issue's numbers: a 50 MB line (25M values) read in at most 4× its size; the same line
    /// claiming shape [3, 2] refused after its 7th value, in well under 100 MB.
    func testMemoryWhileReadingIsBoundedByTheData() throws {
        let n = 25_000_000
        let big = try bigDocument(shape: "[\(n / 2), 2]", count: n)
        defer { try? FileManager.default.removeItem(at: big) }
        let size = try FileManager.default.attributesOfItem(atPath: big.path)[.size] as! Int
        let stats = try measured("tensor", ["stats", "-"], input: big)
        XCTAssertEqual(stats.status, 0, stats.stderr)
        XCTAssertLessThanOrEqual(stats.maxRSS, 4 * size, "peak RSS \(stats.maxRSS) for a \(size)-byte line")

        let bad = try bigDocument(shape: "[3, 2]", count: n)
        defer { try? FileManager.default.removeItem(at: bad) }
        let posenc = try measured("posenc", ["--model", tiny], input: bad)
        XCTAssertEqual(posenc.status, 1)
        XCTAssertTrue(posenc.stderr.hasPrefix("posenc: input line 1, byte ") && posenc.stderr.contains("tensor 'embeddings': shape [3, 2] needs 6 values in 'data', found more"), posenc.stderr)
        XCTAssertLessThan(posenc.maxRSS, 100 << 20, "peak RSS \(posenc.maxRSS)")
    }

    /// A config claiming 10^7 words for a model of a few: refused from the weights' header before
    /// a vocabulary is sized by it.
    func testHugeVocabSizeIsRefusedBeforeBuildingTheVocabulary() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-vocab-\(UUID().uuidString)")
        try FileManager.default.copyItem(atPath: tiny, toPath: dir.path)
        defer { try? FileManager.default.removeItem(at: dir) }
        let configURL = dir.appendingPathComponent("config.json")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: configURL)) as! [String: Any]
        config["vocab_size"] = 10_000_000
        config["decoder_vocab_size"] = nil
        try JSONSerialization.data(withJSONObject: config).write(to: configURL)
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-line-\(UUID().uuidString)")
        try Data("go\n".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let r = try measured("tokenize", ["--model", dir.path], input: input)
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("config.json implies [10000000, ") && r.stderr.contains("'vocab_size' 10000000"), r.stderr)
        XCTAssertLessThan(r.maxRSS, 100 << 20)
    }

    /// Through a stage: the line and byte of a bad byte, a BOM named as such, a field RFC 8259
    /// allows passed through with its value.
    func testStagesRefuseWhatJSONForbidsAndKeepWhatItAllows() throws {
        let good = #"{"format":"vamos/1","source":{"ids":[0]}}"# + "\n"
        var bad = Data(good.utf8)
        bad.append(Data(#"{"format":"vamos/1","source":{"ids":[0]},"s":""#.utf8))
        bad.append(contentsOf: [0xED, 0xA0, 0x80])
        bad.append(Data("\"}\n".utf8))
        let r = try runProcess("embed", ["--model", tiny], stdin: bad)
        assertStageError(r, stage: "embed", mentions: ["input line 2, byte \(good.utf8.count + 46)", "surrogate"], goodLines: 1)

        var bom = Data([0xEF, 0xBB, 0xBF])
        bom.append(Data(good.utf8))
        assertStageError(try runProcess("embed", ["--model", tiny], stdin: bom), stage: "embed", mentions: ["input line 1, byte 0", "byte order mark"])

        let allowed = #"{"format":"vamos/1","source":{"ids":[0]},"k\u0000ey":"\u0001\uffff\u0000","n":[-0,1E2]}"#
        let ok = try runProcess("embed", ["--model", tiny], stdin: allowed + "\n")
        XCTAssertEqual(ok.status, 0, ok.err)
        XCTAssertTrue(ok.out.contains(#""k\u0000ey":"\u0001"# + String(Unicode.Scalar(0xFFFF)!) + #"\u0000","n":[-0,1E2]"#), ok.out)
    }

    /// tokenize reads lines strictly too: a line that is not UTF-8 is an error naming it.
    func testTokenizeRefusesALineThatIsNotUTF8() throws {
        var input = Data("go\n".utf8)
        input.append(contentsOf: [0x6C, 0x65, 0x74, 0xC0, 0xAF, 0x0A])
        let r = try runProcess("tokenize", ["--model", tiny], stdin: input)
        assertStageError(r, stage: "tokenize", mentions: ["input line 2, byte 6", "invalid UTF-8", "overlong"], goodLines: 1)
        let opus = try runProcess("tokenize", ["--model", Paths.model("opus-en-es")], stdin: Data([0x68, 0x69, 0xFF, 0x0A]))
        assertStageError(opus, stage: "tokenize", mentions: ["input line 1, byte 2", "invalid UTF-8"])
    }

    /// train reads its corpus strictly too.
    func testTrainRefusesACorpusThatIsNotUTF8() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-corpus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let corpus = dir.appendingPathComponent("c.tsv")
        var bytes = Data("let's go\tvamos\nto go\ti".utf8)
        bytes.append(contentsOf: [0xED, 0xA0, 0x80])
        bytes.append(Data("r\n".utf8))
        try bytes.write(to: corpus)
        let r = try runProcess("train", ["--corpus", corpus.path, "--config", Paths.root.appendingPathComponent("data/statquest/architecture.json").path,
                                         "--steps", "1", "--quiet", "--out", dir.appendingPathComponent("m").path])
        assertStageError(r, stage: "train", mentions: ["c.tsv line 2, byte 22", "surrogate"])
    }

    /// --trace-filter keeps exactly the matching trace tensors, the same bytes as in the full trace.
    func testTraceFilterKeepsOnlyMatchingNames() throws {
        let input = try pipeline([("tokenize", ["--model", tiny]), ("embed", ["--model", tiny]), ("posenc", ["--model", tiny])],
                                 stdin: Data("let's go\n".utf8)).stdout
        let full = try runProcess("encode", ["--model", tiny, "--trace"], stdin: input)
        let some = try runProcess("encode", ["--model", tiny, "--trace-filter", "encoder.blocks.*.attn.hook_pattern"], stdin: input)
        XCTAssertEqual(some.status, 0, some.err)
        let fullTensors = try tensors(full.stdout), someTensors = try tensors(some.stdout)
        let expected = fullTensors.keys.filter { $0 == "encoder_output" || ($0.hasPrefix("encoder.blocks.") && $0.hasSuffix(".attn.hook_pattern")) }
        XCTAssertFalse(expected.count < 2)
        XCTAssertEqual(Set(someTensors.keys), Set(expected))
        for name in expected { XCTAssertEqual(someTensors[name], fullTensors[name], name) }
        let pos = try runProcess("posenc", ["--model", tiny, "--trace-filter", "positional_*"],
                                 stdin: try runProcess("embed", ["--model", tiny], stdin: try runProcess("tokenize", ["--model", tiny], stdin: "go\n").stdout).stdout)
        XCTAssertEqual(Set(try tensors(pos.stdout).keys), ["positional_encoding", "encoder_input"])
    }

    /// The limits, raised or lowered by option: the error names the option.
    func testLimitOptions() throws {
        let doc = #"{"format":"vamos/1","source":{"ids":[0]}}"# + "\n"
        let r = try runProcess("embed", ["--model", tiny, "--max-document-bytes", "20"], stdin: doc)
        assertStageError(r, stage: "embed", mentions: ["input line 1", "longer than 20 bytes", "--max-document-bytes"])
        let t = try runProcess("tensor", ["stats", "--max-tensor-elements", "3"],
                               stdin: #"{"format":"vamos/1","tensors":{"t":{"shape":[4],"data":[1,2,3,4]}}}"# + "\n")
        XCTAssertEqual(t.status, 2)
        XCTAssertTrue(t.err.contains("more than the limit of 3"), t.err)
    }

    /// Tensor name → the JSON text of its object, from one document.
    func tensors(_ out: Data) throws -> [String: String] {
        let obj = try JSONSerialization.jsonObject(with: out) as! [String: Any]
        let t = obj["tensors"] as? [String: Any] ?? [:]
        return t.mapValues { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }
}
