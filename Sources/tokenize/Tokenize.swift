import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Tokenize: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Text lines → source tokens and ids (the first stage).",
        discussion: """
            Reads plain text, one sentence per line, on stdin. Writes one Vamos document per line \
            on stdout with source.text, source.tokens and source.ids: words split on white space, \
            looked up in the model's vocab.json, <EOS> appended. Unknown words become <unk> \
            (reported on stderr unless --quiet); a vocabulary without <unk> makes them an error. \
            An opus-mt directory (source.spm, target.spm) is tokenized exactly as transformers' \
            MarianTokenizer does: SentencePiece pieces of source.spm, a leading >>lang<< code kept \
            whole, pieces looked up in vocab.json, </s> appended (--lowercase does not apply).

            Example: echo "let's go" | tokenize | embed | posenc | encode | decode | detokenize
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions

    @Flag(inversion: .prefixedNo, help: "Lowercase the text before looking words up (default: the config's 'lowercase').")
    var lowercase: Bool? = nil

    @Flag(name: .long, help: "Do not report unknown words on stderr.")
    var quiet = false

    @Option(name: .long, help: ArgumentHelp(
        "What an unknown word is: warn (on stderr, then <unk>) or error (exit 1 naming it).",
        discussion: "Either way the document records them in source.unknown (position and word) when there are any.",
        valueName: "warn|error"))
    var unknown = "warn"

    func validate() throws {
        guard ["warn", "error"].contains(unknown) else { throw ValidationError("--unknown must be warn or error") }
    }

    func run() throws {
        StageIO.setUp()
        compute.apply()
        try StageIO.run(stage: "tokenize") {
            let context = StageContext(stage: "tokenize", model: try modelOptions.load()) { StageIO.warn("tokenize", $0) }
            let stage = TokenizeStage(context: context, lowercase: lowercase)
            let lines = LineReader(fd: 0, name: "input")
            while let text = try lines.next() {
                let line = lines.line
                do {
                    let (doc, unknown) = try stage.run(text: text)
                    if self.unknown == "error" && !unknown.isEmpty {
                        throw VamosError("unknown word(s) \(unknown.map { "'\($0)'" }.joined(separator: ", ")): not in the vocabulary of model '\(stage.context.model.name)' (--unknown error)")
                    }
                    if !quiet && !unknown.isEmpty {
                        StageIO.warn("tokenize", "input line \(line): unknown word(s) \(unknown.map { "'\($0)'" }.joined(separator: ", ")) → <unk>")
                    }
                    StageIO.writeDocument(doc, pretty: output.pretty)
                } catch let e as VamosError {
                    throw VamosError("input line \(line): \(e.message)")
                }
            }
        }
    }
}
