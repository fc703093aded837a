import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Posenc: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "posenc",
        abstract: "Adds positional encoding: 'embeddings' → 'encoder_input'.",
        discussion: """
            Reads Vamos documents on stdin; each needs the tensor 'embeddings' (from embed). Adds \
            the position values the config names (sinusoidal_halves as Marian, \
            sinusoidal_interleaved as the original paper, learned, or none) and writes \
            'encoder_input' = embeddings + positions. 'embeddings' is dropped unless --keep.
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions

    @Flag(name: .long, help: "Keep the consumed tensor 'embeddings'.")
    var keep = false

    @Flag(name: .long, help: "Also write the position values alone, as 'positional_encoding'.")
    var trace = false

    @OptionGroup var traceFilter: TraceFilterOptions

    func run() throws {
        StageIO.setUp()
        compute.apply()
        try StageIO.run(stage: "posenc") {
            let context = StageContext(stage: "posenc", model: try modelOptions.load(vocabularies: false)) { StageIO.warn("posenc", $0) }
            var stage = try PosencStage(context: context, keep: keep, trace: trace || traceFilter.isOn)
            stage.traceFilter = traceFilter.filter
            try StageIO.forEachDocument(stage: "posenc", pretty: output.pretty) { try stage.run(&$0) }
        }
    }
}
