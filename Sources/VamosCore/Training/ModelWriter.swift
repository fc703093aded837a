import CSystem
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a model directory (config.json, model.safetensors, vocab.json, target_vocab.json, and any
/// extra files) so that it appears whole or not at all: everything is written under a temporary
/// name beside it, then renamed into place (swapped atomically with an existing directory).
public enum ModelWriter {
    public static func write(to dir: String, config: JSONObject, parameters: Parameters<Float>,
                             sourceVocabulary: [(String, Int)], targetVocabulary: [(String, Int)]?,
                             extraFiles: [(String, [UInt8])] = [], extraTensors: [(String, [(String, Tensor)])] = []) throws {
        try checkReplaceable(dir)
        let tmp = "\(dir).tmp-\(getpid())"
        removeTree(tmp)
        guard mkdir(tmp, 0o755) == 0 else { throw VamosError("\(tmp): cannot create (\(String(cString: strerror(errno))))") }
        do {
            try writeContents(tmp, config: config, parameters: parameters, sourceVocabulary: sourceVocabulary,
                              targetVocabulary: targetVocabulary, extraFiles: extraFiles, extraTensors: extraTensors)
        } catch {
            removeTree(tmp)
            throw error
        }
        try replaceDirectory(dir, with: tmp)
    }

    static func writeContents(_ tmp: String, config: JSONObject, parameters: Parameters<Float>,
                              sourceVocabulary: [(String, Int)], targetVocabulary: [(String, Int)]?,
                              extraFiles: [(String, [UInt8])], extraTensors: [(String, [(String, Tensor)])]) throws {
        func vocabJSON(_ v: [(String, Int)]) -> [UInt8] {
            Array((JSONCodec.serialize(.object(JSONObject(v.map { ($0.0, .int($0.1)) })), pretty: true) + "\n").utf8)
        }
        try writeFileAtomically(Array((JSONCodec.serialize(.object(config), pretty: true) + "\n").utf8), to: tmp + "/config.json")
        try SafeTensorsWriter.write(parameters.tensors(), metadata: ["format": "pt"], to: tmp + "/model.safetensors")
        try writeFileAtomically(vocabJSON(sourceVocabulary), to: tmp + "/vocab.json")
        if let targetVocabulary { try writeFileAtomically(vocabJSON(targetVocabulary), to: tmp + "/target_vocab.json") }
        for (name, bytes) in extraFiles { try writeFileAtomically(bytes, to: "\(tmp)/\(name)") }
        for (name, tensors) in extraTensors { try SafeTensorsWriter.write(tensors, to: "\(tmp)/\(name)") }
    }

    /// Only a model directory is ever replaced: anything else at that path is someone's data. Also
    /// checks the parent directory exists, so a long run does not fail only at its end.
    public static func checkReplaceable(_ target: String) throws {
        if isDirectory(target) && !(fileExists(target + "/config.json") && fileExists(target + "/model.safetensors")) {
            throw VamosError("\(target): exists and is not a model directory (no config.json and model.safetensors); refusing to replace it")
        }
        if fileExists(target) { throw VamosError("\(target): exists and is a file, not a model directory") }
        let parent = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        guard parent.isEmpty || access(parent, W_OK) == 0 else {
            throw VamosError("\(target): cannot write in '\(parent)' (\(String(cString: strerror(errno))))")
        }
    }

    /// Moves `source` to `target`; an existing `target` is swapped out atomically, then removed.
    public static func replaceDirectory(_ target: String, with source: String) throws {
        do { try checkReplaceable(target) } catch { removeTree(source); throw error }
        if rename(source, target) == 0 { syncDirectory(of: target); return }
        guard errno == ENOTEMPTY || errno == EEXIST else {
            throw VamosError("\(target): cannot move the new directory into place (\(String(cString: strerror(errno))))")
        }
        // renameat2(RENAME_EXCHANGE): both names always point at a complete directory.
        if vamos_exchange_paths(source, target) == 0 {
            syncDirectory(of: target)
            removeTree(source)
            return
        }
        let old = "\(target).old-\(getpid())"
        guard rename(target, old) == 0, rename(source, target) == 0 else {
            throw VamosError("\(target): cannot replace (\(String(cString: strerror(errno))))")
        }
        syncDirectory(of: target)
        removeTree(old)
    }

    /// Removes a directory of plain files (what this writer makes).
    static func removeTree(_ path: String) {
        guard let d = opendir(path) else { unlink(path); return }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { unlink("\(path)/\(name)") }
        }
        closedir(d)
        rmdir(path)
    }
}
