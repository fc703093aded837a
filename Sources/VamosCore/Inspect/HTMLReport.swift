import Foundation

/// One page showing a whole run (`pipelines/inspect.sh`): the sentence and its translation, the
/// words chosen step by step with their probabilities, every attention heatmap (inline SVG), and
/// each stage's tensors as tables — the tensors a stage added, each in a collapsible section.
/// Well-formed XML (XHTML syntax), so it can be checked with any XML parser.
public struct HTMLReport {
    /// The documents of the run in stage order: (stage name, its document).
    public var stages: [(name: String, doc: Document)]
    /// Directory (relative to the page) holding the heatmaps as SVG files, for links; nil: no links.
    public var attentionDirectory: String?
    public var precision = 4

    public init(stages: [(name: String, doc: Document)], attentionDirectory: String? = "attention", precision: Int = 4) {
        self.stages = stages
        self.attentionDirectory = attentionDirectory
        self.precision = precision
    }

    /// Tensors opened by default; the rest start collapsed.
    static let mainTensors: Set<String> = ["embeddings", "positional_encoding", "encoder_input", "encoder_output"]

    static let style = """
        body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; padding: 0 1em; }
        h1 { font-size: 1.6em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; }
        code, td, th, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; }
        table { border-collapse: collapse; margin: 0.4em 0 1em; }
        td, th { padding: 0.15em 0.6em; text-align: right; border-bottom: 1px solid #eee; }
        th { background: #f4f4f4; } th.row { text-align: left; }
        .steps td, .steps th { text-align: left; }
        .heatmaps { display: flex; flex-wrap: wrap; gap: 1em; }
        figure { margin: 0; border: 1px solid #ddd; padding: 0.5em; }
        figcaption { font-size: 0.85em; color: #555; }
        details { margin: 0.3em 0; } summary { cursor: pointer; font-family: ui-monospace, monospace; font-size: 0.9em; }
        .translation { font-size: 1.3em; }
        """

