import ArgumentParser
import VamosCore

/// `--threads N`: how many threads the kernels use. Results are the same bytes for any N.
public struct ComputeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Threads for the matrix products (the output bytes are the same for any number).",
        discussion: "Default: $VAMOS_THREADS, else every core this process may use.",
        valueName: "n"))
    public var threads: Int?

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
