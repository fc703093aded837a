/// Names an element of a tensor for people: its multi-index and, where an axis maps to tokens
/// (`token`, `query`, `key`, `position`), the token at that index — `[1, 0] (token 'go', d_model 0)`.
public enum TensorLabels {
    /// The multi-index of flat (row-major) offset `flat` in `shape`.
    public static func index(_ flat: Int, shape: [Int]) -> [Int] {
        var idx = [Int](repeating: 0, count: shape.count), rest = flat
        for d in stride(from: shape.count - 1, through: 0, by: -1) where shape[d] > 0 {
            idx[d] = rest % shape[d]
            rest /= shape[d]
        }
        return idx
    }

    /// `(token 'go', d_model 0)`; empty for a tensor without `axes`.
    public static func describe(_ idx: [Int], tensor: Tensor, name: String, doc: Document?) -> String {
        guard !idx.isEmpty, let axes = tensor.axes else { return "" }
        let parts = idx.enumerated().map { d, i -> String in
            if let doc, let labels = TensorTable.labels(axis: axes[d], count: tensor.shape[d], doc: doc, tensorName: name) {
                return "\(axes[d]) '\(labels[i])'"
            }
            return "\(axes[d]) \(i)"
        }
        return "(" + parts.joined(separator: ", ") + ")"
    }

    /// `[1, 0]`.
    public static func bracket(_ idx: [Int]) -> String { "[" + idx.map(String.init).joined(separator: ", ") + "]" }
}
