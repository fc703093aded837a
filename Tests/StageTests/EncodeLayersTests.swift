/// `encode --layers a:b`: running the encoder in pieces through `encoder_resid` gives exactly the
/// unsplit result (byte-identical documents) for every fixture model, with and without --trace;
/// the stream can be edited in between (activation patching); bad slices and mismatched streams
/// are one-line errors.
import Foundation
import XCTest

final class EncodeLayersTests: XCTestCase {
    func layers(_ model: String) throws -> Int {
        let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Paths.model(model) + "/config.json"))) as! [String: Any]
        return config["encoder_layers"] as! Int
    }

    func encode(_ model: String, _ args: [String], _ input: String) throws -> String {
        let r = try runProcess("encode", ["--model", Paths.model(model)] + args, stdin: input)
        guard r.status == 0 else { throw HarnessError("encode \(args): status \(r.status): \(r.err)") }
        return r.out
    }

    /// `:k | k:` for every boundary k, and one layer at a time, equal the unsplit run byte for byte.
    func testSplittingAtEveryLayerBoundaryIsExact() throws {
        for model in Paths.models {
            let input = try Documents.shared.input(of: "encode", model: model, text: sentence(for: model)) + "\n"
            let L = try layers(model)
            XCTAssertGreaterThanOrEqual(L, 1)
            for trace in [[], ["--trace"], ["--trace", "--keep"]] {
                let whole = try encode(model, trace, input)
                XCTAssertEqual(try encode(model, trace + ["--layers", ":"], input), whole, "\(model): --layers : is the whole encoder")
                for k in 0..<L {
                    let first = try encode(model, trace + ["--layers", ":\(k)"], input)
                    let doc = try jsonObject(first)
                    let resid = try XCTUnwrap((doc["tensors"] as? [String: Any])?["encoder_resid"] as? [String: Any], "\(model) :\(k)")
                    XCTAssertEqual(resid["layers_done"] as? Int, k)
                    XCTAssertNil((doc["tensors"] as? [String: Any])?["encoder_output"])
                    let rest = try encode(model, trace + ["--layers", "\(k):"], first)
                    XCTAssertEqual(rest, whole, "\(model) \(trace): --layers :\(k) | --layers \(k): differs from the unsplit run")
                }
                var piecewise = input
                for l in 0..<L { piecewise = try encode(model, trace + ["--layers", "\(l):\(l + 1)"], piecewise) }
                XCTAssertEqual(piecewise, whole, "\(model) \(trace): one layer at a time")
                // negative numbers count from the end (written --layers=-1: so it is not taken for an option)
                XCTAssertEqual(try encode(model, trace + ["--layers=-1:"], try encode(model, trace + ["--layers", ":-1"], input)), whole)
            }
        }
    }

    /// The pre-norm model's final layer norm is applied only when the last layer runs.
    func testFinalNormOnlyWithTheLastLayer() throws {
        let input = try Documents.shared.input(of: "encode", model: "prenorm", text: sentence(for: "prenorm")) + "\n"
        let partial = try jsonObject(try encode("prenorm", ["--trace", "--layers", ":1"], input))
        XCTAssertFalse(tensorNames(partial).contains("encoder.ln_final.hook_normalized"))
        let resid = try tensor(partial, "encoder_resid")
        XCTAssertEqual(resid.data, try tensor(partial, "encoder.blocks.0.hook_resid_post").data, "encoder_resid is the stream after layer 0, not normed")
        let rest = try jsonObject(try encode("prenorm", ["--trace", "--layers", "1:"], try encode("prenorm", ["--layers", ":1"], input)))
        XCTAssertTrue(tensorNames(rest).contains("encoder.ln_final.hook_normalized"))
        XCTAssertEqual(Set(tensorNames(rest).filter { $0.hasPrefix("encoder.blocks.") }.map { $0.split(separator: ".")[2] }), ["1"], "only layer 1 traced")
    }

    /// Activation patching with shell tools: edit encoder_resid between the halves (here: zero one
    /// token's row with a Python-free string edit) and the output changes, starting from that row.
    func testEditingTheStreamBetweenLayersChangesTheOutput() throws {
        let input = try Documents.shared.input(of: "encode", model: "marian", text: "the big cat sees a fish") + "\n"
        let whole = try jsonObject(try encode("marian", [], input))
        let first = try encode("marian", ["--layers", ":1"], input)
        var doc = try jsonObject(first)
        var tensors = doc["tensors"] as! [String: Any]
        var resid = tensors["encoder_resid"] as! [String: Any]
        var data = resid["data"] as! [Double]
        for i in 0..<16 { data[2 * 16 + i] = 0 }    // token 2 ('cat') zeroed
        resid["data"] = data
        tensors["encoder_resid"] = resid
        doc["tensors"] = tensors
        let edited = String(decoding: try JSONSerialization.data(withJSONObject: doc), as: UTF8.self)
        let patched = try jsonObject(try encode("marian", ["--layers", "1:"], edited + "\n"))
        let a = try tensor(whole, "encoder_output").data, b = try tensor(patched, "encoder_output").data
        XCTAssertEqual(a.count, b.count)
        XCTAssertNotEqual(a, b, "the patch must change the output")
        XCTAssertGreaterThan(zip(a[32..<48], b[32..<48]).map { abs($0 - $1) }.max()!, 0.01, "the patched token changes most")
    }

    func testBadSlicesAndMismatchedStreams() throws {
        let input = try Documents.shared.input(of: "encode", model: "marian", text: "the cat") + "\n"
        let m = ["--model", Paths.model("marian")]
        assertStageError(try runProcess("encode", m + ["--layers", "x"], stdin: input), stage: "encode", status: 64, mentions: ["--layers", "'x'"])
        assertStageError(try runProcess("encode", m + ["--layers", "1:2:3"], stdin: input), stage: "encode", status: 64, mentions: ["--layers"])
        // Outside the model's layers, or backwards: usage errors (64), found before any input is read.
        assertStageError(try runProcess("encode", m + ["--layers", "3:"], stdin: input), stage: "encode", status: 64, mentions: ["layer 3", "2 layers"])
        assertStageError(try runProcess("encode", m + ["--layers", "2:1"], stdin: input), stage: "encode", status: 64, mentions: ["start 2", "end 1"])
        assertStageError(try runProcess("encode", m + ["--layers", "1:"], stdin: input), stage: "encode",
                         mentions: ["no tensor 'encoder_resid'", "--layers :1"])
        let half = try encode("marian", ["--layers", ":1"], input)
        assertStageError(try runProcess("encode", m, stdin: half), stage: "encode", mentions: ["partial encoder run", "--layers 1:"])
        assertStageError(try runProcess("encode", m + ["--layers", "0:1"], stdin: half), stage: "encode", mentions: ["passed 1", "--layers 1:"])
        let noCount = half.replacingOccurrences(of: #","layers_done":1"#, with: "")
        XCTAssertNotEqual(noCount, half)
        assertStageError(try runProcess("encode", m + ["--layers", "1:"], stdin: noCount), stage: "encode", mentions: ["layers_done"])
    }
}
