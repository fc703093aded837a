import XCTest
@testable import VamosCore

/// Training and the stages compute the same network: on the same weights, the logits of
/// `train`'s teacher-forced forward pass (TrainingModel, float32) equal, bit for bit, those of
/// `decode --force` (Decoder.forward over [start] + ids[:-1], then the output layer) — for every
/// fixture model, for a sentence alone and inside a padded batch of three.
final class TrainingMatchesDecodeTests: XCTestCase {
    func testTrainingLogitsAreDecodeForceLogitsBitForBit() throws {
        for name in Repo.fixtureModels + ["opus-en-es", "opus-en-es-separate"] {
            let model = try Model(directory: Repo.fixtureModel(name))
            let c = model.config
            let training = TrainingModel(parameters: try Parameters<Float>.load(model))
            let encoder = try model.encoder(), decoder = try model.decoder(), output = try model.outputProjection()
            let embed = try model.sourceEmbedding(), positions = try model.positionalEncoding("encoder")
            let V = c.decoderVocabSize
            // Three pairs of different lengths (ids from the vocabularies' range; EOS last on both sides).
            let pairs: [(source: [Int], target: [Int])] = [
                ([1 % c.vocabSize, 2 % c.vocabSize, c.eosTokenID], [3 % V, 1 % V, c.eosTokenID]),
                ([2 % c.vocabSize, c.eosTokenID], [2 % V, c.eosTokenID]),
                ([3 % c.vocabSize, 1 % c.vocabSize, 2 % c.vocabSize, 1 % c.vocabSize, c.eosTokenID], [1 % V, 2 % V, 3 % V, 1 % V, c.eosTokenID]),
            ]
            let batch = Batch(pairs: pairs, startID: c.decoderStartTokenID)
            let batched = try training.logits(batch)                              // [ΣS, V]
            for (b, pair) in pairs.enumerated() {
                let memory = encoder.forward(try positions.forward(try embed.forward(pair.source)))
                var state = decoder.start(memory: memory)
                let h = try decoder.forward([c.decoderStartTokenID] + pair.target.dropLast(), state: &state)
                let stages = output.forward(h)                                    // [S_b, V]
                let alone = try training.logits(Batch(pairs: [pair], startID: c.decoderStartTokenID))
                XCTAssertEqual(alone, stages, "\(name) pair \(b): training's logits differ from decode --force's")
                let r = batch.targetRows.ranges[b]
                XCTAssertEqual(Array(batched[(r.lowerBound * V)..<(r.upperBound * V)]), stages, "\(name) pair \(b) in a packed batch")
            }
        }
    }

    /// The parameter tree lists exactly the tensors of each fixture checkpoint (the stages load
    /// their layers from it; the trainer takes its parameter list from it), with their shapes.
    func testTheParameterTreeIsTheCheckpoint() throws {
        for name in Repo.fixtureModels + ["opus-en-es", "opus-en-es-separate"] {
            let model = try Model(directory: Repo.fixtureModel(name))
            let listed = ParameterTree(model.config).parameters
            var names = Set(listed.map(\.name))
            let stored = Set(model.weights.entries.keys)
            if names.contains(CheckpointNames.shared) && !stored.contains(CheckpointNames.shared) {
                // save_pretrained may store the shared matrix under the stacks' names instead
                names.remove(CheckpointNames.shared)
                names.formUnion(stored.filter { $0.hasSuffix("embed_tokens.weight") })
            }
            XCTAssertEqual(names, stored, name)
            for (n, shape) in listed where stored.contains(n) {
                XCTAssertEqual(model.weights.entries[n]!.shape, shape, "\(name): \(n)")
            }
            XCTAssertEqual(try Parameters<Float>.load(model).count, listed.reduce(0) { $0 + $1.shape.reduce(1, *) })
        }
    }
}
