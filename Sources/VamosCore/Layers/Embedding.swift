/// Word embedding: each id picks a row of the embedding matrix,
///     e[t] = E[id_t] · scale        (scale = √d_model when `scale_embedding`, else 1)
public struct Embedding: Sendable {
    public let weight: [Float]  // [V, C]
    public let vocabSize: Int
    public let dModel: Int
    public let scale: Float

    public init(weight: Tensor, scale: Float) {
        self.weight = weight.data
        vocabSize = weight.shape[0]
        dModel = weight.shape[1]
        self.scale = scale
    }

    /// ids: [T] → [T, C]. An id outside the vocabulary is an error naming its position.
    public func forward(_ ids: [Int], field: String = "ids") throws -> [Float] {
        var out = [Float](repeating: 0, count: ids.count * dModel)
        for (t, id) in ids.enumerated() {
            guard id >= 0 && id < vocabSize else {
                throw VamosError("'\(field)[\(t)]' is \(id), outside the vocabulary (0..<\(vocabSize))")
            }
            for j in 0..<dModel { out[t * dModel + j] = weight[id * dModel + j] * scale }
        }
        return out
    }
}
