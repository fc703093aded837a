/// A JSON value as Vamos holds it between reading and writing.
///
/// Numbers keep their own text (`"0.1"`, `"7.038531e-26"`), so a float is converted exactly once,
/// from its text, to float32 — never through a Double — and a document read and written again is
/// byte-for-byte the same. Objects keep their keys in order.
public indirect enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object(JSONObject)
    /// An array of float32 numbers (a tensor's `data`), held as float32: read straight from its
    /// text and written as each value's shortest text (FloatText.swift). The same JSON text as
    /// `.array` of `.float`s, without a value per number.
    case floats([Float])
    /// A long flat array of scalars (`source.ids`, `source.tokens`) as read: its checked JSON text,
    /// parsed when asked for (`arrayValue`), written back byte for byte. Equal to the `.array`
    /// it stands for.
    case arrayText(ArrayText)

    public static func int(_ v: Int) -> JSON { .number(String(v)) }
    public static func float(_ v: Float) -> JSON { .number(formatFloat(v)) }

    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSON]? {
        switch self {
        case .array(let a): return a
        case .floats(let f): return f.map { .float($0) }
        case .arrayText(let t): return t.items
        default: return nil
        }
    }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// An integer, when the number's text is one (`3`, not `3.0` or `3e0`).
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// A finite number as Double (config values such as `layer_norm_eps`).
    public var doubleValue: Double? {
        guard case .number(let text) = self, let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// Arrays are equal whatever their form (`.floats` and `.arrayText` as the values they hold).
    public static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.object(let x), .object(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.floats(let x), .floats(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        case (.arrayText(let x), .arrayText(let y)) where x.bytes == y.bytes: return true
        default:
            guard a.kindName == "an array", b.kindName == "an array" else { return false }
            return a.arrayValue! == b.arrayValue!
        }
    }

    /// What kind of value this is, for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array, .floats, .arrayText: return "an array"
        case .object: return "an object"
        }
    }
}

/// The checked JSON text of a flat array of scalars, without white space (JSONStreamReader).
public struct ArrayText: Equatable, Sendable {
    public let bytes: [UInt8]
    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// The values (parsed each time: keep the result).
    public var items: [JSON] {
        var copy = bytes
        return (try? JSONCodec.parse(bytes: &copy, what: "array"))?.arrayValue ?? []
    }

    /// The values as integers when every one is a JSON integer (`ids`), without a JSON value each.
    public var integers: [Int]? {
        var out: [Int] = []
        var value = 0, digits = 0, negative = false
        for b in bytes.dropFirst() {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (v, o2) = m.addingReportingOverflow(Int(b - 0x30))
                if o1 || o2 { return nil }
                value = v
                digits += 1
            case UInt8(ascii: "-") where digits == 0 && !negative: negative = true
            case UInt8(ascii: ","), UInt8(ascii: "]"):
                if digits == 0 { return b == UInt8(ascii: "]") && out.isEmpty && !negative ? out : nil }
                out.append(negative ? -value : value)
                value = 0; digits = 0; negative = false
            default: return nil
            }
        }
        return out
    }
}

/// A JSON object with its keys in order. Setting an existing key replaces it in place.
public struct JSONObject: Equatable, Sendable {
    public private(set) var keys: [String] = []
    private var values: [String: JSON] = [:]

    public init() {}
    public init(_ pairs: [(String, JSON)]) { for (k, v) in pairs { self[k] = v } }

    public subscript(key: String) -> JSON? {
        get { values[key] }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    public var pairs: [(String, JSON)] { keys.map { ($0, values[$0]!) } }
    public var isEmpty: Bool { keys.isEmpty }
}
