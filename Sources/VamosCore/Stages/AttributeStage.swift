/// `attribute`: `source.ids` and `target.ids` (what `decode` writes) → tensors `attributions.METHOD`
/// [target, token] and `attributions.METHOD.target` [target, position] (Attributions.swift), and
/// `attributions.log_probability` [target]: log p(y_t | y_<t, x) under the model's own softmax.
///
/// The inputs are the ones the stages compute: encoder_input = embed + posenc of `source.ids`, the
/// decoder input = the decoder's embedding + positions of `[decoder_start_token_id] + target.ids[:-1]`.
public struct AttributeStage {
    public let context: StageContext
    public let methods: [AttributionMethod]
    public let steps: Int
    let model: TrainingModel<Double>
    let sourceEmbedding: Embedding, targetEmbedding: Embedding
    let sourcePositions: PositionalEncoding, targetPositions: PositionalEncoding

    public static let logProbabilityName = "attributions.log_probability"

    public init(context: StageContext, methods: [AttributionMethod], steps: Int) throws {
        self.context = context
        self.methods = methods
        self.steps = steps
        let m = context.model
        model = TrainingModel(parameters: try Parameters<Double>.load(m))
        sourceEmbedding = try m.sourceEmbedding()
        targetEmbedding = try m.targetEmbedding()
        sourcePositions = try m.positionalEncoding("encoder")
        targetPositions = try m.positionalEncoding("decoder")
    }

    public func run(_ doc: inout Document) throws {
        let c = context.model.config
        let sourceIDs = try doc.ids("source", producer: "tokenize", stage: context.stage)
        let targetIDs = try doc.ids("target", producer: "decode", stage: context.stage)
        guard !sourceIDs.isEmpty else { throw VamosError("'source.ids' is empty; a sentence needs at least one token (tokenize appends <EOS>)") }
        guard !targetIDs.isEmpty else { throw VamosError("'target.ids' is empty; attribute explains each target id (decode writes them, the final <EOS> included)") }
        for (t, id) in targetIDs.enumerated() where id < 0 || id >= c.decoderVocabSize {
            throw VamosError("'target.ids[\(t)]' is \(id), outside the target vocabulary (0..<\(c.decoderVocabSize))")
        }
        // encoder_input exactly as embed | posenc compute it; the decoder input as the decoder does.
        var x = try sourceEmbedding.forward(sourceIDs, field: "source.ids")
        let px = try sourcePositions.values(count: sourceIDs.count)
        for i in x.indices { x[i] += px[i] }
        let inputs = [c.decoderStartTokenID] + targetIDs.dropLast()
        let y = try targetPositions.forward(try targetEmbedding.forward(inputs, field: "target.ids"), start: 0)
        context.adopt(&doc)
        let S = targetIDs.count, T = sourceIDs.count
        var logProbabilities: [Float]? = nil
        for (method, a) in Attributions.compute(methods, model: model, source: x, target: y, labels: targetIDs, steps: steps) {
            doc.tensors[method.tensorName] = Tensor(shape: [S, T], data: a.source, axes: ["target", "token"])
            doc.tensors[method.targetTensorName] = Tensor(shape: [S, S], data: a.target, axes: ["target", "position"])
            if logProbabilities == nil { logProbabilities = a.logProbabilities }
        }
        if let logProbabilities {
            doc.tensors[AttributeStage.logProbabilityName] = Tensor(shape: [S], data: logProbabilities, axes: ["target"])
        }
    }
}
