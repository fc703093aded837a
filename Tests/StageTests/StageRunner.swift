import Foundation

/// Runs the built stage executables (found beside this test bundle, else in .build/release) with the
/// repository root as working directory.
enum StageRunner {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static func repo(_ relative: String) -> String { root + "/" + relative }

    static let binaries: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
        if FileManager.default.isExecutableFile(atPath: url.path + "/tokenize") { return url.path }
        return repo(".build/release")
    }()

    /// A stage that fails before reading its input closes the pipe: the write must not kill the tests.
    static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN); return () }()

    static func run(_ stage: String, _ args: [String], stdin: Data) throws -> (status: Int32, stdout: Data, stderr: String) {
        _ = ignoreSIGPIPE
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "\(binaries)/\(stage)")
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: root)
        let input = Pipe(), output = Pipe(), error = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = error
        try process.run()
        final class Box: @unchecked Sendable { var data = Data() }
        let errData = Box()
        let writer = Thread {
            try? input.fileHandleForWriting.write(contentsOf: stdin)
            try? input.fileHandleForWriting.close()
        }
        let errReader = Thread { errData.data = error.fileHandleForReading.readDataToEndOfFile() }
        writer.start()
        errReader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // isFinished, not isExecuting: a thread that has not begun yet is not executing either, and
        // waiting on isExecuting then returned before stderr was read (an empty stderr, seen under load).
        while !errReader.isFinished || !writer.isFinished { usleep(1000) }
        return (process.terminationStatus, out, String(decoding: errData.data, as: UTF8.self))
    }
}
