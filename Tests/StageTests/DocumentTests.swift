/// What the stages do to the documents they pass on: `--keep` and `--trace` (posenc's
/// `positional_encoding`, encode's and decode's attention patterns, decode's `target.steps`),
/// unknown fields passing through untouched, byte-identical re-serialization, `--pretty` output
/// read by the next stage, `--help` of every stage, and the warning for a document made with
/// another model.
import Foundation
import XCTest
import VamosCore

final class DocumentTests: XCTestCase {
    let tiny = Paths.model("tiny")

    // MARK: --keep

    /// Without --keep the consumed tensor is dropped; with it, it stays, unchanged.
    func testKeepKeepsTheConsumedTensor() throws {
        let consumed = ["posenc": "embeddings", "encode": "encoder_input", "decode": "encoder_output"]
        for (stage, name) in consumed.sorted(by: { $0.key < $1.key }) {
            let input = try Documents.shared.input(of: stage)
            let dropped = try runProcess(stage, ["--model", tiny], stdin: input + "\n")
            XCTAssertEqual(dropped.status, 0, dropped.err)
            XCTAssertFalse(tensorNames(try jsonObject(dropped.outLines[0])).contains(name), "\(stage) drops '\(name)'")

            let kept = try runProcess(stage, ["--model", tiny, "--keep"], stdin: input + "\n")
            XCTAssertEqual(kept.status, 0, kept.err)
            let doc = try jsonObject(kept.outLines[0])
            XCTAssertEqual(try tensor(doc, name).data, try tensor(try jsonObject(input), name).data, "\(stage) --keep keeps '\(name)'")
        }
    }

    // MARK: --trace

