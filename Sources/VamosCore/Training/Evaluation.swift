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
    let translator = try Translator(model: model)
    var report = EvaluationReport()
    var references: [String] = []
    for (i, pair) in corpus.pairs.enumerated() {
        let ids = try translator.sourceIDs(pair.source.joined(separator: " "))
        let hypothesis = try translator.text(try translator.decode(try translator.encode(ids), maxLength: maxLength).map(\.id))
        // The reference written as detokenize writes the hypothesis (word level: punctuation attached).
        let reference = translator.model.tokenizer == nil ? Punctuation.join(pair.target) : pair.target.joined(separator: " ")
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
