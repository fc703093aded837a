// Every finite float32 (all 2^32 bit patterns but NaN and ±∞): the fast path's text
// (vt_format_float) is byte for byte Swift's Float.description — what Vamos wrote before — and
// reads back (vt_parse_float) to the same bits. Run by scripts/check-float-text.sh (minutes).
import Foundation

let parts = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 2
let total: UInt64 = 1 << 32
let lock = NSLock()
var checked: UInt64 = 0
var failures: [String] = []
DispatchQueue.concurrentPerform(iterations: parts) { part in
    let lo = total * UInt64(part) / UInt64(parts), hi = total * UInt64(part + 1) / UInt64(parts)
    var buf = [CChar](repeating: 0, count: 32)
    var n: UInt64 = 0
    var bad: [String] = []
    var bits = lo
    while bits < hi {
        let v = Float(bitPattern: UInt32(bits))
        bits += 1
        guard v.isFinite else { continue }
        let len = Int(vt_format_float(v, &buf))
        let mine = buf.withUnsafeBufferPointer { String(decoding: UnsafeRawBufferPointer(start: $0.baseAddress!, count: len), as: UTF8.self) }
        var back: Float = 0
        let rc = buf.withUnsafeBufferPointer { vt_parse_float($0.baseAddress!, len, &back) }
        if mine != v.description || rc != 0 || back.bitPattern != v.bitPattern {
            if bad.count < 20 { bad.append("\(String(v.bitPattern, radix: 16)): \(mine) vs \(v.description) (read back \(back))") }
        }
        n += 1
    }
    lock.lock(); checked += n; failures += bad; lock.unlock()
}
print("checked \(checked) finite float32 values: \(failures.isEmpty ? "all identical to Float.description, all read back exactly" : "\(failures.count)+ differences")")
for f in failures { print("  " + f) }
exit(failures.isEmpty ? 0 : 1)
