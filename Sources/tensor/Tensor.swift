import ArgumentParser
import Foundation
import VamosCLI
import VamosCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tensor`: looks inside Vamos documents and .safetensors files. Each subcommand is a thin shell
/// around VamosCore/Inspect. Errors are one line, `tensor <subcommand>: message`, exit status 2
/// (usage errors too), so `tensor diff`'s 1 always means "different".
@main
struct TensorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensor",
        abstract: "Looks inside Vamos documents and .safetensors files: tables, statistics, diffs, .npy, attention heatmaps, an HTML report.",
        discussion: """
            Every subcommand reads a document stream on stdin, or the file given as its first \
            (or last) argument: a document file (.jsonl, .json, .ndjson; '-' is stdin) or a .safetensors file \
            (read as one document holding its tensors, e.g. models/statquest/model.safetensors). \
            diff takes two inputs; html takes the stage documents as files or on stdin.
            Exit status: 0 success (diff: equal within tolerance), 1 diff: different, 2 bad input or usage.
            """,
        subcommands: [Show.self, List.self, Stats.self, Get.self, Diff.self, Steps.self, Attention.self, HTML.self, Convert.self])

    static func main() {
        StageIO.setUp()
        StageIO.writeFailureName = commandName()
        StageIO.writeFailureStatus = 2  // 1 is diff's "different"
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let message = error is VamosError ? "\(error)" : self.message(for: error)
            let flat = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            StageIO.warn(commandName(), flat + (error is VamosError ? "" : " (see '\(commandName()) --help')"))
            Glibc.exit(2)
        }
    }

    /// `tensor show`, … — the subcommand named on the command line, for error messages.
    static func commandName() -> String {
        let names = configuration.subcommands.compactMap { $0.configuration.commandName ?? String(describing: $0).lowercased() }
        if CommandLine.arguments.count > 1, names.contains(CommandLine.arguments[1]) { return "tensor \(CommandLine.arguments[1])" }
        return "tensor"
    }
}

/// `[FILE] [NAME…]`: a leading argument ending in .safetensors, .jsonl, .json or .ndjson (or `-`)
/// is the input; the rest are tensor names. `NAME… FILE` (the file last) is read the same way.
func splitInput(_ arguments: [String]) -> (InspectInput, [String]) {
    if let first = arguments.first, InspectInput.isFileArgument(first) {
        return (InspectInput(path: first), Array(arguments.dropFirst()))
    }
    if arguments.count > 1, let last = arguments.last, InspectInput.isFileArgument(last) {
        return (InspectInput(path: last), Array(arguments.dropLast()))
    }
    return (.stdin, arguments)
}

/// Hands each document of `input` to `body` with its 1-based number, as soon as it is read.
func eachDocument(_ input: InspectInput, names: [String] = [], _ body: (Document, Int) throws -> Void) throws {
    let reader = try input.open(names: names.isEmpty ? nil : Set(names))
    while let doc = try reader.next() {
        do {
            try body(doc, reader.count)
        } catch let e as VamosError {
            throw VamosError("\(reader.location): \(e.message)")
        }
    }
}

/// The named tensors of `doc` (all when `names` is empty), in the document's order; an unknown
/// name is an error listing what the document has.
func selectTensors(_ doc: Document, _ names: [String]) throws -> [(String, VamosCore.Tensor)] {
    for name in names where doc.tensors[name] == nil {
        let have = doc.tensors.keys
        throw VamosError("no tensor '\(name)' (the document has \(have.isEmpty ? "no tensors" : have.joined(separator: ", ")))")
    }
    return doc.tensors.pairs.filter { names.isEmpty || names.contains($0.0) }
}

/// `--precision`, shared by every subcommand that prints numbers.
struct Precision: ParsableArguments {
    @Option(help: "Digits after the decimal point (0–12).") var precision = 4

    func validate() throws {
        guard (0...12).contains(precision) else { throw ValidationError("--precision must be between 0 and 12") }
    }
}
