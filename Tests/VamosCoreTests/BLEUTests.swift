import XCTest
@testable import VamosCore

/// Vamos' corpus BLEU against sacrebleu (Tests/Reference/make_bleu_fixture.py recorded what
/// sacrebleu 2.x computes with its defaults: 13a tokenizer, exp smoothing).
final class BLEUTests: XCTestCase {
    func testAgreesWithSacreBLEU() throws {
        var bytes = readFile(Repo.path("Tests/Fixtures/bleu/sacrebleu.json"))!
        let root = try JSONCodec.parse(bytes: &bytes, what: "sacrebleu.json").objectValue!
        let cases = root["cases"]!.arrayValue!
        XCTAssertGreaterThanOrEqual(cases.count, 7)
        for c in cases {
            let o = c.objectValue!
            let hyps = o["hypotheses"]!.arrayValue!.map { $0.stringValue! }
            let refs = o["references"]!.arrayValue!.map { $0.stringValue! }
            let expected = o["bleu"]!.doubleValue!
            let ours = corpusBLEU(hypotheses: hyps, references: refs)
            XCTAssertEqual(ours, expected, accuracy: 0.01, "\(hyps) vs \(refs)")
        }
    }

    /// Expected tokens are what sacrebleu's Tokenizer13a printed for the same lines.
    func testTokenizer13a() {
        XCTAssertEqual(tokenize13a("el perro come, pero 1,000 x-ray 3.5."), ["el", "perro", "come", ",", "pero", "1,000", "x-ray", "3.5", "."])
        XCTAssertEqual(tokenize13a("¿ comes (pan)?"), ["¿", "comes", "(", "pan", ")", "?"])
        XCTAssertEqual(tokenize13a("a 5-4 b,c 3,x"), ["a", "5", "-", "4", "b", ",", "c", "3", ",", "x"])
    }
}
