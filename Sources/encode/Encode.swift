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
            --layers a:b runs only layers a..b-1 (activation patching: stop after a layer, edit \
            'encoder_resid' with any tool, continue with --layers b:).
            --ablate L.H zeroes the output of head H of layer L (TransformerLens' head ablation).
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var batching: BatchOptions

    @Flag(name: .long, help: "Keep the consumed tensor 'encoder_input'.")
    var keep = false

    @Flag(name: .long, help: "Add per-layer, per-head Q, K, V, similarity scores, attention weights and residual sums.")
    var trace = false

    @OptionGroup var traceFilter: TraceFilterOptions
    @OptionGroup var ablation: AblationOptions

    @Option(name: .long, help: ArgumentHelp(
        "Run only encoder layers a..b-1 (Python slice: a:b, a:, :b).",
        discussion: "Reads 'encoder_resid' (whose layers_done must be a) if present, else 'encoder_input' (a = 0); writes 'encoder_output' when b is the last layer, else 'encoder_resid' with layers_done = b. Edit the stream in between with any tool.",
        valueName: "a:b"))
    var layers: String?

    func validate() throws {
        if let layers {
            do { _ = try LayerSlice(parsing: layers) } catch let e as VamosError { throw ValidationError(e.message) }
        }
    }

    func run() throws {
        StageIO.setUp()
        compute.apply()
        try StageIO.run(stage: "encode") {
            let context = StageContext(stage: "encode", model: try modelOptions.load(vocabularies: false)) { StageIO.warn("encode", $0) }
            // A slice outside this model's layers is a usage error (exit 64), found before any input.
            if let slice = try layers.map({ try LayerSlice(parsing: $0) }) {
                do { _ = try slice.resolve(count: context.model.config.encoderLayers) } catch let e as VamosError {
                    StageIO.warn("encode", e.message + " (see 'encode --help')")
                    throw ExitCode.validationFailure
                }
            }
            // A head outside this model is a usage error too.
            do { try HeadAddress.validate(ablation.heads, config: context.model.config, stack: "encoder") } catch let e as VamosError {
                StageIO.warn("encode", e.message + " (see 'encode --help')")
                throw ExitCode.validationFailure
            }
            var stage = try EncodeStage(context: context, keep: keep, trace: trace || traceFilter.isOn,
                                        layers: try layers.map { try LayerSlice(parsing: $0) }, ablate: ablation.heads)
            stage.traceFilter = traceFilter.filter
            try StageIO.forEachDocument(stage: "encode", pretty: output.pretty, batch: batching.batch,
                                        batched: stage.batches ? { try stage.run(batch: &$0) } : nil) { try stage.run(&$0) }
        }
    }
}
