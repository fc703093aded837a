/// A parallel corpus: one `source<TAB>target` pair per line (TSV), split on white space into words.
/// An optional third column labels the pair (a construction, for per-construction scores).
public struct ParallelCorpus: Sendable {
    public var pairs: [(source: [String], target: [String])]
    public var labels: [String?] = []
    /// The file line (1-based) of each pair, for errors.
    public var lines: [Int] = []

    /// Lines end at `\n` or `\r\n`; blank lines are skipped; words are split at white space
    /// (Unicode's White_Space, as `Character.isWhitespace`).
    public init(tsv text: String, file: String) throws {
        pairs = []
        let rows = ParallelCorpus.fastRows(text)
        for (i, cols) in rows.enumerated() {
            guard let cols else { continue }
            guard cols.count == 2 || cols.count == 3 else {
                throw VamosError("\(file) line \(i + 1): expected 'source<TAB>target' (and an optional label), found \(cols.count) column(s)")
            }
            guard !cols[0].words.isEmpty, !cols[1].words.isEmpty else { throw VamosError("\(file) line \(i + 1): an empty side") }
            labels.append(cols.count == 3 ? cols[2].text : nil)
            pairs.append((cols[0].words, cols[1].words))
            lines.append(i + 1)
        }
        guard !pairs.isEmpty else { throw VamosError("\(file): no sentence pairs") }
    }

    /// One line's tab-separated columns (its text and its words), nil for a blank line.
    typealias Row = [(text: String, words: [String])]?

    /// The rows as `Character`s define them (the stages split words the same way).
    static func rows(_ text: String) -> [Row] {
        text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { line in
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            return row(l)
        }
    }

    static func row(_ l: Substring) -> Row {
        if l.allSatisfy(isWordSeparator) { return nil }
        return l.split(separator: "\t", omittingEmptySubsequences: false).map {
            (String($0), $0.split(whereSeparator: isWordSeparator).map(String.init))
        }
    }

    /// The same rows from the UTF-8 bytes, split at bytes where that gives what `rows` gives: a line
    /// whose white space is ASCII and forms a grapheme of its own (no combining mark after it, no
    /// prepended mark before it) — every line of an ordinary corpus. Other lines go through `row`.
    /// Grapheme breaking per Character made reading the demo corpus take 0.25 s; this takes ~0.02 s.
    static func fastRows(_ text: String) -> [Row] {
        let bytes = Array(text.utf8)
        func space(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }
        func string(_ s: ArraySlice<UInt8>) -> String { String(decoding: s, as: UTF8.self) }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        for i in lines.indices {
            if i < lines.count - 1, lines[i].last == 0x0D { lines[i] = lines[i].dropLast() }  // "\r\n"
            if lines[i].last == 0x0D { lines[i] = lines[i].dropLast() }  // a "\r" before the line's end
        }
        return lines.map { line in
            if !bytewise(line) { return row(Substring(string(line))) }
            if line.allSatisfy(space) { return nil }
            return line.split(separator: 0x09, omittingEmptySubsequences: false).map {
                (string($0), $0.split(whereSeparator: space).map(string))
            }
        }
    }

    /// Whether splitting `line` at ASCII white-space bytes gives the Characters' split.
    static func bytewise(_ line: ArraySlice<UInt8>) -> Bool {
        if line.allSatisfy({ $0 < 0x80 }) { return true }
        let scalars = Array(String(decoding: line, as: UTF8.self).unicodeScalars)
        for (i, u) in scalars.enumerated() {
            if !u.isASCII { if u.properties.isWhitespace { return false }; continue }
            guard u.value == 0x20 || (u.value >= 0x09 && u.value <= 0x0D) else { continue }
            if i > 0, !scalars[i - 1].isASCII, String(String.UnicodeScalarView([scalars[i - 1], u])).count != 2 { return false }
            if i + 1 < scalars.count, !scalars[i + 1].isASCII, String(String.UnicodeScalarView([u, scalars[i + 1]])).count != 2 { return false }
        }
        return true
    }

    public init(file: String) throws {
        guard let bytes = readFile(file) else { throw VamosError("\(file): cannot read") }
        try self.init(tsv: try checkedUTF8(bytes, what: file), file: file)
    }

    /// A word vocabulary: `specials` first (in order), then the words by frequency (most frequent
    /// first, ties alphabetical) — token → id, as vocab.json holds it.
    public static func buildVocabulary(_ sentences: [[String]], specials: [String]) -> [(String, Int)] {
        var counts: [String: Int] = [:]
        for s in sentences { for w in s { counts[w, default: 0] += 1 } }
        for s in specials { counts[s] = nil }
        let words = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map(\.key)
        return (specials + words).enumerated().map { ($0.element, $0.offset) }
    }
}

/// Where words split (the corpus, `tokenize`, `decode --force`): `Character.isWhitespace`, answered
/// without a Unicode property lookup for ASCII characters (\t \n \v \f \r and space; "\r\n"
/// counts as "\n") — the lookup made reading a corpus 4× slower.
@inline(__always) func isWordSeparator(_ c: Character) -> Bool {
    if let a = c.asciiValue { return a == 0x20 || (a >= 0x09 && a <= 0x0D) }
    return c.isWhitespace
}
