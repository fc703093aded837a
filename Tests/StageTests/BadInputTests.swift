/// Bad documents and bad command lines, one case per test. Each asserts the contract of a failing
/// stage (`assertStageError`): status 1 for bad data (64 for usage errors), nothing on stdout but
/// the complete lines of earlier good documents, and exactly one line on stderr that starts with the
/// stage's name and names the field or what was expected.
import Foundation
import XCTest

final class BadInputTests: XCTestCase {
    let tiny = Paths.model("tiny")

    private func stage(_ name: String, _ input: String, _ args: [String] = []) throws -> RunResult {
        try runProcess(name, ["--model", tiny] + args, stdin: input)
    }

    /// A document with one tensor, written by hand.
    private func tensorDocument(_ name: String, shape: String, data: String) -> String {
        #"{"format":"vamos/1","stage":"embed","tensors":{""# + name + #"":{"shape":"# + shape + #","data":"# + data + "}}}\n"
    }

    // MARK: not JSON

    func testNotJSON() throws {
        assertStageError(try stage("embed", "hello\n"), stage: "embed", mentions: ["input line 1", "not valid JSON"])
    }

    func testTruncatedJSON() throws {
        let doc = try Documents.shared.input(of: "embed")
        let r = try stage("embed", String(doc.prefix(doc.count / 2)))
        assertStageError(r, stage: "embed", mentions: ["input line 1", "truncated"])
    }

    func testTruncatedJSONAfterAGoodDocument() throws {
        let doc = try Documents.shared.input(of: "embed")
        let r = try stage("embed", doc + "\n" + String(doc.prefix(40)))
        assertStageError(r, stage: "embed", mentions: ["input line 2", "truncated"], goodLines: 1)
    }

