import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Encode: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "The encoder: 'encoder_input' → 'encoder_output' ([token, d_model]).",
        discussion: """
            Reads Vamos documents on stdin; each needs the tensor 'encoder_input' (from posenc). \
            Runs every encoder layer — self-attention (queries, keys, values, similarities, \
            softmax), residual connections, and the layer norm and feed-forward block when the \
            config has them — and writes 'encoder_output'. 'encoder_input' is dropped unless --keep.
            --trace adds each layer's internals, named as TransformerLens names them \
            (encoder.blocks.0.attn.hook_q, …hook_attn_scores, …hook_pattern, …hook_resid_mid); \
            docs/FORMAT.md lists them.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Keep the consumed tensor 'encoder_input'.")
    var keep = false

    @Flag(name: .long, help: "Add per-layer, per-head Q, K, V, similarity scores, attention weights and residual sums.")
    var trace = false

    func run() throws {
        StageIO.setUp()
        try StageIO.run(stage: "encode") {
            let context = StageContext(stage: "encode", model: try modelOptions.load()) { StageIO.warn("encode", $0) }
            let stage = try EncodeStage(context: context, keep: keep, trace: trace)
            try StageIO.forEachDocument(stage: "encode", pretty: output.pretty) { try stage.run(&$0) }
        }
    }
}
