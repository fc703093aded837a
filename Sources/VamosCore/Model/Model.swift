#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model directory: config.json, model.safetensors, vocab.json (+ target_vocab.json).
/// Weights stay in the memory-mapped file until a stage asks for the part it needs.
public final class Model: @unchecked Sendable {
    public let directory: String
    public let name: String
    public let config: ModelConfig
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    public let weights: SafeTensorsFile
    /// SHA-256 of config.json followed by the safetensors header (see docs/MODEL.md).
    public let sha256: String

    public init(directory: String) throws {
        let dir = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.directory = dir
        name = dir.split(separator: "/").last.map(String.init) ?? dir
        guard isDirectory(dir) else { throw VamosError("model directory '\(dir)' does not exist") }
        let configPath = dir + "/config.json"
        guard var configBytes = readFile(configPath) else {
            throw VamosError("model directory '\(dir)' has no config.json")
        }
        let configBytesCopy = configBytes
        config = try ModelConfig(json: try JSONCodec.parse(bytes: &configBytes, what: configPath), file: configPath)

        let weightsPath = dir + "/model.safetensors"
        if !fileExists(weightsPath) {
            if fileExists(dir + "/pytorch_model.bin") {
                throw VamosError("\(dir) holds only pytorch_model.bin (a pickle, which Vamos never loads); convert it: python -c \"from transformers import MarianMTModel as M; M.from_pretrained('\(dir)').save_pretrained('\(dir)', safe_serialization=True)\"")
            }
            throw VamosError("model directory '\(dir)' has no model.safetensors")
        }
        weights = try SafeTensorsFile(path: weightsPath)

        let vocabPath = dir + "/vocab.json"
        guard var vocabBytes = readFile(vocabPath) else { throw VamosError("model directory '\(dir)' has no vocab.json") }
        let vocabJSON = try JSONCodec.parse(bytes: &vocabBytes, what: vocabPath)
        sourceVocabulary = try Vocabulary(json: vocabJSON, file: vocabPath, size: config.vocabSize)
        let targetPath = dir + "/target_vocab.json"
        if var targetBytes = readFile(targetPath) {
            targetVocabulary = try Vocabulary(json: try JSONCodec.parse(bytes: &targetBytes, what: targetPath),
                                              file: targetPath, size: config.decoderVocabSize)
        } else {
            targetVocabulary = try Vocabulary(json: vocabJSON, file: vocabPath, size: config.decoderVocabSize)
        }
        var hash = SHA256()
        hash.update(configBytesCopy)
        hash.update(weights.headerBytes)
        sha256 = hash.finalize().map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// `{"name": …, "sha256": …}`, as written into every document.
    public var identity: JSON {
        .object(JSONObject([("name", .string(name)), ("sha256", .string(sha256))]))
    }

    /// A weight, checked against the shape the config implies.
    public func weight(_ name: String, _ shape: [Int]) throws -> Tensor {
        guard weights.entries[name] != nil else {
            throw VamosError("\(weights.path): tensor '\(name)' is missing (config.json implies it, shape \(shape))")
        }
        return try weights.tensor(name, expectedShape: shape)
    }

    /// The first of several names present (checkpoints store tied tensors under one of them).
    func weight(anyOf names: [String], _ shape: [Int]) throws -> Tensor {
        for n in names where weights.entries[n] != nil { return try weight(n, shape) }
        throw VamosError("\(weights.path): none of \(names.map { "'\($0)'" }.joined(separator: ", ")) is present (shape \(shape))")
    }
}

func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

func fileExists(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
}

/// The whole file, or nil when it cannot be opened.
public func readFile(_ path: String) -> [UInt8]? {
    guard let f = fopen(path, "rb") else { return nil }
    defer { fclose(f) }
    var out = [UInt8]()
    var buf = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let n = fread(&buf, 1, buf.count, f)
        if n > 0 { out.append(contentsOf: buf[0..<n]) }
        if n < buf.count { break }
    }
    return ferror(f) == 0 ? out : nil
}
