/// A minibatch of sentence pairs, packed: each side's sentences one after another with no padding
/// (PackedSequences), so no product computes a row no sentence has, and every sentence's rows
/// are the rows it has alone.
/// Shapes: B pairs; ΣT = Σ_b T_b source rows, ΣS = Σ_b S_b target rows.
public struct Batch: Sendable {
    public let size: Int                    // B
    public let sourceRows: PackedSequences  // pair b's source rows
    public let targetRows: PackedSequences  // pair b's target rows
    public let source: [Int]                // [ΣT] source ids (each sentence's ending in <EOS>)
    public let decoderInput: [Int]          // [ΣS] start id, then the target shifted right (teacher forcing)
    public let labels: [Int]                // [ΣS] the target ids (each sentence's ending in <EOS>)
    public var tokens: Int { labels.count }

    /// `target` ids end with <EOS>.
    public init(pairs: [(source: [Int], target: [Int])], startID: Int) {
        size = pairs.count
        sourceRows = PackedSequences(lengths: pairs.map(\.source.count))
        targetRows = PackedSequences(lengths: pairs.map(\.target.count))
        source = pairs.flatMap(\.source)
        labels = pairs.flatMap(\.target)
        decoderInput = pairs.flatMap { pair in pair.target.indices.map { $0 == 0 ? startID : pair.target[$0 - 1] } }
    }
}
