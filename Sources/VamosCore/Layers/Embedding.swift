/// Word embedding: each id picks a row of the embedding matrix,
///     e[t] = E[id_t] · scale        (scale = √d_model when `scale_embedding`, else 1)
public struct Embedding: Sendable {
    public let weight: WeightMatrix  // [V, C], as stored: only the rows looked up are read
    public var vocabSize: Int { weight.rows }
    public var dModel: Int { weight.cols }
    public let scale: Float
    /// When set, the matrix was not scanned for NaN/∞ at load: each row looked up is checked, and
    /// a bad one is an error naming this (the file and tensor).
    let checkRows: String?

    public init(weight: WeightMatrix, scale: Float, checkRows: String? = nil) {
        self.weight = weight
        self.scale = scale
        self.checkRows = checkRows
    }

    public init(weight: Tensor, scale: Float) {
        self.init(weight: WeightMatrix(weight.data, rows: weight.shape[0], cols: weight.shape[1]), scale: scale)
    }

    /// ids: [T] → [T, C]. An id outside the vocabulary is an error naming its position.
    public func forward(_ ids: [Int], field: String = "ids") throws -> [Float] {
        var out = [Float](repeating: 0, count: ids.count * dModel)
        try out.withUnsafeMutableBufferPointer { o in
            for (t, id) in ids.enumerated() { try lookup(id, into: o.baseAddress! + t * dModel, field: "\(field)[\(t)]") }
        }
        return out
    }

    /// e = E[id] · scale into C values at `out` (`field` names the id in an error).
    public func lookup(_ id: Int, into out: UnsafeMutablePointer<Float>, field: @autoclosure () -> String) throws {
        guard id >= 0 && id < vocabSize else {
            throw VamosError("'\(field())' is \(id), outside the vocabulary (0..<\(vocabSize))")
        }
        weight.row(id, into: out)
        if let checkRows, let j = (0..<dModel).first(where: { !out[$0].isFinite }) {
            throw VamosError("\(checkRows) holds a non-finite value at index \(id * dModel + j)")
        }
        for j in 0..<dModel { out[j] = out[j] * scale }
    }
}

/// The embedding lookup, whatever holds the matrix (a checkpoint's, or training's Float/Double
/// parameters):  e[t] = row(t, id_t) · scale,  ids [n] → [n, C]. `row` gives the C values of the
/// row (an array, or a slice of the table: no copy).
func embeddingForward<F: Scalar, Row: RandomAccessCollection<F>>(_ ids: [Int], dModel C: Int, scale: F,
                                                                row: (Int, Int) throws -> Row) rethrows -> [F]
    where Row.Index == Int {
    var out = [F](repeating: 0, count: ids.count * C)
    for (t, id) in ids.enumerated() {
        let r = try row(t, id), first = r.startIndex
        for j in 0..<C { out[t * C + j] = r[first + j] * scale }
    }
    return out
}

/// Beside it:  dE[id_t] += de[t] · scale  (rows in order of t).
func embeddingBackward<F: Scalar>(_ ids: [Int], dModel C: Int, scale: F, de: [F], dTable: inout [F]) {
    for (t, id) in ids.enumerated() {
        for j in 0..<C { dTable[id * C + j] += de[t * C + j] * scale }
    }
}
