#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The page's small pictures, each drawn from the run's own tensors as inline SVG (well-formed XML):
/// the words as points (a 2-wide embedding), the positional squiggles, the residual stream per
/// layer, and the model view's thumbnail heatmaps.
enum PagePlots {
    static let font = "font-family=\"ui-monospace, DejaVu Sans Mono, monospace\""
    static let colors = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]

    static func svgOpen(_ w: Double, _ h: Double, _ cls: String, _ label: String) -> String {
        let n = Markup.num
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"\(cls)\" width=\"\(n(w))\" height=\"\(n(h))\" viewBox=\"0 0 \(n(w)) \(n(h))\" role=\"img\"><title>\(Markup.escape(label))</title><rect x=\"0\" y=\"0\" width=\"\(n(w))\" height=\"\(n(h))\" fill=\"#ffffff\"/>"
    }

    /// A "nice" axis range covering lo…hi.
    static func range(_ values: [Double]) -> (Double, Double) {
        var lo = values.min() ?? 0, hi = values.max() ?? 1
        if lo == hi { lo -= 1; hi += 1 }
        let pad = (hi - lo) * 0.12
        return (lo - pad, hi + pad)
    }

    /// Section 1, for a 2-wide model: each word as a point (d0, d1), labelled.
    static func embeddingScatter(tokens: [String], embeddings t: Tensor, unknown: Set<Int>) -> String {
        let e = Markup.escape, n = Markup.num
        let T = t.shape[0]
        let xs = (0..<T).map { Double(t.data[$0 * 2]) }, ys = (0..<T).map { Double(t.data[$0 * 2 + 1]) }
        let (x0, x1) = range(xs + [0]), (y0, y1) = range(ys + [0])
        let W = 420.0, H = 320.0, L = 44.0, B = 34.0, R = 16.0, Tp = 16.0
        func px(_ x: Double) -> Double { L + (x - x0) / (x1 - x0) * (W - L - R) }
        func py(_ y: Double) -> Double { H - B - (y - y0) / (y1 - y0) * (H - B - Tp) }
        var s = [svgOpen(W, H, "plot embedding-plot", "the words' embeddings as points: d0 across, d1 up")]
        s.append("<line x1=\"\(n(px(x0)))\" y1=\"\(n(py(0)))\" x2=\"\(n(px(x1)))\" y2=\"\(n(py(0)))\" stroke=\"#bbbbbb\"/>")
        s.append("<line x1=\"\(n(px(0)))\" y1=\"\(n(py(y0)))\" x2=\"\(n(px(0)))\" y2=\"\(n(py(y1)))\" stroke=\"#bbbbbb\"/>")
        s.append("<text x=\"\(n(W - R))\" y=\"\(n(H - 8))\" text-anchor=\"end\" \(font) font-size=\"11\" fill=\"#555555\">d0 (first embedding value) →</text>")
        s.append("<text x=\"6\" y=\"12\" \(font) font-size=\"11\" fill=\"#555555\">↑ d1 (second value)</text>")
        for i in 0..<T {
            let c = unknown.contains(i) ? "#d62728" : colors[0]
            s.append("<g><title>\(e(tokens[i])): (\(formatFloat(t.data[i * 2])), \(formatFloat(t.data[i * 2 + 1])))</title>")
            s.append("<circle cx=\"\(n(px(xs[i])))\" cy=\"\(n(py(ys[i])))\" r=\"5\" fill=\"\(c)\"/>")
            let right = px(xs[i]) > W * 0.55  // labels of points on the right go to their left
            s.append("<text x=\"\(n(px(xs[i]) + (right ? -8 : 8)))\" y=\"\(n(py(ys[i]) - 6))\"\(right ? " text-anchor=\"end\"" : "") \(font) font-size=\"12\" fill=\"#222222\">\(e(tokens[i])) (\(cFormat("%.2f", xs[i])), \(cFormat("%.2f", ys[i])))</text></g>")
        }
        s.append("</svg>")
        return s.joined()
    }

    /// The positional scheme whose values at whole positions are `p` [T, C], found by trying each
    /// sinusoidal scheme's own code; nil for learned or none (no squiggles to draw).
    static func scheme(of p: Tensor) -> PositionalEncoding? {
        let (T, C) = (p.shape[0], p.shape[1])
        guard T > 0, C > 0, p.data.contains(where: { $0 != 0 }) else { return nil }
        for kind in [ModelConfig.PositionalEncoding.sinusoidalHalves, .sinusoidalInterleaved] {
            let pe = PositionalEncoding(kind: kind, dModel: C, maxPositions: T)
            if let v = try? pe.values(count: T), zip(v, p.data).allSatisfy({ abs($0 - $1) <= 1e-6 }) { return pe }
        }
        return nil
    }

    /// Section 2: dimension d's squiggle over the positions, each token's position marked with the
    /// value it adds (the first `dims` dimensions).
    static func squiggles(tokens: [String], positions p: Tensor, dims: Int = 4) -> String? {
        guard p.shape.count == 2, let pe = scheme(of: p) else { return nil }
        let e = Markup.escape, n = Markup.num
        let (T, C) = (p.shape[0], p.shape[1])
        // The first sine and cosine squiggles: dimensions 0, 1, … (interleaved: sin, cos, sin, cos);
        // for halves (all sines first), the first of each half.
        let h = (C + 1) / 2
        let chosen: [Int] = pe.kind == .sinusoidalHalves && C >= 4 ? Array([0, h, 1, h + 1].prefix(dims)) : Array(0..<min(dims, C))
        let span = Double(max(T - 1, 3))
        let W = max(300.0, 46 + 34 * Double(T)), H = 150.0, L = 34.0, R = 12.0, Tp = 22.0, B = 28.0
        var out: [String] = []
        for d in chosen {
            func px(_ x: Double) -> Double { L + x / span * (W - L - R) }
            func py(_ y: Double) -> Double { Tp + (1 - y) / 2 * (H - Tp - B) }
            var s = [svgOpen(W, H, "plot squiggle", "dimension \(d): its squiggle over the positions")]
            let fn = pe.kind == .sinusoidalInterleaved ? (d % 2 == 0 ? "sin" : "cos") : (d < (C + 1) / 2 ? "sin" : "cos")
            s.append("<text x=\"8\" y=\"14\" \(font) font-size=\"11\" fill=\"#222222\">d\(d): a \(fn) squiggle</text>")
            s.append("<line x1=\"\(n(L))\" y1=\"\(n(py(0)))\" x2=\"\(n(W - R))\" y2=\"\(n(py(0)))\" stroke=\"#dddddd\"/>")
            for y in [-1.0, 1.0] {
                s.append("<text x=\"\(n(L - 4))\" y=\"\(n(py(y) + 4))\" text-anchor=\"end\" \(font) font-size=\"10\" fill=\"#777777\">\(Int(y))</text>")
            }
            var points: [String] = []
            let steps = 120
            for k in 0...steps {
                let x = span * Double(k) / Double(steps)
                if let y = pe.squiggle(d, at: x) { points.append("\(n(px(x))),\(n(py(y)))") }
            }
            s.append("<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#9ecae1\" stroke-width=\"2\"/>")
            for t in 0..<T {
                let v = p.data[t * C + d]
                s.append("<g><title>\(e(tokens.indices.contains(t) ? tokens[t] : "\(t)")) at position \(t): adds \(formatFloat(v)) to d\(d)</title>")
                s.append("<circle cx=\"\(n(px(Double(t))))\" cy=\"\(n(py(Double(v))))\" r=\"4\" fill=\"\(colors[1])\"/>")
                s.append("<text x=\"\(n(px(Double(t))))\" y=\"\(n(H - 14))\" text-anchor=\"middle\" \(font) font-size=\"10\" fill=\"#222222\">\(e(tokens.indices.contains(t) ? tokens[t] : "\(t)"))</text>")
                s.append("<text x=\"\(n(px(Double(t))))\" y=\"\(n(H - 3))\" text-anchor=\"middle\" \(font) font-size=\"9\" fill=\"#d62728\">\(cFormat("%.2f", Double(v)))</text></g>")
            }
            s.append("</svg>")
            out.append(s.joined())
        }
        return out.joined(separator: "\n")
    }

    /// Section 6: per layer, the length ‖x‖ of each token's vector in the residual stream at each
    /// point of the layer (bars side by side per token).
    static func residualBars(title: String, tokens: [String], series: [(String, Tensor)]) -> String {
        let e = Markup.escape, n = Markup.num
        guard let first = series.first?.1, first.shape.count == 2 else { return "" }
        let (T, C) = (first.shape[0], first.shape[1])
        let norms = series.map { (_, t) in (0..<T).map { i in (0..<C).reduce(0.0) { $0 + Double(t.data[i * C + $1]) * Double(t.data[i * C + $1]) }.squareRoot() } }
        let top = max(norms.flatMap { $0 }.max() ?? 1, 1e-6)
        let group = Double(series.count) * 9 + 10
        let W = max(260, 40 + group * Double(T)), H = 170.0, L = 34.0, B = 40.0, Tp = 20.0
        var s = [svgOpen(W, H, "plot residual", "\(title): the length of each token's vector")]
        s.append("<text x=\"6\" y=\"14\" \(font) font-size=\"11\" fill=\"#222222\">\(e(title))</text>")
        s.append("<text x=\"\(n(L - 4))\" y=\"\(n(Tp + 8))\" text-anchor=\"end\" \(font) font-size=\"9\" fill=\"#777777\">\(cFormat("%.1f", top))</text>")
        s.append("<line x1=\"\(n(L))\" y1=\"\(n(H - B))\" x2=\"\(n(W - 4))\" y2=\"\(n(H - B))\" stroke=\"#bbbbbb\"/>")
        for t in 0..<T {
            let gx = L + 4 + group * Double(t)
            for (k, (name, _)) in series.enumerated() {
                let h = norms[k][t] / top * (H - B - Tp)
                s.append("<rect x=\"\(n(gx + 9 * Double(k)))\" y=\"\(n(H - B - h))\" width=\"8\" height=\"\(n(h))\" fill=\"\(colors[k % colors.count])\"><title>\(e(tokens.indices.contains(t) ? tokens[t] : "\(t)")): ‖\(e(name))‖ = \(cFormat("%.4f", norms[k][t]))</title></rect>")
            }
            s.append("<text x=\"\(n(gx))\" y=\"\(n(H - B + 12))\" \(font) font-size=\"10\" fill=\"#222222\">\(e(tokens.indices.contains(t) ? String(tokens[t].prefix(8)) : "\(t)"))</text>")
        }
        for (k, (name, _)) in series.enumerated() {
            s.append("<rect x=\"\(n(L + 150 * Double(k % 2)))\" y=\"\(n(H - 22 + 11 * Double(k / 2)))\" width=\"8\" height=\"8\" fill=\"\(colors[k % colors.count])\"/>")
            s.append("<text x=\"\(n(L + 12 + 150 * Double(k % 2)))\" y=\"\(n(H - 15 + 11 * Double(k / 2)))\" \(font) font-size=\"9\" fill=\"#444444\">\(e(name))</text>")
        }
        s.append("</svg>")
        return s.joined()
    }

    /// The model view's thumbnail of one head: its weights as small squares, no text (hover says
    /// which head; a click opens it large). Masked cells are hatched grey.
    static func thumbnail(_ m: AttentionMap, index: Int) -> String {
        let e = Markup.escape, n = Markup.num
        let Q = m.queries.count, K = m.keys.count
        let cell = max(3.0, min(12.0, 84.0 / Double(max(Q, K))))
        let W = cell * Double(K) + 2, H = cell * Double(Q) + 2
        var s = ["<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap thumb\" data-tensor=\"\(e(m.tensor))\" data-head=\"\(m.head)\" data-index=\"\(index)\" width=\"\(n(W))\" height=\"\(n(H))\" viewBox=\"0 0 \(n(W)) \(n(H))\" role=\"img\" tabindex=\"0\">"]
        s.append("<title>\(e(m.title)): click to open</title>")
        s.append("<rect x=\"0\" y=\"0\" width=\"\(n(W))\" height=\"\(n(H))\" fill=\"#ffffff\" stroke=\"#cccccc\"/>")
        for i in 0..<Q {
            for j in 0..<K {
                let masked = m.isMasked(query: i, key: j)
                s.append("<rect x=\"\(n(1 + cell * Double(j)))\" y=\"\(n(1 + cell * Double(i)))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"\(masked ? "url(#masked)" : AttentionSVG.color(m.weights[i * K + j]))\"/>")
            }
        }
        s.append("</svg>")
        return s.joined()
    }

    /// The hatch that marks masked cells (defined once per page).
    static let maskedPattern = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\"><defs><pattern id=\"masked\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#bbbbbb\" stroke-width=\"2\"/></pattern></defs></svg>"
}
