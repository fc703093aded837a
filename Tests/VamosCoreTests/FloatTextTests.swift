import XCTest
@testable import VamosCore

/// The tensor fast path (CTensorText): float32 text identical to what Vamos wrote before it
/// (Swift's `Float.description`, laid out by json-c), numbers read with one rounding, documents
/// byte for byte the same either way. scripts/check-float-text.sh checks all 2^32 bit patterns.
final class FloatTextTests: XCTestCase {
    /// Floats of every class: zeros, subnormals, the normal range's ends, the places where the
    /// layout switches (10^-4, 2^24), powers of two and ten, and their neighbours.
    static func specialFloats() -> [Float] {
        var v: [Float] = [0, 1, 0.1, 1e-4, 9.9999e-5, 16777216, 16777215, 16777218, 33554432, 1e7, 1e8, 123456.7,
                          .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                          Float.leastNormalMagnitude.nextDown, Float(1).nextUp, Float(1).nextDown, 0.001, 0.002, 8388607.5]
        for e in -45...38 { v.append(Float("1e\(e)")!) }
        for e in -149...127 { v.append(Float(sign: .plus, exponent: e, significand: 1)) }
        v += v.flatMap { [$0.nextUp, $0.nextDown] }
        return (v + v.map { -$0 }).filter(\.isFinite)
    }

    func testTextIsFloatDescriptionOnMillionsOfRandomBitPatterns() {
        var rng = SplitMix64(seed: 7)
        var checked = 0, bad: [String] = []
        func check(_ f: Float) {
            let mine = formatFloat(f)
            if mine != f.description || parseFloat(mine)?.bitPattern != f.bitPattern {
                if bad.count < 10 { bad.append("\(String(f.bitPattern, radix: 16)): \(mine) vs \(f.description)") }
            }
            checked += 1
        }
        for f in FloatTextTests.specialFloats() { check(f) }
        while checked < 3_000_000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isFinite { check(f) }
        }
        // Values as tensors hold them: |x| from 1e-3 to 1e3, where the decimal layout is.
        while checked < 4_000_000 {
            let u = Double(rng.next() >> 11) / Double(1 << 53)
            check(Float(exp((u * 6 - 3) * 2.302585092994046)) * (rng.next() & 1 == 0 ? 1 : -1))
        }
        XCTAssertEqual(bad, [], "\(checked) checked")
    }

    /// Reading: one correct rounding, as Swift's `Float(String)` (strtof) does, for long and odd
    /// decimal texts too; underflow gives ±0 or a subnormal, overflow is refused.
    func testReadingRoundsOnceLikeStrtof() {
        var rng = SplitMix64(seed: 11)
        var bad: [String] = []
        for i in 0..<300_000 {
            let digits = 1 + Int(rng.next() % 25)
            var text = rng.next() & 1 == 0 ? "" : "-"
            text += String(1 + rng.next() % 9)
            for _ in 1..<digits { text += String(rng.next() % 10) }
            if i % 3 == 0 { text.insert(".", at: text.index(text.endIndex, offsetBy: -Int(rng.next() % UInt64(digits)) - 0)) }
            if text.hasSuffix(".") { text += "5" }
            if text.hasPrefix(".") || text.hasPrefix("-.") { text = text.replacingOccurrences(of: ".", with: "0.") }
            text += "e" + String(Int(rng.next() % 100) - 55)
            let expected = Float(text)!
            let got = parseFloat(text)
            if expected.isFinite ? got?.bitPattern != expected.bitPattern : got != nil {
                if bad.count < 10 { bad.append("\(text): \(String(describing: got)) vs \(expected)") }
            }
        }
        XCTAssertEqual(bad, [])
        XCTAssertEqual(parseFloat("1e-50")?.bitPattern, 0)
        XCTAssertEqual(parseFloat("-1e-50")?.bitPattern, (-Float(0)).bitPattern)
        XCTAssertEqual(parseFloat("7.1e-46"), .leastNonzeroMagnitude)
        XCTAssertEqual(parseFloat("3.4028235677973366e38"), .greatestFiniteMagnitude, "below the rounding boundary")
        XCTAssertNil(parseFloat("3.4028235677973367e38"), "rounds past float32's largest value")
        XCTAssertNil(parseFloat("1e39"))
        XCTAssertNil(parseFloat("abc"))
    }

    /// A tensor written by the fast path is, byte for byte, the text json-c writes for the same
    /// values as JSON numbers (today's writer), on one line and indented, at any depth.
    func testDocumentsAreByteIdenticalToJsonCWritingEveryNumber() throws {
        var rng = SplitMix64(seed: 3)
        var values = FloatTextTests.specialFloats()
        while values.count < 200_000 {
            let f = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            if f.isFinite { values.append(f) }
        }
        let slow = JSON.array(values.map { .number($0.description) })
        for pretty in [false, true] {
            for wrap in [{ (v: JSON) in v },
                         { (v: JSON) in JSON.object(JSONObject([("a", .array([.int(1), v])), ("b", .string("x"))])) },
                         { (v: JSON) in JSON.object(JSONObject([("t", .object(JSONObject([("data", v), ("e", .floats([]))])))])) }] {
                XCTAssertEqual(JSONCodec.serialize(wrap(.floats(values)), pretty: pretty), JSONCodec.serialize(wrap(slow), pretty: pretty),
                               "pretty \(pretty)")
            }
        }
        var doc = Document(stage: "embed")
        doc.tensors["x"] = Tensor(shape: [values.count], data: values)
        let text = doc.serialized()
        var bytes = Array(text.utf8)
        let back = try Document(json: try JSONCodec.parse(bytes: &bytes, what: "doc", documents: true), what: "doc")
        guard case .floats? = try JSONCodec.parse(bytes: &bytes, what: "doc", documents: true).objectValue?["tensors"]?
            .objectValue?["x"]?.objectValue?["data"] else { return XCTFail("read by the fast path") }
        XCTAssertEqual(back.tensors["x"]!.data.map(\.bitPattern), values.map(\.bitPattern))
        XCTAssertEqual(back.serialized(), text)
        XCTAssertEqual(back.serialized(pretty: true), doc.serialized(pretty: true))
    }

    /// Strings and long arrays written without json-c objects are escaped exactly as json-c
    /// escapes them.
    func testEscapingIsJsonCs() {
        var rng = SplitMix64(seed: 5)
        let alphabet: [String] = ["a", "\"", "\\", "/", "\u{0}", "\u{1}", "\u{8}", "\u{9}", "\u{a}", "\u{c}", "\u{d}", "\u{1f}",
                                  "\u{7f}", "é", String(Unicode.Scalar(0xFFFF)!), "😀", " "]
        var strings: [JSON] = []
        for _ in 0..<2000 {
            strings.append(.string((0..<Int(rng.next() % 12)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
                .joined().drop(while: { $0 == "\u{1}" }).description))
        }
        let fast = JSONCodec.serialize(.array(strings))                              // one text piece
        let viaJsonC = "[" + strings.map { JSONCodec.serialize(.array([$0])).dropFirst().dropLast() }.joined(separator: ",") + "]"
        XCTAssertEqual(fast, viaJsonC)
    }
}
