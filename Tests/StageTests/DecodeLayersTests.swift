/// `decode --force TEXT --layers a:b`: the teacher-forced decoder in pieces through
/// `decoder_resid` gives exactly the unsplit `decode --force` (byte-identical documents) for every
/// fixture model, with and without --trace; the stream can be edited in between (patching);
/// `--ablate` works on every path; bad slices are one-line errors.
import Foundation
import XCTest

final class DecodeLayersTests: XCTestCase {
    static let forced = ["tiny": "vamos ir", "marian": "el gato", "prenorm": "el gato grande", "plain": "el gato come"]

    func decode(_ model: String, _ args: [String], _ input: String) throws -> String {
        let r = try runProcess("decode", ["--model", Paths.model(model), "--force", DecodeLayersTests.forced[model]!] + args, stdin: input)
        guard r.status == 0 else { throw HarnessError("decode \(args): status \(r.status): \(r.err)") }
        return r.out
    }

    func layers(_ model: String) throws -> Int {
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Paths.model(model) + "/config.json"))) as! [String: Any]
        return config["decoder_layers"] as! Int
    }

    func testSplittingAtEveryLayerBoundaryIsExact() throws {
        for model in Paths.models {
            let input = try Documents.shared.input(of: "decode", model: model, text: sentence(for: model)) + "\n"
            let L = try layers(model)
            for extra in [[], ["--trace"], ["--trace", "--keep"]] {
                let whole = try decode(model, extra, input)
                XCTAssertEqual(try decode(model, extra + ["--layers", ":"], input), whole, "\(model): --layers : is the whole decoder")
                for k in 0..<L {
                    let first = try decode(model, extra + ["--layers", ":\(k)"], input)
                    let doc = try jsonObject(first)
                    let resid = try XCTUnwrap((doc["tensors"] as? [String: Any])?["decoder_resid"] as? [String: Any], "\(model) :\(k)")
                    XCTAssertEqual(resid["layers_done"] as? Int, k)
                    XCTAssertNotNil((doc["tensors"] as? [String: Any])?["encoder_output"], "kept for the next piece")
                    XCTAssertNil((doc["target"] as? [String: Any])?["forced"])
                    XCTAssertEqual(try decode(model, extra + ["--layers", "\(k):"], first), whole,
                                   "\(model) \(extra): --layers :\(k) | --layers \(k): differs from decode --force")
                }
                var piecewise = input
                for l in 0..<L { piecewise = try decode(model, extra + ["--layers", "\(l):\(l + 1)"], piecewise) }
                XCTAssertEqual(piecewise, whole, "\(model) \(extra): one layer at a time")
            }
        }
    }

    /// Patching: an edit of decoder_resid between the pieces changes the scores.
    func testPatchingTheStreamChangesTheScores() throws {
        let input = try Documents.shared.input(of: "decode", model: "plain", text: sentence(for: "plain")) + "\n"
        let whole = try decode("plain", [], input)
        let first = try decode("plain", ["--layers", ":1"], input)
        var doc = try jsonObject(first)
        var tensors = doc["tensors"] as! [String: Any]
        var resid = tensors["decoder_resid"] as! [String: Any]
        var data = resid["data"] as! [Double]
        for i in 0..<8 { data[8 + i] = 0 }  // position 1 (the first forced word) wiped
        resid["data"] = data
        tensors["decoder_resid"] = resid
        doc["tensors"] = tensors
        let patched = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self) + "\n"
        let out = try jsonObject(try decode("plain", ["--layers", "1:"], patched))
        let steps = ((out["target"] as! [String: Any])["forced"] as! [String: Any])["steps"] as! [[String: Any]]
        let original = ((try jsonObject(whole)["target"] as! [String: Any])["forced"] as! [String: Any])["steps"] as! [[String: Any]]
        XCTAssertEqual(steps[0]["probability"] as? Double, original[0]["probability"] as? Double, "position 0 sees only itself")
        XCTAssertNotEqual(steps[1]["probability"] as? Double, original[1]["probability"] as? Double, "position 1 was patched")
    }

    func testAblationOnEveryPath() throws {
        let m = ["--model", Paths.model("plain")]
        let input = try Documents.shared.input(of: "encode", model: "plain", text: sentence(for: "plain")) + "\n"
        let two = input + input
        // encode: one at a time and batched agree; the head changes the output
        let plainOut = try runProcess("encode", m, stdin: input)
        let a1 = try runProcess("encode", m + ["--ablate", "0.3", "--batch", "1"], stdin: two)
        let a2 = try runProcess("encode", m + ["--ablate", "0.3", "--batch", "2"], stdin: two)
        XCTAssertEqual(a1.status, 0, a1.err)
        XCTAssertEqual(a1.stdout, a2.stdout)
        XCTAssertNotEqual(a1.outLines.first, plainOut.outLines.first)
        // decode: the ablated head's z is 0 in the trace; greedy, beam and forced all run
        let encoded = plainOut.out
        let traced = try jsonObject(try runProcess("decode", m + ["--ablate", "1.2", "--ablate", "cross:0.1", "--trace"], stdin: encoded).out)
        let z = try tensor(traced, "decoder.blocks.1.attn.hook_z")               // [S, H, D], H 4, D 2
        let H = 4, D = 2
        for s in 0..<(z.data.count / (H * D)) { for d in 0..<D { XCTAssertEqual(z.data[s * H * D + 2 * D + d], 0) } }
        let zc = try tensor(traced, "decoder.blocks.0.cross_attn.hook_z")
        XCTAssertTrue((0..<(zc.data.count / (H * D))).allSatisfy { s in (0..<D).allSatisfy { zc.data[s * H * D + 1 * D + $0] == 0 } })
        for args in [["--beams", "3"], ["--force", "el gato"], ["--batch", "4"]] {
            let r = try runProcess("decode", m + ["--ablate", "cross:1.0"] + args, stdin: encoded + encoded)
            XCTAssertEqual(r.status, 0, "\(args): \(r.err)")
        }
    }

    func testBadSlicesAndAddresses() throws {
        let m = ["--model", Paths.model("plain")]
        let input = try Documents.shared.input(of: "decode", model: "plain", text: sentence(for: "plain")) + "\n"
        assertStageError(try runProcess("decode", m + ["--layers", ":1"], stdin: input), stage: "decode", status: 64, mentions: ["--layers needs --force"])
        assertStageError(try runProcess("decode", m + ["--force", "el", "--layers", ":5"], stdin: input), stage: "decode", status: 64,
                         mentions: ["the decoder has 2 layers"])
        assertStageError(try runProcess("decode", m + ["--force", "el", "--layers", "1:"], stdin: input), stage: "decode",
                         mentions: ["no tensor 'decoder_resid'"])
        let partial = try decode("plain", ["--layers", ":1"], input)
        assertStageError(try runProcess("decode", m + ["--force", "el gato come", "--layers", "0:"], stdin: partial), stage: "decode",
                         mentions: ["has passed 1 decoder layer(s)", "use --layers 1:"])
        assertStageError(try runProcess("decode", m + ["--force", "el", "--layers", "1:"], stdin: partial), stage: "decode",
                         mentions: ["force the same text in every piece"])
        // A partial run is continued, never silently recomputed from the start (plain, forced, --batch).
        for args in [[], ["--force", "el gato come"], ["--batch", "4"]] {
            assertStageError(try runProcess("decode", m + args, stdin: partial), stage: "decode",
                             mentions: ["partial decoder run", "after 1 layer(s)", "--layers 1:"])
        }
        // Rerunning a piece on a finished document drops the stale scores of the full run.
        let whole = try decode("plain", ["--keep"], input)
        XCTAssertNotNil((try jsonObject(whole)["target"] as? [String: Any])?["forced"])
        let again = try jsonObject(try decode("plain", ["--layers", ":1"], whole))
        XCTAssertNil((again["target"] as? [String: Any])?["forced"], "a partial run leaves no scores")
        assertStageError(try runProcess("decode", m + ["--ablate", "2.0"], stdin: input), stage: "decode", status: 64, mentions: ["layer 2 is outside"])
        assertStageError(try runProcess("decode", m + ["--ablate", "0.4"], stdin: input), stage: "decode", status: 64, mentions: ["head 4 is outside"])
        assertStageError(try runProcess("encode", m + ["--ablate", "cross:0.0"], stdin: ""), stage: "encode", status: 64, mentions: ["cross: is for decode"])
        assertStageError(try runProcess("encode", m + ["--ablate", "x"], stdin: ""), stage: "encode", status: 64, mentions: ["not LAYER.HEAD"])
    }
}
