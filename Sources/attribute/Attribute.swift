import ArgumentParser
import VamosCLI
import VamosCore

@main
struct Attribute: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "attribute",
        abstract: "Which source words each target word came from: gradient attributions (saliency, input × gradient, integrated gradients).",
        discussion: """
            Reads Vamos documents on stdin holding source.ids and target.ids (what decode writes; \
            every field passes through) and adds, for each --method, the tensor \
            'attributions.METHOD' [target, token] — one row per target id, the final <EOS> \
            included, one column per source token — and 'attributions.METHOD.target' [target, \
            position] over the decoder's inputs (the start token, then the target shifted right), \
            plus 'attributions.log_probability' [target]. Row t explains log p(y_t | y_<t, x) under \
            the model's own softmax (no logits processors), by backpropagation to encoder_input \
            (embeddings + positions) and to the decoder input e:
              saliency              ‖∂ log p / ∂ e_s‖₂
              input_x_gradient      Σ_d e_s[d] · ∂ log p / ∂ e_s[d]
              integrated_gradients  Σ_d e_s[d] · (1/m) Σ_{k=1..m} ∂ log p / ∂ e_s[d] at (k/m)·e  \
            (baseline 0, m = --steps; source and target inputs scaled together)
            as Inseq defines them; docs/FORMAT.md, "Attributions". tensor attention and tensor html \
            draw them.
            \(stageExitStatus)
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var compute: ComputeOptions

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp(
        "Which attributions to compute: saliency, input_x_gradient, integrated_gradients (default: all three).",
        valueName: "method"))
    var method: [String] = []

    @Option(name: .long, help: "Integrated gradients: the number m of interpolation steps (1…10000).")
    var steps = 50

    func validate() throws {
        for m in method where AttributionMethod(rawValue: m) == nil {
            throw ValidationError("--method '\(m)' is not one of \(AttributionMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...10_000).contains(steps) else { throw ValidationError("--steps must be between 1 and 10000") }
    }

    func run() throws {
        StageIO.setUp()
        compute.apply()
        var methods: [AttributionMethod] = []
        for m in method.compactMap(AttributionMethod.init(rawValue:)) where !methods.contains(m) { methods.append(m) }
        if methods.isEmpty { methods = AttributionMethod.allCases }
        try StageIO.run(stage: "attribute") {
            let context = StageContext(stage: "attribute", model: try modelOptions.load(vocabularies: false)) { StageIO.warn("attribute", $0) }
            let stage = try AttributeStage(context: context, methods: methods, steps: steps)
            try StageIO.forEachDocument(stage: "attribute", pretty: output.pretty) { try stage.run(&$0) }
        }
    }
}
