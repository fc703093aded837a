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

    /// Generation's steps on reserved buffers (`DecoderSteps`) compute exactly what the teacher-forced
    /// pass computes: beside another sentence (another source length) in the same step, past the
    /// positions reserved for it (its storage grows), and in a copy forked from it part-way (a
    /// beam picked twice), whose later rows are those of the original.
    func testDecodingStepsEqualTeacherForcedPass() throws {
        for name in Repo.fixtureModels {
            let model = try Model(directory: Repo.fixtureModel(name))
            let decoder = try model.decoder()
            let output = try model.outputProjection()
            let cases = try referenceCases(name)
            let c = cases.last!, start = model.config.decoderStartTokenID
            let memory = try c.tensor("encoder_output").data
            let prefix = [start] + c.ids("greedy_ids").dropLast()
            var whole = decoder.start(memory: memory)
            let all = output.forward(try decoder.forward(prefix, state: &whole))
            let V = output.vocabSize, C = model.config.dModel
            let steps = DecoderSteps(decoder: decoder)
            let other = steps.add(memory: try cases.first!.tensor("encoder_output").data, reserving: prefix.count)
            let s = steps.add(memory: memory, reserving: 2)
            var fork: Int? = nil
            var rows: [Float] = [], forked: [Float] = []
            for (t, id) in prefix.enumerated() {
                if t == min(2, prefix.count - 1) { fork = steps.fork(s, reserving: 1) }
                let slots = [other, s] + (fork.map { [$0] } ?? [])
                let h = try steps.step([start, id] + (fork == nil ? [] : [id]), slots: slots)
                let logits = output.forward(Array(UnsafeBufferPointer(start: h, count: slots.count * C)))
                rows += logits[V..<(2 * V)]
                if fork != nil { forked += logits[(2 * V)...] }
            }
            XCTAssertEqual(rows, all, "\(name): steps vs teacher-forced logits")
            XCTAssertEqual(forked, Array(all[(min(2, prefix.count - 1) * V)...]), "\(name): a forked slot continues as the original")
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
