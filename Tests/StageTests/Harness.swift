/// The harness of StageTests: finds the built stage executables (beside the test bundle, else
/// `.build/release` of the repository), runs them with Foundation `Process` — alone, as a pipeline
/// joined by real pipes, or live for streaming — always under a timeout, so a hang fails a test
/// instead of hanging CI. Also: fixture paths, temporary model copies, document helpers and
/// `assertStageError`, the check every bad-input test makes.
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Paths

enum Paths {
    static let stages = ["tokenize", "embed", "posenc", "encode", "decode", "detokenize"]
    static let models = ["tiny", "marian", "prenorm", "plain"]

    /// The repository root, from this file's path (Tests/StageTests/Harness.swift).
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func model(_ name: String) -> String { root.appendingPathComponent("Tests/Fixtures/models/\(name)").path }
    static func reference(_ name: String) -> URL { root.appendingPathComponent("Tests/Fixtures/reference/\(name).json") }
    static func script(_ name: String) -> String { root.appendingPathComponent("pipelines/\(name)").path }

    /// Where the stage executables are: the directory of the running test bundle (SwiftPM puts
    /// them side by side), else `.build/release`. Nil if neither has all six.
    static let binDirectory: String? = {
        var candidates: [String] = []
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(exe.deletingLastPathComponent().path)
        candidates.append(Bundle(for: Marker.self).bundleURL.deletingLastPathComponent().path)
        candidates.append(Bundle.main.bundleURL.path)
        candidates.append(root.appendingPathComponent(".build/release").path)
        return candidates.first { dir in stages.allSatisfy { access("\(dir)/\($0)", X_OK) == 0 } }
    }()

    static func executable(_ stage: String) throws -> String {
        guard let dir = binDirectory else {
            throw HarnessError("""
                the stage executables (\(stages.joined(separator: ", "))) were not found beside the test bundle \
                nor in \(root.path)/.build/release; build them first: \
                swift build -c release -Xswiftc -enable-testing --build-tests
                """)
        }
        return "\(dir)/\(stage)"
    }
}

private final class Marker {}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Results

/// What a finished process left behind.
struct RunResult {
    var name: String
    var stdout: Data
    var stderr: Data
    var status: Int32
    /// True when the process died of a signal (status is then the signal number).
    var signaled: Bool

    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }
    var outLines: [String] { lines(out) }
    var errLines: [String] { lines(err) }
}

/// The lines of a text, without the empty piece after a final newline.
func lines(_ text: String) -> [String] {
    var parts = text.components(separatedBy: "\n")
    if parts.last == "" { parts.removeLast() }
    return parts
}

/// What a finished pipeline left behind: the last stage's stdout and every stage's result.
struct PipelineResult {
    var stages: [RunResult]
    var stdout: Data { stages.last?.stdout ?? Data() }
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var outLines: [String] { lines(out) }
    /// Everything every stage wrote on stderr, prefixed by nothing (stages prefix their own name).
    var err: String { stages.map(\.err).joined() }
    var succeeded: Bool { stages.allSatisfy { $0.status == 0 && !$0.signaled } }
    var summary: String {
        stages.map { "\($0.name): status \($0.status)\($0.signaled ? " (signal)" : ""), stderr: \($0.err.debugDescription)" }
            .joined(separator: "\n")
    }
}

// MARK: - Running processes

enum Runner {
    static let defaultTimeout: TimeInterval = 20

