#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style formatting of numbers (`%.4g`, `%.2f`, `%02x`…) with the C library's vsnprintf, in
/// the "C" locale (Swift programs never call setlocale) — what Foundation's `String(format:)`
/// gives for these formats, without loading Foundation into every stage (docs: Benchmarks/README.md
/// "Memory"). Integers are passed as Int32/UInt32 for `%d`/`%x`.
public func cFormat(_ format: String, _ args: CVarArg...) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    let n = Int(withVaList(args) { vsnprintf(&buffer, buffer.count, format, $0) })
    if n >= buffer.count {  // longer than the first buffer: format again into one that fits
        buffer = [CChar](repeating: 0, count: n + 1)
        _ = withVaList(args) { vsnprintf(&buffer, buffer.count, format, $0) }
    }
    return String(decoding: buffer.prefix(max(0, min(n, buffer.count - 1))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

extension String {
    /// This string cut or padded with spaces to `length` characters.
    func padded(to length: Int) -> String {
        count >= length ? String(prefix(length)) : self + String(repeating: " ", count: length - count)
    }

    /// Without leading and trailing white space (Unicode White_Space, newlines included).
    func trimmingWhiteSpace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
