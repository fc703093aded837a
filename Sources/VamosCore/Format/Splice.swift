import CTensorText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Puts what json-c cannot write into the text json-c wrote around it (JSONCodec.write): float
/// arrays formatted straight from float32 (the text of FloatText.swift, laid out as json-c lays
/// out an array), and strings json-c would change.
///
/// Float arrays are cut into pieces of at most `valuesPerPiece` values; a window of pieces — from
/// one array or many small ones — is formatted at once on the worker threads, each piece into a
/// buffer of its own, and written in order: the text is the same for any number of threads, and
/// the memory is a window's buffers, whatever the document's size.
enum Splice {
    enum Piece {
        case floats([Float])
        case text([UInt8])
    }

    static let valuesPerPiece = 1 << 15

    /// Writes `text`, each raw marker byte 0x01 replaced by the next piece.
    static func write(_ text: UnsafeRawBufferPointer, pieces: [Piece], to sink: (UnsafeRawBufferPointer) -> Void) {
        guard let base = text.baseAddress else { return }
        // The markers, and for each float array the separator json-c puts between elements:
        // "," on one line; ",\n" and the element's indentation when pretty (the marker's own line
        // prefix is that indentation).
        var marks: [Int] = []
        var at = 0
        while at < text.count, let hit = memchr(base + at, 0x01, text.count - at) {
            let m = base.distance(to: UnsafeRawPointer(hit))
            marks.append(m)
            at = m + 1
        }
        var separators: [[CChar]] = []
        for (k, m) in marks.enumerated() where k < pieces.count {
            var sep: [CChar] = [CChar(UInt8(ascii: ","))]
            if case .floats = pieces[k] {
                var lineStart = m
                while lineStart > 0, text[lineStart - 1] != 0x0A { lineStart -= 1 }
                if lineStart > 0, text[lineStart..<m].allSatisfy({ $0 == 0x20 }) {
                    sep.append(0x0A)
                    sep += text[lineStart..<m].map { CChar($0) }
                }
            }
            separators.append(sep)
        }
        // The pieces of every float array, in writing order.
        struct Job { var array: Int; var start: Int; var count: Int }
        var jobs: [Job] = []
        for (k, p) in pieces.enumerated() where k < marks.count {
            guard case .floats(let v) = p else { continue }
            var s = 0
            while s < v.count {
                jobs.append(Job(array: k, start: s, count: min(valuesPerPiece, v.count - s)))
                s += valuesPerPiece
            }
        }
        let workers = max(1, min(Kernels.threads, 8))
        let windowValues = valuesPerPiece * workers
        let maxSep = separators.map(\.count).max() ?? 1
        let room = valuesPerPiece * (Int(VT_FLOAT_TEXT_MAX) + maxSep)
        var buffers: [UnsafeMutablePointer<CChar>] = []
        defer { buffers.forEach { $0.deallocate() } }
        var formatted: [Int: (buffer: Int, length: Int)] = [:]  // job → its text

        // Formats the window of jobs starting at `first`: as many as fit `windowValues` (at least one).
        func format(from first: Int) {
            formatted.removeAll(keepingCapacity: true)
            var last = first, total = 0
            while last < jobs.count, last - first < 64, total + jobs[last].count <= windowValues || last == first {
                total += jobs[last].count
                last += 1
            }
            while buffers.count < last - first { buffers.append(.allocate(capacity: room)) }
            // Keep the arrays alive and their storage fixed while the workers read them.
            var holders: [[Float]] = []
            var cjobs: [vt_format_job] = []
            for (slot, j) in jobs[first..<last].enumerated() {
                guard case .floats(let v) = pieces[j.array] else { continue }
                holders.append(v)
                cjobs.append(vt_format_job(values: nil, count: j.count, sep: nil, seplen: separators[j.array].count,
                                           out: buffers[slot], length: 0))
            }
            withPointers(holders, separators: jobs[first..<last].map { separators[$0.array] }) { values, seps in
                for i in cjobs.indices {
                    cjobs[i].values = values[i] + jobs[first + i].start
                    cjobs[i].sep = seps[i]
                }
                vt_format_jobs(&cjobs, Int32(cjobs.count))
            }
            for (slot, c) in cjobs.enumerated() { formatted[first + slot] = (slot, c.length) }
        }

        var next = 0, job = 0
        at = 0
        for (k, m) in marks.enumerated() {
            if m > at { sink(UnsafeRawBufferPointer(rebasing: text[at..<m])) }
            at = m + 1
            guard k < pieces.count else { continue }
            switch pieces[k] {
            case .text(let bytes):
                bytes.withUnsafeBytes { sink($0) }
            case .floats:
                while job < jobs.count, jobs[job].array == k {
                    if formatted[job] == nil { format(from: job) }
                    let (slot, length) = formatted[job]!
                    if jobs[job].start > 0 { separators[k].withUnsafeBytes { sink($0) } }
                    sink(UnsafeRawBufferPointer(start: buffers[slot], count: length))
                    job += 1
                }
            }
            next += 1
        }
        if at < text.count { sink(UnsafeRawBufferPointer(rebasing: text[at...])) }
    }

    /// Base pointers of each array and separator, valid inside `body`.
    private static func withPointers(_ arrays: [[Float]], separators: [[CChar]],
                                     _ body: ([UnsafePointer<Float>], [UnsafePointer<CChar>]) -> Void) {
        var values: [UnsafePointer<Float>] = []
        var seps: [UnsafePointer<CChar>] = []
        func nest(_ i: Int) {
            if i == arrays.count + separators.count { body(values, seps); return }
            if i < arrays.count {
                arrays[i].withUnsafeBufferPointer { values.append($0.baseAddress!); nest(i + 1) }
            } else {
                separators[i - arrays.count].withUnsafeBufferPointer { seps.append($0.baseAddress!); nest(i + 1) }
            }
        }
        nest(0)
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
