/// `posenc`: tensor `embeddings` → `encoder_input` = embeddings + position values.
/// `trace` also keeps the position values alone (`positional_encoding`); `keep` keeps `embeddings`.
public struct PosencStage {
    public let context: StageContext
    public let keep: Bool
    public let trace: Bool
    /// With `trace`: which trace tensors to keep (`--trace-filter`).
    public var traceFilter = TraceFilter.all
    let positions: PositionalEncoding

    public init(context: StageContext, keep: Bool = false, trace: Bool = false) throws {
        self.context = context
        self.keep = keep
        self.trace = trace
        positions = try context.model.positionalEncoding("encoder")
    }

    public func run(_ doc: inout Document) throws {
        let e = try context.sequenceTensor(doc, "embeddings", producer: "embed")
        context.adopt(&doc)
        let T = e.shape[0], C = e.shape[1]
        let p = try positions.values(count: T)
        var x = e.data
        for i in x.indices { x[i] += p[i] }
        if !keep { doc.tensors["embeddings"] = nil }
        if trace, traceFilter.matches("positional_encoding") { doc.tensors["positional_encoding"] = Tensor(shape: [T, C], data: p, axes: Axes.sourceRows) }
        doc.tensors["encoder_input"] = Tensor(shape: [T, C], data: x, axes: Axes.sourceRows)
    }
}
