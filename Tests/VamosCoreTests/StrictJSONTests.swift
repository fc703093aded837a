import XCTest
@testable import VamosCore

/// RFC 8259 and UTF-8, strictly (the scanner in front of json-c): what they forbid is refused
/// with its reason and place; everything they allow is read and passes through with its value.
final class StrictJSONTests: XCTestCase {
    /// `value` placed as an extra field of a valid document, as the conformance campaign did.
    func document(_ value: [UInt8]) -> [UInt8] {
        Array(#"{"format":"vamos/1","stage":"embed","x":"#.utf8) + value + Array("}".utf8)
    }

    func scalars(_ v: UInt32...) -> String { String(String.UnicodeScalarView(v.map { Unicode.Scalar($0)! })) }

    func refuse(_ bytes: [UInt8], _ mentions: [String], file: StaticString = #filePath, line: UInt = #line) {
        var b = bytes
        XCTAssertThrowsError(try JSONCodec.parse(bytes: &b, what: "doc", documents: true), file: file, line: line) { e in
            let m = (e as? VamosError)?.message ?? "\(e)"
            for s in mentions { XCTAssertTrue(m.contains(s), "'\(m)' should mention '\(s)'", file: file, line: line) }
        }
    }

    func testWhatRFC8259AndUTF8ForbidIsRefusedWithItsReason() {
        let cases: [(String, [UInt8], [String])] = [
            ("overlong", [0x22, 0xC0, 0xAF, 0x22], ["invalid UTF-8", "C0", "overlong"]),
            ("overlong 3-byte", [0x22, 0xE0, 0x80, 0xAF, 0x22], ["E0 80", "overlong"]),
            ("surrogate bytes", [0x22, 0xED, 0xA0, 0x80, 0x22], ["ED A0", "surrogate"]),
            ("beyond U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], ["F4 90", "U+10FFFF"]),
            ("lone continuation", [0x22, 0x80, 0x22], ["continuation byte 80"]),
            ("cut short", [0x22, 0xC3, 0x22], ["cut short"]),
            ("FF", [0x22, 0xFF, 0x22], ["FF"]),
            ("raw U+0001", [0x22, 0x01, 0x22], ["raw control character U+0001"]),
            ("raw newline", Array("\"a\nb\"".utf8), ["raw line break"]),
            ("raw tab", Array("\"a\tb\"".utf8), ["raw tab"]),
            ("lone high surrogate", Array(#""\ud800""#.utf8), ["unpaired surrogate"]),
            ("high then not low", Array(#""\ud800\u0041""#.utf8), ["unpaired surrogate", "\\u0041"]),
            ("lone low surrogate", Array(#""\udc00""#.utf8), ["\\uDC00", "low surrogate"]),
            ("bad escape", Array(#""\x41""#.utf8), ["invalid escape"]),
            ("short \\u", Array(#""\u12G4""#.utf8), ["four hexadecimal digits"]),
            ("-01", Array("-01".utf8), ["'-01' is not a JSON number", "leading zeros"]),
            ("-012", Array("-012".utf8), ["leading zeros"]),
            ("01", Array("01".utf8), ["leading zeros"]),
            ("1.", Array("1.".utf8), ["decimal point"]),
            ("1e", Array("1e".utf8), ["exponent"]),
            (".5", Array(".5".utf8), ["expected a value"]),
            ("+1", Array("+1".utf8), ["expected a value"]),
            ("-", Array("-".utf8), ["minus sign"]),
            ("NaN", Array("NaN".utf8), ["NaN and Infinity"]),
            ("-Infinity", Array("-Infinity".utf8), ["Infinity"]),
            ("single quotes", Array("{'a':0}".utf8), ["single quotes"]),
            ("single-quoted string", Array("'a'".utf8), ["single quotes"]),
            ("trailing comma in array", Array("[1,]".utf8), ["trailing commas"]),
            ("trailing comma in object", Array(#"{"a":1,}"#.utf8), ["trailing commas"]),
            ("missing colon", Array(#"{"a" 1}"#.utf8), ["expected ':'"]),
            ("unquoted key", Array("{a:1}".utf8), ["expected a key"]),
            ("bad literal", Array("tru".utf8) + Array("e1".utf8).prefix(0) + Array("x".utf8), ["invalid literal"]),
            ("comment", Array("/* c */ 1".utf8), ["expected a value"]),
            ("hex", Array("0x10".utf8), ["expected ',' or '}'"]),
        ]
        for (name, value, mentions) in cases {
            refuse(document(value), mentions + ["doc line 1, byte"])
            _ = name
        }
    }

    /// The place of the error: the line it is on, and its byte offset (from 0) in the input.
    func testErrorsNameTheLineAndByteOffset() {
        refuse(Array("{\n  \"a\": [1,\n 01]}".utf8), ["doc line 3, byte 14:", "leading zeros"])
        refuse([0xEF, 0xBB, 0xBF] + Array("{}".utf8), ["byte 0:", "byte order mark"])
        refuse(Array("{\"a\":1} x".utf8), ["byte 8", "unexpected text after"])
        refuse(Array("{\"a\":[1,2".utf8), ["truncated"])
    }

    /// Everything RFC 8259 allows is accepted and keeps its value: U+0000 in keys and strings,
    /// noncharacters, escaped surrogate pairs, a string starting with U+0001 (the placeholder
    /// byte), numbers' own text, and duplicate keys (the last value wins, at the first's place).
    func testWhatRFC8259AllowsPassesThroughWithItsValue() throws {
        var text = Array(#"{"foo\u0000bar":"a\u0000b","\u0001k":"\u0001v","nc":"\uffff\ufdd0","pair":"\ud83d\ude00","#.utf8)
        text += Array(#""raw":"#.utf8) + [0x22, 0xEF, 0xBF, 0xBF, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]
        text += Array(#","n":[1E+2,-0,0.000001e-7,123456789012345678901234567890],"d":1,"e":2,"d":3,"s":"\/\b\f"}"#.utf8)
        let value = try JSONCodec.parse(bytes: &text, what: "doc")
        let o = try XCTUnwrap(value.objectValue)
        XCTAssertEqual(o.keys, ["foo\u{0}bar", "\u{1}k", "nc", "pair", "raw", "n", "d", "e", "s"])
        XCTAssertEqual(o["foo\u{0}bar"], .string("a\u{0}b"))
        XCTAssertEqual(o["\u{1}k"], .string("\u{1}v"))
        XCTAssertEqual(o["nc"], .string(scalars(0xFFFF, 0xFDD0)))
        XCTAssertEqual(o["pair"], .string("😀"))
        XCTAssertEqual(o["raw"], .string(scalars(0xFFFF, 0x10FFFF)))
        XCTAssertEqual(o["n"], .array([.number("1E+2"), .number("-0"), .number("0.000001e-7"), .number("123456789012345678901234567890")]))
        XCTAssertEqual(o["d"], .int(3), "the last value of a duplicate key wins")
        XCTAssertEqual(o["s"], .string("/\u{8}\u{c}"))
        // Written back: the same values (json-c's escapes), and read again unchanged.
        var again = Array(JSONCodec.serialize(value).utf8)
        XCTAssertEqual(try JSONCodec.parse(bytes: &again, what: "again"), value)
        XCTAssertTrue(JSONCodec.serialize(value).contains(#""foo\u0000bar":"a\u0000b""#))
        XCTAssertTrue(JSONCodec.serialize(value).contains(#""\u0001k":"\u0001v""#))
    }

    /// A document's tensors: counts checked against the shape while reading, the same messages
    /// as before; a key spelled with escapes ("d\u0061ta") is the same key.
    func testTensorDataChecks() throws {
        func doc(_ tensor: String) -> [UInt8] {
            Array(#"{"format":"vamos/1","tensors":{"t":"#.utf8) + Array(tensor.utf8) + Array("}}".utf8)
        }
        refuse(doc(#"{"shape":[2],"data":[1,2,3]}"#), ["tensor 't'", "shape [2] needs 2 values in 'data', found more"])
        refuse(doc(#"{"shape":[2],"data":[1,"a"]}"#), ["tensor 't'", "data[1] must be a number, got a string"])
        refuse(doc(#"{"shape":[2],"data":[1,1e39]}"#), ["data[1] = 1e39 is not a finite float32"])
        refuse(doc(#"{"shape":[2],"data":[1,01]}"#), ["leading zeros"])
        var ok = doc(#"{"shape":[2],"d\u0061ta":[1.5,2e-50]}"#)
        let d = try Document(json: try JSONCodec.parse(bytes: &ok, what: "doc", documents: true), what: "doc")
        XCTAssertEqual(d.tensors["t"]?.data, [1.5, 0])
        var late = doc(#"{"data":[1,2,3],"shape":[3]}"#)  // shape after data: checked once read
        XCTAssertEqual(try Document(json: try JSONCodec.parse(bytes: &late, what: "doc", documents: true), what: "doc").tensors["t"]?.data, [1, 2, 3])
        var short = doc(#"{"shape":[3],"data":[1,2]}"#)
        XCTAssertThrowsError(try Document(json: try JSONCodec.parse(bytes: &short, what: "doc", documents: true), what: "doc")) {
            XCTAssertTrue("\($0)".contains("needs 3 values in 'data', found 2"), "\($0)")
        }
    }

    /// The limits: a document's bytes, a tensor's values, nesting.
    func testLimitsAreErrorsNamingTheOption() {
        var big = Array(#"{"format":"vamos/1","tensors":{"t":{"shape":[4],"data":[1,2,3,4]}}}"#.utf8)
        XCTAssertThrowsError(try JSONCodec.parse(bytes: &big, what: "doc", limits: ReadLimits(maxDocumentBytes: 20))) {
            XCTAssertTrue("\($0)".contains("longer than 20 bytes") && "\($0)".contains("--max-document-bytes"), "\($0)")
        }
        let reader = { (limits: ReadLimits, text: String) throws -> JSON? in
            let fds = UnsafeMutablePointer<Int32>.allocate(capacity: 2)
            defer { fds.deallocate() }
            pipe(fds)
            _ = text.withCString { write(fds[1], $0, strlen($0)) }
            close(fds[1])
            defer { close(fds[0]) }
            return try JSONStreamReader(fd: fds[0], name: "input", limits: limits).next()
        }
        XCTAssertThrowsError(try reader(ReadLimits(maxTensorElements: 3), #"{"format":"vamos/1","tensors":{"t":{"shape":[4],"data":[1,2,3,4]}}}"#)) {
            XCTAssertTrue("\($0)".contains("shape [4] has 4 values, more than the limit of 3") && "\($0)".contains("--max-tensor-elements"), "\($0)")
        }
        XCTAssertThrowsError(try reader(ReadLimits(maxTensorElements: 3), #"{"format":"vamos/1","tensors":{"t":{"data":[1,2,3,4],"shape":[4]}}}"#)) {
            XCTAssertTrue("\($0)".contains("more than 3 values"), "\($0)")
        }
        XCTAssertNoThrow(try reader(ReadLimits(maxTensorElements: 4), #"{"format":"vamos/1","tensors":{"t":{"shape":[4],"data":[1,2,3,4]}}}"#))
        let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
        XCTAssertThrowsError(try reader(ReadLimits(), deep)) { XCTAssertTrue("\($0)".contains("nested deeper than 32"), "\($0)") }
    }

    /// Long arrays of scalars (ids, tokens) are kept as their text and equal the values.
    func testLongScalarArraysKeepTheirValues() throws {
        let ids = (0..<500).map { JSON.int($0 * 7 - 100) }
        let tokens = (0..<300).map { JSON.string("w\($0)\u{e9}\"\\\n") }
        var doc = Document(stage: "tokenize")
        doc.setSide("source", JSONObject([("ids", .array(ids)), ("tokens", .array(tokens))]))
        let text = doc.serialized()
        var bytes = Array(text.utf8)
        let back = try Document(json: try JSONCodec.parse(bytes: &bytes, what: "doc", documents: true), what: "doc")
        guard case .arrayText? = back.side("source")["ids"] else { return XCTFail("kept as text") }
        XCTAssertEqual(try back.ids("source", producer: "tokenize", stage: "embed"), (0..<500).map { $0 * 7 - 100 })
        XCTAssertEqual(back.side("source")["tokens"], .array(tokens))
        XCTAssertEqual(back.serialized(), text)
        XCTAssertEqual(back.serialized(pretty: true), doc.serialized(pretty: true))
    }
}
