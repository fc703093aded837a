/// A parallel corpus: one `source<TAB>target` pair per line (TSV), split on white space into words.
/// An optional third column labels the pair (a construction, for per-construction scores).
public struct ParallelCorpus: Sendable {
    public var pairs: [(source: [String], target: [String])]
    public var labels: [String?] = []
    /// The file line (1-based) of each pair, for errors.
    public var lines: [Int] = []

    public init(tsv text: String, file: String) throws {
        pairs = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let l = line.hasSuffix("\r") ? line.dropLast() : line
            if l.allSatisfy({ $0.isWhitespace }) { continue }
            let cols = l.split(separator: "\t", omittingEmptySubsequences: false)
            guard cols.count == 2 || cols.count == 3 else {
                throw VamosError("\(file) line \(i + 1): expected 'source<TAB>target' (and an optional label), found \(cols.count) column(s)")
            }
            labels.append(cols.count == 3 ? String(cols[2]) : nil)
            let s = cols[0].split(whereSeparator: { $0.isWhitespace }).map(String.init)
            let t = cols[1].split(whereSeparator: { $0.isWhitespace }).map(String.init)
            guard !s.isEmpty, !t.isEmpty else { throw VamosError("\(file) line \(i + 1): an empty side") }
            pairs.append((s, t))
            lines.append(i + 1)
        }
        guard !pairs.isEmpty else { throw VamosError("\(file): no sentence pairs") }
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
