import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Detokenize: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "detokenize",
        abstract: "target.ids → a line of text (the last stage).",
        discussion: """
            Reads Vamos documents on stdin; each needs target.ids (from decode). Writes the target \
            words joined by spaces, special tokens (<EOS>, pad, the start token) left out, one line \
            per document; for an opus-mt directory (target.spm), the text transformers' \
            MarianTokenizer.decode(ids, skip_special_tokens=True) gives. With --json, writes the document instead, with target.text added.
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions

    @Flag(name: .long, help: "Write the document (with target.text) instead of plain text.")
    var json = false

    func run() throws {
        StageIO.setUp()
        compute.apply()
        try StageIO.run(stage: "detokenize") {
            let context = StageContext(stage: "detokenize", model: try modelOptions.load()) { StageIO.warn("detokenize", $0) }
            let stage = DetokenizeStage(context: context)
            let reader = JSONStreamReader(fd: 0, name: "input")
            while let value = try reader.next() {
                let at = "input line \(reader.documentLine)"
                do {
                    var doc = try Document(json: value, what: at)
                    if json {
                        try stage.run(&doc)
                        StageIO.writeDocument(doc, pretty: output.pretty)
                    } else {
                        StageIO.writeLine(try stage.text(doc))
                    }
                } catch let e as VamosError {
                    throw e.message.hasPrefix("input") ? e : VamosError("\(at): \(e.message)")
                }
            }
        }
    }
}
