import XCTest
@testable import VamosCore

/// `decode --force` on an opus-mt model encodes the forced text as transformers encodes labels.
/// Expected ids printed by transformers 5.24 (sentencepiece 0.2.3) on this machine:
///   MarianTokenizer.from_pretrained(dir)(text_target=s)["input_ids"]
final class TargetEncodingTests: XCTestCase {
    static let cases: [(model: String, text: String, ids: [Int])] = [
        ("opus-en-es", "el gato come pescado.", [3, 170, 23, 148, 187, 155, 4, 151, 25, 31, 148, 26, 147, 5, 0]),
        ("opus-en-es", "¿Dónde está la casa roja?", [229, 248, 231, 144, 26, 4, 230, 154, 148, 193, 225, 97, 0]),
        ("opus-en-es", "Los niños juegan 3 veces, xyzq!",
         [3, 130, 235, 156, 235, 3, 174, 27, 4, 24, 148, 144, 103, 180, 31, 25, 1, 3, 1, 8, 252, 254, 22, 0]),
        ("opus-en-es-separate", "el gato come pescado.", [3, 44, 62, 4, 64, 20, 5, 10, 17, 16, 4, 91, 13, 6, 0]),
        ("opus-en-es-separate", "¿Dónde está la casa roja?", [114, 153, 126, 169, 91, 5, 117, 18, 4, 72, 107, 113, 0]),
        ("opus-en-es-separate", "Los niños juegan 3 veces, xyzq!",
         [3, 71, 138, 22, 138, 3, 49, 115, 5, 37, 4, 169, 120, 56, 16, 17, 1, 3, 1, 151, 160, 162, 24, 0]),
    ]

    func testForcedTextIsEncodedAsTransformersLabels() throws {
        for c in TargetEncodingTests.cases {
            let model = try Model(directory: Repo.fixtureModel(c.model))
            XCTAssertEqual(try DecodeStage.forcedIDs(c.text, model: model), c.ids, "\(c.model): \(c.text)")
        }
    }

    /// Forcing what greedy decoding produced gives rank 1 at every step.
    func testForcingGreedyOutputRanksFirstEverywhere() throws {
        let model = try Model(directory: Repo.fixtureModel("opus-en-es"))
        let t = try Translator(model: model)
        let memory = try t.encode(try t.sourceIDs("the cat eats the fish"))
        let greedy = try t.decode(memory, maxLength: 20).map(\.id)
        let forced = try forcedScores(decoder: t.decoder, output: t.output, memory: memory, config: model.config, ids: greedy)
        XCTAssertEqual(forced.map(\.rank), [Int](repeating: 1, count: greedy.count))
    }
}
