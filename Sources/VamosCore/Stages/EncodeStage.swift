/// `encode`: tensor `encoder_input` → `encoder_output`, through every encoder layer.
/// `trace` adds each layer's internals (`encoder.blocks.L.attn.hook_pattern`, …).
///
/// `layers` (`encode --layers a:b`) runs only layers a..<b, reading and writing the residual
/// stream, so a run can stop after any layer, be edited by any tool, and continue:
///
/// - input: tensor `encoder_resid` when the document has one — its `layers_done` must equal `a` —
///   else `encoder_input` (then `a` must be 0);
/// - output: `encoder_output` when `b` is the last layer (the final norm of a pre-norm stack
///   applied), else `encoder_resid` with `"layers_done": b` (no final norm);
/// - an incoming `encoder_resid` is always consumed; `keep` keeps `encoder_input`.
///
/// Running `:k` then `k:` gives byte for byte what running `:` gives (Encoder.forward(_:layers:)).
public struct EncodeStage {
    public let context: StageContext
    public let keep: Bool
    public let trace: Bool
    /// With `trace`: which trace tensors to keep (`--trace-filter`).
    public var traceFilter = TraceFilter.all
    public let layers: LayerSlice?
    let encoder: Encoder

    /// The partial stream's tensor and the key inside it that counts the layers it has passed.
    public static let residName = "encoder_resid", layersDoneKey = "layers_done"

    public init(context: StageContext, keep: Bool = false, trace: Bool = false, layers: LayerSlice? = nil,
                ablate: [HeadAddress] = []) throws {
        self.context = context
        self.keep = keep
        self.trace = trace
        self.layers = layers
        encoder = try context.model.encoder().ablating(ablate)
        if let layers { _ = try layers.resolve(count: encoder.layers.count) }
    }

    /// Whether `run(batch:)` applies: no trace, no layer slice (those go one document at a time).
    public var batches: Bool { !trace && layers == nil }

    /// Several documents at once (`encode --batch`): the same documents `run` writes one by one.
    public func run(batch docs: inout [Document]) throws {
        // A partial run (encoder_resid) is for --layers: the caller redoes the batch one by one,
        // which reports it for the right document.
        if docs.contains(where: { $0.tensors[EncodeStage.residName] != nil }) { throw VamosError("encoder_resid in a batch") }
        let inputs = try docs.map { try context.sequenceTensor($0, "encoder_input", producer: "posenc") }
        for i in docs.indices { context.adopt(&docs[i]) }
        let y = encoder.forward(packed: inputs.flatMap(\.data), lengths: inputs.map { $0.shape[0] })
        var offset = 0
        for i in docs.indices {
            let n = inputs[i].count
            if !keep { docs[i].tensors["encoder_input"] = nil }
            docs[i].tensors["encoder_output"] = Tensor(shape: inputs[i].shape, data: Array(y[offset..<(offset + n)]), axes: Axes.sourceRows)
            offset += n
        }
    }

    public func run(_ doc: inout Document) throws {
        let L = encoder.layers.count
        let range = try (layers ?? LayerSlice(start: nil, end: nil)).resolve(count: L)
        let x: Tensor
        if let resid = doc.tensors[EncodeStage.residName] {
            guard let done = resid.extra[EncodeStage.layersDoneKey]?.intValue else {
                throw VamosError("tensor '\(EncodeStage.residName)' needs an integer '\(EncodeStage.layersDoneKey)' (how many encoder layers it has passed)")
            }
            guard let layers else {
                throw VamosError("the document holds a partial encoder run ('\(EncodeStage.residName)' after \(done) layer(s)); continue it with encode --layers \(done):")
            }
            guard done == range.lowerBound else {
                throw VamosError("tensor '\(EncodeStage.residName)' has passed \(done) encoder layer(s), but --layers \(layers) starts at layer \(range.lowerBound); use --layers \(done):")
            }
            x = try context.sequenceTensor(doc, EncodeStage.residName, producer: "encode --layers")
        } else {
            guard range.lowerBound == 0 else {
                throw VamosError("no tensor '\(EncodeStage.residName)'; --layers \(layers!) continues a partial run: run encode --layers :\(range.lowerBound) first")
            }
            x = try context.sequenceTensor(doc, "encoder_input", producer: "posenc")
        }
        context.adopt(&doc)
        let t = trace ? Trace(filter: traceFilter) : nil
        let y = encoder.forward(x.data, layers: range, trace: t)
        doc.tensors[EncodeStage.residName] = nil
        if !keep { doc.tensors["encoder_input"] = nil }
        for (name, tensor) in t?.tensors ?? [] { doc.tensors[name] = tensor }
        if range.upperBound == L {
            doc.tensors["encoder_output"] = Tensor(shape: x.shape, data: y, axes: Axes.sourceRows)
        } else {
            var r = Tensor(shape: x.shape, data: y, axes: Axes.sourceRows)
            r.extra[EncodeStage.layersDoneKey] = .int(range.upperBound)
            doc.tensors[EncodeStage.residName] = r
        }
    }
}

/// A Python slice of layers, `a:b`, `a:`, `:b` or `:` (negative numbers count from the end).
public struct LayerSlice: Equatable, Sendable, CustomStringConvertible {
    public var start: Int?
    public var end: Int?

    public init(start: Int?, end: Int?) {
        self.start = start
        self.end = end
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        func bound(_ s: Substring) throws -> Int? {
            let t = s.trimmingCharacters(in: " ")
            if t.isEmpty { return nil }
            guard let v = Int(t) else { throw VamosError("--layers: '\(text)' is not a slice a:b of layer numbers (e.g. 0:2, 1:, :1)") }
            return v
        }
        guard parts.count == 2 else { throw VamosError("--layers: '\(text)' is not a slice a:b of layer numbers (e.g. 0:2, 1:, :1)") }
        start = try bound(parts[0])
        end = try bound(parts[1])
        if let a = start, let b = end, (a >= 0) == (b >= 0), a > b {
            throw VamosError("--layers '\(text)': the start \(a) is after the end \(b)")
        }
    }

    public var description: String { "\(start.map(String.init) ?? ""):\(end.map(String.init) ?? "")" }

    /// The layers it selects of `count`; an error when a bound is outside 0…count or a > b, or when
    /// it would run nothing past the last layer (`count:count` — that stream is `encoder_output`).
    public func resolve(count: Int, stack: String = "encoder", after: String = "encoder_output") throws -> Range<Int> {
        func abs(_ v: Int?, _ dflt: Int) throws -> Int {
            guard let v else { return dflt }
            let a = v < 0 ? count + v : v
            guard a >= 0 && a <= count else {
                throw VamosError("--layers '\(self)': layer \(v) is outside 0…\(count) (the \(stack) has \(count) layer\(count == 1 ? "" : "s"))")
            }
            return a
        }
        let a = try abs(start, 0), b = try abs(end, count)
        guard a <= b else { throw VamosError("--layers '\(self)': the start \(a) is after the end \(b)") }
        guard !(a == count && count > 0) else {
            throw VamosError("--layers '\(self)': runs no layer past the last (the \(stack) has \(count)); the stream after it is \(after)")
        }
        return a..<b
    }
}

private extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop(while: { $0 == set }).reversed().drop(while: { $0 == set }).reversed())
    }
}
