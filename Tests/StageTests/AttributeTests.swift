import Foundation
import XCTest

/// The `attribute` executable: reads what decode writes, adds the attributions, passes every field
/// through, and refuses bad input with one line on stderr. (Its numbers are checked against torch
/// autograd in VamosCoreTests/AttributionTests.)
final class AttributeTests: XCTestCase {
    func translate(_ model: String, _ text: String) throws -> String {
        let r = try pipeline(Paths.stages.dropLast().map { ($0, ["--model", Paths.model(model)]) }, stdin: text + "\n")
        assertSucceeded(r)
        return r.out
    }

    func testAddsEveryMethodAndPassesTheDocumentThrough() throws {
        let decoded = try translate("prenorm", "the cat")
        let r = try runProcess("attribute", ["--model", Paths.model("prenorm"), "--steps", "4"], stdin: decoded)
        XCTAssertEqual(r.status, 0, r.err)
        let inDoc = try JSONSerialization.jsonObject(with: Data(decoded.utf8)) as! [String: Any]
        let doc = try JSONSerialization.jsonObject(with: r.stdout) as! [String: Any]
        XCTAssertEqual(doc["stage"] as? String, "attribute")
        XCTAssertEqual((doc["target"] as? NSDictionary), (inDoc["target"] as? NSDictionary), "target passes through")
        XCTAssertEqual((doc["source"] as? NSDictionary), (inDoc["source"] as? NSDictionary), "source passes through")
        let S = ((inDoc["target"] as! [String: Any])["ids"] as! [Any]).count
        let T = ((inDoc["source"] as! [String: Any])["ids"] as! [Any]).count
        let tensors = doc["tensors"] as! [String: Any]
        for m in ["saliency", "input_x_gradient", "integrated_gradients"] {
            let t = try XCTUnwrap(tensors["attributions.\(m)"] as? [String: Any], m)
            XCTAssertEqual(t["shape"] as? [Int], [S, T], m)
            XCTAssertEqual(t["axes"] as? [String], ["target", "token"], m)
            let u = try XCTUnwrap(tensors["attributions.\(m).target"] as? [String: Any], m)
            XCTAssertEqual(u["shape"] as? [Int], [S, S], m)
        }
        XCTAssertEqual((tensors["attributions.log_probability"] as? [String: Any])?["shape"] as? [Int], [S])

        // One method; and the same bytes for any thread count.
        let one = try runProcess("attribute", ["--model", Paths.model("prenorm"), "--method", "saliency", "--threads", "1"], stdin: decoded)
        let two = try runProcess("attribute", ["--model", Paths.model("prenorm"), "--method", "saliency", "--threads", "2"], stdin: decoded)
        XCTAssertEqual(one.status, 0, one.err)
        XCTAssertEqual(one.stdout, two.stdout)
        let names = ((try JSONSerialization.jsonObject(with: one.stdout) as! [String: Any])["tensors"] as! [String: Any]).keys.sorted()
        XCTAssertEqual(names, ["attributions.log_probability", "attributions.saliency", "attributions.saliency.target"])

        // tensor attention draws them.
        let dir = try temporaryDirectory().path
        let svg = try runProcess("tensor", ["attention", "--out", dir], stdin: String(decoding: r.stdout, as: UTF8.self))
        XCTAssertEqual(svg.status, 0, svg.err)
        XCTAssertTrue(svg.out.contains("attributions.saliency.svg"), svg.out)
        let text = try String(contentsOfFile: dir + "/attributions.input_x_gradient.svg", encoding: .utf8)
        XCTAssertTrue(text.contains("each target word ← the source tokens"))
    }

    func testBadInputIsOneLineOnStderr() throws {
        let model = ["--model", Paths.model("tiny")]
        let noTarget = #"{"format":"vamos/1","source":{"ids":[0,2,3]}}"# + "\n"
        assertStageError(try runProcess("attribute", model, stdin: noTarget), stage: "attribute", mentions: ["target.ids", "decode"])
        let empty = #"{"format":"vamos/1","source":{"ids":[0,2,3]},"target":{"ids":[]}}"# + "\n"
        assertStageError(try runProcess("attribute", model, stdin: empty), stage: "attribute", mentions: ["'target.ids' is empty"])
        let outside = #"{"format":"vamos/1","source":{"ids":[0,2,3]},"target":{"ids":[1,9]}}"# + "\n"
        assertStageError(try runProcess("attribute", model, stdin: outside), stage: "attribute", mentions: ["target.ids[1]", "9"])
        let badSource = #"{"format":"vamos/1","source":{"ids":[0,7]},"target":{"ids":[1]}}"# + "\n"
        assertStageError(try runProcess("attribute", model, stdin: badSource), stage: "attribute", mentions: ["source.ids[1]"])
        assertStageError(try runProcess("attribute", model + ["--method", "lime"], stdin: ""), stage: "attribute", status: 64,
                         mentions: ["--method 'lime'"])
        assertStageError(try runProcess("attribute", model + ["--steps", "0"], stdin: ""), stage: "attribute", status: 64,
                         mentions: ["--steps"])
    }
}
