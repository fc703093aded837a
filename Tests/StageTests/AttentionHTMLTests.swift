/// `tensor attention` (SVG heatmaps) and `pipelines/inspect.sh` / `tensor html` (the page): every
/// file parsed by a strict XML parser, one heatmap per layer and head, labels escaped, a `<title>`
/// per cell holding the weight.
import Foundation
import XCTest

final class AttentionHTMLTests: XCTestCase {
    /// The checker itself rejects what a browser's XML parser rejects.
    func testXMLCheckerRejectsMalformedMarkup() {
        XCTAssertNil(checkXML(Data(#"<svg xmlns="http://www.w3.org/2000/svg"><title>let&#39;s &lt;EOS&gt;</title></svg>"#.utf8)).error)
        for bad in ["<svg><g></svg>", "<svg><title>let's <EOS></title></svg>", "<svg><text>a & b</text></svg>",
                    #"<svg a="1" a="2"/>"#, "<svg/><svg/>", "<svg><title>&nbsp;</title></svg>"] {
            XCTAssertNotNil(checkXML(Data(bad.utf8)).error, "should be rejected: \(bad)")
        }
    }

    /// One SVG per layer and head for each kind of attention, each well-formed and standalone.
    func testOneWellFormedHeatmapPerLayerAndHead() throws {
        for model in Paths.models {
            let config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Paths.model(model) + "/config.json"))) as! [String: Any]
            let (encoderLayers, encoderHeads) = (config["encoder_layers"] as! Int, config["encoder_attention_heads"] as! Int)
            let (decoderLayers, decoderHeads) = (config["decoder_layers"] as! Int, config["decoder_attention_heads"] as! Int)
            let doc = try tracedDocument(model: model, text: sentence(for: model))
            let dir = try temporaryDirectory().appendingPathComponent("att")
            let r = try runProcess("tensor", ["attention", "--out", dir.path], stdin: doc)
            XCTAssertEqual(r.status, 0, r.err)
            var expected: [String] = []
            for l in 0..<encoderLayers { for h in 0..<encoderHeads { expected.append("encoder.blocks.\(l).attn.head\(h).svg") } }
            for l in 0..<decoderLayers {
                for h in 0..<decoderHeads { expected += ["decoder.blocks.\(l).attn.head\(h).svg", "decoder.blocks.\(l).cross_attn.head\(h).svg"] }
            }
            XCTAssertGreaterThanOrEqual(expected.count, 3)
            XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)), Set(expected), model)
            XCTAssertEqual(Set(r.outLines), Set(expected.map { dir.appendingPathComponent($0).path }))
            let parsed = try jsonObject(doc)
            let T = ((parsed["source"] as! [String: Any])["ids"] as! [Int]).count
            let S = ((parsed["target"] as! [String: Any])["ids"] as! [Int]).count
            for file in expected {
                let x = checkXML(try Data(contentsOf: dir.appendingPathComponent(file)))
                XCTAssertNil(x.error, "\(model) \(file): \(x.error ?? "")")
                XCTAssertEqual(x.root, "svg")
                XCTAssertEqual(x.rootAttributes["xmlns"], "http://www.w3.org/2000/svg")
                XCTAssertNotNil(x.rootAttributes["viewBox"].flatMap { $0.range(of: #"^0 0 [0-9.]+ [0-9.]+$"#, options: .regularExpression) }, file)
                let (q, k) = file.hasPrefix("encoder") ? (T, T) : file.contains("cross") ? (S, T) : (S, S)
                XCTAssertEqual(x.titles.count, 1 + q * k, "\(model) \(file): one title per cell plus the chart's")
            }
        }
    }

    /// Labels are escaped (`let's`, `<EOS>`) and each cell's title holds its weight exactly.
    func testLabelsAreEscapedAndCellsCarryTheirWeights() throws {
        let doc = try tracedDocument(model: "tiny", text: "let's go")
        let dir = try temporaryDirectory()
        XCTAssertEqual(try runProcess("tensor", ["attention", "--out", dir.path], stdin: doc).status, 0)
        let svg = try Data(contentsOf: dir.appendingPathComponent("encoder.blocks.0.attn.head0.svg"))
        let text = String(decoding: svg, as: UTF8.self)
        XCTAssertTrue(text.contains("let&#39;s"), "let's escaped")
        XCTAssertTrue(text.contains("&lt;EOS&gt;"), "<EOS> escaped")
        XCTAssertFalse(text.contains("<EOS>"))
        let x = checkXML(svg)
        XCTAssertNil(x.error)
        let pattern = try tensor(try jsonObject(doc), "encoder.blocks.0.attn.hook_pattern")
        let tokens = ["let's", "go", "<EOS>"]
        for i in 0..<3 {
            for j in 0..<3 {
                let value = Float(pattern.data[i * 3 + j])
                let title = "query '\(tokens[i])' (\(i)), key '\(tokens[j])' (\(j)): \(value)"
                XCTAssertTrue(x.titles.contains(title), "missing title \(title.debugDescription)")
            }
        }
        // decoder masked self-attention: rows are the steps and the words they produced; the cells
        // above the diagonal say "masked"
        let dec = checkXML(try Data(contentsOf: dir.appendingPathComponent("decoder.blocks.0.attn.head0.svg")))
        XCTAssertTrue(dec.titles.contains { $0.hasPrefix("query 'step 1 → ") && $0.hasSuffix(": masked") }, "\(dec.titles)")
    }

    /// inspect.sh: every stage's document, the heatmaps, and index.html — well-formed, with the
    /// sentence, the translation, one inline SVG per heatmap file, the steps, and each stage.
    func testInspectScriptWritesAWellFormedPage() throws {
        let out = try temporaryDirectory().appendingPathComponent("run")
        var env = Runner.environment
        env["VAMOS_BIN"] = Paths.binDirectory
        let r = try runProcess("/bin/bash", [Paths.script("inspect.sh"), "--model", Paths.model("marian"), "the big cat sees a fish", out.path],
                               env: env, timeout: 60)
        XCTAssertEqual(r.status, 0, r.err)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        for f in ["1-tokenize.jsonl", "2-embed.jsonl", "3-posenc.jsonl", "4-encode.jsonl", "5-decode.jsonl", "6-detokenize.jsonl",
                  "6-detokenize.txt", "attention", "index.html"] {
            XCTAssertTrue(files.contains(f), "missing \(f) in \(files)")
        }
        let svgs = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("attention").path)
        XCTAssertEqual(svgs.count, 12)
        for svg in svgs { XCTAssertNil(checkXML(try Data(contentsOf: out.appendingPathComponent("attention/\(svg)"))).error, svg) }
        let html = try Data(contentsOf: out.appendingPathComponent("index.html"))
        let x = checkXML(html)
        XCTAssertNil(x.error, x.error ?? "")
        XCTAssertEqual(x.root, "html")
        let page = String(decoding: html, as: UTF8.self)
        XCTAssertEqual(page.components(separatedBy: "class=\"heatmap thumb\"").count - 1, svgs.count, "one thumbnail per head (SVG file)")
        XCTAssertFalse(page.contains("3.4028235e+38") || page.contains("e+38"), "no mask value anywhere in the page")
        for id in ["words", "positions", "neuron", "model-view", "residual", "steps", "stages", "nv-attention", "mv-large", "vamos-data"] {
            XCTAssertTrue(page.contains("id=\"\(id)\""), "section or element \(id)")
        }
        XCTAssertTrue(page.contains("docs/walkthrough.md#positional-encoding"), "links to the walkthrough")
        for svg in svgs { XCTAssertTrue(page.contains("href=\"attention/\(svg)\""), "link to \(svg)") }
        // The same documents on stdin (no FILE): the same page.
        var stdin = Data()
        for f in ["1-tokenize.jsonl", "2-embed.jsonl", "3-posenc.jsonl", "4-encode.jsonl", "5-decode.jsonl", "6-detokenize.jsonl"] {
            stdin += try Data(contentsOf: out.appendingPathComponent(f))
        }
        let again = out.appendingPathComponent("again.html"), filesPage = out.appendingPathComponent("files.html")
        let viaStdin = try runProcess("tensor", ["html", "--out", again.path], stdin: stdin)
        XCTAssertEqual(viaStdin.status, 0, viaStdin.err)
        let viaFiles = try runProcess("tensor", ["html", "--out", filesPage.path] + ["1-tokenize", "2-embed", "3-posenc", "4-encode", "5-decode", "6-detokenize"]
            .map { out.appendingPathComponent("\($0).jsonl").path })
        XCTAssertEqual(viaFiles.status, 0, viaFiles.err)
        XCTAssertEqual(try Data(contentsOf: again), try Data(contentsOf: filesPage), "tensor html on stdin writes the page the files give")
        let translation = try String(contentsOf: out.appendingPathComponent("6-detokenize.txt"), encoding: .utf8)
            .trimmingCharacters(in: .newlines)
        XCTAssertTrue(page.contains("<code id=\"translation\">\(translation)</code>"), "translation \(translation)")
        XCTAssertTrue(x.text.contains("the big cat sees a fish"))
        for stage in ["tokenize", "embed", "posenc", "encode", "decode", "detokenize"] {
            XCTAssertTrue(page.contains("<section id=\"stage-\(stage)\">"), stage)
        }
        // the steps table: one row per generated word, with its probability
        let decoded = try jsonObject(try String(contentsOf: out.appendingPathComponent("5-decode.jsonl"), encoding: .utf8))
        let steps = (decoded["target"] as! [String: Any])["steps"] as! [[String: Any]]
        XCTAssertEqual(page.components(separatedBy: "<tr><td>").count - 1, steps.count)
        let p = String(format: "%.4f", steps[0]["probability"] as! Double)
        XCTAssertTrue(page.contains("<td>1</td><td><code>\(steps[0]["token"] as! String)</code></td><td>\(p)</td>"), "step 1 row")
        // every tensor of the run appears once, as a table
        let names = tensorNames(decoded)
        XCTAssertEqual(page.components(separatedBy: "<details").count - 1, names.count)
    }

    /// Words the vocabulary lacks (source.unknown) are marked on the page, with what the model sees.
    func testUnknownWordsAreMarkedOnThePage() throws {
        let out = try temporaryDirectory().appendingPathComponent("unknown")
        var env = Runner.environment
        env["VAMOS_BIN"] = Paths.binDirectory
        let r = try runProcess("/bin/bash", [Paths.script("inspect.sh"), "--model", Paths.root.appendingPathComponent("models/demo-en-es").path,
                                             "the elephant eats the fish", out.path], env: env, timeout: 60)
        XCTAssertEqual(r.status, 0, r.err)
        let page = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(page.contains("<span class=\"unknown\" title=\"not in the vocabulary: the model sees &lt;unk&gt;\">&lt;unk&gt;</span>"), "marked token")
        XCTAssertTrue(page.contains("<code>source.unknown</code>: elephant"), "names the word")
        XCTAssertNil(checkXML(Data(page.utf8)).error)
    }

    /// --force goes through to decode; the page shows the forced words with log-probability and rank.
    func testInspectScriptWithForce() throws {
        let out = try temporaryDirectory().appendingPathComponent("forced")
        var env = Runner.environment
        env["VAMOS_BIN"] = Paths.binDirectory
        let r = try runProcess("/bin/bash", [Paths.script("inspect.sh"), "--model", Paths.root.appendingPathComponent("models/statquest").path,
                                             "--force", "ir", "let's go", out.path], env: env, timeout: 60)
        XCTAssertEqual(r.status, 0, r.err)
        let html = try Data(contentsOf: out.appendingPathComponent("index.html"))
        XCTAssertNil(checkXML(html).error)
        let page = String(decoding: html, as: UTF8.self)
        XCTAssertTrue(page.contains("<th>log-probability</th><th>rank</th>"))
        XCTAssertTrue(page.contains("<code id=\"translation\">ir</code>"))
    }

    func testInspectScriptUsage() throws {
        let r = try runProcess("/bin/bash", [Paths.script("inspect.sh"), "only one argument"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.err.hasPrefix("inspect.sh: usage"), r.err)
    }
}
