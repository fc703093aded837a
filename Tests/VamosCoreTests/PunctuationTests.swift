import XCTest
@testable import VamosCore

/// Word-level punctuation: split off what the vocabulary knows, join back as the language writes it.
final class PunctuationTests: XCTestCase {
    let vocab: Set<String> = ["fish", "meat", "come", "let's", ".", ",", "!", "?", "¿", "p.m.", "el", "hombre"]

    func split(_ w: String) -> [String] { Punctuation.split(w) { self.vocab.contains($0) } }

    func testSplitsOffKnownPunctuationOnly() {
        XCTAssertEqual(split("fish."), ["fish", "."])
        XCTAssertEqual(split("fish,"), ["fish", ","])
        XCTAssertEqual(split("meat!!"), ["meat", "!", "!"])
        XCTAssertEqual(split("¿come?"), ["¿", "come", "?"])
        XCTAssertEqual(split("let's"), ["let's"], "a word the vocabulary knows whole stays whole")
        XCTAssertEqual(split("p.m."), ["p.m."])
        XCTAssertEqual(split("fish;"), ["fish;"], "';' is not in the vocabulary: stays attached (unknown)")
        XCTAssertEqual(split("?"), ["?"])
        XCTAssertEqual(split("...?"), [".", ".", ".", "?"], "punctuation alone: peeled down to its last character")
        XCTAssertEqual(split("zebra."), ["zebra", "."], "an unknown core still loses its known punctuation")
    }

    func testJoinsAsTheLanguageWritesIt() {
        XCTAssertEqual(Punctuation.join(["¿", "el", "hombre", "come", "?"]), "¿el hombre come?")
        XCTAssertEqual(Punctuation.join(["vamos"]), "vamos")
        XCTAssertEqual(Punctuation.join(["sí", ",", "(", "no", ")", "."]), "sí, (no).")
        XCTAssertEqual(Punctuation.join(["\"", "hola", "\""]), "\" hola \"", "straight quotes stay spaced")
        XCTAssertEqual(Punctuation.join([]), "")
    }
}