    /// Objects and arrays nest at most 32 deep.
    func testNestingTooDeep() throws {
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        let r = try stage("embed", #"{"format":"vamos/1","x":"# + deep + #","source":{"ids":[0]}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["input line 1", "deep"])
    }

    func testInvalidUTF8() throws {
        var bytes = Data(#"{"format":"vamos/1","source":{"ids":[0]},"s":""#.utf8)
        bytes.append(contentsOf: [0xFF, 0xFE])
        bytes.append(Data("\"}\n".utf8))
        let r = try runProcess("embed", ["--model", tiny], stdin: bytes)
        assertStageError(r, stage: "embed", mentions: ["input line 1", "byte 46", "invalid UTF-8", "FF"])
    }

    /// The line of a syntax error is where it was found, after good documents on earlier lines.
    func testSyntaxErrorNamesItsLine() throws {
        let good = try Documents.shared.input(of: "embed")
        let r = try stage("embed", good + "\n\n" + good + "\n" + #"{"format":"vamos/1",,}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["input line 4", "not valid JSON"], goodLines: 2)
    }

    func testNotAnObject() throws {
        assertStageError(try stage("posenc", "[1, 2]\n"), stage: "posenc", mentions: ["JSON object", "an array"])
    }

    func testBadDocumentAfterGoodOnesKeepsTheirOutput() throws {
        let good = try Documents.shared.input(of: "encode")
        let r = try stage("encode", good + "\n" + good + "\n" + #"{"format":"vamos/1"}"# + "\n" + good + "\n")
        assertStageError(r, stage: "encode", mentions: ["input line 3", "encoder_input"], goodLines: 2)
    }

    // MARK: wrong document

    /// tokenize's output fed to encode: the message names the missing tensor and the stage that makes it.
    func testDocumentFromTheWrongStage() throws {
        let tokenized = try Documents.shared.lines()["tokenize"]!
        assertStageError(try stage("encode", tokenized + "\n"), stage: "encode", mentions: ["'encoder_input'", "posenc"])
    }

    /// Every stage, given a document that lacks what it reads, names the field and its producer.
    func testEachStageNamesWhatItNeeds() throws {
        let needs = [("embed", ["source.ids", "tokenize"]), ("posenc", ["'embeddings'", "embed"]),
                     ("encode", ["'encoder_input'", "posenc"]), ("decode", ["'encoder_output'", "encode"]),
                     ("detokenize", ["target.ids", "decode"])]
        for (name, mentions) in needs {
            assertStageError(try stage(name, #"{"format":"vamos/1"}"# + "\n"), stage: name, mentions: mentions)
        }
    }

    func testMissingFormat() throws {
        assertStageError(try stage("embed", #"{"source":{"ids":[0,3]}}"# + "\n"), stage: "embed", mentions: ["'format'", "vamos/1"])
    }

    func testWrongFormatVersion() throws {
        assertStageError(try stage("embed", #"{"format":"vamos/2","source":{"ids":[0,3]}}"# + "\n"),
                         stage: "embed", mentions: ["format", "vamos/1", "vamos/2"])
    }

    /// Embeddings of the marian model (d_model 16) fed to posenc of the tiny model (d_model 2).
    func testDModelOfAnotherModel() throws {
        let embedded = try Documents.shared.lines(model: "marian", text: "the cat eats")["embed"]!
        assertStageError(try stage("posenc", embedded + "\n"), stage: "posenc",
                         mentions: ["'embeddings'", "[4, 16]", "d_model 2", "marian"])
    }

    func testTensorOfWrongRank() throws {
        assertStageError(try stage("encode", tensorDocument("encoder_input", shape: "[2]", data: "[1, 2]")),
                         stage: "encode", mentions: ["'encoder_input'", "[2]", "d_model"])
    }

    // MARK: bad numbers

    func testNaNInData() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[1, 2]", data: "[NaN, 1]"))
        assertStageError(r, stage: "posenc", mentions: ["NaN"])
    }

    func testInfinityInData() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[1, 2]", data: "[1, -Infinity]"))
        assertStageError(r, stage: "posenc", mentions: ["Infinity"])
    }

    /// 1e999 is valid JSON but not a finite float32.
    func testHugeNumberInData() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[1, 2]", data: "[1e999, 1]"))
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "data[0]", "1e999", "finite float32"])
    }

    /// 1e39 is a finite double but overflows float32.
    func testNumberBeyondFloat32InData() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[1, 2]", data: "[0.5, -1e39]"))
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "data[1]", "-1e39", "finite float32"])
    }

    func testStringInData() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[1, 2]", data: #"[0.5, "1"]"#))
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "data[1]", "number"])
    }

    // MARK: bad shapes

    /// 10^15 elements: refused from the shape alone, at once, without allocating.
    func testHugeShapeIsRejectedBeforeAllocating() throws {
        let start = Date()
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[100000, 100000, 100000]", data: "[1]"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "a huge shape must be refused at once")
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "[100000, 100000, 100000]"])
    }

    /// 2.1·10^9 elements: over the default limit (2^28), refused from the shape before any value is
    /// read; with the limit raised, refused on the count, without allocating.
    func testLargeShapeWithFewValuesIsRejectedFast() throws {
        let start = Date()
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[46000, 46000]", data: "[1]"))
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "2116000000", "268435456", "--max-tensor-elements"])
        let raised = try stage("posenc", tensorDocument("embeddings", shape: "[46000, 46000]", data: "[1]"),
                               ["--max-tensor-elements", "3000000000"])
        assertStageError(raised, stage: "posenc", mentions: ["'embeddings'", "2116000000", "found 1"])
    }

    func testShapeAndDataCountDisagree() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[2, 2]", data: "[1, 2, 3]"))
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "[2, 2]", "4 values", "found 3"])
    }

    func testNegativeDimension() throws {
        let r = try stage("posenc", tensorDocument("embeddings", shape: "[-1, 2]", data: "[]"))
        assertStageError(r, stage: "posenc", mentions: ["'embeddings'", "shape", "non-negative"])
    }

    // MARK: bad ids

    func testIDOutsideTheVocabulary() throws {
        let r = try stage("embed", #"{"format":"vamos/1","source":{"ids":[0,7]}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["source.ids[1]", "7", "vocabulary"])
    }

    func testNegativeID() throws {
        let r = try stage("embed", #"{"format":"vamos/1","source":{"ids":[-1,3]}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["source.ids[0]", "-1", "vocabulary"])
    }

    func testTargetIDOutsideTheVocabulary() throws {
        let r = try stage("detokenize", #"{"format":"vamos/1","target":{"ids":[1,4]}}"# + "\n")
        assertStageError(r, stage: "detokenize", mentions: ["target.ids[1]", "4", "vocabulary"])
    }

    func testIDThatIsNotAnInteger() throws {
        let r = try stage("embed", #"{"format":"vamos/1","source":{"ids":[0,1.5]}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["source.ids[1]", "integer", "1.5"])
    }

    func testIDThatIsAString() throws {
        let r = try stage("embed", #"{"format":"vamos/1","source":{"ids":["go"]}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["source.ids[0]", "integer"])
    }

    func testIDsThatAreNotAnArray() throws {
        let r = try stage("embed", #"{"format":"vamos/1","source":{"ids":3}}"# + "\n")
        assertStageError(r, stage: "embed", mentions: ["source.ids", "array"])
    }

    // MARK: sentences the model cannot take

    /// The tiny model has max_position_embeddings 16: 20 words (+ <EOS>) pass tokenize and embed and
    /// fail at posenc.
    func testSentenceLongerThanThePositionalTable() throws {
        let sentence = Array(repeating: "let's go", count: 10).joined(separator: " ")
        let r = try pipeline([("tokenize", ["--model", tiny]), ("embed", ["--model", tiny]), ("posenc", ["--model", tiny])],
                             stdin: sentence + "\n")
        XCTAssertEqual(r.stages[0].status, 0, r.summary)
        XCTAssertEqual(r.stages[1].status, 0, r.summary)
        assertStageError(r.stages[2], stage: "posenc", mentions: ["21", "16", "max_position_embeddings"])
    }

    /// The tiny vocabulary has no <unk>: an unknown word is an error naming it.
    func testUnknownWordWithoutUnk() throws {
        assertStageError(try stage("tokenize", "let's dance\n"), stage: "tokenize", mentions: ["'dance'", "<unk>", "input line 1"])
    }

    func testUnknownWordAfterGoodLines() throws {
        assertStageError(try stage("tokenize", "let's go\nto go\ngo dance\n"), stage: "tokenize",
                         mentions: ["'dance'", "input line 3"], goodLines: 2)
    }

    /// With <unk> (marian), an unknown word becomes <unk> with one warning line; --quiet silences it.
    func testUnknownWordWithUnkWarns() throws {
        let marian = Paths.model("marian")
        let r = try runProcess("tokenize", ["--model", marian], stdin: "the zebra eats\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual((try jsonObject(r.outLines[0])["source"] as? [String: Any])?["ids"] as? [Int], [2, 1, 11, 0])
        XCTAssertEqual(r.errLines.count, 1, r.err)
        XCTAssertTrue(r.err.hasPrefix("tokenize: ") && r.err.contains("'zebra'"), r.err)
        let quiet = try runProcess("tokenize", ["--model", marian, "--quiet"], stdin: "the zebra eats\n")
        XCTAssertEqual(quiet.status, 0)
        XCTAssertEqual(quiet.err, "")
        XCTAssertEqual(quiet.out, r.out)
    }

    // MARK: usage errors (status 64)

    func testMaxLengthZero() throws {
        let r = try stage("decode", "", ["--max-length", "0"])
        assertStageError(r, stage: "decode", status: 64, mentions: ["--max-length"])
    }

    func testMaxLengthNotANumber() throws {
        let r = try stage("decode", "", ["--max-length", "ten"])
        assertStageError(r, stage: "decode", status: 64, mentions: ["--max-length", "ten"])
    }

    func testUnknownOption() throws {
        assertStageError(try stage("encode", "", ["--bogus"]), stage: "encode", status: 64, mentions: ["--bogus"])
    }

    /// Every stage: an unknown option, a stray argument, --model without its value.
    func testEveryStageReportsUsageErrorsOnOneLine() throws {
        for name in Paths.stages {
            assertStageError(try runProcess(name, ["--model", tiny, "--no-such-option"]), stage: name, status: 64, mentions: ["--no-such-option", "--help"])
            assertStageError(try runProcess(name, ["--model", tiny, "stray"]), stage: name, status: 64, mentions: ["stray"])
            assertStageError(try runProcess(name, ["--model"]), stage: name, status: 64, mentions: ["--model"])
        }
    }

    func testNegativeTopK() throws {
        assertStageError(try stage("decode", "", ["--top-k", "-1"]), stage: "decode", status: 64, mentions: ["--top-k"])
    }

    /// decode --max-length N generates at most N ids.
    func testMaxLengthLimitsGeneratedIDs() throws {
        let input = try Documents.shared.input(of: "decode", text: "to go")
        let r = try stage("decode", input + "\n", ["--max-length", "2"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual((try jsonObject(r.outLines[0])["target"] as? [String: Any])?["ids"] as? [Int], [1, 1])
    }
}
