import ArgumentParser
import VamosCLI
import VamosCore

struct Get: ParsableCommand {
    @OptionGroup var limits: LimitOptions
    static let configuration = CommandConfiguration(
        abstract: "Prints one tensor per document as a Vamos tensor object {shape, axes, data} (one line), or writes it as NumPy .npy.",
        discussion: "--npy FILE writes format 1.0, '<f4', C order (numpy.load reads it); the input must then hold one document.")

    @Argument(help: "[FILE] NAME") var arguments: [String]
    @Option(help: ArgumentHelp("Write the tensor as a NumPy .npy file instead.", valueName: "file")) var npy: String?
    @Flag(help: "Indent the JSON.") var pretty = false

    func validate() throws {
        let (_, names) = splitInput(arguments)
        guard names.count == 1 else { throw ValidationError("expected one tensor name (and optionally a file before it), got \(names.count)") }
    }

    func run() throws {
        limits.apply()
        let (input, names) = splitInput(arguments)
        try eachDocument(input, names: names) { doc, n in
            let t = try selectTensors(doc, names)[0].1
            if let npy {
                guard n == 1 else { throw VamosError("--npy writes one tensor, but the input has more than one document") }
                try NPY.write(t, to: npy)
            } else {
                StageIO.writeJSON(t.json, pretty: pretty)
            }
        }
    }
}
