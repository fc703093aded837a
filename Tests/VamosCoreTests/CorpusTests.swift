import XCTest
@testable import VamosCore

/// The training corpus reader: lines, columns and words, `\r\n` ends a line as `\n` does.
final class CorpusTests: XCTestCase {
    let text = "let's go\tvamos\tgo\r\n\n  \t \r\n a  b\u{0B}c\td\u{0C}e \r\nx\ty\n"

    func testLinesColumnsAndWords() throws {
        let c = try ParallelCorpus(tsv: text, file: "t.tsv")
        XCTAssertEqual(c.pairs.map(\.source), [["let's", "go"], ["a", "b", "c"], ["x"]])
        XCTAssertEqual(c.pairs.map(\.target), [["vamos"], ["d", "e"], ["y"]])
        XCTAssertEqual(c.labels, ["go", nil, nil])
        XCTAssertEqual(c.lines, [1, 4, 5])
    }

    func testWhiteSpaceIsCharacterIsWhitespace() {
        for c in ["\t", "\n", "\u{0B}", "\u{0C}", "\r", " ", "\r\n", "a", "\u{1F}", "\u{7F}", "\u{85}", "\u{A0}", "é", "\u{3000}", " \u{301}"] as [Character] {
            XCTAssertEqual(isWordSeparator(c), c.isWhitespace, String(c).debugDescription)
        }
        for b in 0..<128 { let c = Character(Unicode.Scalar(UInt8(b))); XCTAssertEqual(isWordSeparator(c), c.isWhitespace, "\(b)") }
    }

    /// The byte path gives the Characters' rows, on ordinary lines and on the ones it hands back
    /// (white space with a combining mark, a prepended mark, non-ASCII white space, "\r\r\n").
    func testBytePathIsTheCharacterPath() {
        for t in [text, "a\tb", "a\tb\r", "a\tb\r\r\n", "\r\n\r", "\n\n", "a b\tc d\te\tf\n", "a\t\n", " \t x",
                  "¿dónde está?\t where is it", "a \u{301}b\tc\t\u{301}d", "x\u{600} y\tz", "a\u{A0}b\tc\u{2003}d",
                  "é\t\u{85}ü\n", "\u{1F1EA}\u{1F1F8} \u{1F44D}\u{1F3FD}\tok"] {
            let fast = ParallelCorpus.fastRows(t), slow = ParallelCorpus.rows(t)
            XCTAssertEqual(fast.count, slow.count, t.debugDescription)
            for (f, s) in zip(fast, slow) {
                XCTAssertEqual(f?.map(\.text), s?.map(\.text), t.debugDescription)
                XCTAssertEqual(f?.map(\.words), s?.map(\.words), t.debugDescription)
            }
        }
        XCTAssertFalse(ParallelCorpus.bytewise(Array("a \u{301}b".utf8)[...]))
        XCTAssertFalse(ParallelCorpus.bytewise(Array("x\u{600} y".utf8)[...]))
        XCTAssertTrue(ParallelCorpus.bytewise(Array("¿dónde está? ya".utf8)[...]))
    }

    func testUnicodeWhiteSpaceSplitsWords() throws {
        let c = try ParallelCorpus(tsv: "café\u{00A0}olé\tvamos\u{3000}ya\r\n", file: "t.tsv")
        XCTAssertEqual(c.pairs.map(\.source), [["café", "olé"]])
        XCTAssertEqual(c.pairs.map(\.target), [["vamos", "ya"]])
    }

    func testErrorsNameTheLine() {
        XCTAssertThrowsError(try ParallelCorpus(tsv: "a\tb\nc\n", file: "t.tsv")) {
            XCTAssertEqual(($0 as? VamosError)?.message, "t.tsv line 2: expected 'source<TAB>target' (and an optional label), found 1 column(s)")
        }
        XCTAssertThrowsError(try ParallelCorpus(tsv: "a\t \n", file: "t.tsv")) {
            XCTAssertEqual(($0 as? VamosError)?.message, "t.tsv line 1: an empty side")
        }
        XCTAssertThrowsError(try ParallelCorpus(tsv: "\n \n", file: "t.tsv")) {
            XCTAssertEqual(($0 as? VamosError)?.message, "t.tsv: no sentence pairs")
        }
    }
}

/// A training batch packs each side's sentences one after another: no padding row, and each pair's
/// rows where PackedSequences says (worked by hand: start id 9).
final class BatchTests: XCTestCase {
    func testPairsArePackedWithoutPadding() {
        let b = Batch(pairs: [([1, 2, 0], [5, 0]), ([3, 0], [6, 7, 8, 0])], startID: 9)
        XCTAssertEqual(b.size, 2)
        XCTAssertEqual(b.source, [1, 2, 0, 3, 0])
        XCTAssertEqual(b.sourceRows.ranges, [0..<3, 3..<5])
        XCTAssertEqual(b.labels, [5, 0, 6, 7, 8, 0])
        XCTAssertEqual(b.decoderInput, [9, 5, 9, 6, 7, 8])  // each target shifted right after the start id
        XCTAssertEqual(b.targetRows.ranges, [0..<2, 2..<6])
        XCTAssertEqual(b.targetRows.longest, 4)
        XCTAssertEqual(b.tokens, 6)
        XCTAssertEqual(PackedSequences(lengths: []).rows, 0)
        XCTAssertEqual(PackedSequences(lengths: [2, 0, 3]).ranges, [0..<2, 2..<2, 2..<5])
    }
}
