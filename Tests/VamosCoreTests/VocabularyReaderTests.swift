import XCTest
@testable import VamosCore

/// vocab.json's short reader: what it accepts it reads exactly as the general JSON reader does,
/// and everything else it hands to the general reader (which then gives its usual error).
final class VocabularyReaderTests: XCTestCase {
    /// The general path's pairs (JSONCodec → JSONObject), for comparison.
    private func general(_ text: String) throws -> [(String, Int)] {
        var bytes = Array(text.utf8)
        let obj = try XCTUnwrap(try JSONCodec.parse(bytes: &bytes, what: "v").objectValue)
        return try obj.pairs.map { ($0.0, try XCTUnwrap($0.1.intValue)) }
    }

    func testAcceptedFilesReadAsTheGeneralReaderReadsThem() throws {
        let cases = [
            #"{"</s>": 0, "<unk>": 1, "▁vamos": 2, "let's": 3, "<pad>": 4}"#,
            "{}", " \n{ }\r\n\t",
            #"{"a\"b\\c\/d":0,"\b\f\n\r\t":1,"\u00e9\u0000x":2,"\ud83d\ude00":3,"😀é":4,"\uFFFF":5}"#,
            #"{"e\u0301": 7, "x": 123456789012345678}"#,
        ]
        for text in cases {
            let fast = try XCTUnwrap(VocabularyReader.flatPairs(Array(text.utf8)), text)
            let slow = try general(text)
            XCTAssertEqual(fast.map(\.0), slow.map(\.0), text)
            XCTAssertEqual(fast.map { Array($0.0.utf8) }, slow.map { Array($0.0.utf8) }, "same bytes: \(text)")
            XCTAssertEqual(fast.map(\.1), slow.map(\.1), text)
        }
    }

    func testAnythingElseGoesToTheGeneralReader() {
        let cases: [[UInt8]] = [
            Array(#"{"a": 1, "a": 2}"#.utf8),                // duplicate key: the general reader keeps the last
            Array(#"{"é": 1, "e\u0301": 2}"#.utf8),          // canonically equal keys are one key there too
            Array(#"{"a": -1}"#.utf8), Array(#"{"a": 01}"#.utf8), Array(#"{"a": 1.0}"#.utf8),
            Array(#"{"a": 1e2}"#.utf8), Array(#"{"a": 1234567890123456789}"#.utf8),
            Array(#"{"a": "1"}"#.utf8), Array(#"{"a": [1]}"#.utf8), Array(#"[1]"#.utf8),
            Array(#"{"a": 1,}"#.utf8), Array(#"{"a": 1} x"#.utf8), Array(#"{"a" 1}"#.utf8), Array(#"{"a": 1"#.utf8),
            Array(#"{"\ud800": 1}"#.utf8), Array(#"{"\udc00": 1}"#.utf8), Array(#"{"\x": 1}"#.utf8),
            Array(#"{"\u12G4": 1}"#.utf8),
            [0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8),   // byte order mark
            Array(#"{""#.utf8) + [0x09] + Array(#"": 1}"#.utf8),  // a raw tab in a key
            Array(#"{""#.utf8) + [0xC0, 0xAF] + Array(#"": 1}"#.utf8),  // overlong UTF-8
            Array(#"{""#.utf8) + [0xED, 0xA0, 0x80] + Array(#"": 1}"#.utf8),  // a surrogate as bytes
        ]
        for bytes in cases {
            XCTAssertNil(VocabularyReader.flatPairs(bytes), String(decoding: bytes, as: UTF8.self))
        }
        var small = ReadLimits()
        small.maxDocumentBytes = 4
        XCTAssertNil(VocabularyReader.flatPairs(Array(#"{"a": 1}"#.utf8), limits: small))
    }

    func testVocabularyFromBytesKeepsTheGeneralErrors() {
        var dup = Array(#"{"a": 0, "b": 0}"#.utf8)
        XCTAssertThrowsError(try Vocabulary(bytes: &dup, file: "v.json", size: 2)) {
            XCTAssertEqual("\($0)", "v.json: id 0 is given to both 'a' and 'b'")
        }
        var bad = Array(#"{"a": 0.5}"#.utf8)
        XCTAssertThrowsError(try Vocabulary(bytes: &bad, file: "v.json", size: 2)) {
            XCTAssertEqual("\($0)", "v.json: id of 'a' is not an integer")
        }
        var last = Array(#"{"a": 0, "b": 1, "a": 1}"#.utf8)  // general reader: "a" → 1 (first place), "b" → 1
        XCTAssertThrowsError(try Vocabulary(bytes: &last, file: "v.json", size: 2))
    }
}
