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
