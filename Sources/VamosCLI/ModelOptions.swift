import ArgumentParser
import VamosCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--model DIR`, then `VAMOS_MODEL`, then the bundled default found beside the executable.
public struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Model directory (config.json, model.safetensors, vocab.json).",
        discussion: "Default: $VAMOS_MODEL, else the bundled models/\(BundledModel.name).",
        valueName: "dir"))
    public var model: String?

    public init() {}

    /// The directory to load, by the rules above.
    public func resolvedDirectory() throws -> String {
        if let model { return model }
        if let env = getenv("VAMOS_MODEL"), !String(cString: env).isEmpty { return String(cString: env) }
        guard let bundled = BundledModel.locate() else {
            throw VamosError("no --model given, VAMOS_MODEL unset, and the bundled models/\(BundledModel.name) was not found near the executable")
        }
        return bundled
    }

    /// The model; `vocabularies: false` for stages that never look at a word (a faster start).
    public func load(vocabularies: Bool = true) throws -> Model {
        try Model(directory: try resolvedDirectory(), vocabularies: vocabularies)
    }
}

/// The model used when none is named.
public enum BundledModel {
    public static let name = "statquest"

    /// Looks in `models/` (or `share/vamos/models/`) of each folder above the executable.
    public static func locate() -> String? {
        var dir = executableDirectory()
        while !dir.isEmpty {
            for candidate in ["\(dir)/models/\(name)", "\(dir)/share/vamos/models/\(name)"] {
                if access(candidate + "/config.json", R_OK) == 0 { return candidate }
            }
            guard let slash = dir.lastIndex(of: "/") else { break }
            dir = String(dir[..<slash])
        }
        return nil
    }

    static func executableDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        let path = n > 0 ? String(cString: buf) : CommandLine.arguments[0]
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return String(path[..<slash])
    }
}