    /// The test process must survive writing to a stage that has exited.
    static let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN); return () }()

    /// A scratch directory for stdin/stdout/stderr files of this test process.
    /// Removed when the test process exits.
    static let scratch: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-stagetests-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: Runner.scratch) }
        return dir
    }()

    static func scratchFile(_ tag: String) -> URL {
        scratch.appendingPathComponent("\(tag)-\(UUID().uuidString)")
    }

    /// The environment for stages: ours, without VAMOS_MODEL (tests always pass --model).
    static var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["VAMOS_MODEL"] = nil
        // Split every product over the threads, however small: the fixture models' products are all
        // below the default minimum, and the tests of thread counts must test splits.
        env["VAMOS_PARALLEL_MIN"] = "0"
        return env
    }

    static func makeProcess(_ executable: String, _ args: [String], env: [String: String]? = nil) -> Process {
        _ = ignoreSIGPIPE
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        p.environment = env ?? environment
        return p
    }

    /// Waits for every process until the deadline; on timeout kills them all and throws.
    static func wait(_ processes: [Process], _ done: [DispatchSemaphore], timeout: TimeInterval, what: String) throws {
        let deadline = DispatchTime.now() + timeout
        for (p, sem) in zip(processes, done) where sem.wait(timeout: deadline) == .timedOut {
            for q in processes where q.isRunning { kill(q.processIdentifier, SIGKILL) }
            for s in done { _ = s.wait(timeout: .now() + 5) }
            throw HarnessError("\(what): timed out after \(timeout) s (\(p.executableURL?.lastPathComponent ?? "?") still running); killed")
        }
    }

    static func stdinHandle(_ data: Data) throws -> (FileHandle, URL) {
        let url = scratchFile("stdin")
        guard FileManager.default.createFile(atPath: url.path, contents: data) else {
            throw HarnessError("cannot write \(url.path)")
        }
        return (try FileHandle(forReadingFrom: url), url)
    }

    static func outputHandle(_ tag: String) throws -> (FileHandle, URL) {
        let url = scratchFile(tag)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw HarnessError("cannot create \(url.path)")
        }
        return (try FileHandle(forWritingTo: url), url)
    }

    static func readAndRemove(_ url: URL) -> Data {
        defer { try? FileManager.default.removeItem(at: url) }
        return (try? Data(contentsOf: url)) ?? Data()
    }
}

/// Runs one executable (a path, or a stage name) with `stdin`, to completion or timeout.
func runProcess(_ exe: String, _ args: [String] = [], stdin: Data = Data(), env: [String: String]? = nil,
         timeout: TimeInterval = Runner.defaultTimeout) throws -> RunResult {
    let path = exe.contains("/") ? exe : try Paths.executable(exe)
    let p = Runner.makeProcess(path, args, env: env)
    let (input, inURL) = try Runner.stdinHandle(stdin)
    let (output, outURL) = try Runner.outputHandle("stdout")
    let (errors, errURL) = try Runner.outputHandle("stderr")
    p.standardInput = input
    p.standardOutput = output
    p.standardError = errors
    let done = DispatchSemaphore(value: 0)
    p.terminationHandler = { _ in done.signal() }
    try p.run()
    try? input.close(); try? output.close(); try? errors.close()
    defer { try? FileManager.default.removeItem(at: inURL) }
    try Runner.wait([p], [done], timeout: timeout, what: ([exe] + args).joined(separator: " "))
    return RunResult(name: (exe as NSString).lastPathComponent,
                     stdout: Runner.readAndRemove(outURL), stderr: Runner.readAndRemove(errURL),
                     status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal)
}

func runProcess(_ exe: String, _ args: [String] = [], stdin: String, env: [String: String]? = nil,
         timeout: TimeInterval = Runner.defaultTimeout) throws -> RunResult {
    try runProcess(exe, args, stdin: Data(stdin.utf8), env: env, timeout: timeout)
}

/// Runs stages joined by pipes (`a | b | c`), stdin into the first; each stage's stderr kept apart.
func pipeline(_ stages: [(String, [String])], stdin: Data, timeout: TimeInterval = Runner.defaultTimeout) throws -> PipelineResult {
    precondition(!stages.isEmpty)
    let (input, inURL) = try Runner.stdinHandle(stdin)
    defer { try? FileManager.default.removeItem(at: inURL) }
    let (output, outURL) = try Runner.outputHandle("stdout")
    var processes: [Process] = [], done: [DispatchSemaphore] = [], errURLs: [URL] = []
    var previous: Pipe? = nil
    for (i, (stage, args)) in stages.enumerated() {
        let p = Runner.makeProcess(try Paths.executable(stage), args)
        p.standardInput = previous.map { $0 as Any } ?? input
        if i == stages.count - 1 {
            p.standardOutput = output
        } else {
            let pipe = Pipe()
            p.standardOutput = pipe
            previous = pipe
        }
        let (errors, errURL) = try Runner.outputHandle("stderr")
        p.standardError = errors
        let sem = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in sem.signal() }
        processes.append(p); done.append(sem); errURLs.append(errURL)
        do {
            try p.run()
        } catch {
            for q in processes where q.isRunning { kill(q.processIdentifier, SIGKILL) }
            throw error
        }
        // Process.run() closes the parent's copies of the child's pipe ends, so every stage sees
        // end of input when the one before it exits.
        try? errors.close()
    }
    try? input.close(); try? output.close()
    try Runner.wait(processes, done, timeout: timeout, what: stages.map { ([$0.0] + $0.1).joined(separator: " ") }.joined(separator: " | "))
    let stdout = Runner.readAndRemove(outURL)
    return PipelineResult(stages: zip(zip(stages, processes), errURLs).enumerated().map { i, item in
        let ((stage, _), p) = item.0
        return RunResult(name: stage, stdout: i == stages.count - 1 ? stdout : Data(),
                         stderr: Runner.readAndRemove(item.1),
                         status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal)
    })
}

