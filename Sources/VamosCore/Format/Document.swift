/// One document of the stream: what a stage reads on a line of stdin and writes on a line of stdout.
///
///     {"format": "vamos/1", "stage": "posenc", "model": {"name": …, "sha256": …},
///      "source": {"text": …, "tokens": […], "ids": […]}, "target": {"tokens": […], "ids": […]},
///      "tensors": {"encoder_input": {"shape": [3, 2], "axes": ["token", "d_model"], "data": […]}}}
///
/// Fields a stage does not know pass through unchanged, in their order. Written in a fixed order
/// (format, stage, model, source, target, the others as read, tensors), so reading then writing a
/// document is byte-for-byte stable. See docs/FORMAT.md.
public struct Document: Sendable {
    public static let formatVersion = "vamos/1"
    static let leadingKeys = ["format", "stage", "model", "source", "target"]

    /// Every top-level field except `tensors`.
    public var fields: JSONObject
    /// The tensors, in order.
    public var tensors: TensorMap

    public init(stage: String) {
        fields = JSONObject()
        fields["format"] = .string(Document.formatVersion)
        fields["stage"] = .string(stage)
        tensors = TensorMap()
    }

    /// Decodes a parsed document; `what` names it in errors (`input line 3`).
    public init(json: JSON, what: String = "document") throws {
        guard var obj = json.objectValue else {
            throw VamosError("\(what): expected a JSON object (a Vamos document), got \(json.kindName)")
        }
        guard let format = obj["format"] else {
            throw VamosError("\(what): no 'format' field; expected \"\(Document.formatVersion)\"")
        }
        guard format.stringValue == Document.formatVersion else {
            throw VamosError("\(what): 'format' must be \"\(Document.formatVersion)\", got \(JSONCodec.serialize(format))")
        }
        var tensors = TensorMap()
        if let t = obj["tensors"] {
            guard let tobj = t.objectValue else { throw VamosError("\(what): 'tensors' must be an object of named tensors") }
            for (name, value) in tobj.pairs {
                tensors[name] = try Tensor(json: value, what: "tensor '\(name)'")
            }
            obj["tensors"] = nil
        }
        self.fields = obj
        self.tensors = tensors
    }

    public var json: JSON {
        var out = JSONObject()
        for key in Document.leadingKeys { if let v = fields[key] { out[key] = v } }
        for (key, value) in fields.pairs where !Document.leadingKeys.contains(key) { out[key] = value }
        if !tensors.isEmpty {
            out["tensors"] = .object(JSONObject(tensors.pairs.map { ($0.0, $0.1.json) }))
        }
        return .object(out)
    }

    public func serialized(pretty: Bool = false) -> String { JSONCodec.serialize(json, pretty: pretty) }

    /// JSON cannot hold NaN or ±∞: a stage whose arithmetic overflowed float32 reports it instead of
    /// writing a document nobody can read.
    public func checkFinite() throws {
        for (name, t) in tensors.pairs {
            if let i = t.data.firstIndex(where: { !$0.isFinite }) {
                throw VamosError("tensor '\(name)' data[\(i)] is \(t.data[i]): the computation overflowed float32")
            }
        }
    }

    public var stage: String? {
        get { fields["stage"]?.stringValue }
        set { fields["stage"] = newValue.map { .string($0) } }
    }

    // MARK: source and target

    /// `source` or `target`, as an object (empty when absent).
    public func side(_ name: String) -> JSONObject { fields[name]?.objectValue ?? JSONObject() }

    public mutating func setSide(_ name: String, _ value: JSONObject) { fields[name] = .object(value) }

    /// The ids of `source` or `target`; errors name the field and the stage that writes it.
    public func ids(_ side: String, producer: String, stage: String) throws -> [Int] {
        guard let value = self.side(side)["ids"] else {
            throw VamosError("no '\(side).ids'; pipe the document through \(producer) first")
        }
        if case .arrayText(let t) = value, let ids = t.integers { return ids }
        guard let arr = value.arrayValue else { throw VamosError("'\(side).ids': expected an array of integers") }
        return try arr.enumerated().map { i, v in
            guard let id = v.intValue else {
                throw VamosError("'\(side).ids[\(i)]': expected an integer, got \(JSONCodec.serialize(v))")
            }
            return id
        }
    }

    /// A tensor this stage needs; the error says which stage normally produces it.
    public func tensor(_ name: String, producer: String) throws -> Tensor {
        guard let t = tensors[name] else {
            throw VamosError("no tensor '\(name)'; pipe the document through \(producer) first")
        }
        return t
    }
}

/// Named tensors in insertion order.
public struct TensorMap: Sendable {
    private var names: [String] = []
    private var values: [String: Tensor] = [:]

    public init() {}

    public subscript(name: String) -> Tensor? {
        get { values[name] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: name) == nil { names.append(name) }
            } else if values.removeValue(forKey: name) != nil {
                names.removeAll { $0 == name }
            }
        }
    }

    public var pairs: [(String, Tensor)] { names.map { ($0, values[$0]!) } }
    public var keys: [String] { names }
    public var isEmpty: Bool { names.isEmpty }
    public var count: Int { names.count }
}

/// Documents computed as a running batch they join and leave at any step (`decode`'s greedy
/// search): `admit` adds one, `step` advances all, returning those that finished with their index
/// (numbered in the order admitted).
public protocol DocumentStream {
    var running: Int { get }
    mutating func admit(_ doc: Document) throws -> Int
    mutating func step() throws -> [(index: Int, doc: Document)]
}
