/// `encode`: tensor `encoder_input` → `encoder_output`, through every encoder layer.
/// `trace` adds each layer's internals (`encoder.blocks.L.attn.hook_pattern`, …).
public struct EncodeStage {
    public let context: StageContext
    public let keep: Bool
    public let trace: Bool
    let encoder: Encoder

    public init(context: StageContext, keep: Bool = false, trace: Bool = false) throws {
        self.context = context
        self.keep = keep
        self.trace = trace
        encoder = try context.model.encoder()
    }

    public func run(_ doc: inout Document) throws {
        let x = try context.sequenceTensor(doc, "encoder_input", producer: "posenc")
        context.adopt(&doc)
        let t = trace ? Trace() : nil
        let y = encoder.forward(x.data, trace: t)
        if !keep { doc.tensors["encoder_input"] = nil }
        for (name, tensor) in t?.tensors ?? [] { doc.tensors[name] = tensor }
        doc.tensors["encoder_output"] = Tensor(shape: x.shape, data: y, axes: Axes.sourceRows)
    }
}