func pipeline(_ stages: [(String, [String])], stdin: String, timeout: TimeInterval = Runner.defaultTimeout) throws -> PipelineResult {
    try pipeline(stages, stdin: Data(stdin.utf8), timeout: timeout)
}

/// The six stages with `--model`, plus per-stage extra arguments.
func fullPipeline(model: String, extra: [String: [String]] = [:]) -> [(String, [String])] {
    Paths.stages.map { ($0, ["--model", model] + (extra[$0] ?? [])) }
}

/// A stage running while the test talks to it: write a line, read a line (with a timeout).
final class LiveProcess {
    let name: String
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let errURL: URL
    private let done = DispatchSemaphore(value: 0)
    private var buffer = Data()
    private var inputClosed = false

    /// With `stdin`, the stage reads that (from a file) instead of what `send` writes.
    init(_ stage: String, _ args: [String], stdin: Data? = nil) throws {
        name = stage
        _ = Runner.ignoreSIGPIPE
        process.executableURL = URL(fileURLWithPath: try Paths.executable(stage))
        process.arguments = args
        process.environment = Runner.environment
        var inputFile: (FileHandle, URL)? = nil
        if let stdin {
            inputFile = try Runner.stdinHandle(stdin)
            process.standardInput = inputFile!.0
        } else {
            process.standardInput = input
        }
        defer {
            if let (handle, url) = inputFile { try? handle.close(); try? FileManager.default.removeItem(at: url) }
        }
        process.standardOutput = output
        let (errors, url) = try Runner.outputHandle("stderr")
        errURL = url
        process.standardError = errors
        let done = self.done
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        try? errors.close()  // (run() closed our copies of the child's pipe ends)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: errURL)
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        let fd = input.fileHandleForWriting.fileDescriptor
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw HarnessError("\(name): cannot write to its stdin (errno \(errno))") }
            off += n
        }
    }

    /// The next line of stdout (without the newline); nil at end of output. Throws on timeout.
    func readLine(timeout: TimeInterval = 10) throws -> String? {
        let fd = output.fileHandleForReading.fileDescriptor
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<nl]
                buffer = Data(buffer[(nl + 1)...])
                return String(decoding: line, as: UTF8.self)
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw HarnessError("\(name): no complete output line within \(timeout) s (have \(buffer.count) bytes)") }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, Int32(min(left, 60) * 1000) + 1)
            if r < 0 && errno == EINTR { continue }
            if r == 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if buffer.isEmpty { return nil }
                defer { buffer = Data() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
    }

    /// Reads up to `count` bytes of stdout (at least one), with a timeout.
    func readBytes(_ count: Int, timeout: TimeInterval = 10) throws -> Data {
        let fd = output.fileHandleForReading.fileDescriptor
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) > 0 else { throw HarnessError("\(name): no output within \(timeout) s") }
        var chunk = [UInt8](repeating: 0, count: count)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        return Data(chunk[0..<max(0, n)])
    }

    func closeInput() {
        guard !inputClosed else { return }
        inputClosed = true
        try? input.fileHandleForWriting.close()
    }

    /// Closes our end of its stdout: its next write finds no reader.
    func closeOutput() { try? output.fileHandleForReading.close() }

    /// Closes stdin and waits for the exit.
    func finish(timeout: TimeInterval = Runner.defaultTimeout) throws -> RunResult {
        closeInput()
        try Runner.wait([process], [done], timeout: timeout, what: name)
        return RunResult(name: name, stdout: Data(), stderr: (try? Data(contentsOf: errURL)) ?? Data(),
                         status: process.terminationStatus, signaled: process.terminationReason == .uncaughtSignal)
    }
}

// MARK: - Temporary directories and model copies