    /// posenc --trace adds `positional_encoding` [T, d_model]; encoder_input = embeddings + it.
    func testPosencTraceAddsPositionalEncoding() throws {
        let input = try Documents.shared.input(of: "posenc")
        let r = try runProcess("posenc", ["--model", tiny, "--trace", "--keep"], stdin: input + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try jsonObject(r.outLines[0])
        let p = try tensor(doc, "positional_encoding"), e = try tensor(doc, "embeddings"), x = try tensor(doc, "encoder_input")
        XCTAssertEqual(p.shape, [3, 2])
        XCTAssertEqual(x.shape, p.shape)
        // sinusoidal_interleaved, d_model 2: P[t] = [sin t, cos t].
        for t in 0..<3 {
            XCTAssertEqual(p.data[2 * t], sin(Double(t)), accuracy: 1e-6)
            XCTAssertEqual(p.data[2 * t + 1], cos(Double(t)), accuracy: 1e-6)
        }
        for i in x.data.indices { XCTAssertEqual(x.data[i], e.data[i] + p.data[i], accuracy: 1e-6) }

        let plain = try runProcess("posenc", ["--model", tiny], stdin: input + "\n")
        XCTAssertFalse(tensorNames(try jsonObject(plain.outLines[0])).contains("positional_encoding"))
    }

    /// encode --trace adds `encoder.blocks.L.attn.hook_pattern` [heads, T, T], rows summing to 1.
    func testEncodeTraceAddsAttentionPatterns() throws {
        for (name, heads, layers) in [("tiny", 1, 1), ("marian", 2, 2)] {
            let input = try Documents.shared.input(of: "encode", model: name, text: name == "tiny" ? "let's go" : "the cat eats")
            let r = try runProcess("encode", ["--model", Paths.model(name), "--trace"], stdin: input + "\n")
            XCTAssertEqual(r.status, 0, r.err)
            let doc = try jsonObject(r.outLines[0])
            let T = try tensor(doc, "encoder_output").shape[0]
            for l in 0..<layers {
                let pattern = try tensor(doc, "encoder.blocks.\(l).attn.hook_pattern")
                XCTAssertEqual(pattern.shape, [heads, T, T], "\(name) layer \(l)")
                assertRowsSumToOne(pattern, "\(name) encoder layer \(l)")
            }
            XCTAssertFalse(tensorNames(doc).contains("encoder.blocks.\(layers).attn.hook_pattern"))
            let plain = try runProcess("encode", ["--model", Paths.model(name)], stdin: input + "\n")
            XCTAssertEqual(tensorNames(try jsonObject(plain.outLines[0])), ["encoder_output"])
        }
    }

    /// decode --trace adds `target.steps` (one per generated id, its top-k) and the decoder's
    /// attention patterns: cross-attention [heads, steps, T] and causal self-attention, rows summing to 1.
    func testDecodeTraceAddsStepsAndCrossAttention() throws {
        let input = try Documents.shared.input(of: "decode", model: "marian", text: "the cat eats")
        let r = try runProcess("decode", ["--model", Paths.model("marian"), "--trace", "--top-k", "3"], stdin: input + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        let doc = try jsonObject(r.outLines[0])
        let target = try XCTUnwrap(doc["target"] as? [String: Any])
        let ids = try XCTUnwrap(target["ids"] as? [Int])
        XCTAssertEqual(ids, [12, 13, 0])
        let steps = try XCTUnwrap(target["steps"] as? [[String: Any]])
        XCTAssertEqual(steps.count, ids.count)
        for (i, step) in steps.enumerated() {
            XCTAssertEqual(step["id"] as? Int, ids[i])
            let top = try XCTUnwrap(step["top"] as? [[String: Any]])
            XCTAssertEqual(top.count, 3)
            XCTAssertEqual(top.first?["id"] as? Int, ids[i], "the chosen id is the most probable")
            let p = try XCTUnwrap(step["probability"] as? Double)
            XCTAssertTrue(p > 0 && p <= 1)
        }
        let T = try tensor(try jsonObject(input), "encoder_output").shape[0]
        let S = ids.count
        for l in 0..<2 {
            let cross = try tensor(doc, "decoder.blocks.\(l).cross_attn.hook_pattern")
            XCTAssertEqual(cross.shape, [2, S, T])
            assertRowsSumToOne(cross, "cross-attention layer \(l)")
            let selfAttn = try tensor(doc, "decoder.blocks.\(l).attn.hook_pattern")
            XCTAssertEqual(selfAttn.shape, [2, S, S])
            assertRowsSumToOne(selfAttn, "self-attention layer \(l)")
            for h in 0..<2 { for i in 0..<S { for j in (i + 1)..<S where j < S {
                XCTAssertEqual(selfAttn.data[(h * S + i) * S + j], 0, "masked: query \(i) must not see key \(j)")
            } } }
        }
        let plain = try runProcess("decode", ["--model", Paths.model("marian")], stdin: input + "\n")
        let plainDoc = try jsonObject(plain.outLines[0])
        XCTAssertNil((plainDoc["target"] as? [String: Any])?["steps"])
        XCTAssertNil(plainDoc["tensors"])
    }

    private func assertRowsSumToOne(_ t: (shape: [Int], data: [Double]), _ what: String,
                                    file: StaticString = #filePath, line: UInt = #line) {
        let width = t.shape.last ?? 0
        guard width > 0 else { return }
        for row in stride(from: 0, to: t.data.count, by: width) {
            let values = t.data[row..<(row + width)]
            XCTAssertEqual(values.reduce(0, +), 1, accuracy: 1e-5, "\(what): row \(row / width)", file: file, line: line)
            XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 <= 1 }, "\(what): row \(row / width)", file: file, line: line)
        }
    }

    // MARK: pass-through and byte identity

