import CTensorText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts what json-c cannot write into the text json-c wrote around it (JSONCodec.write): float
/// arrays formatted straight from float32 (the text of FloatText.swift, laid out as json-c lays
/// out an array), and strings json-c would change.
enum Splice {
    enum Piece {
        case floats([Float])
        case text([UInt8])
    }

    /// Values formatted per piece of output, so that writing a large tensor needs a bounded buffer.
    static let valuesPerPiece = 1 << 16

    /// Writes `text`, each raw marker byte 0x01 replaced by the next piece.
    static func write(_ text: UnsafeRawBufferPointer, pieces: [Piece], to sink: (UnsafeRawBufferPointer) -> Void) {
        guard let base = text.baseAddress else { return }
        var at = 0
        var next = 0
        var buffer: UnsafeMutableRawBufferPointer? = nil
        defer { buffer?.deallocate() }
        while at < text.count {
            guard let hit = memchr(base + at, 0x01, text.count - at) else {
                sink(UnsafeRawBufferPointer(rebasing: text[at...]))
                return
            }
            let mark = base.distance(to: UnsafeRawPointer(hit))
            if mark > at { sink(UnsafeRawBufferPointer(rebasing: text[at..<mark])) }
            at = mark + 1
            guard next < pieces.count else { continue }
            switch pieces[next] {
            case .text(let bytes):
                bytes.withUnsafeBytes { sink($0) }
            case .floats(let values):
                // json-c puts ",\n" and the element's indentation between elements when pretty:
                // the marker's own line prefix is that indentation.
                var separator: [UInt8] = [UInt8(ascii: ",")]
                var lineStart = mark
                while lineStart > 0, text[lineStart - 1] != 0x0A { lineStart -= 1 }
                if lineStart > 0, text[lineStart..<mark].allSatisfy({ $0 == 0x20 }) {
                    separator.append(0x0A)
                    separator.append(contentsOf: text[lineStart..<mark])
                }
                let room = valuesPerPiece * (Int(VT_FLOAT_TEXT_MAX) + separator.count) + separator.count
                if buffer == nil || buffer!.count < room {
                    buffer?.deallocate()
                    buffer = .allocate(byteCount: room, alignment: 16)
                }
                values.withUnsafeBufferPointer { v in
                    separator.withUnsafeBufferPointer { sep in
                        var i = 0
                        while i < v.count {
                            let n = min(valuesPerPiece, v.count - i)
                            let out = buffer!.baseAddress!.assumingMemoryBound(to: CChar.self)
                            var used = 0
                            if i > 0 {
                                memcpy(out, sep.baseAddress!, sep.count)
                                used = sep.count
                            }
                            used += vt_format_floats(v.baseAddress! + i, n, UnsafeRawPointer(sep.baseAddress!).assumingMemoryBound(to: CChar.self), sep.count, out + used)
                            sink(UnsafeRawBufferPointer(start: buffer!.baseAddress!, count: used))
                            i += n
                        }
                    }
                }
            }
            next += 1
        }
    }

    /// `text` with each key marker `"\u0001N"` (a key json-c cannot write) replaced by the key's
    /// own JSON text. Only keys can start with that escape: a string value starting with U+0001
    /// is a raw marker, never escaped.
    static func keys(_ text: UnsafeRawBufferPointer, _ keys: [[UInt8]]) -> [UInt8] {
        let marker = Array("\"\\u0001".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var i = 0
        var inString = false
        while i < text.count {
            let c = text[i]
            if inString {
                out.append(c)
                if c == UInt8(ascii: "\\") { out.append(text[i + 1]); i += 2; continue }
                if c == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            if c == UInt8(ascii: "\""), i + marker.count < text.count, Array(text[i..<(i + marker.count)]) == marker {
                var j = i + marker.count
                var index = 0
                while j < text.count, text[j] >= 0x30, text[j] <= 0x39 { index = index * 10 + Int(text[j] - 0x30); j += 1 }
                if j < text.count, text[j] == UInt8(ascii: "\""), index < keys.count {
                    out.append(contentsOf: keys[index])
                    i = j + 1
                    continue
                }
            }
            if c == UInt8(ascii: "\"") { inString = true }
            out.append(c)
            i += 1
        }
        return out
    }
}
