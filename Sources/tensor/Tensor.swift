import ArgumentParser
import Foundation
import VamosCLI
import VamosCore

@main
struct TensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Looks inside Vamos documents: tensors as tables.",
        subcommands: [Show.self, List.self, Steps.self])
}

/// Reads the documents of stdin, handing each to `body`.
func eachDocument(_ body: (Document) throws -> Void) throws {
    do {
        let reader = JSONStreamReader(fd: 0, name: "input")
        while let json = try reader.next() { try body(try Document(json: json, what: "input line \(reader.documentLine)")) }
    } catch let e as VamosError {
        FileHandle.standardError.write(Data("tensor: \(e.message)\n".utf8))
        throw ExitCode(2)
    }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints tensors as aligned tables, rows and columns labelled with tokens, with a summary line each.")

    @Argument(help: "Tensors to show (default: all).") var names: [String] = []
    @Option(help: "Digits after the decimal point.") var precision = 4

    func run() throws {
        let table = TensorTable(precision: precision)
        try eachDocument { doc in
            for name in names where doc.tensors[name] == nil {
                throw VamosError("no tensor '\(name)' (the document has: \(doc.tensors.keys.joined(separator: ", ")))")
            }
            for (name, t) in doc.tensors.pairs where names.isEmpty || names.contains(name) {
                StageIO.writeLine(table.render(name, t, doc: doc))
            }
        }
    }
}

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lists each document's tensors with their shapes and summaries.")

    func run() throws {
        let table = TensorTable()
        try eachDocument { doc in
            for (name, t) in doc.tensors.pairs { StageIO.writeLine(table.summary(name, t)) }
        }
    }
}

struct Steps: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prints decode --trace's steps: at each position the word picked and the most probable candidates.")

    @Option(help: "Digits after the decimal point.") var precision = 4

    func run() throws {
        try eachDocument { doc in
            guard let steps = doc.side("target")["steps"]?.arrayValue else {
                throw VamosError("no 'target.steps'; run decode with --trace")
            }
            for step in steps {
                guard let s = step.objectValue else { continue }
                let top = (s["top"]?.arrayValue ?? []).compactMap(\.objectValue).map { t in
                    "\(t["token"]?.stringValue ?? "?") \(String(format: "%.\(precision)f", t["probability"]?.doubleValue ?? 0))"
                }
                StageIO.writeLine("step \(s["position"]?.intValue ?? 0): \(s["token"]?.stringValue ?? "?")  (candidates: \(top.joined(separator: ", ")))")
            }
        }
    }
}
