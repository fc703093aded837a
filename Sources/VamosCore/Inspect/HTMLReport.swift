#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The page of one run (`pipelines/inspect.sh`, `tensor html`), in the explainer's order, every
/// picture drawn from the run's own numbers: the words as numbers (word embedding), the position
/// squiggles, self-attention one query word at a time (the neuron view), every layer and head
/// (the model view, one head opened large), residual connections and layer norm, the search
/// step by step, and, last, every tensor of every stage. Each section says in a few sentences
/// what it shows and links to the matching part of docs/walkthrough.md. Masked scores are shown
/// as masked (never as the mask value). Well-formed XML (XHTML syntax); no network at view time.
public struct HTMLReport {
    /// The documents of the run in stage order: (stage name, its document).
    public var stages: [(name: String, doc: Document)]
    /// Directory (relative to the page) holding the heatmaps as SVG files, for links; nil: no links.
    public var attentionDirectory: String?
    public var precision = 4
    /// docs/walkthrough.md as the page links to it (relative to the page, or a URL).
    public var walkthrough = "docs/walkthrough.md"

    /// Tables in the sections show at most this much of a tensor, and those of the last section
    /// (every tensor) less (`tensor show` shows all of it).
    static let tableRows = 24, tableColumns = 16, tableGrids = 4
    static let appendixRows = 12, appendixColumns = 8, appendixGrids = 2

    public init(stages: [(name: String, doc: Document)], attentionDirectory: String? = "attention", precision: Int = 4,
                walkthrough: String = "docs/walkthrough.md") {
        self.stages = stages
        self.attentionDirectory = attentionDirectory
        self.precision = precision
        self.walkthrough = walkthrough
    }

    /// Tensors opened by default in the last section; the rest start collapsed.
    static let mainTensors: Set<String> = ["embeddings", "positional_encoding", "encoder_input", "encoder_output"]

    var e: (String) -> String { Markup.escape }

    /// The first document of the run holding tensor `name`, and the tensor.
    func find(_ name: String) -> (Document, Tensor)? {
        for (_, doc) in stages { if let t = doc.tensors[name] { return (doc, t) } }
        return nil
    }

    func stringArray(_ json: JSON?) -> [String] { json?.arrayValue?.compactMap(\.stringValue) ?? [] }

    func prob(_ json: JSON?) -> String { cFormat("%.\(precision)f", json?.doubleValue ?? 0) }

    func link(_ anchor: String, _ text: String) -> String {
        "<a class=\"more\" href=\"\(e(walkthrough))#\(anchor)\">\(e(text))</a>"
    }

    func section(_ id: String, _ title: String, _ prose: String, walkthrough anchor: String, _ body: [String]) -> [String] {
        ["<section id=\"\(id)\"><h2>\(e(title))</h2>", "<p class=\"explain\">\(prose) \(link(anchor, "More in the walkthrough →"))</p>"]
            + body + ["</section>"]
    }

