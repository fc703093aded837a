#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the `tensor` tool reads from: a document stream (stdin, or a `.jsonl`/`.json`/`.ndjson`
/// file) or a `.safetensors` file, which reads as one document holding the file's tensors (so a
/// model's weights are listed, shown and diffed like a stage's output).
public enum InspectInput: Equatable, Sendable {
    case stdin
    case documents(path: String)
    case safetensors(path: String)

    /// File name endings that make a command-line argument a file rather than a tensor name.
    public static let fileSuffixes = [".safetensors", ".jsonl", ".json", ".ndjson"]

    /// True when `argument` names an input file (`-` is stdin) rather than a tensor.
    public static func isFileArgument(_ argument: String) -> Bool {
        argument == "-" || fileSuffixes.contains { argument.hasSuffix($0) }
    }

    /// `-` is stdin; `….safetensors` a weights file; anything else a document stream.
    public init(path: String) {
        if path == "-" { self = .stdin }
        else if path.hasSuffix(".safetensors") { self = .safetensors(path: path) }
        else { self = .documents(path: path) }
    }

    /// How errors name it.
    public var name: String {
        switch self {
        case .stdin: return "input"
        case .documents(let p), .safetensors(let p): return p
        }
    }

    /// Opens it. `names`, for a safetensors file, limits which tensors are read (nil: all).
    public func open(names: Set<String>? = nil) throws -> DocumentReader {
        switch self {
        case .stdin:
            return DocumentReader(stream: JSONStreamReader(fd: 0, name: "input"), fd: nil, name: "input")
        case .documents(let path):
            let fd = openReadOnly(path)
            guard fd >= 0 else { throw VamosError("\(path): cannot open (\(String(cString: strerror(errno))))") }
            return DocumentReader(stream: JSONStreamReader(fd: fd, name: path), fd: fd, name: path)
        case .safetensors(let path):
            return DocumentReader(single: try InspectInput.safetensorsDocument(path: path, names: names), name: path)
        }
    }

    /// A safetensors file as a document: its tensors in data order, float32 (F16, BF16 and F64
    /// converted), `model.name` the file name. `names` limits which tensors are read.
    public static func safetensorsDocument(path: String, names: Set<String>? = nil) throws -> Document {
        let file = try SafeTensorsFile(path: path)
        for name in names ?? [] where file.entries[name] == nil {
            let some = file.names.prefix(8).joined(separator: ", ") + (file.names.count > 8 ? ", … (\(file.names.count) in all; see tensor list)" : "")
            throw VamosError("\(path): no tensor '\(name)' (the file has \(file.names.isEmpty ? "no tensors" : some))")
        }
        var doc = Document(stage: "safetensors")
        doc.fields["stage"] = nil
        doc.fields["model"] = .object(JSONObject([("name", .string(path.split(separator: "/").last.map(String.init) ?? path))]))
        for name in file.names where names?.contains(name) ?? true {
            doc.tensors[name] = try file.tensor(name)
        }
        return doc
    }
}

/// Documents one at a time, each as soon as it is complete.
public final class DocumentReader {
    private let stream: JSONStreamReader?
    private let fd: Int32?
    private var single: Document?
    public let name: String
    /// Documents handed out so far.
    public private(set) var count = 0

    init(stream: JSONStreamReader, fd: Int32?, name: String) {
        self.stream = stream
        self.fd = fd
        self.name = name
    }

    init(single: Document, name: String) {
        stream = nil
        fd = nil
        self.name = name
        self.single = single
    }

    deinit { if let fd { close(fd) } }

    /// The line the current document started on (documents), for error messages.
    public var location: String {
        guard let stream else { return name }
        return "\(name) line \(stream.documentLine)"
    }

    /// The next document, or nil at the end.
    public func next() throws -> Document? {
        if let stream {
            guard let json = try stream.next() else { return nil }
            count += 1
            return try Document(json: json, what: "\(name) line \(stream.documentLine)")
        }
        guard let doc = single else { return nil }
        single = nil
        count += 1
        return doc
    }
}

private func openReadOnly(_ path: String) -> Int32 { open(path, O_RDONLY) }
