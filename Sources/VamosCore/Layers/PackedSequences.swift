/// Sequences whose rows lie one after another in one [rows, C] buffer, with no padding: sequence s
/// is rows `ranges[s]`. `encode --batch` and training pack sentences this way; every product then
/// runs once over all rows, and attention runs per sequence over that sequence's own keys.
///
/// Shapes: S sequences; rows = Σ lengths.
public struct PackedSequences: Sendable, Equatable {
    public let ranges: [Range<Int>]

    public init(lengths: [Int]) {
        var start = 0
        ranges = lengths.map { n in
            defer { start += n }
            return start..<(start + n)
        }
    }

    public var count: Int { ranges.count }
    public var rows: Int { ranges.last?.upperBound ?? 0 }
    public var longest: Int { ranges.map(\.count).max() ?? 0 }
}
