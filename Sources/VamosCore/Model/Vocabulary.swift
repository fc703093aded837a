/// A vocabulary as Marian lays it out: `vocab.json`, a JSON object token → id.
public struct Vocabulary: Sendable {
    public let ids: [String: Int]
    /// id → token; ids the file does not name read as `<id N>`.
    public let tokens: [String]
    /// Whether the file names each id.
    public let named: [Bool]
    /// token → id by the token's exact UTF-8 bytes, as Python's `dict` compares strings (Swift's
    /// `String` equality treats canonically equivalent spellings, `é` and `e◌́`, as one key).
    public let exactIDs: [[UInt8]: Int]

    public init(json: JSON, file: String, size: Int) throws {
        guard let obj = json.objectValue else { throw VamosError("\(file): expected a JSON object token → id") }
        var tokens = [String?](repeating: nil, count: size)
        var ids: [String: Int] = [:]
        var exact: [[UInt8]: Int] = [:]
        for (token, value) in obj.pairs {
            guard let id = value.intValue else { throw VamosError("\(file): id of '\(token)' is not an integer") }
            guard id >= 0 && id < size else {
                throw VamosError("\(file): id \(id) of '\(token)' is outside the model's vocabulary size \(size)")
            }
            if let other = tokens[id] { throw VamosError("\(file): id \(id) is given to both '\(other)' and '\(token)'") }
            tokens[id] = token
            ids[token] = id
            exact[Array(token.utf8)] = id
        }
        self.ids = ids
        self.exactIDs = exact
        self.named = tokens.map { $0 != nil }
        self.tokens = tokens.enumerated().map { $0.element ?? "<id \($0.offset)>" }
    }

    public var count: Int { tokens.count }
    public subscript(id: Int) -> String { tokens[id] }
    public func id(of token: String) -> Int? { ids[token] }
    /// The id of exactly these UTF-8 bytes (no Unicode equivalence).
    public func exactID(of token: String) -> Int? { exactIDs[Array(token.utf8)] }
    public var unknownID: Int? { ids["<unk>"] }
}
