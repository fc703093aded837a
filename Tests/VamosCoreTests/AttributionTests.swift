import XCTest
@testable import VamosCore

/// `attribute` against PyTorch autograd: Tests/Reference/make_attribution_fixtures.py computes the
/// three attributions with torch.autograd on the independent reference model (and checks the
/// saliency through transformers' MarianMTModel too). Per target row, every entry must be within
/// 1e-4 of that row's largest |autograd| value.
final class AttributionTests: XCTestCase {
    static let models = ["tiny", "marian", "prenorm", "plain", "opus-en-es", "opus-en-es-separate"]

    func testAttributionsAgreeWithTorchAutograd() throws {
        var worst = 0.0
        for name in AttributionTests.models {
            let data = try XCTUnwrap(readFile(Repo.path("Tests/Fixtures/reference/attributions/\(name).json")))
            var bytes = data
            let root = try XCTUnwrap(try JSONCodec.parse(bytes: &bytes, what: name).objectValue)
            let steps = try XCTUnwrap(root["steps"]?.intValue)
            let model = try Model(directory: Repo.fixtureModel(name), vocabularies: false)
            let context = StageContext(stage: "attribute", model: model) { _ in }
            let stage = try AttributeStage(context: context, methods: AttributionMethod.allCases, steps: steps)
            let cases = try XCTUnwrap(root["cases"]?.arrayValue)
            XCTAssertEqual(cases.count, 4, name)
            for c in cases.compactMap(\.objectValue) {
                var doc = Document(stage: "decode")
                doc.setSide("source", JSONObject([("ids", c["source_ids"]!)]))
                doc.setSide("target", JSONObject([("ids", c["target_ids"]!)]))
                try stage.run(&doc)
                let what = "\(name) '\(c["text"]?.stringValue ?? "")'"
                var names = AttributionMethod.allCases.flatMap { [$0.rawValue, $0.rawValue + ".target"] }
                names.append("log_probability")
                for key in names {
                    let theirs = try Tensor(json: c[key]!, what: key)
                    let ours = try XCTUnwrap(doc.tensors["attributions.\(key)"], "\(what): attributions.\(key)")
                    XCTAssertEqual(ours.shape, theirs.shape, "\(what): \(key) shape")
                    let width = theirs.shape.count == 2 ? theirs.shape[1] : theirs.shape[0]
                    for r in 0..<(theirs.count / width) {
                        let row = (r * width)..<((r + 1) * width)
                        let scale = theirs.data[row].map { abs(Double($0)) }.max()!
                        let diff = row.map { abs(Double(ours.data[$0]) - Double(theirs.data[$0])) }.max()!
                        XCTAssertLessThanOrEqual(diff, 1e-4 * scale, "\(what): \(key) row \(r): differs by \(diff), row max \(scale)")
                        if scale > 0 { worst = max(worst, diff / scale) }
                    }
                }
            }
        }
        print("attributions: worst row-relative difference to torch autograd \(worst)")
    }

    /// Row t's target-side attributions are 0 past column t: the subsequent mask hides later inputs.
    func testTargetAttributionsRespectTheMask() throws {
        let model = try Model(directory: Repo.fixtureModel("prenorm"), vocabularies: false)
        let stage = try AttributeStage(context: StageContext(stage: "attribute", model: model) { _ in },
                                       methods: [.saliency], steps: 1)
        var doc = Document(stage: "decode")
        doc.setSide("source", JSONObject([("ids", .array([.int(3), .int(4), .int(0)]))]))
        doc.setSide("target", JSONObject([("ids", .array([.int(5), .int(6), .int(7), .int(0)]))]))
        try stage.run(&doc)
        let t = try XCTUnwrap(doc.tensors["attributions.saliency.target"])
        XCTAssertEqual(t.shape, [4, 4])
        for r in 0..<4 {
            for j in 0..<4 {
                if j > r { XCTAssertEqual(t.data[r * 4 + j], 0, "row \(r) column \(j)") } else { XCTAssertGreaterThan(t.data[r * 4 + j], 0) }
            }
        }
    }
}
