/// A minibatch of sentence pairs, padded to the longest of each side.
/// Shapes: B pairs, T source positions, S target positions.
public struct Batch: Sendable {
    public let size: Int               // B
    public let sourceLength: Int       // T
    public let targetLength: Int       // S
    public let source: [Int]           // [B, T] source ids (with <EOS>), padding filled with `fill`
    public let sourceLengths: [Int]    // [B] real lengths: keys past them are masked
    public let decoderInput: [Int]     // [B, S] start id, then the target shifted right (teacher forcing)
    public let labels: [Int]           // [B, S] the target ids (ending in <EOS>); −1 where padded
    public var tokens: Int { labels.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    /// `target` ids end with <EOS>; `fill` is any valid id (padding positions are masked and ignored).
    public init(pairs: [(source: [Int], target: [Int])], startID: Int, fill: Int) {
        size = pairs.count
        sourceLength = pairs.map(\.source.count).max() ?? 0
        targetLength = pairs.map(\.target.count).max() ?? 0
        var source = [Int](repeating: fill, count: size * sourceLength)
        var input = [Int](repeating: fill, count: size * targetLength)
        var labels = [Int](repeating: -1, count: size * targetLength)
        for (b, pair) in pairs.enumerated() {
            for (t, id) in pair.source.enumerated() { source[b * sourceLength + t] = id }
            for (t, id) in pair.target.enumerated() {
                labels[b * targetLength + t] = id
                input[b * targetLength + t] = t == 0 ? startID : pair.target[t - 1]
            }
        }
        self.source = source
        self.sourceLengths = pairs.map(\.source.count)
        self.decoderInput = input
        self.labels = labels
    }
}
