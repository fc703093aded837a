import Foundation

/// Tensors as aligned tables for people: rows and columns labelled with tokens where an axis maps
/// to tokens (`token`, `query`, `key`, `position`), a summary line per tensor.
public struct TensorTable {
    public var precision = 4

    public init(precision: Int = 4) { self.precision = precision }

    /// Labels for one axis of a tensor in `doc`, or nil to number it.
    public static func labels(axis: String, count: Int, doc: Document, tensorName: String) -> [String]? {
        let source = doc.side("source")["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let target = doc.side("target")["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let decoder = tensorName.hasPrefix("decoder.")
        let isCross = tensorName.contains("cross_attn")
        var names: [String]
        switch axis {
        case "token": names = source
        case "position": names = decoderInputs(doc, target: target)
        case "query": names = decoder ? decoderInputs(doc, target: target) : source
        case "key": names = decoder && !isCross ? decoderInputs(doc, target: target) : source
        default: return nil
        }
        return names.count == count ? names : nil
    }

    /// What the decoder was fed: the start token, then every generated token but the last.
    static func decoderInputs(_ doc: Document, target: [String]) -> [String] {
        guard !target.isEmpty else { return [] }
        return ["<start>"] + target.dropLast()
    }

    /// shape, min, max, mean, std.
    public func summary(_ name: String, _ t: Tensor) -> String {
        let n = Double(max(1, t.count))
        let mean = t.data.reduce(0.0) { $0 + Double($1) } / n
        let variance = t.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let axes = t.axes.map { " (" + $0.joined(separator: " × ") + ")" } ?? ""
        return "\(name) \(t.shape)\(axes)  min \(fmt(t.data.min() ?? 0))  max \(fmt(t.data.max() ?? 0))  mean \(fmt(Float(mean)))  std \(fmt(Float(variance.squareRoot())))"
    }

    func fmt(_ v: Float) -> String {
        if v == MultiHeadAttention.maskValue { return "-max" }
        return String(format: "%.\(precision)f", Double(v))
    }

    /// The summary line, then the values: a vector as one row, a matrix as a table, and higher ranks
    /// as one table per index of the leading axes ("head 0", …).
    public func render(_ name: String, _ tensor: Tensor, doc: Document) -> String {
        var out = [summary(name, tensor)]
        // [token, head, d_head] reads best one head at a time: show it as [head, token, d_head].
        var t = tensor
        if t.rank == 3, let axes = t.axes, axes[1] == "head" {
            let (A, H, D) = (t.shape[0], t.shape[1], t.shape[2])
            var data = [Float](repeating: 0, count: t.count)
            for a in 0..<A { for h in 0..<H { for d in 0..<D { data[(h * A + a) * D + d] = t.data[(a * H + h) * D + d] } } }
            t = Tensor(shape: [H, A, D], data: data, axes: [axes[1], axes[0], axes[2]])
        }
        let axes = t.axes ?? t.shape.indices.map { "dim\($0)" }
        if t.rank == 0 || t.count == 0 { return out.joined(separator: "\n") }
        let cols = t.shape.last!, rows = t.rank >= 2 ? t.shape[t.rank - 2] : 1
        let rowAxis = t.rank >= 2 ? axes[t.rank - 2] : ""
        let rowLabels = t.rank >= 2
            ? (TensorTable.labels(axis: rowAxis, count: rows, doc: doc, tensorName: name) ?? (0..<rows).map { "\($0)" }) : [""]
        let colLabels = TensorTable.labels(axis: axes.last!, count: cols, doc: doc, tensorName: name)
            ?? (0..<cols).map { "\(axes.last!.first.map(String.init) ?? "d")\($0)" }
        let blocks = t.count / (rows * cols)
        let leading = Array(t.shape.dropLast(2))
        for b in 0..<blocks {
            if !leading.isEmpty {
                var idx: [Int] = [], rest = b
                for d in leading.reversed() { idx.insert(rest % d, at: 0); rest /= d }
                out.append(zip(axes, idx).map { "\($0) \($1)" }.joined(separator: ", ") + ":")
            }
            var cells: [[String]] = [[""] + colLabels]
            for r in 0..<rows {
                cells.append([rowLabels[r]] + (0..<cols).map { fmt(t.data[(b * rows + r) * cols + $0]) })
            }
            let widths = (0..<(cols + 1)).map { c in cells.map { $0[c].count }.max()! }
            for row in cells {
                out.append(row.enumerated().map { c, s in
                    c == 0 ? s.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                        : String(repeating: " ", count: widths[c] - s.count) + s
                }.joined(separator: "  "))
            }
        }
        return out.joined(separator: "\n")
    }
}
