/// The `tensor` tool: show, list, stats, get (JSON and .npy), diff, steps; .safetensors input;
/// errors as one line `tensor <subcommand>: …` with exit status 2.
import Foundation
import XCTest

final class TensorToolTests: XCTestCase {
    func tensorTool(_ args: [String], stdin: String = "") throws -> RunResult { try runProcess("tensor", args, stdin: stdin) }

    /// A document with hand-made tensors and source tokens (for labels).
    func handDocument(_ tensors: String, ids: String = "[0,2,3]", extra: String = "") -> String {
        #"{"format":"vamos/1","stage":"encode","source":{"tokens":["let's","go","<EOS>"],"ids":"# + ids + "}" + extra
            + #","tensors":{"# + tensors + "}}"
    }

    // MARK: show, list, stats

    /// show: summary line, then a table labelled with the tokens on rows (and columns for patterns).
    func testShowLabelsRowsAndColumnsWithTokens() throws {
        let doc = try tracedDocument(model: "tiny", text: "let's go")
        let r = try tensorTool(["show", "encoder_input", "encoder.blocks.0.attn.hook_pattern", "--precision", "2"], stdin: doc)
        XCTAssertEqual(r.status, 0, r.err)
        let out = r.outLines
        XCTAssertTrue(out[0].hasPrefix("encoder_input [3, 2] (token × d_model)  min "), out[0])
        for field in ["min", "max", "mean", "std"] { XCTAssertTrue(out[0].contains(" \(field) "), out[0]) }
        XCTAssertEqual(out[1].split(separator: " ").map(String.init), ["d0", "d1"])
        XCTAssertTrue(out[2].hasPrefix("let's "), out[2])
        XCTAssertTrue(out[4].hasPrefix("<EOS> "), out[4])
        let pattern = try XCTUnwrap(out.firstIndex { $0.hasPrefix("encoder.blocks.0.attn.hook_pattern") })
        XCTAssertEqual(out[pattern + 1], "head 0:")
        XCTAssertEqual(out[pattern + 2].split(separator: " ").map(String.init), ["let's", "go", "<EOS>"])
        // --precision 2: two decimals
        XCTAssertNotNil(out[pattern + 3].range(of: #"^let's +\d\.\d\d +\d\.\d\d +\d\.\d\d$"#, options: .regularExpression), out[pattern + 3])
    }

    /// Values in the table are the tensor's own (rounded), in row-major order.
    func testShowPrintsTheValues() throws {
        let doc = handDocument(#""m":{"shape":[3,2],"axes":["token","d_model"],"data":[1.5,-2.25,0,4,5.125,-6]}"#)
        let r = try tensorTool(["show", "m"], stdin: doc)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.outLines, [
            "m [3, 2] (token × d_model)  min -6.0000  max 5.1250  mean 0.3958  std 3.7558",
            "           d0       d1",
            "let's  1.5000  -2.2500",
            "go     0.0000   4.0000",
            "<EOS>  5.1250  -6.0000",
        ])
    }

    func testListAndStats() throws {
        let doc = handDocument(#""m":{"shape":[3,2],"axes":["token","d_model"],"data":[1.5,-2.25,0,4,5.125,-6]},"v":{"shape":[2],"data":[3,4]}"#)
        let list = try tensorTool(["list"], stdin: doc)
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertEqual(list.outLines, ["m [3, 2] (token × d_model)", "v [2]"])
        let stats = try tensorTool(["stats", "--precision", "3"], stdin: doc)
        XCTAssertEqual(stats.status, 0, stats.err)
        XCTAssertEqual(stats.outLines, [
            "m [3, 2] (token × d_model)  n 6  min -6.000 at [2, 1] (token '<EOS>', d_model 1)  max 5.125 at [2, 0] (token '<EOS>', d_model 0)  mean 0.396  std 3.756  norm 9.251  zeros 1",
            "v [2]  n 2  min 3.000 at [0]  max 4.000 at [1]  mean 3.500  std 0.500  norm 5.000  zeros 0",
        ])
    }

    /// Masked scores (-3.4028235e+38) are shown as masked and left out of every summary; show and
    /// stats agree (issue 11).
    func testMaskedEntriesAreShownAsMaskedAndLeftOutOfSummaries() throws {
        let doc = handDocument(#""s":{"shape":[2,2],"axes":["query","key"],"data":[1,-3.4028235e+38,2,3]},"all":{"shape":[1],"data":[-3.4028235e+38]}"#)
        let stats = try tensorTool(["stats", "--precision", "3"], stdin: doc)
        XCTAssertEqual(stats.status, 0, stats.err)
        XCTAssertEqual(stats.outLines.count, 2)
        XCTAssertTrue(stats.outLines[0].hasPrefix("s [2, 2] (query × key)  n 3  masked 1  min 1.000 at [0, 0]"), stats.outLines[0])
        XCTAssertTrue(stats.outLines[0].hasSuffix("mean 2.000  std 0.816  norm 3.742  zeros 0"), stats.outLines[0])
        XCTAssertEqual(stats.outLines[1], "all [1]  n 0  masked 1")
        let show = try tensorTool(["show", "s", "--precision", "3"], stdin: doc)
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertEqual(show.outLines[0], "s [2, 2] (query × key)  min 1.000  max 3.000  mean 2.000  std 0.816  masked 1")
        XCTAssertTrue(show.outLines.contains { $0.contains("masked") && $0.contains("1.000") && !$0.contains("e+38") }, show.out)
        XCTAssertFalse(show.out.contains("3402823") || stats.out.contains("3402823"), "no mask value printed as a number")
    }

    // MARK: .safetensors

    /// list, show, stats and get read a model's weights by path.
    func testSafetensorsFilesAreReadLikeDocuments() throws {
        let file = Paths.root.appendingPathComponent("models/statquest/model.safetensors").path
        let list = try tensorTool(["list", file])
        XCTAssertEqual(list.status, 0, list.err)
        XCTAssertTrue(list.outLines.contains("model.encoder.layers.0.self_attn.q_proj.weight [2, 2] F32"), list.out)
        XCTAssertTrue(list.outLines.contains("final_logits_bias [1, 4] F32"), list.out)
        XCTAssertEqual(list.outLines.count, 16)

        let show = try tensorTool(["show", file, "final_logits_bias"])
        XCTAssertEqual(show.status, 0, show.err)
        XCTAssertTrue(show.outLines[0].hasPrefix("final_logits_bias [1, 4]  min "), show.out)
        XCTAssertEqual(show.outLines.count, 3)

        // NAME FILE (the file last) reads the same as FILE NAME.
        let swapped = try tensorTool(["get", "final_logits_bias", file])
        XCTAssertEqual(swapped.status, 0, swapped.err)
        XCTAssertEqual(swapped.out, try tensorTool(["get", file, "final_logits_bias"]).out)
        // get gives the exact float32 values: compare with the bytes in the file.
        let get = try tensorTool(["get", file, "final_logits_bias"])
        XCTAssertEqual(get.status, 0, get.err)
        let obj = try jsonObject(get.outLines[0])
        XCTAssertEqual(obj["shape"] as? [Int], [1, 4])
        let st = try SafeTensorsBytes(URL(fileURLWithPath: file))
        let header = try JSONSerialization.jsonObject(with: Data(st.header.utf8)) as! [String: Any]
        let offsets = (header["final_logits_bias"] as! [String: Any])["data_offsets"] as! [Int]
        let raw = st.data.subdata(in: offsets[0]..<offsets[1])
        let expected = (0..<4).map { i in Float(bitPattern: raw.subdata(in: (4 * i)..<(4 * i + 4)).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }) }
        XCTAssertEqual((obj["data"] as! [Double]).map { Float($0) }, expected)

        let stats = try tensorTool(["stats", file, "lm_head.weight"])
        XCTAssertEqual(stats.status, 0, stats.err)
        XCTAssertTrue(stats.out.hasPrefix("lm_head.weight [4, 2]  n 8  min "), stats.out)
    }

    /// diff of two weight files: equal to itself; a copy with one weight changed differs there.
    func testSafetensorsDiff() throws {
        let file = Paths.root.appendingPathComponent("models/statquest/model.safetensors")
        let same = try tensorTool(["diff", file.path, file.path])
        XCTAssertEqual(same.status, 0, same.out + same.err)
        XCTAssertTrue(same.out.contains("16 tensor(s) compared"), same.out)

        var st = try SafeTensorsBytes(file)
        let header = try JSONSerialization.jsonObject(with: Data(st.header.utf8)) as! [String: Any]
        let begin = ((header["final_logits_bias"] as! [String: Any])["data_offsets"] as! [Int])[0]
        st.data.replaceSubrange((begin + 8)..<(begin + 12), with: withUnsafeBytes(of: Float(100).bitPattern.littleEndian) { Data($0) })
        let changed = try temporaryDirectory().appendingPathComponent("changed.safetensors")
        try st.write(to: changed)
        let r = try tensorTool(["diff", file.path, changed.path])
        XCTAssertEqual(r.status, 1, r.out + r.err)
        XCTAssertTrue(r.out.contains("tensor 'final_logits_bias' [1, 4]: 1 of 4 values differ"), r.out)
        XCTAssertTrue(r.out.contains("[0, 2]  a "), r.out)
        XCTAssertTrue(r.out.contains("b 100.0"), r.out)
        XCTAssertEqual(r.outLines.filter { $0.hasPrefix("document 1: tensor") }.count, 1, r.out)
    }

    // MARK: get and .npy

    func testGetPrintsOneTensorObjectPerDocument() throws {
        let doc = handDocument(#""m":{"shape":[3,2],"axes":["token","d_model"],"data":[1.5,-2.25,0,4,5.125,-6],"note":"kept"}"#)
        let r = try tensorTool(["get", "m"], stdin: doc + "\n" + doc + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.outLines, Array(repeating: #"{"shape":[3,2],"axes":["token","d_model"],"data":[1.5,-2.25,0.0,4.0,5.125,-6.0],"note":"kept"}"#, count: 2))
    }

    /// .npy version 1.0: magic, header dict with '<f4', C order, shape; data at a multiple of 64;
    /// the float32 values little-endian. Checked by parsing the bytes here (numpy is not needed).
    func testNpyHeaderAndData() throws {
        let doc = try tracedDocument(model: "marian", text: "the big cat sees a fish")
        let dir = try temporaryDirectory()
        for (name, shape) in [("encoder_output", [7, 16]), ("encoder.blocks.1.attn.hook_pattern", [2, 7, 7]), ("encoder.blocks.0.attn.hook_q", [7, 2, 8])] {
            let path = dir.appendingPathComponent("\(name).npy").path
            let r = try tensorTool(["get", name, "--npy", path], stdin: doc)
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertTrue(r.stdout.isEmpty)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            XCTAssertEqual(Array(bytes[0..<6]), [0x93] + Array("NUMPY".utf8))
            XCTAssertEqual(bytes[6], 1); XCTAssertEqual(bytes[7], 0)
            let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            XCTAssertEqual((10 + headerLength) % 64, 0, "data must start at a multiple of 64")
            let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
            XCTAssertTrue(header.hasSuffix("\n"))
            let dims = shape.map(String.init).joined(separator: ", ")
            XCTAssertEqual(header.trimmingCharacters(in: .whitespacesAndNewlines), "{'descr': '<f4', 'fortran_order': False, 'shape': (\(dims)), }")
            let values = stride(from: 10 + headerLength, to: bytes.count, by: 4).map { i in
                Float(bitPattern: UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16 | UInt32(bytes[i + 3]) << 24)
            }
            let t = try tensor(try jsonObject(doc), name)
            XCTAssertEqual(t.shape, shape)
            XCTAssertEqual(values, t.data.map { Float($0) }, "\(name): values in C order")
        }
        // one dimension is written (n,), a scalar ()
        let one = dir.appendingPathComponent("v.npy").path
        XCTAssertEqual(try tensorTool(["get", "v", "--npy", one], stdin: handDocument(#""v":{"shape":[3],"data":[1,2,3]}"#)).status, 0)
        XCTAssertTrue(String(decoding: try Data(contentsOf: URL(fileURLWithPath: one)), as: UTF8.self).contains("'shape': (3,), }"))
        // two documents: --npy refuses
        let two = try tensorTool(["get", "v", "--npy", one], stdin: handDocument(#""v":{"shape":[1],"data":[1]}"#) + "\n" + handDocument(#""v":{"shape":[1],"data":[1]}"#))
        assertStageError(two, stage: "tensor get", status: 2, mentions: ["--npy", "more than one document"])
    }

    // MARK: diff

    func testDiffOfEqualDocumentsExitsZero() throws {
        let doc = try tracedDocument(model: "tiny", text: "let's go")
        let a = try writeTemp("a.jsonl", doc + "\n"), b = try writeTemp("b.jsonl", doc + "\n")
        let r = try tensorTool(["diff", a, b, "--atol", "0", "--rtol", "0"])
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.hasPrefix("equal within atol 0, rtol 0: 1 document(s), "), r.out)
        // stdin as B
        XCTAssertEqual(try tensorTool(["diff", a, "-"], stdin: doc).status, 0)
    }

    /// numpy.isclose: |a − b| ≤ atol + rtol·|b|, b from the second input (asymmetric).
    func testDiffToleranceIsNumpyIsclose() throws {
        let a = try writeTemp("a.jsonl", handDocument(#""x":{"shape":[2],"data":[1.0,100.0]}"#))
        let b = try writeTemp("b.jsonl", handDocument(#""x":{"shape":[2],"data":[1.001,100.05]}"#))
        // |Δ| = 0.001 and 0.05 (in float32)
        XCTAssertEqual(try tensorTool(["diff", a, b, "--atol", "0.06", "--rtol", "0"]).status, 0)
        let r = try tensorTool(["diff", a, b, "--atol", "0.01", "--rtol", "0"])
        XCTAssertEqual(r.status, 1, r.out)
        XCTAssertTrue(r.out.contains("1 of 2 values differ"), r.out)
        XCTAssertTrue(r.out.contains("[1]  a 100.0  b 100.05"), r.out)
        // rtol relative to |b| = 100.05: 0.002 + 5e-4·100.05 ≥ 0.05 → close; with 4.5e-4 not
        // (numpy.isclose(float32(100), float32(100.05), atol=0.002, rtol=4.5e-4) is False, with 5e-4 True)
        XCTAssertEqual(try tensorTool(["diff", a, b, "--atol", "0.002", "--rtol", "5e-4"]).status, 0)
        XCTAssertEqual(try tensorTool(["diff", a, b, "--atol", "0.002", "--rtol", "4.5e-4"]).status, 1)
        // asymmetric: rtol·|b| with b = 1.0 vs 1.001
        let p = try writeTemp("p.jsonl", handDocument(#""x":{"shape":[1],"data":[1.0]}"#))
        let q = try writeTemp("q.jsonl", handDocument(#""x":{"shape":[1],"data":[2.0]}"#))
        XCTAssertEqual(try tensorTool(["diff", p, q, "--atol", "0", "--rtol", "0.5"]).status, 0, "|1−2| ≤ 0.5·|2|")
        XCTAssertEqual(try tensorTool(["diff", q, p, "--atol", "0", "--rtol", "0.5"]).status, 1, "|2−1| > 0.5·|1|")
        // defaults are numpy's: rtol 1e-5, atol 1e-8
        let c = try writeTemp("c.jsonl", handDocument(#""x":{"shape":[1],"data":[1000.0]}"#))
        let d = try writeTemp("d.jsonl", handDocument(#""x":{"shape":[1],"data":[1000.0078]}"#))
        XCTAssertEqual(try tensorTool(["diff", c, d]).status, 0, "0.0078 ≤ 1e-8 + 1e-5·1000.0078")
        let e = try writeTemp("e.jsonl", handDocument(#""x":{"shape":[1],"data":[1000.0157]}"#))
        XCTAssertEqual(try tensorTool(["diff", c, e]).status, 1)
    }

    /// The largest differences first, each with its index and token labels.
    func testDiffListsLargestDifferencesWithTokenLabels() throws {
        let a = try writeTemp("a.jsonl", handDocument(#""m":{"shape":[3,2],"axes":["token","d_model"],"data":[1,2,3,4,5,6]}"#))
        let b = try writeTemp("b.jsonl", handDocument(#""m":{"shape":[3,2],"axes":["token","d_model"],"data":[1,2.5,3,4,5,9]}"#))
        let r = try tensorTool(["diff", a, b, "--top", "1"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.outLines, [
            "A: \(a)  B: \(b)",
            "document 1: tensor 'm' [3, 2]: 2 of 6 values differ beyond atol 1e-08 + rtol 1e-05·|b|; max |a−b| 3",
            "    [2, 1] (token '<EOS>', d_model 1)  a 6.0  b 9.0  |a−b| 3",
            "    … 1 more",
            "different: 1 of 1 document(s) differ",
        ])
    }

    /// Tensors in one input only, shape mismatches, differing ids/tokens and other fields.
    func testDiffReportsStructureAndFields() throws {
        let a = try writeTemp("a.jsonl", handDocument(#""m":{"shape":[2],"data":[1,2]},"only_a":{"shape":[1],"data":[0]}"#, extra: #","note":"x""#))
        let b = try writeTemp("b.jsonl", handDocument(#""m":{"shape":[1,2],"data":[1,2]},"only_b":{"shape":[1],"data":[0]}"#, ids: "[0,1,3]", extra: #","note":"y""#))
        let r = try tensorTool(["diff", a, b])
        XCTAssertEqual(r.status, 1, r.err)
        for line in ["document 1: tensor 'm': shape [2] in A, [1, 2] in B",
                     "document 1: tensor 'only_a' only in A",
                     "document 1: tensor 'only_b' only in B",
                     "document 1: source.ids: [0,2,3] in A, [0,1,3] in B",
                     #"document 1: note: "x" in A, "y" in B"#] {
            XCTAssertTrue(r.outLines.contains(line), "missing \(line.debugDescription) in:\n\(r.out)")
        }
        // --ignore leaves fields and tensors out; 'stage' never counts
        let c = try writeTemp("c.jsonl", handDocument(#""m":{"shape":[2],"data":[1,2]}"#).replacingOccurrences(of: #""stage":"encode""#, with: #""stage":"other""#))
        let d = try writeTemp("d.jsonl", handDocument(#""m":{"shape":[2],"data":[1,2]},"t":{"shape":[1],"data":[0]}"#, extra: #","note":"y""#))
        XCTAssertEqual(try tensorTool(["diff", c, d]).status, 1)
        XCTAssertEqual(try tensorTool(["diff", c, d, "--ignore", "note", "--ignore", "t", "--quiet"]).status, 0)
        XCTAssertTrue(try tensorTool(["diff", c, d, "--quiet"]).stdout.isEmpty)
    }

    /// Streams are compared document by document; a different count is a difference.
    func testDiffComparesStreamsDocumentByDocument() throws {
        let one = handDocument(#""m":{"shape":[1],"data":[1]}"#), two = handDocument(#""m":{"shape":[1],"data":[2]}"#)
        let a = try writeTemp("a.jsonl", [one, two, one].joined(separator: "\n"))
        let b = try writeTemp("b.jsonl", [one, one, one].joined(separator: "\n"))
        let r = try tensorTool(["diff", a, b])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.out.contains("document 2: tensor 'm' [1]: 1 of 1 values differ"), r.out)
        XCTAssertFalse(r.out.contains("document 1:") || r.out.contains("document 3:"), r.out)
        let short = try writeTemp("s.jsonl", one)
        let s = try tensorTool(["diff", b, short])
        XCTAssertEqual(s.status, 1)
        XCTAssertTrue(s.out.contains("A has 3 document(s), B has 1"), s.out)
    }

    /// Bad input: exit 2 and one line naming the subcommand.
    func testBadInputExitsTwoWithOneLine() throws {
        let good = try writeTemp("good.jsonl", handDocument(#""m":{"shape":[1],"data":[1]}"#))
        assertStageError(try tensorTool(["diff", good, "/nonexistent/x.jsonl"]), stage: "tensor diff", status: 2, mentions: ["/nonexistent/x.jsonl", "cannot open"])
        assertStageError(try tensorTool(["diff", good, "-"], stdin: "{\"format\":\"vamos/2\"}"), stage: "tensor diff", status: 2, mentions: ["format", "vamos/1"])
        assertStageError(try tensorTool(["diff", good, "-"], stdin: "{\"format\":"), stage: "tensor diff", status: 2, mentions: ["truncated"])
        assertStageError(try tensorTool(["diff", good]), stage: "tensor diff", status: 2, mentions: ["two inputs"])
        assertStageError(try tensorTool(["diff", good, good, "--atol", "-1"]), stage: "tensor diff", status: 2, mentions: ["--atol"])
        assertStageError(try tensorTool(["show", "nope"], stdin: handDocument(#""m":{"shape":[1],"data":[1]}"#)), stage: "tensor show", status: 2,
                         mentions: ["input line 1", "no tensor 'nope'", "m"])
        assertStageError(try tensorTool(["show"], stdin: #"{"format":"vamos/1","tensors":{"m":{"shape":[2],"data":[1]}}}"#), stage: "tensor show", status: 2,
                         mentions: ["'m'", "needs 2 values"])
        assertStageError(try tensorTool(["list", "/nonexistent/m.safetensors"]), stage: "tensor list", status: 2, mentions: ["cannot open"])
        let weights = Paths.root.appendingPathComponent("models/statquest/model.safetensors").path
        assertStageError(try tensorTool(["show", weights, "nope"]), stage: "tensor show", status: 2,
                         mentions: [weights, "no tensor 'nope'", "16 in all"])
        assertStageError(try tensorTool(["get", "a", "b"], stdin: ""), stage: "tensor get", status: 2, mentions: ["one tensor name"])
        assertStageError(try tensorTool(["steps"], stdin: handDocument(#""m":{"shape":[1],"data":[1]}"#)), stage: "tensor steps", status: 2, mentions: ["target.steps"])
        assertStageError(try tensorTool(["frobnicate"]), stage: "tensor", status: 2, mentions: ["frobnicate"])
        assertStageError(try tensorTool(["attention"], stdin: handDocument(#""m":{"shape":[1],"data":[1]}"#)), stage: "tensor attention", status: 2, mentions: ["--trace"])
    }

    func testHelpExitsZero() throws {
        for sub in ["", "show", "list", "stats", "get", "diff", "steps", "attention", "html"] {
            let r = try tensorTool((sub.isEmpty ? [] : [sub]) + ["--help"])
            XCTAssertEqual(r.status, 0, "tensor \(sub) --help: \(r.err)")
            XCTAssertTrue(r.out.contains("USAGE"), r.out)
        }
    }
}

/// `tensor convert`: the committed float16/bfloat16 fixtures were written by torch
/// (`.to(torch.float16 / torch.bfloat16)`, Tests/Reference/make_opus_fixtures.py): converting the
/// float32 checkpoint must give those files byte for byte.
final class ConvertTests: XCTestCase {
    func testConvertMatchesTorchsRounding() throws {
        let dir = try temporaryDirectory()
        for (dtype, fixture) in [("bf16", "opus-en-es-bf16"), ("f16", "opus-en-es-f16")] {
            let out = dir.appendingPathComponent("\(dtype).safetensors").path
            let r = try runProcess("tensor", ["convert", "--dtype", dtype, Paths.model("opus-en-es") + "/model.safetensors", out])
            XCTAssertEqual(r.status, 0, r.err)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)),
                           try Data(contentsOf: URL(fileURLWithPath: Paths.model(fixture) + "/model.safetensors")), dtype)
        }
        let bad = try runProcess("tensor", ["convert", "--dtype", "f8", "a.safetensors", "b.safetensors"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.err.contains("--dtype"), bad.err)
    }
}
