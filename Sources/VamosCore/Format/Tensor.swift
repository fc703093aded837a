/// A float32 tensor: a shape and one contiguous, row-major buffer.
///
/// `axes`, when present, names each dimension (`["token", "d_model"]`); tools use it for labels.
public struct Tensor: Equatable, Sendable {
    public var shape: [Int]
    public var data: [Float]
    public var axes: [String]?
    /// Any other keys of the tensor's JSON object, passed through unchanged ("extend, never rename").
    public var extra = JSONObject()

    public init(shape: [Int], data: [Float], axes: [String]? = nil) {
        precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not match \(data.count) values")
        precondition(axes == nil || axes!.count == shape.count, "axes \(axes!) do not match shape \(shape)")
        self.shape = shape
        self.data = data
        self.axes = axes
    }

    public init(zeros shape: [Int], axes: [String]? = nil) {
        self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)), axes: axes)
    }

    public var count: Int { data.count }
    public var rank: Int { shape.count }

    /// Rows of a rank-2 tensor `[rows, cols]`.
    public var rows: Int { shape[0] }
    /// Columns of a rank-2 tensor `[rows, cols]`.
    public var cols: Int { shape[1] }

    /// Row `i` of a rank-2 tensor, as a copy.
    public func row(_ i: Int) -> [Float] { Array(data[(i * cols)..<((i + 1) * cols)]) }
}

extension Tensor {
    /// Largest number of values a tensor read from a document may claim (2^31), checked on the
    /// shape before anything is allocated.
    public static let maxElements = 1 << 31
    public static let maxRank = 8

    /// The element count of a shape given by untrusted input, without overflow.
    public static func checkedCount(_ shape: [Int], what: String) throws -> Int {
        guard shape.count <= maxRank else {
            throw VamosError("\(what): shape has \(shape.count) dimensions; at most \(maxRank) are supported")
        }
        var n = 1
        for d in shape {
            guard d >= 0 else { throw VamosError("\(what): shape \(shape) has a negative dimension") }
            // Even an empty tensor may not claim a huge dimension: tools size labels by it.
            guard d <= maxElements else { throw VamosError("\(what): shape \(shape) has a dimension over \(maxElements)") }
            let (p, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, p <= maxElements else {
                throw VamosError("\(what): shape \(shape) has more than \(maxElements) elements")
            }
            n = p
        }
        // An empty tensor has no data to vouch for its other dimensions: keep them modest, since
        // tools size row and column labels by them.
        if n == 0, let big = shape.first(where: { $0 > 1 << 20 }) {
            throw VamosError("\(what): shape \(shape) is empty but claims a dimension of \(big) (at most \(1 << 20))")
        }
        return n
    }

    /// Decodes `{"shape": [...], "axes": [...]?, "data": [...]}`; `what` names it in errors.
    public init(json: JSON, what: String) throws {
        guard let obj = json.objectValue else { throw VamosError("\(what): expected an object, got \(json.kindName)") }
        guard let shapeJSON = obj["shape"]?.arrayValue else {
            throw VamosError("\(what): 'shape' must be an array of non-negative integers")
        }
        var shape: [Int] = []
        for d in shapeJSON {
            guard let v = d.intValue, v >= 0 else {
                throw VamosError("\(what): 'shape' must hold non-negative integers, got \(JSONCodec.serialize(d))")
            }
            shape.append(v)
        }
        let expected = try Tensor.checkedCount(shape, what: what)
        let data: [Float]
        if case .floats(let values)? = obj["data"] {
            // Read by the scanner straight into float32 (FloatText.swift).
            guard values.count == expected else {
                throw VamosError("\(what): shape \(shape) needs \(expected) values in 'data', found \(values.count)")
            }
            data = values
        } else {
            data = try Tensor.decodeData(obj["data"], expected: expected, shape: shape, what: what)
        }
        var axes: [String]? = nil
        if let axesJSON = obj["axes"], !axesJSON.isNull {
            guard let arr = axesJSON.arrayValue, arr.allSatisfy({ $0.stringValue != nil }), arr.count == shape.count else {
                throw VamosError("\(what): 'axes' must hold \(shape.count) string(s), one per dimension")
            }
            axes = arr.map { $0.stringValue! }
        }
        self.init(shape: shape, data: data, axes: axes)
        for (k, v) in obj.pairs where !["shape", "axes", "data"].contains(k) { extra[k] = v }
    }

    /// `data` given as JSON values (a document built in code, or a key the scanner did not take
    /// for `data`, such as "d\u0061ta").
    static func decodeData(_ json: JSON?, expected: Int, shape: [Int], what: String) throws -> [Float] {
        guard let dataJSON = json?.arrayValue else {
            throw VamosError("\(what): 'data' must be a flat array of numbers")
        }
        guard dataJSON.count == expected else {
            throw VamosError("\(what): shape \(shape) needs \(expected) values in 'data', found \(dataJSON.count)")
        }
        var data = [Float]()
        data.reserveCapacity(expected)
        for (i, v) in dataJSON.enumerated() {
            guard case .number(let text) = v else {
                throw VamosError("\(what): data[\(i)] must be a number, got \(v.kindName)")
            }
            guard let f = parseFloat(text) else {
                throw VamosError("\(what): data[\(i)] = \(text) is not a finite float32")
            }
            data.append(f)
        }
        return data
    }

    public var json: JSON {
        var obj = JSONObject()
        obj["shape"] = .array(shape.map { .int($0) })
        if let axes { obj["axes"] = .array(axes.map { .string($0) }) }
        obj["data"] = .floats(data)
        for (k, v) in extra.pairs { obj[k] = v }
        return .object(obj)
    }
}
