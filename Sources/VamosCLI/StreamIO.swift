import ArgumentParser
import VamosCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--pretty`, shared by every stage that writes documents.
public struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Indent the JSON for people (one document then spans several lines).")
    public var pretty = false

    public init() {}
}

/// How a stage executable talks to the world: documents in on stdin, out on stdout (one line each,
/// flushed at once), one-line errors on stderr, exit status 1 for bad data, 0 when stdout closes.
public enum StageIO {
    /// Call first: a closed stdout must end the stage quietly, not kill it with SIGPIPE. A standard
    /// descriptor the shell closed (`2>&-`) gets /dev/null, so that no file this process opens
    /// takes its number and receives its messages; returns those that were closed.
    @discardableResult
    public static func setUp() -> Set<Int32> {
        signal(SIGPIPE, SIG_IGN)
        var closed: Set<Int32> = []
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            closed.insert(fd)
            let null = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if null >= 0 && null != fd { dup2(null, fd); close(null) }
        }
        return closed
    }

    public static func warn(_ stage: String, _ message: String) {
        // One line, whatever the message quotes (a tensor name from a document may hold a newline).
        let flat = String(message.map { $0.isNewline ? " " : $0 })
        let line = "\(stage): \(flat)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }

    /// Writes one line to stdout. A closed pipe ends the process with status 0.
    public static func writeLine(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { writeAll($0) }
    }

    /// Writes a document as one line (or indented lines) to stdout, a bounded piece at a time:
    /// its tensors are formatted straight from float32 as they are written.
    public static func writeDocument(_ doc: Document, pretty: Bool) { writeJSON(doc.json, pretty: pretty) }

    public static func writeJSON(_ value: JSON, pretty: Bool) {
        let started = IOStats.now()
        defer { IOStats.writeSeconds += IOStats.now() - started }
        var pending: [UInt8] = []
        pending.reserveCapacity(1 << 20)
        JSONCodec.write(value, pretty: pretty) { piece in
            if pending.count + piece.count > (1 << 20) {
                pending.withUnsafeBytes { writeAll($0) }
                pending.removeAll(keepingCapacity: true)
            }
            if piece.count > (1 << 20) { writeAll(piece) } else { pending.append(contentsOf: piece) }
        }
        pending.append(0x0A)
        pending.withUnsafeBytes { writeAll($0) }
    }

    /// How a failed write to stdout ends the process: the name its message starts with (default
    /// the executable's) and the exit status (1; `tensor` uses 2, since its 1 means "different").
    nonisolated(unsafe) public static var writeFailureName: String? = nil
    nonisolated(unsafe) public static var writeFailureStatus: Int32 = 1

    /// Every byte to stdout. A closed pipe ends the process with status 0; any other failure with
    /// `writeFailureStatus`, the reason on stderr.
    static func writeAll(_ bytes: UnsafeRawBufferPointer) {
        IOStats.writeBytes += UInt64(bytes.count)
        var off = 0
        while off < bytes.count {
            let n = write(1, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { exit(0) }
                warn(writeFailureName ?? CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "vamos",
                     "cannot write to stdout (\(String(cString: strerror(errno))))")
                exit(writeFailureStatus)
            }
            off += n
        }
    }

    /// Runs `body`, turning a VamosError into `stage: message` on stderr and exit status 1.
    public static func run(stage: String, _ body: () throws -> Void) throws {
        defer { if IOStats.enabled { warn(stage, IOStats.report) } }
        do {
            try body()
        } catch let e as VamosError {
            warn(stage, e.message)
            throw ExitCode.failure
        }
    }

    /// The document loop: each document read from stdin is decoded, handed to `process`, and
    /// written out before the next is read. Errors name the input line.
    public static func forEachDocument(stage: String, pretty: Bool, _ process: (inout Document) throws -> Void) throws {
        try forEachDocument(stage: stage, pretty: pretty, batch: 1, batched: nil, process)
    }

    /// The same, `batch` documents at a time when `batched` is given: up to `batch` documents that
    /// are waiting on stdin or arriving (`hasPendingInput`: never waiting for a batch to fill) go
    /// through `batched` together. If the
    /// batch fails anywhere, it is redone one document at a time with `process`, so the output
    /// and the error are exactly those of a batch of one.
    public static func forEachDocument(stage: String, pretty: Bool, batch: Int,
                                       batched: ((inout [Document]) throws -> Void)?,
                                       _ process: (inout Document) throws -> Void) throws {
        let reader = JSONStreamReader(fd: 0, name: "input")
        func one(_ doc: Document, at: String) throws { try processOne(doc, at: at, pretty: pretty, process) }
        while true {
            var docs: [(doc: Document, at: String)] = []
            var pending: Error? = nil
            repeat {
                do {
                    guard let json = try reader.next() else { break }
                    let at = "input line \(reader.documentLine)"
                    do { docs.append((try Document(json: json, what: at), at)) } catch let e as VamosError {
                        throw e.message.hasPrefix("input") ? e : VamosError("\(at): \(e.message)")
                    }
                } catch {
                    pending = error
                    break
                }
            } while docs.count < batch && batched != nil && reader.hasPendingInput()
            if docs.isEmpty, pending == nil { return }
            if docs.count > 1, let batched, let done = try? runBatch(docs.map(\.doc), batched) {
                for d in done { writeDocument(d, pretty: pretty) }
            } else {
                for d in docs { try one(d.doc, at: d.at) }
            }
            if let pending { throw pending }
        }
    }

    /// One document through `process`, checked and written; errors name its input line.
    static func processOne(_ doc: Document, at: String, pretty: Bool, _ process: (inout Document) throws -> Void) throws {
        do {
            var doc = doc
            let given = Set(doc.tensors.pairs.map(\.0))
            _ = Kernels.takeOverflow()
            try process(&doc)
            try doc.checkFinite()
            if Kernels.takeOverflow() {
                let made = doc.tensors.pairs.map(\.0).filter { !given.contains($0) }
                let what = made.isEmpty ? "" : "computing " + made.map { "'\($0)'" }.joined(separator: ", ") + ": "
                throw VamosError("\(what)the computation overflowed float32 (a matrix product gave ±inf or NaN on the way)")
            }
            writeDocument(doc, pretty: pretty)
        } catch let e as VamosError {
            throw e.message.hasPrefix("input") ? e : VamosError("\(at): \(e.message)")
        }
    }

    /// Documents through a running batch (`DocumentStream`, continuous batching): up to `batch`
    /// run at once; a document arriving while others run joins at the next step; each is written
    /// as soon as it and every document before it are done, in input order. If anything goes
    /// wrong (a bad document, an overflow), every document not yet written is redone one at a time
    /// with `process`, so the output and the error are exactly those of one document at a time.
    public static func forEachDocument<S: DocumentStream>(stage: String, pretty: Bool, batch: Int, stream: S,
                                                          _ process: (inout Document) throws -> Void) throws {
        let reader = JSONStreamReader(fd: 0, name: "input")
        var stream = stream
        var unwritten: [(at: String, doc: Document)] = []   // read, in input order; index = nextToWrite + k
        var results: [Int: Document] = [:]
        var nextToWrite = 0
        var readFailure: Error? = nil
        var atEnd = false
        var fallback = false
        run: while true {
            _ = Kernels.takeOverflow()  // admitting computes too (the cross-attention keys and values)
            while !atEnd, readFailure == nil, stream.running < batch,
                  stream.running == 0 || reader.hasPendingInput(graceMilliseconds: 0) {
                let json: JSON
                do {
                    guard let j = try reader.next() else { atEnd = true; break }
                    json = j
                } catch { readFailure = error; break }
                let at = "input line \(reader.documentLine)"
                let doc: Document
                do { doc = try Document(json: json, what: at) } catch let e as VamosError {
                    // Reported once the documents before it are written, as one at a time would.
                    readFailure = e.message.hasPrefix("input") ? e : VamosError("\(at): \(e.message)")
                    break
                }
                unwritten.append((at, doc))
                do { _ = try stream.admit(doc) } catch { fallback = true; break run }
            }
            if stream.running == 0 { break }
            do {
                for (i, d) in try stream.step() { results[i] = d }
            } catch { fallback = true; break }
            if Kernels.takeOverflow() { fallback = true; break }
            while let d = results[nextToWrite] {
                guard (try? d.checkFinite()) != nil else { fallback = true; break run }
                writeDocument(d, pretty: pretty)
                results[nextToWrite] = nil
                nextToWrite += 1
                unwritten.removeFirst()
            }
        }
        if fallback {
            for u in unwritten { try processOne(u.doc, at: u.at, pretty: pretty, process) }
            if let readFailure { throw readFailure }
            while let json = try reader.next() {
                let at = "input line \(reader.documentLine)"
                let doc: Document
                do { doc = try Document(json: json, what: at) } catch let e as VamosError {
                    throw e.message.hasPrefix("input") ? e : VamosError("\(at): \(e.message)")
                }
                try processOne(doc, at: at, pretty: pretty, process)
            }
        }
        if let readFailure { throw readFailure }
    }

    /// The batch's documents, or nil when any part of it failed (then it is redone one by one).
    private static func runBatch(_ docs: [Document], _ batched: (inout [Document]) throws -> Void) throws -> [Document]? {
        var out = docs
        _ = Kernels.takeOverflow()
        try batched(&out)
        guard !Kernels.takeOverflow() else { return nil }
        for d in out { try d.checkFinite() }
        return out
    }
}
