import XCTest
@testable import VamosCore

/// The forward pass against an independent reference: Tests/Reference/make_reference.py builds the
/// fixture models and computes these numbers with torch.nn modules (nn.MultiheadAttention,
/// nn.LayerNorm, nn.Linear; for `marian` also transformers' MarianMTModel). Tensors must agree
/// within `tolerance`; ids exactly.
final class ReferenceTests: XCTestCase {
    /// |vamos − torch| ≤ tolerance · max(1, |torch|)
    static let tolerance: Float = 1e-5

    struct Case {
        let text: String
        let json: JSONObject
        func ids(_ key: String) -> [Int] { json[key]!.arrayValue!.map { $0.intValue! } }
        func tensor(_ key: String) throws -> Tensor { try Tensor(json: json[key]!, what: key) }
    }

    func cases(_ model: String) throws -> [Case] {
        var bytes = readFile(Repo.path("Tests/Fixtures/reference/\(model).json"))!
        let root = try JSONCodec.parse(bytes: &bytes, what: model)
        return root.objectValue!["cases"]!.arrayValue!.map {
            Case(text: $0.objectValue!["text"]!.stringValue!, json: $0.objectValue!)
        }
    }

    func assertClose(_ ours: [Float], _ theirs: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(ours.count, theirs.count, "\(what): size", file: file, line: line)
        var worst: (Int, Float) = (0, 0)
        for i in 0..<min(ours.count, theirs.count) {
            let d = abs(ours[i] - theirs.data[i]) / max(1, abs(theirs.data[i]))
            if d > worst.1 { worst = (i, d) }
        }
        XCTAssertLessThanOrEqual(worst.1, ReferenceTests.tolerance,
            "\(what): index \(worst.0) is \(ours[worst.0]) in Vamos, \(theirs.data[worst.0]) in torch", file: file, line: line)
    }

    func testEveryFixtureModelAgreesWithTorch() throws {
        for name in Repo.fixtureModels {
            let model = try Model(directory: Repo.fixtureModel(name))
            let context = StageContext(stage: "test", model: model) { _ in }
            let tokenize = TokenizeStage(context: context)
            let embedding = try model.sourceEmbedding()
            let positions = try model.positionalEncoding("encoder")
            let encoder = try model.encoder()
            let decoder = try model.decoder()
            let output = try model.outputProjection()
            let cs = try cases(name)
            XCTAssertGreaterThanOrEqual(cs.count, 6)
            for c in cs {
                let what = "\(name) '\(c.text)'"
                let (doc, _) = try tokenize.run(text: c.text)
                let ids = try doc.ids("source", producer: "tokenize", stage: "test")
                XCTAssertEqual(ids, c.ids("source_ids"), "\(what): source ids")
                let e = try embedding.forward(ids)
                assertClose(e, try c.tensor("embeddings"), "\(what): embeddings")
                let x = try positions.forward(e)
                assertClose(x, try c.tensor("encoder_input"), "\(what): encoder_input")
                let memory = encoder.forward(x)
                assertClose(memory, try c.tensor("encoder_output"), "\(what): encoder_output")
                var state = decoder.start(memory: memory)
                let first = output.forward(try decoder.forward([model.config.decoderStartTokenID], state: &state))
                assertClose(first, try c.tensor("decoder_first_logits"), "\(what): first-step logits")
                let steps = try greedyDecode(decoder: decoder, output: output, memory: memory, config: model.config,
                                             maxLength: model.config.maxLength - 1)
                XCTAssertEqual(steps.map(\.id), c.ids("greedy_ids"), "\(what): greedy ids")
            }
        }
    }

    /// Decoding one position at a time (with the key/value cache) computes what one teacher-forced
    /// pass over the whole prefix computes, thanks to the subsequent mask.
    func testIncrementalDecodingEqualsTeacherForcedPass() throws {
        for name in Repo.fixtureModels {
            let model = try Model(directory: Repo.fixtureModel(name))
            let decoder = try model.decoder()
            let output = try model.outputProjection()
            let c = try cases(name).last!
            let memory = try c.tensor("encoder_output").data
            let prefix = [model.config.decoderStartTokenID] + c.ids("greedy_ids").dropLast()
            var whole = decoder.start(memory: memory)
            let all = output.forward(try decoder.forward(prefix, state: &whole))
            var stepwise = decoder.start(memory: memory)
            var rows: [Float] = []
            for id in prefix { rows += output.forward(try decoder.forward([id], state: &stepwise)) }
            XCTAssertEqual(all.count, rows.count)
            let worst = zip(all, rows).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(worst, 1e-5, "\(name): incremental vs teacher-forced logits")
        }
    }

    /// Splitting the encoder stack at any layer boundary gives exactly the unsplit result.
    func testEncoderLayersCanBeRunInParts() throws {
        let model = try Model(directory: Repo.fixtureModel("prenorm"))
        let encoder = try model.encoder()
        let x = try cases("prenorm")[2].tensor("encoder_input").data
        let whole = encoder.forward(x)
        for cut in 0...encoder.layers.count {
            let parts = encoder.forward(encoder.forward(x, layers: 0..<cut), layers: cut..<encoder.layers.count)
            XCTAssertEqual(parts, whole, "cut at \(cut)")
        }
    }
}
