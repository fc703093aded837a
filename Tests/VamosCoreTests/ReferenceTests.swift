import XCTest
@testable import VamosCore

/// The forward pass against an independent reference: Tests/Reference/make_reference.py builds the
/// fixture models and computes these numbers with torch.nn modules (nn.MultiheadAttention,
/// nn.LayerNorm, nn.Linear; for `marian` also transformers' MarianMTModel). Tensors must agree
/// within `tolerance`; ids exactly.
final class ReferenceTests: XCTestCase {
    func testEveryFixtureModelAgreesWithTorch() throws {
        for name in Repo.fixtureModels {
            let model = try Model(directory: Repo.fixtureModel(name))
            let t = try Translator(model: model)
            let (embedding, positions, encoder, decoder, output) = (t.embedding, t.positions, t.encoder, t.decoder, t.output)
            let cs = try referenceCases(name)
            XCTAssertGreaterThanOrEqual(cs.count, 6)
            for c in cs {
                let what = "\(name) '\(c.text)'"
                let ids = try t.sourceIDs(c.text)
                XCTAssertEqual(ids, c.ids("source_ids"), "\(what): source ids")
                let e = try embedding.forward(ids)
                assertCloseToReference(e, try c.tensor("embeddings"), "\(what): embeddings")
                let x = try positions.forward(e)
                assertCloseToReference(x, try c.tensor("encoder_input"), "\(what): encoder_input")
                let memory = encoder.forward(x)
                assertCloseToReference(memory, try c.tensor("encoder_output"), "\(what): encoder_output")
                var state = decoder.start(memory: memory)
                let first = output.forward(try decoder.forward([model.config.decoderStartTokenID], state: &state))
                assertCloseToReference(first, try c.tensor("decoder_first_logits"), "\(what): first-step logits")
                let steps = try greedyDecode(decoder: decoder, output: output, memory: memory, config: model.config,
                                             maxLength: model.config.maxLength - 1)
                XCTAssertEqual(steps.map(\.id), c.ids("greedy_ids"), "\(what): greedy ids")
            }
        }
    }

    /// Decoding one position at a time (with the key/value cache) computes exactly what one
    /// teacher-forced pass over the whole prefix computes, thanks to the subsequent mask (masked
    /// keys add exactly 0) and the products' one order for any number of rows.
    func testIncrementalDecodingEqualsTeacherForcedPass() throws {
        for name in Repo.fixtureModels {
            let model = try Model(directory: Repo.fixtureModel(name))
            let decoder = try model.decoder()
            let output = try model.outputProjection()
            let c = try referenceCases(name).last!
            let memory = try c.tensor("encoder_output").data
            let prefix = [model.config.decoderStartTokenID] + c.ids("greedy_ids").dropLast()
            var whole = decoder.start(memory: memory)
            let all = output.forward(try decoder.forward(prefix, state: &whole))
            var stepwise = decoder.start(memory: memory)
            var rows: [Float] = []
            for id in prefix { rows += output.forward(try decoder.forward([id], state: &stepwise)) }
            XCTAssertEqual(all.count, rows.count)
            // Exactly (Float ==: a zero's sign may differ, docs/NUMERICS.md §1): masked keys add exactly 0.
            XCTAssertEqual(all, rows, "\(name): incremental vs teacher-forced logits")
        }
    }

    /// Splitting the encoder stack at any layer boundary gives exactly the unsplit result.
    func testEncoderLayersCanBeRunInParts() throws {
        let model = try Model(directory: Repo.fixtureModel("prenorm"))
        let encoder = try model.encoder()
        let x = try referenceCases("prenorm")[2].tensor("encoder_input").data
        let whole = encoder.forward(x)
        for cut in 0...encoder.layers.count {
            let parts = encoder.forward(encoder.forward(x, layers: 0..<cut), layers: cut..<encoder.layers.count)
            XCTAssertEqual(parts, whole, "cut at \(cut)")
        }
    }
}
