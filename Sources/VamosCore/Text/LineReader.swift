import CTensorText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Lines of text from a file descriptor (tokenize's stdin), each checked as UTF-8 before it
/// becomes a String: a bad byte is an error naming the line and its offset in the input, never
/// silently replaced. A line may not be longer than `ReadLimits.maxDocumentBytes`.
public final class LineReader {
    private let fd: Int32
    private let name: String
    private let maxBytes: UInt64
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0, end = 0
    private var eof = false
    /// Bytes before the current line, and its 1-based number.
    private var offset: UInt64 = 0
    public private(set) var line = 0

    public init(fd: Int32 = 0, name: String = "input", limits: ReadLimits = .current) {
        self.fd = fd
        self.name = name
        maxBytes = limits.maxDocumentBytes
    }

    /// The next line without its line break ("\n", or "\r\n"), or nil at the end of the input.
    public func next() throws -> String? {
        var bytes: [UInt8] = []
        var found = false
        while !found {
            if start == end {
                if eof { break }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw VamosError("\(name): read failed (\(String(cString: strerror(errno))))")
                }
                if n == 0 { eof = true; break }
                start = 0
                end = n
            }
            var stop = end
            if let nl = buffer[start..<end].firstIndex(of: 0x0A) { stop = nl; found = true }
            bytes.append(contentsOf: buffer[start..<stop])
            start = found ? stop + 1 : stop
            if UInt64(bytes.count) > maxBytes {
                throw VamosError("\(name) line \(line + 1): longer than \(maxBytes) bytes, the limit (raise it with --max-document-bytes)")
            }
        }
        if !found && bytes.isEmpty && eof { return nil }
        line += 1
        let lineOffset = offset
        offset += UInt64(bytes.count) + (found ? 1 : 0)
        if bytes.last == 0x0D { bytes.removeLast() }
        var why = [CChar](repeating: 0, count: 160)
        let bad = bytes.withUnsafeBufferPointer { vt_check_utf8($0.baseAddress, $0.count, &why, why.count) }
        if bad >= 0 {
            throw VamosError("\(name) line \(line), byte \(lineOffset + UInt64(bad)): \(String(cString: why))")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Bytes of a whole text file (a training corpus) as a String, refused unless they are UTF-8: the
/// error names the line and the byte offset of the first bad byte.
public func checkedUTF8(_ bytes: [UInt8], what: String) throws -> String {
    var why = [CChar](repeating: 0, count: 160)
    let bad = bytes.withUnsafeBufferPointer { vt_check_utf8($0.baseAddress, $0.count, &why, why.count) }
    if bad >= 0 {
        let line = 1 + bytes[..<Int(bad)].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        throw VamosError("\(what) line \(line), byte \(bad): \(String(cString: why))")
    }
    return String(decoding: bytes, as: UTF8.self)
}
