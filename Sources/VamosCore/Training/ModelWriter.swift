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

    /// The files Vamos writes into a model or checkpoint directory; nothing else is ever removed.
    public static let ownFiles: Set<String> = ["config.json", "model.safetensors", "vocab.json", "target_vocab.json", "generation_config.json",
                                                "trainer.json", "optimizer.safetensors"]

    /// The entries of a directory (nil when it cannot be read).
    static func entries(_ dir: String) -> [String]? {
        guard let d = opendir(dir) else { return nil }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let n = entryName(e)
            if n != "." && n != ".." { names.append(n) }
        }
        return names.sorted()
    }

    /// The name of a directory entry, read in place. readdir's record is only as long as its name
    /// (d_reclen), so copying the whole `d_name` array out of it (`e.pointee.d_name`) reads past the
    /// end of the buffer for the last entries — AddressSanitizer found that (make check-asan).
    static func entryName(_ e: UnsafeMutablePointer<dirent>) -> String {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        return String(cString: UnsafeRawPointer(e).advanced(by: offset).assumingMemoryBound(to: CChar.self))
    }

    /// Only a model directory holding nothing but Vamos' own files is ever replaced: anything else
    /// at that path, or in it, is someone's data. Also checks the parent directory exists, so a
    /// long run does not fail only at its end.
    public static func checkReplaceable(_ target: String) throws {
        var st = stat()
        if lstat(target, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            throw VamosError("\(target): is a symbolic link; give the directory itself (Vamos replaces a model directory as a whole)")
        }
        if isDirectory(target) && !(fileExists(target + "/config.json") && fileExists(target + "/model.safetensors")) {
            throw VamosError("\(target): exists and is not a model directory (no config.json and model.safetensors); refusing to replace it")
        }
        if isDirectory(target), let names = entries(target) {
            let foreign = names.filter { !ownFiles.contains($0) }
            if !foreign.isEmpty {
                throw VamosError("\(target): holds files Vamos did not write (\(foreign.prefix(5).joined(separator: ", "))\(foreign.count > 5 ? ", …" : "")); refusing to replace it — move them, or write elsewhere")
            }
        }
        if fileExists(target) { throw VamosError("\(target): exists and is a file, not a model directory") }
        let parent = target.contains("/") ? String(target[..<target.lastIndex(of: "/")!]) : "."
        guard parent.isEmpty || access(parent, W_OK) == 0 else {
            throw VamosError("\(target): cannot write in '\(parent)' (\(String(cString: strerror(errno))))")
        }
    }

    /// Moves `source` to `target`; an existing `target` is swapped out atomically, then removed.
    public static func replaceDirectory(_ target: String, with source: String) throws {
        // On failure the new directory stays where it is, and the error says where.
        do { try checkReplaceable(target) } catch let e as VamosError {
            throw VamosError("\(e.message); the new model directory was left in \(source)")
        }
        if rename(source, target) == 0 { syncDirectory(of: target); return }
        guard errno == ENOTEMPTY || errno == EEXIST else {
            throw VamosError("\(target): cannot move the new directory into place (\(String(cString: strerror(errno)))); it was left in \(source)")
        }
        // renameat2(RENAME_EXCHANGE): both names always point at a complete directory.
        if vamos_exchange_paths(source, target) == 0 {
            syncDirectory(of: target)
            removeTree(source)
            return
        }
        let old = "\(target).old-\(getpid())"
        guard rename(target, old) == 0, rename(source, target) == 0 else {
            throw VamosError("\(target): cannot replace (\(String(cString: strerror(errno)))); the new model directory was left in \(source)")
        }
        syncDirectory(of: target)
        removeTree(old)
    }

    /// Removes a directory this writer made: its own files (and their unfinished `.tmp-PID`
    /// copies), then the directory if that left it empty. Anything else stays.
    static func removeTree(_ path: String) {
        guard let names = entries(path) else { if isLeftover(path) { unlink(path) }; return }
        for n in names where ownFiles.contains(n) || ownFiles.contains(where: { n.hasPrefix($0 + ".tmp-") }) {
            unlink("\(path)/\(n)")
        }
        rmdir(path)
    }

    /// A name Vamos gives unfinished work: `NAME.tmp-PID` or `NAME.old-PID`.
    static func leftoverPID(_ name: String) -> Int32? {
        for marker in [".tmp-", ".old-"] {
            if let r = name.ranges(of: marker).last, let pid = Int32(name[r.upperBound...]), pid > 0 { return pid }
        }
        return nil
    }

    static func isLeftover(_ path: String) -> Bool { leftoverPID(String(path.split(separator: "/").last ?? "")) != nil }

    /// Removes what a killed run left: `BASE.tmp-PID` / `BASE.old-PID` entries in `dir` whose
    /// process is gone (`bases`: the names they were for; nil: any step-NNNNNNNN or latest).
    public static func removeLeftovers(in dir: String, bases: Set<String>?) {
        for n in entries(dir) ?? [] {
            guard let pid = leftoverPID(n), pid != getpid(), kill(pid, 0) == -1, errno == ESRCH else { continue }
            let base = String(n[..<n.ranges(of: n.contains(".tmp-") ? ".tmp-" : ".old-").last!.lowerBound])
            let ours = bases.map { $0.contains(base) } ?? (base == "latest" || isCheckpointName(base))
            guard ours else { continue }
            removeTree("\(dir)/\(n)")
        }
    }

    /// `step-` and eight digits: the name of a checkpoint.
    public static func isCheckpointName(_ n: String) -> Bool {
        n.hasPrefix("step-") && n.count == 13 && n.dropFirst(5).allSatisfy(\.isNumber)
    }
}
