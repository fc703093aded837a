/// vocab.json read the short way: nearly every vocabulary is one flat object `{"token": id, …}`
/// of strings and non-negative integers. Building the general JSON tree for 58,101 entries costs
/// a stage ~80 ms and ~15 MB of heap it then throws away; this reader goes straight from the bytes
/// to (token, id) pairs in the file's order.
///
/// It accepts only a strict subset of RFC 8259 (what it accepts means the same as in the general
/// reader) and returns nil for anything else — nesting, other value types, a negative or
/// leading-zero number, invalid UTF-8, a raw control character, a bad or unpaired escape, a byte
/// order mark, a duplicate key, trailing bytes — so the general reader then reads the file and
/// names the problem as it always has.
public enum VocabularyReader {
    public static func flatPairs(_ bytes: [UInt8], limits: ReadLimits = ReadLimits()) -> [(String, Int)]? {
        guard UInt64(bytes.count) <= limits.maxDocumentBytes else { return nil }
        return bytes.withUnsafeBufferPointer { b -> [(String, Int)]? in
            var r = Reader(b: b)
            return r.object()
        }
    }

    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        var i = 0
        var scratch: [UInt8] = []

        mutating func skipSpace() {
            while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        }

        mutating func eat(_ c: UInt8) -> Bool {
            skipSpace()
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }

        mutating func object() -> [(String, Int)]? {
            guard eat(UInt8(ascii: "{")) else { return nil }
            var pairs: [(String, Int)] = []
            var seen = Set<String>()
            if !eat(UInt8(ascii: "}")) {
                repeat {
                    skipSpace()
                    guard let key = string(), eat(UInt8(ascii: ":")), let id = integer() else { return nil }
                    guard seen.insert(key).inserted else { return nil }  // the general reader keeps the last value
                    pairs.append((key, id))
                } while eat(UInt8(ascii: ","))
                guard eat(UInt8(ascii: "}")) else { return nil }
            }
            skipSpace()
            return i == b.count ? pairs : nil
        }

        /// 0 or [1-9][0-9]{0,17}: a JSON integer that fits an Int.
        mutating func integer() -> Int? {
            skipSpace()
            let start = i
            var v = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39, i - start < 18 {
                v = v * 10 + Int(b[i] - 0x30)
                i += 1
            }
            guard i > start, !(b[start] == 0x30 && i - start > 1) else { return nil }
            if i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e")
                || b[i] == UInt8(ascii: "E") { return nil }
            return v
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= b.count else { return nil }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]
                let d: UInt8
                switch c {
                case 0x30...0x39: d = c - 0x30
                case 0x41...0x46: d = c - 0x41 + 10
                case 0x61...0x66: d = c - 0x61 + 10
                default: return nil
                }
                v = v << 4 | UInt32(d)
                i += 1
            }
            return v
        }

        mutating func appendScalar(_ v: UInt32) {
            guard let s = Unicode.Scalar(v) else { return }
            scratch.append(contentsOf: UTF8.encode(s)!)
        }

        /// A JSON string at b[i] == '"'; its UTF-8 validated.
        mutating func string() -> String? {
            guard i < b.count, b[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < b.count, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\"), b[i] >= 0x20 { i += 1 }
            guard i < b.count, b[i] >= 0x20 else { return nil }
            if b[i] == UInt8(ascii: "\"") {  // no escapes: the common case
                let s = String(validating: UnsafeBufferPointer(rebasing: b[start..<i]), as: UTF8.self)
                i += 1
                return s
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: b[start..<i])
            while true {
                guard i < b.count else { return nil }
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; break }
                if c < 0x20 { return nil }
                if c != UInt8(ascii: "\\") { scratch.append(c); i += 1; continue }
                i += 1
                guard i < b.count else { return nil }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(e)
                case UInt8(ascii: "b"): scratch.append(0x08)
                case UInt8(ascii: "f"): scratch.append(0x0C)
                case UInt8(ascii: "n"): scratch.append(0x0A)
                case UInt8(ascii: "r"): scratch.append(0x0D)
                case UInt8(ascii: "t"): scratch.append(0x09)
                case UInt8(ascii: "u"):
                    guard let u = hex4() else { return nil }
                    if u >= 0xD800 && u < 0xDC00 {  // a high surrogate: a low one must follow
                        guard i + 2 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { return nil }
                        i += 2
                        guard let lo = hex4(), lo >= 0xDC00 && lo < 0xE000 else { return nil }
                        appendScalar(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                    } else if u >= 0xDC00 && u < 0xE000 {
                        return nil
                    } else {
                        appendScalar(u)
                    }
                default: return nil
                }
            }
            return scratch.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
        }
    }
}
