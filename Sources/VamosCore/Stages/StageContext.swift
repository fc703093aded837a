/// What every stage does around its one call into the math: check the document belongs to this
/// model, and stamp it with the stage and model that wrote it.
public final class StageContext {
    public let stage: String
    public let model: Model
    /// Receives warnings (the executables print them on stderr).
    public let warn: (String) -> Void
    private var warnedAbout: Set<String> = []

    public init(stage: String, model: Model, warn: @escaping (String) -> Void) {
        self.stage = stage
        self.model = model
        self.warn = warn
    }

    /// Warns (once per other model) when the document was made with a different model, then
    /// stamps it with this stage and model.
    public func adopt(_ doc: inout Document) {
        if let m = doc.fields["model"]?.objectValue, let sha = m["sha256"]?.stringValue, sha != model.sha256,
           !warnedAbout.contains(sha) {
            warnedAbout.insert(sha)
            let other = m["name"]?.stringValue ?? "?"
            warn("warning: the document was made with model '\(other)' (sha256 \(sha.prefix(12))…), this stage uses '\(model.name)' (sha256 \(model.sha256.prefix(12))…)")
        }
        doc.fields["model"] = model.identity
        doc.stage = stage
    }

    /// A `[T, d_model]` tensor of the document, checked against this model's width.
    public func sequenceTensor(_ doc: Document, _ name: String, producer: String) throws -> Tensor {
        let t = try doc.tensor(name, producer: producer)
        let C = model.config.dModel
        guard t.rank == 2, t.shape[1] == C else {
            var madeWith = ""
            if let m = doc.fields["model"]?.objectValue, let sha = m["sha256"]?.stringValue, sha != model.sha256 {
                madeWith = " (the document was made with model '\(m["name"]?.stringValue ?? "?")')"
            }
            throw VamosError("tensor '\(name)' has shape \(t.shape); model '\(model.name)' expects [tokens, \(C)] (d_model \(C))\(madeWith)")
        }
        guard t.shape[0] > 0 else { throw VamosError("tensor '\(name)' has no tokens (shape \(t.shape))") }
        return t
    }
}

/// Axis names used for sequence tensors.
public enum Axes {
    public static let sourceRows = ["token", "d_model"]
    public static let targetRows = ["position", "d_model"]
}