    /// Fields no stage knows — top level, inside `source`, and an extra tensor — come out of every
    /// stage exactly as they went in (number texts such as 1.50 and 1E5 included).
    func testUnknownFieldsPassThroughUntouched() throws {
        let tokenized = try Documents.shared.lines()["tokenize"]!
        let note = #""note":{"x":[1.50,1E5,-2.5e-3,0.000,true,null,"é \"q\" \\ /"],"nested":{"z":[]}}"#
        let extraTensor = #""mine":{"shape":[2],"data":[1.25,-0.5]}"#
        var doc = tokenized
        doc.removeLast()  // the closing brace
        doc = doc.replacingOccurrences(of: #""ids":[0,2,3]}"#, with: #""ids":[0,2,3],"lang":"en"}"#)
        doc += "," + note + #","tensors":{"# + extraTensor + "}}"
        XCTAssertNoThrow(try jsonObject(doc))

        let r = try pipeline(fullPipeline(model: tiny, extra: ["detokenize": ["--json"]]).dropFirst().map { $0 }, stdin: doc + "\n")
        assertSucceeded(r)
        let out = try XCTUnwrap(r.outLines.first)
        XCTAssertTrue(out.contains(note), "unknown field changed: \(out)")
        XCTAssertTrue(out.contains(#""lang":"en""#), out)
        XCTAssertTrue(out.contains(#""mine":{"shape":[2],"data":[1.25,-0.5]}"#), out)
        XCTAssertEqual((try jsonObject(out)["target"] as? [String: Any])?["text"] as? String, "vamos vamos")
    }

    /// Integers beyond 64 bits (and -0) in an unknown field must come out as they went in, or be
    /// rejected — never silently changed to another number.
    func testUnknownFieldsKeepIntegersBeyond64Bits() throws {
        let input = String(try Documents.shared.lines()["tokenize"]!.dropLast()) + #","big":[12345678901234567890123,-12345678901234567890123,18446744073709551616]}"#
        let r = try runProcess("embed", ["--model", tiny], stdin: input + "\n")
        if r.status == 0 {
            XCTAssertTrue(r.out.contains(#""big":[12345678901234567890123,-12345678901234567890123,18446744073709551616]"#),
                          "integers changed on the way through: \(r.out)")
        } else {
            assertStageError(r, stage: "embed", mentions: ["input line 1"])
        }
    }

    /// Reading a stage's output and writing it again gives the same bytes; what a stage passes on
    /// (source, the kept `embeddings`) is byte-for-byte what it read.
    func testReadThenWriteIsByteIdentical() throws {
        for (model, text) in [("tiny", "let's go"), ("marian", "the big red dog in the house sees the small cat and eats")] {
            let all = try Documents.shared.lines(model: model, text: text)
            for stage in Paths.stages.dropLast() {
                let line = all[stage]!
                let doc = try Document(json: try JSONCodec.parse(line, what: stage), what: stage)
                XCTAssertEqual(doc.serialized(), line, "\(model) \(stage): re-serialized document differs")
            }
            let embedded = all["embed"]!
            let r = try runProcess("posenc", ["--model", Paths.model(model), "--keep"], stdin: embedded + "\n")
            XCTAssertEqual(r.status, 0, r.err)
            let out = try XCTUnwrap(r.outLines.first)
            XCTAssertEqual(try Document(json: try JSONCodec.parse(out, what: "posenc")).serialized(), out)
            let embeddingsText = try XCTUnwrap(embedded.range(of: #""embeddings":{"#).map { String(embedded[$0.lowerBound...].dropLast(2)) })
            XCTAssertTrue(out.contains(embeddingsText), "\(model): posenc --keep changed the text of 'embeddings'")
            let sourceText = try XCTUnwrap(embedded.range(of: #""source":"#).map { r in
                String(embedded[r.lowerBound..<embedded.range(of: #","tensors""#)!.lowerBound]) })
            XCTAssertTrue(out.contains(sourceText), "\(model): posenc changed 'source'")
        }
    }

    /// docs/FORMAT.md's round trip: every stage's traced output of every fixture model, compact and
    /// --pretty, reads back and re-serializes to the same bytes.
    func testTracedDocumentsOfEveryModelRoundTrip() throws {
        let options: [String: [String]] = ["posenc": ["--trace", "--keep"], "encode": ["--trace", "--keep"],
                                           "decode": ["--trace", "--keep"], "detokenize": ["--json"]]
        for name in Paths.models {
            let model = Paths.model(name)
            var input = try XCTUnwrap(try referenceCases(name).last).text + "\n"
            for stage in Paths.stages {
                let args = ["--model", model] + (options[stage] ?? [])
                let compact = try runProcess(stage, args, stdin: input)
                XCTAssertEqual(compact.status, 0, "\(name) \(stage): \(compact.err)")
                XCTAssertEqual(compact.outLines.count, 1)
                let line = compact.outLines[0]
                let doc = try Document(json: try JSONCodec.parse(line, what: stage), what: stage)
                XCTAssertEqual(doc.serialized(), line, "\(name) \(stage): compact round trip")

                let pretty = try runProcess(stage, args + ["--pretty"], stdin: input)
                XCTAssertEqual(pretty.status, 0, "\(name) \(stage) --pretty: \(pretty.err)")
                let prettyDoc = try Document(json: try JSONCodec.parse(pretty.out, what: stage), what: stage)
                XCTAssertEqual(prettyDoc.serialized(pretty: true) + "\n", pretty.out, "\(name) \(stage): pretty round trip")
                XCTAssertEqual(prettyDoc.serialized(), line, "\(name) \(stage): --pretty holds the same document")
                input = line + "\n"
            }
        }
    }

    /// Tensors from another writer are normalized on the way through: shortest float32 text.
    func testTensorNumbersFromAnotherWriterAreNormalized() throws {
        let doc = #"{"format":"vamos/1","tensors":{"embeddings":{"shape":[1,2],"data":[1,0.10]}}}"#
        let r = try runProcess("posenc", ["--model", tiny, "--keep"], stdin: doc + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains(#""embeddings":{"shape":[1,2],"data":[1.0,0.1]}"#), r.out)
        XCTAssertTrue(r.out.contains(#""encoder_input":{"shape":[1,2],"axes":["token","d_model"],"data":[1.0,1.1]}"#), r.out)
    }

    /// A key given twice: the last value wins.
    func testDuplicateKeyLastWins() throws {
        let doc = #"{"format":"vamos/2","format":"vamos/1","source":{"ids":[9],"ids":[0,3]}}"#
        let r = try runProcess("embed", ["--model", tiny], stdin: doc + "\n")
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try tensor(try jsonObject(r.outLines[0]), "embeddings").shape, [2, 2])
    }

    /// tokenize: every line is a document, an empty one too; `\r\n` ends a line like `\n`; a last
    /// line without a newline counts.
    func testTokenizeTakesEveryLine() throws {
        let r = try runProcess("tokenize", ["--model", tiny], stdin: "let's go\r\n\ngo")
        XCTAssertEqual(r.status, 0, r.err)
        let sources = try r.outLines.map { try XCTUnwrap(try jsonObject($0)["source"] as? [String: Any]) }
        XCTAssertEqual(sources.map { $0["ids"] as? [Int] ?? [] }, [[0, 2, 3], [3], [2, 3]])
        XCTAssertEqual(sources.map { $0["text"] as? String ?? "?" }, ["let's go", "", "go"])
    }

    // MARK: --pretty

    /// Every stage's --pretty output spans lines and the next stage still reads it; the result is the
    /// same as without --pretty.
    func testPrettyOutputIsReadByTheNextStage() throws {
        let text = "let's go\nto go\n"
        let pretty = try pipeline(fullPipeline(model: tiny, extra: [
            "tokenize": ["--pretty"], "embed": ["--pretty"], "posenc": ["--pretty"],
            "encode": ["--pretty"], "decode": ["--pretty"],
        ]), stdin: text)
        assertSucceeded(pretty)
        let plain = try pipeline(fullPipeline(model: tiny), stdin: text)
        assertSucceeded(plain)
        XCTAssertEqual(pretty.out, plain.out)
        XCTAssertEqual(pretty.outLines.count, 2)

        let tokenized = try runProcess("tokenize", ["--model", tiny, "--pretty"], stdin: "let's go\n")
        XCTAssertGreaterThan(tokenized.outLines.count, 3, "--pretty spreads a document over lines")
        XCTAssertEqual(try Document(json: try JSONCodec.parse(tokenized.out, what: "pretty")).serialized(),
                       try Documents.shared.lines()["tokenize"]!)

        let detok = try runProcess("detokenize", ["--model", tiny, "--json", "--pretty"], stdin: try Documents.shared.lines()["decode"]! + "\n")
        XCTAssertEqual(detok.status, 0, detok.err)
        XCTAssertEqual((try JSONSerialization.jsonObject(with: detok.stdout) as? [String: Any]).flatMap { ($0["target"] as? [String: Any])?["text"] as? String },
                       "vamos vamos")
    }

    // MARK: --help

    /// `--help` of every stage exits 0 and says what the stage reads and what it adds.
    func testHelpOfEveryStageSaysWhatItReadsAndAdds() throws {
        let fields: [String: [String]] = [
            "tokenize": ["text", "source.tokens", "source.ids"],
            "embed": ["source.ids", "'embeddings'"],
            "posenc": ["'embeddings'", "'encoder_input'", "--keep", "--trace"],
            "encode": ["'encoder_input'", "'encoder_output'", "--keep", "--trace"],
            "decode": ["'encoder_output'", "target.ids", "--max-length", "--keep", "--trace"],
            "detokenize": ["target.ids", "text", "--json"],
        ]
        for stage in Paths.stages {
            let r = try runProcess(stage, ["--help"])
            XCTAssertEqual(r.status, 0, "\(stage) --help: \(r.err)")
            XCTAssertEqual(r.err, "", stage)
            let help = r.out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            XCTAssertTrue(help.contains("Reads"), "\(stage) --help says what it reads")
            XCTAssertTrue(help.contains("--model"), stage)
            for f in fields[stage]! { XCTAssertTrue(help.contains(f), "\(stage) --help should mention \(f)") }
        }
    }

    // MARK: another model

    /// A document made with another model whose shapes fit: a warning (once per other model, one
    /// line, `stage: warning: …`), and the stage still succeeds and stamps its own model.
    func testDocumentFromAnotherModelWarnsAndSucceeds() throws {
        let other = try copyOfModel("tiny", name: "tiny-variant")
        try editFile(other.appendingPathComponent("config.json"), replacing: #""max_length": 10"#, with: #""max_length": 12"#)
        let input = try Documents.shared.lines()["tokenize"]!
        let r = try runProcess("embed", ["--model", other.path], stdin: String(repeating: input + "\n", count: 3))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.outLines.count, 3)
        XCTAssertEqual(r.errLines.count, 1, "one warning for three documents of the same other model: \(r.err)")
        let warning = r.errLines.first ?? ""
        XCTAssertTrue(warning.hasPrefix("embed: warning: "), warning)
        XCTAssertTrue(warning.contains("'tiny'") && warning.contains("'tiny-variant'"), warning)
        let model = try XCTUnwrap(try jsonObject(r.outLines[0])["model"] as? [String: Any])
        XCTAssertEqual(model["name"] as? String, "tiny-variant")
        XCTAssertNotEqual(model["sha256"] as? String, (try jsonObject(input)["model"] as? [String: Any])?["sha256"] as? String)

        // Every stage that reads documents warns the same way (detokenize in text mode too: it
        // renders the ids through its own vocabulary).
        for (stage, args) in [("posenc", []), ("encode", []), ("decode", []), ("detokenize", []), ("detokenize", ["--json"])] {
            let r = try runProcess(stage, ["--model", other.path] + args, stdin: try Documents.shared.input(of: stage) + "\n")
            XCTAssertEqual(r.status, 0, "\(stage) \(args): \(r.err)")
            XCTAssertEqual(r.outLines.count, 1, "\(stage) \(args)")
            XCTAssertEqual(r.errLines.count, 1, "\(stage) \(args) should warn once: \(r.err.debugDescription)")
            XCTAssertTrue(r.err.hasPrefix("\(stage): warning: ") && r.err.contains("'tiny'"), "\(stage) \(args): \(r.err)")
        }

        // The bundled default is the same model as the tiny fixture: same hash, no warning.
        let bundled = Paths.root.appendingPathComponent("models/tiny-random").path
        let same = try runProcess("embed", ["--model", bundled], stdin: input + "\n")
        XCTAssertEqual(same.status, 0, same.err)
        XCTAssertEqual(same.err, "")
    }
}
