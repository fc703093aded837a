#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A model directory: config.json, model.safetensors, vocab.json (+ target_vocab.json); an opus-mt
/// directory adds source.spm and target.spm (SentencePiece: `tokenizer`), tokenizer_config.json and
/// generation_config.json (`generation`). Weights stay in the memory-mapped file until a stage asks
/// for the part it needs.
public final class Model: @unchecked Sendable {
    public let directory: String
    public let name: String
    public let config: ModelConfig
    public let sourceVocabulary: Vocabulary
    public let targetVocabulary: Vocabulary
    public let weights: SafeTensorsFile
    /// MarianTokenizer's rules over source.spm / target.spm, when the directory has source.spm;
    /// nil for a word-level model (text split on white space).
    public let tokenizer: MarianTokenizer?
    /// generation_config.json, or Vamos' default without one (`GenerationConfig.vamosDefault`).
    public let generation: GenerationConfig
    /// Whether the directory has generation_config.json.
    public let hasGenerationConfig: Bool
    /// SHA-256 of config.json followed by the safetensors header (see docs/MODEL.md).
    public let sha256: String

    /// `vocabularies: false` (embed, posenc, encode: stages that never look at a word) skips
    /// vocab.json, target_vocab.json and the SentencePiece models: their vocabularies are then
    /// empty and `tokenizer` nil. A 58k-word vocabulary costs a stage a few hundred milliseconds.
    public init(directory: String, vocabularies: Bool = true) throws {
        let dir = directory.hasSuffix("/") && directory.count > 1 ? String(directory.dropLast()) : directory
        self.directory = dir
        // The directory's own name; for "." or ".." (or "models/.."), the name of the directory they are.
        let last = dir.split(separator: "/").last.map(String.init) ?? dir
        if last == "." || last == "..", let real = realpath(dir, nil) {
            name = String(cString: real).split(separator: "/").last.map(String.init) ?? "/"
            free(real)
        } else {
            name = last
        }
        guard isDirectory(dir) else {
            throw VamosError(fileExists(dir) ? "'\(dir)' is a file, not a model directory (--model takes the directory holding config.json)"
                                             : "model directory '\(dir)' does not exist")
        }
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
        try Model.checkEmbeddingRows(config, weights, file: configPath)

        guard vocabularies else {
            sourceVocabulary = .unloaded
            targetVocabulary = .unloaded
            tokenizer = nil
            (generation, hasGenerationConfig) = try Model.loadGeneration(dir, config: config)
            sha256 = Model.hash(configBytesCopy, weights)
            return
        }
        let vocabPath = dir + "/vocab.json"
        guard var vocabBytes = readFile(vocabPath) else { throw VamosError("model directory '\(dir)' has no vocab.json") }
        sourceVocabulary = try Vocabulary(bytes: &vocabBytes, file: vocabPath, size: config.vocabSize)
        let targetPath = dir + "/target_vocab.json"
        let separate = fileExists(targetPath)
        if var targetBytes = readFile(targetPath) {
            targetVocabulary = try Vocabulary(bytes: &targetBytes, file: targetPath, size: config.decoderVocabSize)
        } else if config.decoderVocabSize == config.vocabSize {
            targetVocabulary = sourceVocabulary  // one file, one size: the same vocabulary
        } else {
            guard var again = readFile(vocabPath) else { throw VamosError("model directory '\(dir)' has no vocab.json") }
            targetVocabulary = try Vocabulary(bytes: &again, file: vocabPath, size: config.decoderVocabSize)
        }
        tokenizer = try Model.loadTokenizer(dir, config: config, source: sourceVocabulary, target: targetVocabulary,
                                            separate: separate)
        (generation, hasGenerationConfig) = try Model.loadGeneration(dir, config: config)
        sha256 = Model.hash(configBytesCopy, weights)
    }

    /// generation_config.json, or Vamos' default without one.
    static func loadGeneration(_ dir: String, config: ModelConfig) throws -> (GenerationConfig, Bool) {
        let generationPath = dir + "/generation_config.json"
        if var genBytes = readFile(generationPath) {
            return (try GenerationConfig(json: try JSONCodec.parse(bytes: &genBytes, what: generationPath),
                                         file: generationPath, config: config), true)
        }
        return (GenerationConfig.vamosDefault(config), false)
    }

