/// Reads typed values out of a JSON object, with defaults stated once at the call site and errors
/// that name the file and the key: `config.json: 'd_model' must be a positive integer, got "8"`.
public struct ConfigDecoder {
    public let object: JSONObject
    public let file: String

    public init(_ object: JSONObject, file: String) {
        self.object = object
        self.file = file
    }

    private func fail(_ key: String, _ expected: String) -> VamosError {
        VamosError("\(file): '\(key)' must be \(expected), got \(JSONCodec.serialize(object[key] ?? .null))")
    }

    public func has(_ key: String) -> Bool { object[key].map { !$0.isNull } ?? false }

    public func int(_ key: String, default value: Int? = nil, min: Int = 0, max: Int = Int.max) throws -> Int {
        guard let v = object[key], !v.isNull else {
            guard let value else { throw VamosError("\(file): missing required key '\(key)'") }
            return value
        }
        guard let i = v.intValue, i >= min, i <= max else {
            throw fail(key, max < Int.max ? "an integer from \(min) to \(max)" : min > 0 ? "a positive integer" : "an integer ≥ \(min)")
        }
        return i
    }

    public func optionalInt(_ key: String) throws -> Int? {
        guard has(key) else { return nil }
        return try int(key)
    }

    public func bool(_ key: String, default value: Bool) throws -> Bool {
        guard let v = object[key], !v.isNull else { return value }
        guard let b = v.boolValue else { throw fail(key, "true or false") }
        return b
    }

    public func double(_ key: String, default value: Double) throws -> Double {
        guard let v = object[key], !v.isNull else { return value }
        guard let d = v.doubleValue else { throw fail(key, "a number") }
        return d
    }

    public func string(_ key: String, default value: String) throws -> String {
        guard let v = object[key], !v.isNull else { return value }
        guard let s = v.stringValue else { throw fail(key, "a string") }
        return s
    }

    public func choice<E: RawRepresentable & CaseIterable>(_ key: String, default value: E) throws -> E
    where E.RawValue == String {
        let s = try string(key, default: value.rawValue)
        guard let e = E(rawValue: s) else {
            throw fail(key, "one of " + E.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
        }
        return e
    }
}