    public func render() -> String {
        let e = Markup.escape
        let last = stages.last?.doc
        let source = stages.lazy.compactMap { $0.doc.side("source")["text"]?.stringValue }.first ?? ""
        let sourceTokens = stringArray(last?.side("source")["tokens"])
        let target = stages.reversed().lazy.map { $0.doc.side("target") }.first { $0["tokens"] != nil } ?? JSONObject()
        let targetTokens = stringArray(target["tokens"])
        let model = last?.fields["model"]?.objectValue
        var h: [String] = []
        h.append("<!DOCTYPE html>")
        h.append("<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">")
        h.append("<head><meta charset=\"utf-8\"/><title>Vamos: \(e(source))</title><style>\(HTMLReport.style)</style></head>")
        h.append("<body>")
        h.append("<h1>Inside Vamos: <q>\(e(source))</q></h1>")
        let translation = target["text"]?.stringValue ?? targetTokens.joined(separator: " ")
        h.append("<p class=\"translation\">translation: <code id=\"translation\">\(e(translation))</code></p>")
        h.append("<p>source tokens: <code>\(e(sourceTokens.joined(separator: " ")))</code><br/>")
        h.append("target tokens: <code>\(e(targetTokens.joined(separator: " ")))</code></p>")
        if let model {
            h.append("<p>model <code>\(e(model["name"]?.stringValue ?? "?"))</code> (sha256 <code>\(e(String((model["sha256"]?.stringValue ?? "").prefix(16))))…</code>)</p>")
        }
        h.append("<nav><a href=\"#steps\">step by step</a> · <a href=\"#attention\">attention</a>"
                 + stages.map { " · <a href=\"#stage-\(e($0.name))\">\(e($0.name))</a>" }.joined() + "</nav>")
        h += stepsSection(target)
        h += attentionSection(last)
        var seen = Set<String>()
        for (name, doc) in stages {
            h.append("<section id=\"stage-\(e(name))\"><h2>\(e(name))</h2>")
            let new = doc.tensors.pairs.filter { !seen.contains($0.0) }
            for (tname, _) in doc.tensors.pairs { seen.insert(tname) }
            if new.isEmpty { h.append("<p>no new tensors</p>") }
            for (tname, t) in new { h += tensorSection(tname, t, doc: doc) }
            h.append("</section>")
        }
        h.append("</body>")
        h.append("</html>")
        return h.joined(separator: "\n") + "\n"
    }

    func stringArray(_ json: JSON?) -> [String] { json?.arrayValue?.compactMap(\.stringValue) ?? [] }

    func prob(_ json: JSON?) -> String { String(format: "%.\(precision)f", json?.doubleValue ?? 0) }

    /// The words chosen at each step (`target.steps`, or `target.forced.steps` of `decode --force`).
    func stepsSection(_ target: JSONObject) -> [String] {
        let e = Markup.escape
        var h = ["<section id=\"steps\"><h2>Step by step: the words chosen</h2>"]
        let forced = target["forced"]?.objectValue
        guard let steps = (forced?["steps"] ?? target["steps"])?.arrayValue?.compactMap(\.objectValue), !steps.isEmpty else {
            h.append("<p>no <code>target.steps</code> (run decode with --trace)</p></section>")
            return h
        }
        if forced != nil {
            h.append("<p>teacher-forced (<code>decode --force</code>): total log-probability <code>\(prob(forced?["log_probability"]))</code></p>")
        }
        h.append("<table class=\"steps\"><tr><th>step</th><th>word</th><th>probability</th>"
                 + (forced != nil ? "<th>log-probability</th><th>rank</th>" : "") + "<th>candidates</th></tr>")
        for s in steps {
            let top = (s["top"]?.arrayValue ?? []).compactMap(\.objectValue)
                .map { "\(e($0["token"]?.stringValue ?? "?")) \(prob($0["probability"]))" }.joined(separator: ", ")
            h.append("<tr><td>\(s["position"]?.intValue ?? 0)</td><td><code>\(e(s["token"]?.stringValue ?? "?"))</code></td><td>\(prob(s["probability"]))</td>"
                     + (forced != nil ? "<td>\(prob(s["log_probability"]))</td><td>\(s["rank"]?.intValue ?? 0)</td>" : "")
                     + "<td>\(top)</td></tr>")
        }
        h.append("</table></section>")
        return h
    }

    func attentionSection(_ doc: Document?) -> [String] {
        let e = Markup.escape
        var h = ["<section id=\"attention\"><h2>Attention</h2>"]
        let maps = doc.map { AttentionMap.maps(in: $0) } ?? []
        if maps.isEmpty { h.append("<p>no attention patterns (run encode and decode with --trace)</p>") }
        for kind in AttentionMap.Kind.allCases {
            let these = maps.filter { $0.kind == kind }
            guard !these.isEmpty else { continue }
            h.append("<h3>\(e(kind.rawValue))</h3><div class=\"heatmaps\">")
            for m in these {
                h.append("<figure>")
                h.append(AttentionSVG.render(m).trimmingCharacters(in: .newlines))
                let link = attentionDirectory.map { " (<a href=\"\(e($0))/\(e(m.fileName))\">svg</a>)" } ?? ""
                h.append("<figcaption>layer \(m.layer), head \(m.head): <code>\(e(m.tensor))</code>\(link)</figcaption></figure>")
            }
            h.append("</div>")
        }
        h.append("</section>")
        return h
    }

    func tensorSection(_ name: String, _ t: Tensor, doc: Document) -> [String] {
        let e = Markup.escape
        let table = TensorTable(precision: precision)
        var h = ["<details\(HTMLReport.mainTensors.contains(name) ? " open=\"open\"" : "")><summary>\(e(table.summary(name, t)))</summary>"]
        for grid in TensorTable.grids(name, t, doc: doc) {
            if let title = grid.title { h.append("<div class=\"mono\">\(e(title))</div>") }
            h.append("<table><tr><th></th>" + grid.columns.map { "<th>\(e($0))</th>" }.joined() + "</tr>")
            for row in grid.rows {
                h.append("<tr><th class=\"row\">\(e(row.label))</th>" + row.values.map { "<td>\(e(table.fmt($0)))</td>" }.joined() + "</tr>")
            }
            h.append("</table>")
        }
        h.append("</details>")
        return h
    }
}
