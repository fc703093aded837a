/// A vocabulary as Marian lays it out: `vocab.json`, a JSON object token → id.
public struct Vocabulary: @unchecked Sendable {
    /// id → token; ids the file does not name read as `<id N>`.
    public let tokens: [String]
    /// Whether the file names each id.
    public let named: [Bool]
    /// The named ids in the file's order (a later duplicate spelling wins in `ids`, as before).
    private let fileOrder: [Int]
    /// The lookups are built on first use: `decode` only ever maps ids to tokens.
    private let lookup = Lookup()

    private final class Lookup {
        var ids: [String: Int]?
        var exact: [[UInt8]: Int]?
    }

    /// token → id (String equality: canonically equivalent spellings are one key).
    public var ids: [String: Int] {
        if let d = lookup.ids { return d }
        var d = [String: Int](minimumCapacity: fileOrder.count)
        for id in fileOrder { d[tokens[id]] = id }
        lookup.ids = d
        return d
    }

    /// token → id by the token's exact UTF-8 bytes, as Python's `dict` compares strings (Swift's
    /// `String` equality treats canonically equivalent spellings, `é` and `e◌́`, as one key).
    public var exactIDs: [[UInt8]: Int] {
        if let d = lookup.exact { return d }
        var d = [[UInt8]: Int](minimumCapacity: fileOrder.count)
        for id in fileOrder { d[Array(tokens[id].utf8)] = id }
        lookup.exact = d
        return d
    }

    /// vocab.json's bytes: the flat object most files are (VocabularyReader), else the general reader.
    public init(bytes: inout [UInt8], file: String, size: Int) throws {
        if let pairs = VocabularyReader.flatPairs(bytes) {
            try self.init(pairs: pairs, file: file, size: size)
        } else {
            try self.init(json: try JSONCodec.parse(bytes: &bytes, what: file), file: file, size: size)
        }
    }

    public init(json: JSON, file: String, size: Int) throws {
        guard let obj = json.objectValue else { throw VamosError("\(file): expected a JSON object token → id") }
        try self.init(pairs: obj.pairs.map { pair -> (String, Int) in
            guard let id = pair.1.intValue else { throw VamosError("\(file): id of '\(pair.0)' is not an integer") }
            return (pair.0, id)
        }, file: file, size: size)
    }

    init(pairs: [(String, Int)], file: String, size: Int) throws {
        var tokens = [String?](repeating: nil, count: size)
        var order: [Int] = []
        order.reserveCapacity(min(size, 1 << 20))
        for (token, id) in pairs {
            guard id >= 0 && id < size else {
                throw VamosError("\(file): id \(id) of '\(token)' is outside the model's vocabulary size \(size)")
            }
            if let other = tokens[id] { throw VamosError("\(file): id \(id) is given to both '\(other)' and '\(token)'") }
            tokens[id] = token
            order.append(id)
        }
        fileOrder = order
        named = tokens.map { $0 != nil }
        self.tokens = tokens.enumerated().map { $0.element ?? "<id \($0.offset)>" }
    }

    /// What a model loaded without vocabularies has (`Model(directory:vocabularies: false)`).
    public static let unloaded = Vocabulary()

    private init() {
        fileOrder = []
        named = []
        tokens = []
    }

    public var count: Int { tokens.count }
    public subscript(id: Int) -> String { tokens[id] }
    public func id(of token: String) -> Int? { ids[token] }
    /// The id of exactly these UTF-8 bytes (no Unicode equivalence).
    public func exactID(of token: String) -> Int? { exactIDs[Array(token.utf8)] }
    public var unknownID: Int? { ids["<unk>"] }
}