    /// SHA-256 of config.json followed by the safetensors header (docs/MODEL.md).
    static func hash(_ config: [UInt8], _ weights: SafeTensorsFile) -> String {
        var hash = SHA256()
        hash.update(config)
        hash.update(weights.headerBytes)
        return hash.finalize().map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// source.spm and target.spm with MarianTokenizer's rules, checked against the vocabularies and
    /// config.json; nil when the directory has no source.spm.
    static func loadTokenizer(_ dir: String, config: ModelConfig, source: Vocabulary, target: Vocabulary,
                              separate: Bool) throws -> MarianTokenizer? {
        let sourcePath = dir + "/source.spm", targetPath = dir + "/target.spm"
        guard fileExists(sourcePath) else {
            if fileExists(targetPath) {
                throw VamosError("model directory '\(dir)' has target.spm but no source.spm (an opus-mt directory needs both)")
            }
            return nil
        }
        guard fileExists(targetPath) else {
            throw VamosError("model directory '\(dir)' has source.spm but no target.spm (an opus-mt directory needs both)")
        }
        // tokenizer_config.json (optional): separate_vocabs and the special tokens' spellings.
        var names = (eos: "</s>", unk: "<unk>", pad: "<pad>")
        let tokenizerConfigPath = dir + "/tokenizer_config.json"
        if var bytes = readFile(tokenizerConfigPath) {
            let json = try JSONCodec.parse(bytes: &bytes, what: tokenizerConfigPath)
            guard let obj = json.objectValue else { throw VamosError("\(tokenizerConfigPath): expected a JSON object") }
            if let v = obj["separate_vocabs"], let b = v.boolValue, b != separate {
                throw VamosError(b
                    ? "\(tokenizerConfigPath): 'separate_vocabs' is true but the directory has no target_vocab.json"
                    : "\(tokenizerConfigPath): 'separate_vocabs' is false but the directory has target_vocab.json")
            }
            func name(_ key: String, _ fallback: String) throws -> String {
                guard let v = obj[key], !v.isNull else { return fallback }
                if let s = v.stringValue ?? v.objectValue?["content"]?.stringValue { return s }
                throw VamosError("\(tokenizerConfigPath): '\(key)' must be a string")
            }
            names = (try name("eos_token", names.eos), try name("unk_token", names.unk), try name("pad_token", names.pad))
        }
        let tokenizer = try MarianTokenizer(
            source: try SentencePiece(path: sourcePath), target: try SentencePiece(path: targetPath),
            sourceVocabulary: source, targetVocabulary: target, separate: separate,
            eosToken: names.eos, unknownToken: names.unk, padToken: names.pad)
        // The vocabularies must be the ones the SentencePiece models were made with, and agree with config.json.
        let vocabFile = separate ? "target_vocab.json" : "vocab.json"
        for (spm, vocab, file) in [(tokenizer.source, source, "vocab.json"), (tokenizer.target, target, vocabFile)] {
            let normal = spm.pieces.indices.filter { spm.isNormal[$0] }
            let known = normal.filter { vocab.exactID(of: spm.pieces[$0]) != nil }.count
            guard known * 2 >= normal.count else {
                throw VamosError("\(dir)/\(file) has only \(known) of the \(normal.count) pieces of \(spm.path); they were not made together")
            }
        }
        guard tokenizer.eosID == config.eosTokenID else {
            throw VamosError("\(dir)/vocab.json gives '\(names.eos)' id \(tokenizer.eosID) but config.json's 'eos_token_id' is \(config.eosTokenID)")
        }
        if let pad = source.exactID(of: names.pad), let configPad = config.padTokenID, pad != configPad {
            throw VamosError("\(dir)/vocab.json gives '\(names.pad)' id \(pad) but config.json's 'pad_token_id' is \(configPad)")
        }
        return tokenizer
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

    /// A weight matrix as stored in the mapped file (no copy), checked against the shape. Checked
    /// once: a tied matrix asked for twice (embedding, output layer) is the same view.
    /// `checked: false`: not scanned for NaN/∞ here (the embedding lookup checks each row it reads).
    public func matrix(_ name: String, _ shape: [Int], checked: Bool = true) throws -> WeightMatrix {
        guard weights.entries[name] != nil else {
            throw VamosError("\(weights.path): tensor '\(name)' is missing (config.json implies it, shape \(shape))")
        }
        if let c = matrices[name], c.checked || !checked, [c.matrix.rows, c.matrix.cols] == shape || [c.matrix.count] == shape {
            return c.matrix
        }
        let m = try weights.matrix(name, expectedShape: shape, checked: checked)
        matrices[name] = (m, checked)
        return m
    }

    private var matrices: [String: (matrix: WeightMatrix, checked: Bool)] = [:]

    /// `vocab_size` and `decoder_vocab_size` against the embeddings' rows in the file's header,
    /// before anything is sized by them (a vocabulary of 10^7 ids costs seconds to build).
    static func checkEmbeddingRows(_ config: ModelConfig, _ weights: SafeTensorsFile, file: String) throws {
        let sides: [(key: String, size: Int, names: [String])] = [
            ("vocab_size", config.vocabSize, [CheckpointNames.embedTokens("encoder"), CheckpointNames.shared]),
            ("decoder_vocab_size", config.decoderVocabSize, [CheckpointNames.embedTokens("decoder"), CheckpointNames.shared]),
        ]
        for side in sides {
            guard let name = side.names.first(where: { weights.entries[$0] != nil }) else { continue }
            let shape = weights.entries[name]!.shape
            guard shape.first == side.size else {
                throw VamosError("\(weights.path): tensor '\(name)' has shape \(shape), but config.json implies [\(side.size), \(config.dModel)] ('\(side.key)' \(side.size): one row per word)")
            }
        }
    }

    func matrix(anyOf names: [String], _ shape: [Int], checked: Bool = true) throws -> WeightMatrix {
        for n in names where weights.entries[n] != nil { return try matrix(n, shape, checked: checked) }
        throw VamosError("\(weights.path): none of \(names.map { "'\($0)'" }.joined(separator: ", ")) is present (shape \(shape))")
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
