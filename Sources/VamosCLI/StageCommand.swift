import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A stage executable's root command. Conforming (instead of plain `ParsableCommand`) gives it
/// the stages' `main`: a usage error is ONE line on stderr, `stage: message (see 'stage --help')`,
/// with swift-argument-parser's status (64), like every other error of a stage; `--help` prints to
/// stdout and exits 0 as usual.
public protocol StageCommand: ParsableCommand {}

extension StageCommand {
    /// The name errors start with (`decode: …`).
    public static var stageName: String { configuration.commandName ?? "vamos" }

    public static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            failStage(error)
        }
    }

    private static func failStage(_ error: Error) -> Never {
        let code = exitCode(for: error)
        // Help (a clean exit) and bare exit codes (already reported) keep ArgumentParser's handling.
        if code == .success || error is ExitCode { exit(withError: error) }
        let message = self.message(for: error)
            .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters() }.joined(separator: " ")
        let hint = code == .validationFailure ? " (see '\(stageName) --help')" : ""
        StageIO.warn(stageName, message + hint)
        terminate(code.rawValue)
    }
}

private func terminate(_ status: Int32) -> Never { exit(status) }

private extension Substring {
    func trimmingCharacters() -> String {
        String(self.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}

/// What every stage's `--help` says about its exit status.
public let stageExitStatus = """
    Exit status: 0 success (also when stdout is closed early, e.g. by head); 1 bad input, a model \
    that cannot be used or a failed write, with one line on stderr; 64 bad options.
    """

/// What `train --help` says about its exit status.
public let trainExitStatus = """
    Exit status: 0 trained (and written); 1 a bad corpus, config or vocabulary, a refused --out or \
    --resume, divergence, or a failed write, with one line on stderr; 64 bad options.
    """
