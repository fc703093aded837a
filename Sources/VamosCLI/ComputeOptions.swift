import ArgumentParser
import VamosCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--threads N`: how many threads the kernels use. Results are the same bytes for any N.
public struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Threads for the matrix products (the output bytes are the same for any number).",
        discussion: "Default: $VAMOS_THREADS, else every core this process may use.",
        valueName: "n"))
    public var threads: Int?

    @OptionGroup public var limits: LimitOptions

    public init() {}

    public func validate() throws {
        if let threads, !(1...256).contains(threads) {
            throw ValidationError("--threads must be between 1 and 256")
        }
        if let problem = Kernels.environmentProblem() { throw ValidationError(problem) }
    }

    /// Applies the options; call before any computation.
    public func apply() {
        if let threads { Kernels.threads = threads }
        limits.apply()
    }
}

/// `--batch N` (encode, decode): up to N documents already waiting on stdin are computed together
/// (each weight read once for all of them). The output is byte for byte that of `--batch 1`.
public struct BatchOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Compute up to n documents that are already waiting on stdin together (same bytes as one by one).",
        discussion: "Never waits for a batch to fill: documents arriving one at a time go one at a time.",
        valueName: "n"))
    public var batch: Int = 16

    public init() {}

    public func validate() throws {
        guard (1...1024).contains(batch) else { throw ValidationError("--batch must be between 1 and 1024") }
    }
}

/// `--trace-filter GLOB` (repeatable), for the stages that trace: keeps only the trace tensors
/// whose names match (and implies `--trace`).
public struct TraceFilterOptions: ParsableArguments {
    @Option(name: .customLong("trace-filter"), help: ArgumentHelp(
        "Keep only trace tensors whose name matches this glob (repeatable; implies --trace).",
        discussion: "Shell globs as fnmatch(3) reads them, '*' matching dots too: --trace-filter 'encoder.blocks.*.attn.hook_pattern'. Names are listed in docs/FORMAT.md.",
        valueName: "glob"))
    public var patterns: [String] = []

    public init() {}

    public var filter: TraceFilter { TraceFilter(patterns: patterns) }
    public var isOn: Bool { !patterns.isEmpty }
}

/// `--max-document-bytes`, `--max-tensor-elements`: how much one input document may claim
/// (ReadLimits; docs/FORMAT.md §10). Defaults: 1 GiB and 2^28 values, or $VAMOS_MAX_DOCUMENT_BYTES
/// and $VAMOS_MAX_TENSOR_ELEMENTS.
public struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Refuse an input document longer than this many bytes (default 1 GiB).", valueName: "bytes"))
    public var maxDocumentBytes: UInt64?

    @Option(name: .long, help: ArgumentHelp("Refuse a tensor of more values than this (default 2^28 = 268435456).", valueName: "n"))
    public var maxTensorElements: UInt64?

    public init() {}

    public func validate() throws {
        if maxDocumentBytes == 0 { throw ValidationError("--max-document-bytes must be at least 1") }
    }

    public func apply() {
        func env(_ name: String) -> UInt64? { getenv(name).flatMap { UInt64(String(cString: $0)) } }
        if let v = maxDocumentBytes ?? env("VAMOS_MAX_DOCUMENT_BYTES"), v > 0 {
            ReadLimits.current.maxDocumentBytes = v
        }
        if let v = maxTensorElements ?? env("VAMOS_MAX_TENSOR_ELEMENTS") {
            ReadLimits.current.maxTensorElements = v
        }
    }
}

/// `--ablate L.H` (encode, decode; decode also `cross:L.H`): zero one head's output before the
/// output projection (TransformerLens' head ablation). Repeatable.
public struct AblationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Zero the output of head H of layer L before the output projection (repeatable).",
        discussion: "decode: L.H is the masked self-attention, cross:L.H the encoder–decoder attention. Layers and heads count from 0.",
        valueName: "L.H"))
    public var ablate: [String] = []

    public init() {}

    public func validate() throws {
        for a in ablate {
            do { _ = try HeadAddress(parsing: a) } catch let e as VamosError { throw ValidationError(e.message) }
        }
    }

    public var heads: [HeadAddress] { ablate.compactMap { try? HeadAddress(parsing: $0) } }
}
