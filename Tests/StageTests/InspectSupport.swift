/// Helpers for the tests of the inspection tools (`tensor`, `inspect.sh`, `encode --layers`,
/// `decode --force`): traced documents, writing inputs to files, and a strict XML check built on
/// Foundation's XMLParser (libxml2) — independent of the code that writes the SVG and HTML.
import Foundation
import XCTest
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Runs the pipeline up to `decode` with `--trace --keep` on posenc, encode and decode, so the
/// document holds every tensor (embeddings … encoder_output, the traces, target.steps).
func tracedDocument(model: String, text: String, decodeArgs: [String] = []) throws -> String {
    let m = ["--model", Paths.model(model)]
    let r = try pipeline([("tokenize", m + ["--quiet"]), ("embed", m), ("posenc", m + ["--keep", "--trace"]),
                          ("encode", m + ["--keep", "--trace"]), ("decode", m + ["--keep", "--trace"] + decodeArgs)],
                         stdin: text + "\n")
    guard r.succeeded, r.outLines.count == 1 else { throw HarnessError("traced pipeline failed:\n\(r.summary)") }
    return r.outLines[0]
}

/// A sentence each fixture model knows.
func sentence(for model: String) -> String {
    ["tiny": "let's go", "statquest": "let's go"][model] ?? "the big cat sees a fish"
}

extension XCTestCase {
    /// Writes `text` to a fresh file named `name` and returns its path.
    func writeTemp(_ name: String, _ text: String) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

/// What a strict XML parse found: the root element, its attributes, how often each element
/// occurs, the text of every `<title>`, and the first error (nil when well-formed).
struct XMLSummary {
    var root: String?
    var rootAttributes: [String: String] = [:]
    var counts: [String: Int] = [:]
    var titles: [String] = []
    var text = ""
    var error: String?
}

final class XMLCollector: NSObject, XMLParserDelegate {
    var summary = XMLSummary()
    private var inTitle = 0
    private var title = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String]) {
        if summary.root == nil { summary.root = name; summary.rootAttributes = attributes }
        summary.counts[name, default: 0] += 1
        if name == "title" { inTitle += 1; title = "" }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "title" { inTitle -= 1; summary.titles.append(title) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inTitle > 0 { title += string }
        summary.text += string
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
        if summary.error == nil {
            summary.error = "line \(parser.lineNumber), column \(parser.columnNumber): \(parseError.localizedDescription)"
        }
    }
}

/// Parses `data` as XML (no external entities, no DTD loading); `error` is set unless well-formed.
func checkXML(_ data: Data) -> XMLSummary {
    let parser = XMLParser(data: data)
    let collector = XMLCollector()
    parser.delegate = collector
    parser.shouldResolveExternalEntities = false
    let ok = parser.parse()
    var s = collector.summary
    if !ok && s.error == nil { s.error = parser.parserError.map { "\($0)" } ?? "not well-formed" }
    return s
}
