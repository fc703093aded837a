import ArgumentParser
import VamosCLI
import VamosCore

struct Diff: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Compares two documents (or streams, document by document, or .safetensors files) tensor by tensor.",
        discussion: """
            Values are close when |a − b| ≤ atol + rtol·|b| (numpy.isclose; b from the second input). \
            Reports the largest differences with their index and token labels, tensors in only one \
            input, shape mismatches and differing non-tensor fields (source.ids, target.tokens, …; \
            'stage' is ignored). Exit status 0 equal within tolerance, 1 different, 2 bad input.
            """)

    @Argument(help: "A and B: document files (.jsonl …), .safetensors files, or '-' for stdin (once).") var files: [String]
    @Option(help: "Absolute tolerance.") var atol = TensorDiff.defaultATol
    @Option(help: "Relative tolerance (times |b|).") var rtol = TensorDiff.defaultRTol
    @Option(help: "How many of the largest differences to list per tensor.") var top = 5
    @Option(help: ArgumentHelp("Leave a top-level field or a tensor out of the comparison (repeatable; 'stage' always).", valueName: "name"))
    var ignore: [String] = []
    @Flag(help: "Print nothing; only the exit status tells.") var quiet = false

    func validate() throws {
        guard files.count == 2 else { throw ValidationError("expected two inputs A and B, got \(files.count)") }
        guard files.filter({ $0 == "-" }).count <= 1 else { throw ValidationError("only one input can be '-' (stdin)") }
        guard atol >= 0, rtol >= 0, atol.isFinite, rtol.isFinite else { throw ValidationError("--atol and --rtol must be finite and not negative") }
        guard top >= 0 else { throw ValidationError("--top must not be negative") }
    }

    func run() throws {
        limits.apply()
        let diff = TensorDiff(atol: atol, rtol: rtol, top: top, ignore: Set(ignore + ["stage"]))
        let a = try InspectInput(path: files[0]).open(), b = try InspectInput(path: files[1]).open()
        var differing = 0, documents = 0, tensors = 0, maxAbs = 0.0
        func say(_ line: String) { if !quiet { StageIO.writeLine(line) } }
        while true {
            let da = try a.next(), db = try b.next()
            guard let da, let db else {
                if da != nil || db != nil {
                    while try a.next() != nil {}
                    while try b.next() != nil {}
                    if differing == 0 { say("A: \(files[0])  B: \(files[1])") }
                    say("A has \(a.count) document(s), B has \(b.count)")
                    differing += abs(a.count - b.count)
                    documents = max(a.count, b.count)
                }
                break
            }
            documents += 1
            let r = diff.compare(da, db)
            tensors += r.tensorsCompared
            maxAbs = max(maxAbs, r.maxAbs)
            if !r.equal {
                if differing == 0 { say("A: \(files[0])  B: \(files[1])") }
                differing += 1
                for line in diff.report(r, document: documents) { say(line) }
            }
        }
        if differing == 0 {
            say("equal within atol \(diff.fmt(atol)), rtol \(diff.fmt(rtol)): \(documents) document(s), \(tensors) tensor(s) compared, max |a−b| \(diff.fmt(maxAbs))")
        } else {
            say("different: \(differing) of \(documents) document(s) differ")
            throw ExitCode(1)
        }
    }
}
