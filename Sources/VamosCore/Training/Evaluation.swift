/// How well a model translates a held-out set: exact match (whole sentence), corpus BLEU (as
/// sacrebleu computes it), both per label (construction) too, from greedy decoding of the model
/// as the stages run it.
public struct EvaluationReport: Sendable {
    public var sentences = 0
    public var exact = 0
    public var bleu = 0.0
    public var byLabel: [String: (sentences: Int, exact: Int)] = [:]
    public var exactMatch: Double { sentences > 0 ? Double(exact) / Double(sentences) : 0 }
    public var hypotheses: [String] = []

    public var json: JSON {
        var o = JSONObject([("sentences", .int(sentences)), ("exact_match", .number(String(exactMatch))),
                            ("bleu", .number(String(bleu)))])
        if !byLabel.isEmpty {
            o["exact_match_by_construction"] = .object(JSONObject(byLabel.keys.sorted().map { k in
                let v = byLabel[k]!
                return (k, .object(JSONObject([("sentences", .int(v.sentences)), ("exact", .int(v.exact)),
                                               ("exact_match", .number(String(Double(v.exact) / Double(max(1, v.sentences)))))])))
            }))
        }
        return .object(o)
    }
}

public func evaluateTranslations(model: Model, corpus: ParallelCorpus, maxLength: Int? = nil) throws -> EvaluationReport {
    let context = StageContext(stage: "evaluate", model: model) { _ in }
    let tokenize = TokenizeStage(context: context)
    let embedding = try model.sourceEmbedding()
    let positions = try model.positionalEncoding("encoder")
    let encoder = try model.encoder()
    let decoder = try model.decoder()
    let output = try model.outputProjection()
    let detokenize = DetokenizeStage(context: context)
    var report = EvaluationReport()
    var references: [String] = []
    for (i, pair) in corpus.pairs.enumerated() {
        let (doc, _) = try tokenize.run(text: pair.source.joined(separator: " "))
        let ids = try doc.ids("source", producer: "tokenize", stage: "evaluate")
        let memory = encoder.forward(try positions.forward(try embedding.forward(ids)))
        let steps = try greedyDecode(decoder: decoder, output: output, memory: memory, config: model.config,
                                     maxLength: maxLength ?? min(max(1, model.config.maxLength - 1), model.config.maxPositionEmbeddings))
        var out = Document(stage: "evaluate")
        out.setSide("target", JSONObject([("ids", .array(steps.map { .int($0.id) }))]))
        let hypothesis = try detokenize.text(out)
        let reference = pair.target.joined(separator: " ")
        report.hypotheses.append(hypothesis)
        references.append(reference)
        report.sentences += 1
        let hit = hypothesis == reference
        if hit { report.exact += 1 }
        if i < corpus.labels.count, let label = corpus.labels[i] {
            var v = report.byLabel[label] ?? (0, 0)
            v.sentences += 1
            if hit { v.exact += 1 }
            report.byLabel[label] = v
        }
    }
    report.bleu = corpusBLEU(hypotheses: report.hypotheses, references: references)
    return report
}
