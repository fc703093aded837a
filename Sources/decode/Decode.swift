import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Decode: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "The decoder: 'encoder_output' → target.tokens and target.ids (greedy).",
        discussion: """
            Reads Vamos documents on stdin; each needs the tensor 'encoder_output' (from encode). \
            Starting from the config's decoder_start_token_id (<EOS> in the explainer), runs masked \
            self-attention, encoder–decoder attention and the final fully connected layer + \
            softmax, appends the most probable word, and repeats until <EOS> or --max-length. \
            Writes target.tokens and target.ids; drops 'encoder_output' unless --keep.
            --trace adds target.steps (the top-k next words and their probabilities at every \
            step) and the decoder's internals (decoder.blocks.L.attn.hook_pattern for masked \
            self-attention, decoder.blocks.L.cross_attn.hook_pattern for encoder–decoder attention, …).
            --force "TEXT" scores a given translation instead (teacher forcing): target.forced holds \
            each token's probability, log-probability and rank; see docs/FORMAT.md.
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions

    @Option(name: .long, help: "Most ids to generate, <EOS> included (default: the config's max_length − 1, as max_length counts the start token).")
    var maxLength: Int?

    @Option(name: .long, help: "How many candidate words --trace lists per step.")
    var topK = 5

    @Flag(name: .long, help: "Keep the consumed tensor 'encoder_output'.")
    var keep = false

    @Flag(name: .long, help: "Add per-step probabilities and attention weights.")
    var trace = false

    @Option(name: .long, help: ArgumentHelp(
        "Score this translation instead of generating one (teacher forcing).",
        discussion: "Words split on white space, looked up in the target vocabulary, <EOS> appended unless present. Writes target.forced: per token its probability, log-probability, rank and the top-k candidates; --trace adds the attention at each step.",
        valueName: "text"))
    var force: String?

    func validate() throws {
        if let maxLength, maxLength < 1 { throw ValidationError("--max-length must be at least 1") }
        if topK < 0 { throw ValidationError("--top-k must not be negative") }
    }

    func run() throws {
        StageIO.setUp()
        try StageIO.run(stage: "decode") {
            let context = StageContext(stage: "decode", model: try modelOptions.load()) { StageIO.warn("decode", $0) }
            let stage = try DecodeStage(context: context, keep: keep, trace: trace, maxLength: maxLength, topK: topK, force: force)
            try StageIO.forEachDocument(stage: "decode", pretty: output.pretty) { try stage.run(&$0) }
        }
    }
}