extension XCTestCase {
    /// A fresh directory removed when the test ends.
    func temporaryDirectory() throws -> URL {
        let dir = Runner.scratch.appendingPathComponent("tmp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// A copy of a fixture model (in a directory named `name`) to corrupt.
    func copyOfModel(_ fixture: String = "tiny", name: String = "broken") throws -> URL {
        let dir = try temporaryDirectory().appendingPathComponent(name)
        try FileManager.default.copyItem(at: URL(fileURLWithPath: Paths.model(fixture)), to: dir)
        return dir
    }
}

/// A safetensors file taken apart: its JSON header text and its data area.
struct SafeTensorsBytes {
    var header: String
    var data: Data

    init(_ url: URL) throws {
        let bytes = try Data(contentsOf: url)
        let n = bytes.prefix(8).enumerated().reduce(0) { $0 | (Int($1.element) << (8 * $1.offset)) }
        header = String(decoding: bytes[8..<(8 + n)], as: UTF8.self)
        data = bytes.subdata(in: (8 + n)..<bytes.count)
    }

    /// Replaces `old` (which must occur exactly once) in the header.
    mutating func replace(_ old: String, with new: String) throws {
        let parts = header.components(separatedBy: old)
        guard parts.count == 2 else { throw HarnessError("header edit: '\(old)' occurs \(parts.count - 1) times") }
        header = parts.joined(separator: new)
    }

    /// Writes the file with a correct header length (or `headerLength` if given).
    func write(to url: URL, headerLength: UInt64? = nil) throws {
        let h = Data(header.utf8)
        var out = Data()
        withUnsafeBytes(of: (headerLength ?? UInt64(h.count)).littleEndian) { out.append(contentsOf: $0) }
        out.append(h)
        out.append(data)
        try out.write(to: url)
    }
}

/// Replaces `old` (exactly once) in a text file.
func editFile(_ url: URL, replacing old: String, with new: String) throws {
    let text = try String(contentsOf: url, encoding: .utf8)
    let parts = text.components(separatedBy: old)
    guard parts.count == 2 else { throw HarnessError("\(url.lastPathComponent): '\(old)' occurs \(parts.count - 1) times") }
    try parts.joined(separator: new).write(to: url, atomically: true, encoding: .utf8)
}

// MARK: - Documents

/// Parses one output line as a JSON object (Foundation's parser: independent of the code under test).
func jsonObject(_ line: String) throws -> [String: Any] {
    guard let obj = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
        throw HarnessError("not a JSON object: \(line.prefix(200))")
    }
    return obj
}

/// A tensor of a parsed document: shape and data as Doubles.
func tensor(_ doc: [String: Any], _ name: String) throws -> (shape: [Int], data: [Double]) {
    guard let t = (doc["tensors"] as? [String: Any])?[name] as? [String: Any],
          let shape = t["shape"] as? [Int], let data = t["data"] as? [Double] else {
        throw HarnessError("no tensor '\(name)' in document (tensors: \(((doc["tensors"] as? [String: Any])?.keys.sorted() ?? [])))")
    }
    return (shape, data)
}

func tensorNames(_ doc: [String: Any]) -> Set<String> { Set(((doc["tensors"] as? [String: Any]) ?? [:]).keys) }

/// The reference cases of a fixture model (Tests/Fixtures/reference/NAME.json).
struct ReferenceCase {
    var text: String
    var sourceIDs: [Int]
    var greedyIDs: [Int]
}

func referenceCases(_ model: String) throws -> [ReferenceCase] {
    let obj = try JSONSerialization.jsonObject(with: Data(contentsOf: Paths.reference(model))) as? [String: Any]
    guard let cases = obj?["cases"] as? [[String: Any]] else { throw HarnessError("\(model).json: no cases") }
    return try cases.map {
        guard let text = $0["text"] as? String, let src = $0["source_ids"] as? [Int], let ids = $0["greedy_ids"] as? [Int] else {
            throw HarnessError("\(model).json: a case lacks text, source_ids or greedy_ids")
        }
        return ReferenceCase(text: text, sourceIDs: src, greedyIDs: ids)
    }
}

/// Target ids as detokenize must print them: through target_vocab.json (else vocab.json), the
/// special tokens (eos, decoder start, pad) dropped, joined by spaces.
func renderTarget(_ ids: [Int], model: String) throws -> String {
    let dir = URL(fileURLWithPath: Paths.model(model))
    let config = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("config.json"))) as! [String: Any]
    var vocabURL = dir.appendingPathComponent("target_vocab.json")
    if !FileManager.default.fileExists(atPath: vocabURL.path) { vocabURL = dir.appendingPathComponent("vocab.json") }
    let vocab = try JSONSerialization.jsonObject(with: Data(contentsOf: vocabURL)) as! [String: Int]
    var byID: [Int: String] = [:]
    for (token, id) in vocab { byID[id] = token }
    let special = Set([config["eos_token_id"], config["decoder_start_token_id"], config["pad_token_id"]].compactMap { $0 as? Int })
    return ids.filter { !special.contains($0) }.map { byID[$0] ?? "<id \($0)>" }.joined(separator: " ")
}

