#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tensors as aligned tables for people: rows and columns labelled with tokens where an axis maps
/// to tokens (`token`, `query`, `key`, `position`), a summary line per tensor.
public struct TensorTable {
    public var precision = 4
    /// At most this many rows and columns per table (0: all); the rest are summarized as `…`.
    public var maxRows = 0
    public var maxColumns = 0

    public init(precision: Int = 4, maxRows: Int = 0, maxColumns: Int = 0) {
        self.precision = precision
        self.maxRows = maxRows
        self.maxColumns = maxColumns
    }

    /// Labels for one axis of a tensor in `doc`, or nil to number it.
    public static func labels(axis: String, count: Int, doc: Document, tensorName: String) -> [String]? {
        let source = doc.side("source")["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let target = doc.side("target")["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let decoder = tensorName.hasPrefix("decoder.")
        let isCross = tensorName.contains("cross_attn")
        var names: [String]
        switch axis {
        case "token": names = source
        case "target": names = target          // attributions: the word each row explains
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

    /// shape, min, max, mean, std — over the unmasked entries, as `tensor stats` (TensorStats).
    public func summary(_ name: String, _ t: Tensor) -> String {
        let s = TensorStats(t)
        let axes = t.axes.map { " (" + $0.joined(separator: " × ") + ")" } ?? ""
        let masked = s.masked > 0 ? "  masked \(s.masked)" : ""
        guard s.count > 0 else { return "\(name) \(t.shape)\(axes)\(masked)" }
        return "\(name) \(t.shape)\(axes)  min \(fmt(s.min))  max \(fmt(s.max))  mean \(fmt(s.mean))  std \(fmt(s.std))\(masked)"
    }

    /// A value as the table prints it; a masked entry (the mask value) is `masked`, never −3.4e38.
    public func fmt(_ v: Float) -> String {
        if v == attentionMaskValue { return "masked" }
        return cFormat("%.\(precision)f", Double(v))
    }

    public func fmt(_ v: Double) -> String { cFormat("%.\(precision)f", v) }

    /// One 2-D slice of a tensor, labelled: what `render` prints and the HTML report shows.
    public struct Grid {
        /// `head 0` for the slices of a rank-3 tensor (nil for a vector or matrix).
        public var title: String?
        public var columns: [String]
        public var rows: [(label: String, values: [Float])]
    }

    /// The values as labelled 2-D slices: a vector as one row, a matrix as one grid, higher ranks as
    /// one grid per index of the leading axes ("head 0", …). `[token, head, d_head]` tensors are
    /// shown one head at a time, as `[head, token, d_head]`.
    public static func grids(_ name: String, _ tensor: Tensor, doc: Document?) -> [Grid] {
        var t = tensor
        if t.rank == 3, let axes = t.axes, axes[1] == "head" {
            let (A, H, D) = (t.shape[0], t.shape[1], t.shape[2])
            var data = [Float](repeating: 0, count: t.count)
            for a in 0..<A { for h in 0..<H { for d in 0..<D { data[(h * A + a) * D + d] = t.data[(a * H + h) * D + d] } } }
            t = Tensor(shape: [H, A, D], data: data, axes: [axes[1], axes[0], axes[2]])
        }
        let axes = t.axes ?? t.shape.indices.map { "dim\($0)" }
        if t.rank == 0 || t.count == 0 { return [] }
        let cols = t.shape.last!, rows = t.rank >= 2 ? t.shape[t.rank - 2] : 1
        let rowAxis = t.rank >= 2 ? axes[t.rank - 2] : ""
        func labels(_ axis: String, _ count: Int) -> [String]? {
            doc.flatMap { TensorTable.labels(axis: axis, count: count, doc: $0, tensorName: name) }
        }
        let rowLabels = t.rank >= 2 ? (labels(rowAxis, rows) ?? (0..<rows).map { "\($0)" }) : [""]
        let colLabels = labels(axes.last!, cols) ?? (0..<cols).map { "\(axes.last!.first.map(String.init) ?? "d")\($0)" }
        let blocks = t.count / (rows * cols)
        let leading = Array(t.shape.dropLast(2))
        return (0..<blocks).map { b in
            var title: String? = nil
            if !leading.isEmpty {
                var idx: [Int] = [], rest = b
                for d in leading.reversed() { idx.insert(rest % d, at: 0); rest /= d }
                title = zip(axes, idx).map { "\($0) \($1)" }.joined(separator: ", ")
            }
            return Grid(title: title, columns: colLabels, rows: (0..<rows).map { r in
                (rowLabels[r], Array(t.data[((b * rows + r) * cols)..<((b * rows + r + 1) * cols)]))
            })
        }
    }

    /// The summary line, then the values as aligned tables (see `grids`).
    public func render(_ name: String, _ tensor: Tensor, doc: Document) -> String {
        var out = [summary(name, tensor)]
        for grid in TensorTable.grids(name, tensor, doc: doc) {
            if let title = grid.title { out.append(title + ":") }
            let nc = maxColumns > 0 ? min(maxColumns, grid.columns.count) : grid.columns.count
            let more = nc < grid.columns.count ? ["… \(grid.columns.count - nc) more"] : []
            var cells: [[String]] = [[""] + grid.columns.prefix(nc) + more.map { _ in "" }]
            let nr = maxRows > 0 ? min(maxRows, grid.rows.count) : grid.rows.count
            for row in grid.rows.prefix(nr) { cells.append([row.label] + row.values.prefix(nc).map { fmt($0) } + more) }
            if nr < grid.rows.count { cells.append(["… \(grid.rows.count - nr) more rows"] + [String](repeating: "", count: nc + more.count)) }
            let widths = (0..<cells[0].count).map { c in cells.map { $0[c].count }.max()! }
            for row in cells {
                out.append(row.enumerated().map { c, s in
                    c == 0 ? s.padded(to: widths[0])
                        : String(repeating: " ", count: widths[c] - s.count) + s
                }.joined(separator: "  "))
            }
        }
        return out.joined(separator: "\n")
    }
}
