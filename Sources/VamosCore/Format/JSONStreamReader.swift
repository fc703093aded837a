import CTensorText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a stream of JSON documents (one per line, or concatenated, or pretty-printed) from a file
/// descriptor, handing out each as soon as it is complete. Each document is checked strictly as it
/// arrives (RFC 8259, UTF-8, ReadLimits); its tensors' numbers go straight to float32, so reading
/// costs about the float32 data plus the document's other text (docs/FORMAT.md §10).
public final class JSONStreamReader {
    private let fd: Int32
    private let name: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var eof = false
    private var inDocument = false
    private let scanner: Scanner
    /// Bytes of the input before `buffer[start]`, and where the current document began.
    private var offset: UInt64 = 0
    private var documentOffset: UInt64 = 0
    /// 1-based line on which the current (or last) document started.
    public private(set) var line = 1
    public private(set) var documentLine = 1

    public init(fd: Int32 = 0, name: String = "input", limits: ReadLimits = .current) {
        self.fd = fd
        self.name = name
        scanner = Scanner(documents: true, limits: limits)
    }

    /// Whether more input is already on its way: bytes buffered, or readable within `graceMilliseconds`
    /// (or at its end). A batching stage takes only documents that are there or arriving, so a
    /// stream typed line by line is never held back waiting for a batch to fill; the short grace
    /// lets a document larger than the pipe's buffer, still being written by the stage before,
    /// join the batch.
    public func hasPendingInput(graceMilliseconds: Int32 = 10) -> Bool {
        while true {
            if !inDocument { skipWhiteSpace() }
            if start < end { return true }
            if eof { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, graceMilliseconds)
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else { return false }
            // Readable: this read does not block. Only white space (a newline split from its
            // document) is not a document, so look again.
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return errno != EINTR ? true : hasPendingInput(graceMilliseconds: graceMilliseconds) }
            if n == 0 { eof = true; return false }
            start = 0
            end = n
        }
    }

    /// White space between documents (lines counted).
    private func skipWhiteSpace() {
        while start < end && JSONCodec.isWhiteSpace(buffer[start]) {
            if buffer[start] == 0x0A { line += 1 }
            start += 1
            offset += 1
        }
    }

    /// The next document, or nil at the end of the input.
    public func next() throws -> JSON? {
        let started = IOStats.now(), before = offset
        defer {
            IOStats.readSeconds += IOStats.now() - started
            IOStats.readBytes += offset - before
        }
        return try nextDocument()
    }

    private func nextDocument() throws -> JSON? {
        while true {
            if start == end {
                if eof {
                    guard inDocument else { return nil }
                    inDocument = false
                    eof = true
                    if vt_scanner_finish(scanner.raw) == VT_DONE { return try complete() }
                    throw scanner.error(what: name, line: documentLine, byte: documentOffset)
                }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw VamosError("\(name): read failed (\(String(cString: strerror(errno))))")
                }
                if n == 0 { eof = true; continue }
                start = 0
                end = n
            }
            if !inDocument {
                skipWhiteSpace()
                if start == end { continue }
                inDocument = true
                documentLine = line
                documentOffset = offset
                scanner.reset()
            }
            let (rc, used) = buffer.withUnsafeBufferPointer { scanner.feed($0.baseAddress! + start, end - start) }
            start += used
            offset += UInt64(used)
            if rc == VT_MORE { continue }
            inDocument = false
            if rc == VT_ERROR {
                eof = true  // stop reading: the stream is no longer in step
                start = end
                throw scanner.error(what: name, line: documentLine, byte: documentOffset)
            }
            return try complete()
        }
    }

    private func complete() throws -> JSON {
        IOStats.documentsRead += 1
        line += scanner.newlines
        let value = try scanner.value(what: "\(name) line \(documentLine)")
        scanner.reset()
        return value
    }
}