/// Documents of each stage for one sentence, made once per model and text by running the stages.
final class Documents: @unchecked Sendable {
    static let shared = Documents()
    private let lock = NSLock()
    private var cache: [String: [String: String]] = [:]

    /// The line each stage writes for `text` (key: stage name; "input" is the text itself).
    func lines(model: String = "tiny", text: String = "let's go") throws -> [String: String] {
        lock.lock(); defer { lock.unlock() }
        let key = model + "\u{0}" + text
        if let hit = cache[key] { return hit }
        var out = ["input": text]
        var input = text + "\n"
        for stage in Paths.stages {
            let r = try runProcess(stage, ["--model", Paths.model(model)], stdin: input)
            guard r.status == 0, r.outLines.count == 1 else {
                throw HarnessError("making documents: \(stage) failed (status \(r.status)): \(r.err)")
            }
            out[stage] = r.outLines[0]
            input = r.out
        }
        cache[key] = out
        return out
    }

    /// What `stage` reads: the previous stage's line (the text for tokenize).
    func input(of stage: String, model: String = "tiny", text: String = "let's go") throws -> String {
        let all = try lines(model: model, text: text)
        let i = Paths.stages.firstIndex(of: stage)!
        return i == 0 ? all["input"]! : all[Paths.stages[i - 1]]!
    }
}

// MARK: - Assertions

/// The contract of a failing stage: the right status, no output (or only `goodLines` complete
/// lines for earlier documents), and exactly one line on stderr, `stage: …`, containing every
/// string of `mentions`.
func assertStageError(_ r: RunResult, stage: String, status: Int32 = 1, mentions: [String], goodLines: Int = 0,
                      file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(r.signaled, "\(stage) died of signal \(r.status); stderr: \(r.err)", file: file, line: line)
    if r.status == 0 && !r.signaled && status != 0 {
        XCTFail("\(stage) succeeded but should have failed (status \(status), mentioning \(mentions)); stderr: \(r.err.debugDescription); stdout: \(r.out.prefix(200).debugDescription)",
                file: file, line: line)
        return
    }
    XCTAssertEqual(r.status, status, "\(stage): exit status; stderr: \(r.err)", file: file, line: line)
    if goodLines == 0 {
        XCTAssertTrue(r.stdout.isEmpty, "\(stage): stdout should be empty, got \(r.out.prefix(300).debugDescription)", file: file, line: line)
    } else {
        XCTAssertEqual(r.outLines.count, goodLines, "\(stage): complete output lines", file: file, line: line)
        XCTAssertEqual(r.stdout.last, 0x0A, "\(stage): output must end with a complete line", file: file, line: line)
    }
    let errLines = r.errLines
    XCTAssertEqual(errLines.count, 1, "\(stage): stderr must be exactly one line, got \(r.err.debugDescription)", file: file, line: line)
    guard let first = errLines.first else { return }
    XCTAssertTrue(first.hasPrefix("\(stage): "), "stderr must start with '\(stage): ': \(first)", file: file, line: line)
    for m in mentions {
        XCTAssertTrue(first.contains(m), "stderr should mention \(m.debugDescription): \(first)", file: file, line: line)
    }
}

func assertSucceeded(_ r: PipelineResult, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertTrue(r.succeeded, "pipeline failed:\n\(r.summary)", file: file, line: line)
}

/// The system's python3 (standard library only is ever needed), or a skip saying what cannot be checked.
func python3(_ whatIsSkipped: String) throws -> String {
    for p in ["/usr/bin/python3", "/usr/local/bin/python3", "/bin/python3"] where FileManager.default.isExecutableFile(atPath: p) { return p }
    let r = try? runProcess("/bin/sh", ["-c", "command -v python3"])
    if let path = r?.outLines.first, r?.status == 0, !path.isEmpty { return path }
    throw XCTSkip("python3 is not installed: \(whatIsSkipped)")
}
