import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Decode: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "The decoder: 'encoder_output' → target.tokens and target.ids (greedy or beam search).",
        discussion: """
            Reads Vamos documents on stdin; each needs the tensor 'encoder_output' (from encode). \
            Starting from the config's decoder_start_token_id (<EOS> in the explainer, <pad> in \
            Marian), runs masked self-attention, encoder–decoder attention and the final fully \
            connected layer + softmax, appends the most probable word (greedy, --beams 1) or keeps \
            the N best partial translations (beam search, --beams N, as transformers' generate), \
            and repeats until <EOS> or --max-length. Defaults come from the model's \
            generation_config.json when it has one (opus-mt: 4 or 6 beams, bad_words_ids [[pad]], \
            forced_eos_token_id), else greedy with <pad> never generated. \
            Writes target.tokens and target.ids (and target.score for beam search); drops \
            'encoder_output' unless --keep.
            --trace adds target.steps (the top-k next words and their probabilities at every \
            step) and the decoder's internals (decoder.blocks.L.attn.hook_pattern for masked \
            self-attention, decoder.blocks.L.cross_attn.hook_pattern for encoder–decoder attention, …).
            --force "TEXT" scores a given translation instead (teacher forcing): target.forced holds \
            each token's probability, log-probability and rank; see docs/FORMAT.md. With --force, \
            --layers a:b runs only some decoder layers (activation patching, as encode --layers). \
            --ablate L.H zeroes a head's output (cross:L.H: encoder–decoder attention).
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions
    @OptionGroup var batching: BatchOptions

    @Option(name: .long, help: "Most ids to generate, <EOS> included, as max_new_tokens (default: generation_config.json's max_length − 1, else config.json's).")
    var maxLength: Int?

    @Option(name: .long, help: "Beam width; 1 is greedy search (default: generation_config.json's num_beams, else 1).")
    var beams: Int?

    @Option(name: .long, parsing: .unconditional, help: "Beam search: score = log-probability / length^p (default: generation_config.json's length_penalty, else 1).")
    var lengthPenalty: Double?

    @Option(name: .long, help: "Beam search stops: false (transformers' heuristic), true (once N are finished) or never (default: generation_config.json's).")
    var earlyStopping: String?

    @Option(name: .long, help: "Never repeat an n-gram of this size (default: generation_config.json's no_repeat_ngram_size, else off).")
    var noRepeatNgramSize: Int?

    @Option(name: .long, help: "How many candidate words --trace lists per step.")
    var topK = 5

    @Flag(name: .long, help: "Keep the consumed tensor 'encoder_output'.")
    var keep = false

    @Flag(name: .long, help: "Add per-step probabilities and attention weights.")
    var trace = false

    @OptionGroup var traceFilter: TraceFilterOptions
    @OptionGroup var ablation: AblationOptions

    @Option(name: .long, help: ArgumentHelp(
        "Score this translation instead of generating one (teacher forcing).",
        discussion: "Word-level models: words split on white space, looked up in the target vocabulary, <EOS> appended unless present; SentencePiece (opus-mt) models: encoded as transformers encodes labels (target.spm), </s> appended. Writes target.forced: per token its probability, log-probability, rank and the top-k candidates; --trace adds the attention at each step.",
        valueName: "text"))
    var force: String?

    @Option(name: .long, help: ArgumentHelp(
        "With --force: run only decoder layers a..b-1 (Python slice: a:b, a:, :b).",
        discussion: "Reads 'decoder_resid' (whose layers_done must be a) if present, else the decoder input (a = 0); writes target.forced when b is the last layer, else 'decoder_resid' with layers_done = b and 'encoder_output' kept. Edit the stream in between with any tool (activation patching); docs/FORMAT.md 5b.",
        valueName: "a:b"))
    var layers: String?

    func validate() throws {
        if let layers {
            do { _ = try LayerSlice(parsing: layers) } catch let e as VamosError { throw ValidationError(e.message) }
            if force == nil { throw ValidationError("--layers needs --force TEXT: the decoder runs in pieces over a given translation (teacher forcing)") }
        }
        if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if topK < 0 || topK > 1_000_000 { throw ValidationError("--top-k must be between 0 and 1000000") }
        if let beams, beams < 1 || beams > GenerationConfig.maxBeams {
            throw ValidationError("--beams must be between 1 and \(GenerationConfig.maxBeams)")
        }
        if let lengthPenalty, !lengthPenalty.isFinite { throw ValidationError("--length-penalty must be a finite number") }
        if let noRepeatNgramSize, noRepeatNgramSize < 0 { throw ValidationError("--no-repeat-ngram-size must not be negative") }
        if let earlyStopping, GenerationConfig.EarlyStopping(rawValue: earlyStopping) == nil {
            throw ValidationError("--early-stopping must be true, false or never")
        }
    }

    func run() throws {
        StageIO.setUp()
        compute.apply()
        try StageIO.run(stage: "decode") {
            let context = StageContext(stage: "decode", model: try modelOptions.load()) { StageIO.warn("decode", $0) }
            // A head outside this model is a usage error, found before any input.
            do {
                let c = context.model.config
                try HeadAddress.validate(ablation.heads, config: c, stack: "decoder")
                if let layers { _ = try LayerSlice(parsing: layers).resolve(count: c.decoderLayers, stack: "decoder", after: "scored as target.forced") }
            } catch let e as VamosError {
                StageIO.warn("decode", e.message + " (see 'decode --help')")
                throw ExitCode.validationFailure
            }
            var stage = try DecodeStage(context: context, keep: keep, trace: trace || traceFilter.isOn, maxLength: maxLength, topK: topK,
                                        beams: beams, lengthPenalty: lengthPenalty,
                                        earlyStopping: earlyStopping.flatMap(GenerationConfig.EarlyStopping.init),
                                        noRepeatNgramSize: noRepeatNgramSize, force: force, ablate: ablation.heads,
                                        layers: try layers.map { try LayerSlice(parsing: $0) })
            stage.traceFilter = traceFilter.filter
            if stage.batches && batching.batch > 1 {
                // Greedy: a running batch documents join as they arrive (continuous batching).
                try StageIO.forEachDocument(stage: "decode", pretty: output.pretty, batch: batching.batch,
                                            stream: stage.stream()) { try stage.run(&$0) }
            } else {
                try StageIO.forEachDocument(stage: "decode", pretty: output.pretty) { try stage.run(&$0) }
            }
        }
    }
}
