#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Time and bytes spent reading and writing documents in this process, reported on stderr at the
/// end when `VAMOS_IO_TIMING` is set (`encode: io: read 0.041 s …, write 0.037 s …`): what
/// Benchmarks/tensor_io.py compares with orjson. Reading time includes waiting for the input.
public enum IOStats {
    nonisolated(unsafe) public static var readSeconds = 0.0
    nonisolated(unsafe) public static var readBytes: UInt64 = 0
    nonisolated(unsafe) public static var documentsRead = 0
    nonisolated(unsafe) public static var writeSeconds = 0.0
    nonisolated(unsafe) public static var writeBytes: UInt64 = 0

    public static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    public static var enabled: Bool { getenv("VAMOS_IO_TIMING") != nil }

    public static var report: String {
        func s(_ x: Double) -> String {
            let ms = Int((x * 1000).rounded())
            return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000) s"
        }
        return "io: read \(s(readSeconds)) (\(documentsRead) document(s), \(readBytes) bytes), write \(s(writeSeconds)) (\(writeBytes) bytes)"
    }
}
