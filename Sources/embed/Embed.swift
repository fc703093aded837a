import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Embed: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "source.ids → word embeddings (tensor 'embeddings', [token, d_model]).",
        discussion: """
            Reads Vamos documents (one per line) on stdin; each needs source.ids (from tokenize). \
            Looks every id up in the model's embedding matrix, multiplies by √d_model when the \
            config sets scale_embedding, and adds the tensor 'embeddings'. Everything else passes \
            through.
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions

    func run() throws {
        StageIO.setUp()
        compute.apply()
        try StageIO.run(stage: "embed") {
            let context = StageContext(stage: "embed", model: try modelOptions.load(vocabularies: false)) { StageIO.warn("embed", $0) }
            let stage = try EmbedStage(context: context)
            try StageIO.forEachDocument(stage: "embed", pretty: output.pretty) { try stage.run(&$0) }
        }
    }
}