    public func render() -> String {
        let last = stages.last?.doc
        let source = stages.lazy.compactMap { $0.doc.side("source")["text"]?.stringValue }.first ?? ""
        let sourceSide = stages.reversed().lazy.map { $0.doc.side("source") }.first { $0["tokens"] != nil } ?? JSONObject()
        let sourceTokens = stringArray(sourceSide["tokens"])
        let unknown = Set((sourceSide["unknown"]?.arrayValue ?? []).compactMap { $0.objectValue?["position"]?.intValue })
        let target = stages.reversed().lazy.map { $0.doc.side("target") }.first { $0["tokens"] != nil } ?? JSONObject()
        let targetTokens = stringArray(target["tokens"])
        let model = last?.fields["model"]?.objectValue
        let translation = stages.reversed().lazy.compactMap { $0.doc.side("target")["text"]?.stringValue }.first
            ?? targetTokens.joined(separator: " ")
        // The last document holding attention patterns (decode --trace), read once for every picture.
        let traced = stages.reversed().first { $0.doc.tensors.keys.contains { $0.hasSuffix("hook_pattern") } }?.doc ?? last
        let maps = traced.map { AttentionMap.maps(in: $0) } ?? []
        let data = PageData(doc: traced, maps: maps)

        var h: [String] = []
        h.append("<!DOCTYPE html>")
        h.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">")
        h.append("<head><meta charset=\"utf-8\"/><meta name=\"viewport\" content=\"width=device-width\"/><title>Vamos: \(e(source))</title><style>\(PageScript.style)</style></head>")
        h.append("<body>")
        h.append(PagePlots.maskedPattern)
        h.append("<h1>Inside Vamos: <q>\(e(source))</q></h1>")
        h.append("<p class=\"translation\">translation: <code id=\"translation\">\(e(translation))</code></p>")
        h.append("<p class=\"explain\">This page follows one sentence through the Transformer, in the order of the explainer "
                 + "(and of \(link("top", "docs/walkthrough.md"))): every number and picture below comes from this run's own tensors, "
                 + "the documents the stages wrote.</p>")
        if let model {
            h.append("<p>model <code>\(e(model["name"]?.stringValue ?? "?"))</code> (sha256 <code>\(e(String((model["sha256"]?.stringValue ?? "").prefix(16))))…</code>)</p>")
        }
        let attributions = attributionSection()
        let nav = [("words", "1 word embedding"), ("positions", "2 positional encoding"), ("neuron", "3 self-attention"),
                   ("model-view", "4 all heads")] + (attributions.isEmpty ? [] : [("attributions", "4b attributions")])
            + [("residual", "5 residuals and layer norm"), ("steps", "6 the search"), ("stages", "every tensor")]
        h.append("<nav>" + nav.map { "<a href=\"#\($0.0)\">\($0.1)</a>" }.joined(separator: " · ") + "</nav>")
        h += wordsSection(sourceTokens, unknown: unknown, sourceSide: sourceSide)
        h += positionsSection(sourceTokens)
        h += neuronSection(data)
        h += modelViewSection(maps, data)
        h += attributions
        h += residualSection(traced)
        h += stepsSection(target, translation: translation)
        h += stagesSection()
        h.append("<script type=\"application/json\" id=\"vamos-data\">\(data.json())</script>")
        h.append("<script>\(PageScript.script)</script>")
        h.append("</body>")
        h.append("</html>")
        return h.joined(separator: "\n") + "\n"
    }

    // MARK: 1. word embedding

    func tokenSpans(_ tokens: [String], unknown: Set<Int>) -> String {
        "<p class=\"tokens\">" + tokens.enumerated().map { i, t in
            unknown.contains(i) ? "<span class=\"unknown\" title=\"not in the vocabulary: the model sees &lt;unk&gt;\">\(e(t))</span>" : "<span>\(e(t))</span>"
        }.joined(separator: " ") + "</p>"
    }

    func wordsSection(_ tokens: [String], unknown: Set<Int>, sourceSide: JSONObject) -> [String] {
        var body = [tokenSpans(tokens, unknown: unknown)]
        let ids = (sourceSide["ids"]?.arrayValue ?? []).compactMap(\.intValue)
        if !ids.isEmpty { body.append("<p class=\"more\">ids: <code>\(ids.map(String.init).joined(separator: " "))</code></p>") }
        if !unknown.isEmpty {
            let words = (sourceSide["unknown"]?.arrayValue ?? []).compactMap { $0.objectValue?["word"]?.stringValue }
            body.append("<p class=\"legend\"><span class=\"swatch\" style=\"background:#fde0dd\"></span> marked: not in the model's vocabulary "
                        + "(<code>source.unknown</code>: \(e(words.joined(separator: ", ")))). The model sees <code>&lt;unk&gt;</code> there, "
                        + "so what it makes of the sentence may be nonsense.</p>")
        }
        if let (doc, t) = find("embeddings"), t.shape.count == 2 {
            if t.shape[1] == 2 && tokens.count == t.shape[0] {
                body.append("<div class=\"plots\">\(PagePlots.embeddingScatter(tokens: tokens, embeddings: t, unknown: unknown))</div>")
            } else {
                body.append("<p class=\"more\">Each row is one word's embedding: row <i>id</i> of the embedding table, "
                            + "\(t.shape[1]) numbers (multiplied by √d_model when the model scales its embeddings).</p>")
            }
            body += table("embeddings", t, doc: doc)
        }
        return section("words", "1. Words become numbers: word embedding",
                       "A network only takes numbers. <code>tokenize</code> splits the sentence into words the vocabulary knows (and adds "
                       + "<code>&lt;EOS&gt;</code>); <code>embed</code> looks each one up in a table of learned numbers, its word embedding. "
                       + "The same table serves every position, so sentences of any length go through.",
                       walkthrough: "word-embedding", body)
    }

    // MARK: 2. positional encoding

    func positionsSection(_ tokens: [String]) -> [String] {
        var body: [String] = []
        if let (doc, p) = find("positional_encoding"), p.shape.count == 2 {
            if let plots = PagePlots.squiggles(tokens: tokens, positions: p) {
                body.append("<p class=\"more\">Each dimension has its own squiggle; a word at position <i>p</i> gets the squiggle's height at "
                            + "<i>p</i> (red dots: the values this run added\(p.shape[1] > 4 ? "; 4 of the \(p.shape[1]) dimensions, the fastest squiggles" : "")).</p>")
                body.append("<div class=\"plots\">\(plots)</div>")
            } else {
                body.append("<p class=\"more\">This model's positions are not sinusoids (learned, or none): the values are in the table.</p>")
            }
            body += table("positional_encoding", p, doc: doc, columns: 8)
            if let (d2, x) = find("encoder_input") { body += table("encoder_input", x, doc: d2, columns: 8) }
        } else {
            body.append("<p>no <code>positional_encoding</code> (run posenc with --trace)</p>")
        }
        return section("positions", "2. Word order: positional encoding",
                       "Word order matters (\"Squatch eats pizza\" is not \"pizza eats Squatch\"), but attention itself ignores it. So "
                       + "<code>posenc</code> adds to each word's embedding values that depend only on its position: points on sine and cosine "
                       + "squiggles, one squiggle per dimension, each wider than the last.",
                       walkthrough: "positional-encoding", body)
    }

    // MARK: 3. the neuron view

    func neuronSection(_ data: PageData) -> [String] {
        var body: [String] = []
        if data.attentions.isEmpty {
            body.append("<p>no attention in these documents (run encode and decode with --trace)</p>")
        } else {
            body.append("<div class=\"neuron\"><label>attention <select id=\"nv-attention\"></select></label>"
                        + "<label>head <select id=\"nv-head\"></select></label><label>query word <select id=\"nv-query\"></select></label>"
                        + "<div id=\"nv-out\"></div></div>")
            body.append("<noscript><p>The neuron view needs JavaScript; the same numbers are in the tensors at the end "
                        + "(<code>…attn.hook_q</code>, <code>hook_k</code>, <code>hook_attn_scores</code>, <code>hook_pattern</code>, <code>hook_v</code>, <code>hook_z</code>).</p></noscript>")
        }
        return section("neuron", "3. Self-attention, one word at a time",
                       "Pick a query word. Its query vector is compared with every word's key: the dot product, scaled, is the score "
                       + "(how much the words have in common). Softmax turns the scores into weights that add up to 1, and the word's "
                       + "output is the weighted sum of the values. In the decoder's masked self-attention a word may not see later "
                       + "words (masked); in encoder–decoder attention the keys and values come from the encoder's output.",
                       walkthrough: "self-attention", body)
    }

    // MARK: 4. the model view

    func modelViewSection(_ maps: [AttentionMap], _ data: PageData) -> [String] {
        var body: [String] = []
        if maps.isEmpty { body.append("<p>no attention patterns (run encode and decode with --trace)</p>") }
        for kind in AttentionMap.Kind.allCases {
            let these = maps.filter { $0.kind == kind }
            guard !these.isEmpty else { continue }
            let layers = Array(Set(these.map(\.layer))).sorted(), heads = (these.map(\.head).max() ?? 0) + 1
            body.append("<h3>\(e(kind.rawValue))</h3><div class=\"scroll\"><table class=\"grid\"><tr><th></th>"
                        + (0..<heads).map { "<th>head \($0)</th>" }.joined() + "</tr>")
            for l in layers {
                var row = "<tr><th class=\"row\">layer \(l)</th>"
                for hd in 0..<heads {
                    guard let m = these.first(where: { $0.layer == l && $0.head == hd }) else { row += "<th></th>"; continue }
                    let index = data.attentions.firstIndex { $0.prefix + ".hook_pattern" == m.tensor } ?? 0
                    let svgLink = attentionDirectory.map { "<br/><a class=\"more\" href=\"\(e($0))/\(e(m.fileName))\">svg</a>" } ?? ""
                    row += "<th>\(PagePlots.thumbnail(m, index: index))\(svgLink)</th>"
                }
                body.append(row + "</tr>")
            }
            body.append("</table></div>")
        }
        if !maps.isEmpty {
            body.append("<p class=\"legend\"><span class=\"swatch\" style=\"background:#ffffff\"></span> 0 … "
                        + "<span class=\"swatch\" style=\"background:#08306b\"></span> 1: the attention weight (softmax over the keys); "
                        + "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"14\" height=\"10\"><rect width=\"14\" height=\"10\" fill=\"url(#masked)\"/></svg> masked. "
                        + "Rows are the queries, columns the keys; decoder rows are labelled with the word that step produced.</p>")
            body.append("<p id=\"mv-caption\" class=\"mono\"></p><div id=\"mv-large\" class=\"large-box\"></div>")
        }
        return section("model-view", "4. Multi-head attention: every layer, every head",
                       "Each layer runs several attention heads side by side, each with its own weights, so each can look for something "
                       + "different; their outputs are joined and projected back to d_model. Here is every head of every layer at a glance "
                       + "(rows of each grid: layers; columns: heads). Click one to open it large.",
                       walkthrough: "multi-head", body)
    }

    // MARK: 5. residual connections and layer norm

    func residualSection(_ doc: Document?) -> [String] {
        var body: [String] = []
        for stack in ["encoder", "decoder"] {
            var plots: [String] = []
            for l in 0..<64 {
                let p = "\(stack).blocks.\(l)."
                guard let doc, doc.tensors[p + "hook_resid_pre"] != nil else { break }
                let tokens = TensorTable.labels(axis: stack == "encoder" ? "token" : "position",
                                                count: doc.tensors[p + "hook_resid_pre"]!.shape[0], doc: doc, tensorName: p) ?? []
                let series = [("resid_pre", "hook_resid_pre"), ("resid_mid", "hook_resid_mid"), ("resid_post", "hook_resid_post"),
                              ("ln1", "ln1.hook_normalized"), ("ln2", "ln2.hook_normalized"), ("ln3", "ln3.hook_normalized")]
                    .compactMap { name, key in doc.tensors[p + key].map { (name, $0) } }
                plots.append(PagePlots.residualBars(title: "\(stack) layer \(l)", tokens: tokens, series: series))
            }
            if !plots.isEmpty { body.append("<h3>\(stack)</h3><div class=\"plots\">\(plots.joined())</div>") }
        }
        if body.isEmpty { body.append("<p>no residual stream in these documents (run encode and decode with --trace)</p>") }
        body.append("<p class=\"more\">Bars: the length ‖x‖ of each word's vector before the layer (resid_pre), after attention is added "
                    + "(resid_mid), after the feed-forward block (resid_post), and after each layer norm (ln1, ln2, ln3: a layer norm "
                    + "rescales a vector to mean 0 and variance 1, then by its learned gain). docs/FORMAT.md section 6 says which is which "
                    + "for pre- and post-norm models.</p>")
        return section("residual", "5. Residual connections and layer norm",
                       "Each sublayer's output is added to its input (a residual connection), so a layer only has to learn what to change "
                       + "and the word's own meaning and position are carried along. Layer norm keeps the sizes of these sums in check.",
                       walkthrough: "residual", body)
    }

    // MARK: 6. the search

    /// The words chosen at each step (`target.steps`, or `target.forced.steps` of `decode --force`).
    func stepsSection(_ target: JSONObject, translation: String) -> [String] {
        var body: [String] = []
        let forced = target["forced"]?.objectValue
        if let steps = (forced?["steps"] ?? target["steps"])?.arrayValue?.compactMap(\.objectValue), !steps.isEmpty {
            if forced != nil {
                body.append("<p>teacher-forced (<code>decode --force</code>): total log-probability <code>\(prob(forced?["log_probability"]))</code></p>")
            }
            body.append("<div class=\"scroll\"><table class=\"steps\"><tr><th>step</th><th>word</th><th>probability</th>"
                        + (forced != nil ? "<th>log-probability</th><th>rank</th>" : "") + "<th>candidates</th></tr>")
            for s in steps {
                let top = (s["top"]?.arrayValue ?? []).compactMap(\.objectValue)
                    .map { "\(e($0["token"]?.stringValue ?? "?")) \(prob($0["probability"]))" }.joined(separator: ", ")
                body.append("<tr><td>\(s["position"]?.intValue ?? 0)</td><td><code>\(e(s["token"]?.stringValue ?? "?"))</code></td><td>\(prob(s["probability"]))</td>"
                            + (forced != nil ? "<td>\(prob(s["log_probability"]))</td><td>\(s["rank"]?.intValue ?? 0)</td>" : "")
                            + "<td>\(top)</td></tr>")
            }
            body.append("</table></div>")
        } else {
            body.append("<p>no <code>target.steps</code> (run decode with --trace)</p>")
        }
        body.append("<p>detokenize: <code>\(e(translation))</code></p>")
        return section("steps", "6. The decoder's output: one word per step",
                       "The decoder starts from <code>&lt;EOS&gt;</code> (its start token). At each step a fully connected layer turns its "
                       + "output into one number per word of the output vocabulary, softmax turns those into probabilities, and the search "
                       + "picks the word (here with the candidates it weighed). The word is fed back in, until <code>&lt;EOS&gt;</code>; "
                       + "<code>detokenize</code> joins the words into text.",
                       walkthrough: "output", body)
    }

    // MARK: every tensor

    func stagesSection() -> [String] {
        var h = ["<section id=\"stages\"><h2>Every tensor of the run, stage by stage</h2>",
                 "<p class=\"explain\">What each stage added to the document, as tables (at most \(HTMLReport.appendixRows) rows and "
                 + "\(HTMLReport.appendixColumns) columns each here; <code>tensor show FILE NAME</code> prints all of a tensor). "
                 + "Summaries are over the unmasked entries.</p>"]
        h.append("<nav>" + stages.map { "<a href=\"#stage-\(e($0.name))\">\(e($0.name))</a>" }.joined(separator: " · ") + "</nav>")
        var seen = Set<String>()
        for (name, doc) in stages {
            h.append("<section id=\"stage-\(e(name))\"><h3>\(e(name))</h3>")
            let new = doc.tensors.pairs.filter { !seen.contains($0.0) }
            for (tname, _) in doc.tensors.pairs { seen.insert(tname) }
            if name == "tokenize" || (new.isEmpty && doc.side("source")["tokens"] != nil && doc.side("target")["text"] == nil && doc.side("target")["tokens"] == nil) {
                let src = doc.side("source")
                h.append("<p>text <code>\(e(src["text"]?.stringValue ?? ""))</code> → tokens <code>\(e(stringArray(src["tokens"]).joined(separator: " ")))</code></p>")
            } else if let text = doc.side("target")["text"]?.stringValue {
                h.append("<p>tokens <code>\(e(stringArray(doc.side("target")["tokens"]).joined(separator: " ")))</code> → text <code>\(e(text))</code></p>")
            } else if new.isEmpty {
                h.append("<p>no new tensors</p>")
            }
            for (tname, t) in new { h += tensorSection(tname, t, doc: doc) }
            h.append("</section>")
        }
        h.append("</section>")
        return h
    }

    /// One tensor's tables (the first grids, rows and columns), labelled with tokens.
    func table(_ name: String, _ t: Tensor, doc: Document, columns: Int = HTMLReport.tableColumns, rows maxRows: Int = HTMLReport.tableRows,
               grids maxGrids: Int = HTMLReport.tableGrids) -> [String] {
        let table = TensorTable(precision: precision)
        var h: [String] = []
        let grids = TensorTable.grids(name, t, doc: doc)
        for grid in grids.prefix(maxGrids) {
            if let title = grid.title { h.append("<div class=\"mono\">\(e(title))</div>") }
            let nc = min(columns, grid.columns.count), more = grid.columns.count > nc ? "<th>… \(grid.columns.count - nc) more</th>" : ""
            h.append("<div class=\"scroll\"><table><tr><th>\(e(name))</th>" + grid.columns.prefix(nc).map { "<th>\(e($0))</th>" }.joined() + more + "</tr>")
            for row in grid.rows.prefix(maxRows) {
                h.append("<tr><th class=\"row\">\(e(row.label))</th>" + row.values.prefix(nc).map { "<td>\(e(table.fmt($0)))</td>" }.joined()
                         + (more.isEmpty ? "" : "<td>…</td>") + "</tr>")
            }
            if grid.rows.count > maxRows { h.append("<tr><th class=\"row\">… \(grid.rows.count - maxRows) more rows</th></tr>") }
            h.append("</table></div>")
        }
        if grids.count > maxGrids { h.append("<p class=\"more\">… and \(grids.count - maxGrids) more slices</p>") }
        return h
    }

    func tensorSection(_ name: String, _ t: Tensor, doc: Document) -> [String] {
        let summary = TensorTable(precision: precision).summary(name, t)
        return ["<details\(HTMLReport.mainTensors.contains(name) ? " open=\"open\"" : "")><summary>\(e(summary))</summary>"]
            + table(name, t, doc: doc, columns: HTMLReport.appendixColumns, rows: HTMLReport.appendixRows, grids: HTMLReport.appendixGrids)
            + ["</details>"]
    }
}
