/// The encoder on several sentences at once (`encode --batch`): their rows are packed one after
/// another ([ΣT_s, C], no padding), every product runs once over all rows, and attention runs per
/// sentence over its own keys only. Each sentence gets exactly the bits it gets alone: the
/// products compute every element in one canonical order whatever the number of rows, and layer
/// norm, attention and activations are per row or per sentence.
extension EncoderBlock {
    /// x: the packed rows of sentences of `lengths` rows each → the same rows after this layer.
    public func forward(packed x: [V], lengths: [Int]) -> [V] {
        forward(x, sequences: PackedSequences(lengths: lengths), keep: false).y
    }
}

extension Encoder {
    /// Every layer (and the final norm) over sentences packed as in `EncoderBlock.forward(packed:lengths:)`.
    public func forward(packed x: [Float], lengths: [Int]) -> [Float] {
        var h = x
        for layer in layers { h = layer.forward(packed: h, lengths: lengths) }
        if let finalNorm { h = finalNorm.forward(h) }
        return h
    }
}
