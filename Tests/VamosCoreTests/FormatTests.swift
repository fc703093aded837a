import XCTest
@testable import VamosCore

/// Float text, JSON through json-c, documents and tensors.
final class FormatTests: XCTestCase {
    func testFloatTextIsExactNotViaDouble() {
        // The issue's example: bits 0x15ae43fd print as 7.038531e-26; read as a Double then cast,
        // they would come back one bit off.
        let f = Float(bitPattern: 0x15ae_43fd)
        XCTAssertEqual(formatFloat(f), "7.038531e-26")
        XCTAssertEqual(parseFloat("7.038531e-26")?.bitPattern, 0x15ae_43fd)
        XCTAssertNotEqual(Float(Double("7.038531e-26")!).bitPattern, 0x15ae_43fd, "double rounding would differ")
    }

    func testFloatRoundTripOnRandomBitPatterns() {
        var rng = SplitMix64(seed: 42)
        var checked = 0
        while checked < 200_000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            guard f.isFinite else { continue }
            checked += 1
            let text = formatFloat(f)
            XCTAssertEqual(parseFloat(text)?.bitPattern, f.bitPattern, text)
            // and the text survives json-c unchanged
            if checked % 1000 == 0 {
                XCTAssertEqual(JSONCodec.serialize(try! JSONCodec.parse("[\(text)]", what: "t")), "[\(text)]")
            }
        }
    }

    func testJSONRejectsNaNInfinityAndTruncation() {
        for bad in ["[NaN]", "[Infinity]", "[-Infinity]", "{\"a\": nan}"] {
            XCTAssertThrowsError(try JSONCodec.parse(bad, what: "x"), bad)
        }
        XCTAssertThrowsError(try JSONCodec.parse("{\"a\": [1, 2", what: "x")) { e in
            XCTAssertTrue("\(e)".contains("truncated"), "\(e)")
        }
        XCTAssertThrowsError(try JSONCodec.parse("{\"a\": 1} x", what: "x"))
        // (json-c accepts single-quoted strings even in strict mode; Vamos inherits that leniency.)
    }

    func testNonFiniteFloat32IsRejectedInTensors() {
        let json = try! JSONCodec.parse(#"{"shape": [1], "data": [1e39]}"#, what: "t")
        XCTAssertThrowsError(try Tensor(json: json, what: "tensor 'x'")) { e in
            XCTAssertTrue("\(e)".contains("not a finite float32"), "\(e)")
        }
    }

    func testHugeShapeRejectedBeforeAllocating() {
        let json = try! JSONCodec.parse(#"{"shape": [100000, 100000, 100000], "data": [1]}"#, what: "t")
        XCTAssertThrowsError(try Tensor(json: json, what: "tensor 'x'")) { e in
            XCTAssertTrue("\(e)".contains("more than"), "\(e)")
        }
        let overflow = try! JSONCodec.parse(#"{"shape": [4294967296, 4294967296, 4294967296], "data": []}"#, what: "t")
        XCTAssertThrowsError(try Tensor(json: overflow, what: "t"))
        let mismatch = try! JSONCodec.parse(#"{"shape": [2, 2], "data": [1, 2, 3]}"#, what: "t")
        XCTAssertThrowsError(try Tensor(json: mismatch, what: "tensor 'x'")) { e in
            XCTAssertTrue("\(e)".contains("needs 4 values in 'data', found 3"), "\(e)")
        }
    }

    func testDocumentRoundTripIsByteStableAndKeepsUnknownFields() throws {
        let text = #"{"tensors":{"b":{"shape":[2],"data":[0.1,1e-05]},"a":{"shape":[1,1],"axes":["token","d_model"],"data":[-0.0]}},"zeta":{"x":[1,2.50,"s"]},"format":"vamos/1","source":{"ids":[1,2],"extra":true},"stage":"embed"}"#
        let doc = try Document(json: try JSONCodec.parse(text, what: "d"))
        let once = doc.serialized()
        XCTAssertEqual(once, #"{"format":"vamos/1","stage":"embed","source":{"ids":[1,2],"extra":true},"zeta":{"x":[1,2.50,"s"]},"tensors":{"b":{"shape":[2],"data":[0.1,1e-05]},"a":{"shape":[1,1],"axes":["token","d_model"],"data":[-0.0]}}}"#)
        let twice = try Document(json: try JSONCodec.parse(once, what: "d")).serialized()
        XCTAssertEqual(once, twice)
        // Pretty output reads back to the same document.
        let pretty = doc.serialized(pretty: true)
        XCTAssertTrue(pretty.contains("\n"))
        XCTAssertEqual(try Document(json: try JSONCodec.parse(pretty, what: "d")).serialized(), once)
    }

    func testDocumentFormatChecked() {
        XCTAssertThrowsError(try Document(json: try JSONCodec.parse(#"{"stage": "x"}"#, what: "d"))) { e in
            XCTAssertTrue("\(e)".contains("'format'"), "\(e)")
        }
        XCTAssertThrowsError(try Document(json: try JSONCodec.parse(#"{"format": "vamos/2"}"#, what: "d")))
        XCTAssertThrowsError(try Document(json: try JSONCodec.parse(#"[1]"#, what: "d")))
    }

    func testMissingTensorNamesItsProducer() throws {
        let doc = try Document(json: try JSONCodec.parse(#"{"format": "vamos/1"}"#, what: "d"))
        XCTAssertThrowsError(try doc.tensor("encoder_input", producer: "posenc")) { e in
            XCTAssertEqual("\(e)", "no tensor 'encoder_input'; pipe the document through posenc first")
        }
    }

    func testUnicodeStringsSurvive() throws {
        let text = #"{"format":"vamos/1","source":{"text":"¿Qué tal? 🙂 \"quoted\" a/b"}}"#
        let doc = try Document(json: try JSONCodec.parse(text, what: "d"))
        XCTAssertEqual(doc.side("source")["text"]?.stringValue, "¿Qué tal? 🙂 \"quoted\" a/b")
        XCTAssertEqual(doc.serialized(), text)
    }
}

/// A small deterministic generator for tests.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// `cFormat` (printf through vsnprintf, for the reports' numbers without Foundation) and the two
/// String helpers that replaced Foundation's.
final class CFormatTests: XCTestCase {
    func testNumbersAsPrintfWritesThem() {
        XCTAssertEqual(cFormat("%.4g", 0.000123456), "0.0001235")
        XCTAssertEqual(cFormat("%.2f", -1.005), "-1.00")  // the double nearest 1.005 is below it
        XCTAssertEqual(cFormat("%.3g", 12345.0), "1.23e+04")
        XCTAssertEqual(cFormat("#%02x%02x%02x", Int32(255), Int32(8), Int32(0)), "#ff0800")
        XCTAssertEqual(cFormat("\\u%04x", UInt32(0x1f)), "\\u001f")
        XCTAssertEqual(cFormat("%.1f", Double.infinity), "inf")
        let long = cFormat("%.150f", 1.0)  // longer than the first buffer
        XCTAssertEqual(long, "1." + String(repeating: "0", count: 150))
    }

    func testPaddingAndTrimming() {
        XCTAssertEqual("ab".padded(to: 4), "ab  ")
        XCTAssertEqual("abcdef".padded(to: 3), "abc")
        XCTAssertEqual(" \t name\n\r\n".trimmingWhiteSpace(), "name")
        XCTAssertEqual("  ".trimmingWhiteSpace(), "")
    }
}
