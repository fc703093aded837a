import ArgumentParser
import Foundation
import VamosCLI
import VamosCore

struct Attention: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Renders the attention weights of a --trace document (and attribute's attributions) as SVG heatmaps, one per layer and head.",
        discussion: """
            Encoder self-attention (encoder.blocks.L.attn.hook_pattern), decoder masked \
            self-attention (decoder.blocks.L.attn.hook_pattern) and encoder–decoder attention \
            (decoder.blocks.L.cross_attn.hook_pattern): token labels on both axes, the weight in \
            each cell and on hover. attribute's tensors (attributions.METHOD, …METHOD.target) too: one \
            row per target word, each row scaled by its largest |value|, negative red. \
            Files: DIR/encoder.blocks.0.attn.head0.svg, …, DIR/attributions.saliency.svg (with several \
            documents, DIR/doc2/… for the second and later). Prints each path written.
            """)

    @Argument(help: "[FILE]") var arguments: [String] = []
    @Option(help: ArgumentHelp("Directory for the SVG files (created).", valueName: "dir")) var out = "attention"

    func run() throws {
        limits.apply()
        let (input, names) = splitInput(arguments)
        guard names.isEmpty else { throw VamosError("unexpected argument '\(names[0])' (expected at most a FILE)") }
        try eachDocument(input) { doc, n in
            let maps = AttentionMap.maps(in: doc) + AttentionMap.attributionMaps(in: doc)
            guard !maps.isEmpty else {
                throw VamosError("no attention patterns (…hook_pattern tensors) or attributions; run encode and decode with --trace, or attribute")
            }
            let dir = n == 1 ? out : "\(out)/doc\(n)"
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw VamosError("--out \(dir): cannot create the directory")
            }
            for m in maps {
                let path = "\(dir)/\(m.fileName)"
                try writeFileAtomically(Array(AttentionSVG.render(m).utf8), to: path)
                StageIO.writeLine(path)
            }
        }
    }
}

struct HTML: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Writes one HTML page showing a whole run: the sentence, the words chosen step by step, every attention heatmap, each stage's tensors.",
        discussion: """
            FILE… are the stages' documents in order (pipelines/inspect.sh keeps them); the first document of each is shown. \
            Without FILE, every document on stdin is one stage's, in pipeline order \
            (e.g. cat tok.jsonl emb.jsonl pos.jsonl enc.jsonl dec.jsonl | tensor html --out page.html).
            """)

    @Argument(help: "The stage documents, in pipeline order (none: the documents on stdin).") var files: [String] = []
    @Option(help: ArgumentHelp("The page to write.", valueName: "file")) var out = "index.html"
    @Option(help: ArgumentHelp("Directory of the SVG files, relative to the page, for links ('' for none).", valueName: "dir"))
    var attentionDir = "attention"
    @Option(help: ArgumentHelp("docs/walkthrough.md as the page links to it (relative to the page, or a URL).", valueName: "path"))
    var walkthrough = "docs/walkthrough.md"
    @OptionGroup var digits: Precision
    var precision: Int { digits.precision }

    func run() throws {
        limits.apply()
        var stages: [(name: String, doc: Document)] = []
        if files.isEmpty {
            let reader = try InspectInput.stdin.open()
            while let doc = try reader.next() { stages.append((doc.stage ?? "document \(reader.count)", doc)) }
            guard !stages.isEmpty else { throw VamosError("stdin: no document (give the stage documents as FILE…, or on stdin)") }
        }
        for path in files {
            let reader = try InspectInput(path: path).open()
            guard let doc = try reader.next() else { throw VamosError("\(path): no document") }
            let name = doc.stage ?? (path.split(separator: "/").last.map(String.init) ?? path)
            stages.append((name, doc))
        }
        let page = HTMLReport(stages: stages, attentionDirectory: attentionDir.isEmpty ? nil : attentionDir, precision: precision,
                              walkthrough: walkthrough)
        try writeFileAtomically(Array(page.render().utf8), to: out)
        StageIO.writeLine(out)
    }
}
