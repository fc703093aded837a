import Foundation
import ArgumentParser
import VamosCLI
import VamosCore

struct Show: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Prints tensors as aligned tables, rows and columns labelled with tokens, with a summary line each (shape, min, max, mean, std).")

    @Argument(help: "[FILE] then the tensors to show (default: all).") var arguments: [String] = []
    @OptionGroup var digits: Precision
    var precision: Int { digits.precision }
    @Option(help: "At most this many rows per table (0: all).") var maxRows = 40
    @Option(help: "At most this many columns per table (0: all).") var maxColumns = 16

    func validate() throws {
        guard maxRows >= 0, maxColumns >= 0 else { throw ValidationError("--max-rows and --max-columns must not be negative") }
    }

    func run() throws {
        limits.apply()
        let (input, names) = splitInput(arguments)
        let table = TensorTable(precision: precision, maxRows: maxRows, maxColumns: maxColumns)
        try eachDocument(input, names: names) { doc, _ in
            for (name, t) in try selectTensors(doc, names) { StageIO.writeLine(table.render(name, t, doc: doc)) }
        }
    }
}

struct List: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Lists tensors: name, shape, axes (a .safetensors file: its dtypes, without reading the data).")

    @Argument(help: "[FILE]") var arguments: [String] = []

    func run() throws {
        limits.apply()
        let (input, names) = splitInput(arguments)
        if case .safetensors(let path) = input {
            let file = try SafeTensorsFile(path: path)
            for name in file.names where names.isEmpty || names.contains(name) {
                let e = file.entries[name]!
                StageIO.writeLine("\(name) \(e.shape) \(e.dtype.rawValue)")
            }
            return
        }
        try eachDocument(input) { doc, _ in
            for (name, t) in try selectTensors(doc, names) {
                StageIO.writeLine("\(name) \(t.shape)" + (t.axes.map { " (" + $0.joined(separator: " × ") + ")" } ?? ""))
            }
        }
    }
}

struct Stats: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "One line of statistics per tensor: count, min and max (where, with token labels), mean, std, L2 norm, zeros.")

    @Argument(help: "[FILE] then the tensors (default: all).") var arguments: [String] = []
    @OptionGroup var digits: Precision
    var precision: Int { digits.precision }

    func run() throws {
        limits.apply()
        let (input, names) = splitInput(arguments)
        try eachDocument(input, names: names) { doc, _ in
            for (name, t) in try selectTensors(doc, names) {
                StageIO.writeLine(TensorStats.line(name, t, doc: doc, precision: precision))
            }
        }
    }
}

struct Steps: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Prints decode --trace's steps (or decode --force's scores): at each position the word and the most probable candidates.")

    @Argument(help: "[FILE]") var arguments: [String] = []
    @OptionGroup var digits: Precision
    var precision: Int { digits.precision }

    func run() throws {
        limits.apply()
        let (input, _) = splitInput(arguments)
        func p(_ j: JSON?) -> String {
            let v = j?.doubleValue ?? 0
            // The most negative float32 stands for −∞ (JSON cannot hold it): a word generation never picks.
            return v <= -3.4e38 ? "-inf" : String(format: "%.\(precision)f", v)
        }
        try eachDocument(input) { doc, _ in
            let target = doc.side("target")
            let forced = target["forced"]?.objectValue
            guard let steps = (forced?["steps"] ?? target["steps"])?.arrayValue else {
                throw VamosError("no 'target.steps'; run decode with --trace (or --force)")
            }
            for step in steps {
                guard let s = step.objectValue else { continue }
                let top = (s["top"]?.arrayValue ?? []).compactMap(\.objectValue).map { t in
                    "\(t["token"]?.stringValue ?? "?") \(p(t["probability"]))"
                }
                let word = s["token"]?.stringValue ?? "?"
                if forced != nil {
                    StageIO.writeLine("step \(s["position"]?.intValue ?? 0): \(word) forced  p \(p(s["probability"]))  log p \(p(s["log_probability"]))  rank \(s["rank"]?.intValue ?? 0)  (candidates: \(top.joined(separator: ", ")))")
                } else {
                    StageIO.writeLine("step \(s["position"]?.intValue ?? 0): \(word)  (candidates: \(top.joined(separator: ", ")))")
                }
            }
            if let forced { StageIO.writeLine("total log p \(p(forced["log_probability"]))") }
        }
    }
}
