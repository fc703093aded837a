/// `embed`: `source.ids` → tensor `embeddings` [T, d_model] (scaled by √d_model if configured).
public struct EmbedStage {
    public let context: StageContext
    let embedding: Embedding

    public init(context: StageContext) throws {
        self.context = context
        embedding = try context.model.sourceEmbedding()
    }

    public func run(_ doc: inout Document) throws {
        let ids = try doc.ids("source", producer: "tokenize", stage: context.stage)
        guard !ids.isEmpty else { throw VamosError("'source.ids' is empty; a sentence needs at least one token (tokenize appends <EOS>)") }
        context.adopt(&doc)
        let e = try embedding.forward(ids, field: "source.ids")
        doc.tensors["embeddings"] = Tensor(shape: [ids.count, embedding.dModel], data: e, axes: Axes.sourceRows)
    }
}
