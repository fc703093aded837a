#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One attention heatmap: the weights of one head of one `…hook_pattern` tensor of a `--trace`
/// document — queries down, keys across, labelled with tokens.
public struct AttentionMap: Equatable {
    public enum Kind: String, CaseIterable {
        case encoderSelf = "encoder self-attention"
        case decoderSelf = "decoder masked self-attention"
        case cross = "encoder–decoder attention"
    }

    /// `encoder.blocks.0.attn.hook_pattern`, …
    public var tensor: String
    public var kind: Kind
    public var layer: Int
    public var head: Int
    public var queries: [String]
    public var keys: [String]
    /// [queries.count × keys.count], row-major.
    public var weights: [Float]
    /// An attribution map (`attributions.METHOD`, `….target`): the method; `weights` then hold each
    /// row divided by its largest |value| (in [−1, 1], drawn red for negative) and `values` the
    /// tensor's own numbers. nil for attention.
    public var attribution: String? = nil
    public var values: [Float]? = nil

    /// `encoder.blocks.0.attn.head0.svg`: the tensor name without `hook_pattern`, and the head.
    public var fileName: String {
        if attribution != nil { return "\(tensor.replacing("/", with: "_")).svg" }
        let stem = tensor.hasSuffix(".hook_pattern") ? String(tensor.dropLast(".hook_pattern".count)) : tensor
        // A tensor name comes from the document: keep it to one path component.
        let safe = String(stem.map { $0 == "/" || $0 == "\\" || $0.isNewline ? "_" : $0 })
        return "\(safe.hasPrefix(".") ? "_" + safe : safe).head\(head).svg"
    }

    public var title: String {
        guard let attribution else { return "\(kind.rawValue), layer \(layer), head \(head)" }
        let method = attribution.replacing("_", with: " ")
        return kind == .cross ? "\(method): each target word ← the source tokens" : "\(method): each target word ← the words before it"
    }

    /// Masked cells of decoder self-attention: key after query.
    public func isMasked(query i: Int, key j: Int) -> Bool { kind == .decoderSelf && j > i }

    /// Every head of every attention pattern in `doc` (encoder self-attention, decoder masked
    /// self-attention, encoder–decoder attention), in the document's order.
    public static func maps(in doc: Document) -> [AttentionMap] {
        var out: [AttentionMap] = []
        for (name, t) in doc.tensors.pairs where name.hasSuffix("hook_pattern") && t.rank == 3 && t.count > 0 {
            let kind: Kind
            if name.hasPrefix("encoder.") { kind = .encoderSelf }
            else if name.contains("cross_attn") { kind = .cross }
            else if name.hasPrefix("decoder.") { kind = .decoderSelf }
            else { continue }
            let layer = name.split(separator: ".").dropFirst(2).first.flatMap { Int($0) } ?? 0
            let (H, Q, K) = (t.shape[0], t.shape[1], t.shape[2])
            let axes = t.axes ?? ["head", "query", "key"]
            var queries = TensorTable.labels(axis: axes[1], count: Q, doc: doc, tensorName: name) ?? (0..<Q).map { "\($0)" }
            // A decoder row is the step that produced target.tokens[i]: label it so ("step 1 → vamos"),
            // not with the word fed in, which is the previous step's output.
            let produced = doc.side("target")["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if kind != .encoderSelf && produced.count == Q { queries = produced.enumerated().map { "step \($0.offset + 1) → \($0.element)" } }
            let keys = TensorTable.labels(axis: axes[2], count: K, doc: doc, tensorName: name) ?? (0..<K).map { "\($0)" }
            for h in 0..<H {
                out.append(AttentionMap(tensor: name, kind: kind, layer: layer, head: h, queries: queries, keys: keys,
                                        weights: Array(t.data[(h * Q * K)..<((h + 1) * Q * K)])))
            }
        }
        return out
    }

    /// Every attribution tensor of `doc` (`attribute`'s `attributions.METHOD` [target, token] and
    /// `attributions.METHOD.target` [target, position]), as heatmaps: rows the target words, each
    /// row scaled by its largest |value|.
    public static func attributionMaps(in doc: Document) -> [AttentionMap] {
        var out: [AttentionMap] = []
        let produced = doc.side("target")["tokens"]?.arrayValue?.compactMap(\.stringValue) ?? []
        for (name, t) in doc.tensors.pairs where name.hasPrefix("attributions.") && t.rank == 2 && t.count > 0 {
            let parts = name.split(separator: ".").map(String.init)
            guard parts.count == 2 || (parts.count == 3 && parts[2] == "target") else { continue }
            let (S, K) = (t.shape[0], t.shape[1])
            let axes = t.axes ?? ["target", parts.count == 2 ? "token" : "position"]
            let rows = produced.count == S ? produced.enumerated().map { "step \($0.offset + 1) → \($0.element)" } : (0..<S).map { "\($0)" }
            let keys = TensorTable.labels(axis: axes[1], count: K, doc: doc, tensorName: name) ?? (0..<K).map { "\($0)" }
            var scaled = t.data
            for r in 0..<S {
                let row = (r * K)..<((r + 1) * K)
                let m = t.data[row].map { abs($0) }.max() ?? 0
                if m > 0 && m.isFinite { for i in row { scaled[i] = t.data[i] / m } }
            }
            out.append(AttentionMap(tensor: name, kind: parts.count == 2 ? .cross : .decoderSelf, layer: 0, head: 0,
                                    queries: rows, keys: keys, weights: scaled, attribution: parts[1], values: t.data))
        }
        return out
    }
}

/// Renders an `AttentionMap` as a standalone SVG (xmlns, viewBox, escaped labels): one square per
/// query × key, white (0) to dark blue (1), the value printed in it, and a `<title>` per cell so a
/// browser shows "query → key: weight" on hover.
public enum AttentionSVG {
    static let cell = 44.0
    static let charWidth = 7.6
    static let font = "font-family=\"ui-monospace, DejaVu Sans Mono, monospace\""

    /// White → dark blue (matplotlib's Blues end points), for a weight in [0, 1].
    public static func color(_ v: Float) -> String {
        let t = Double(min(max(v, 0), 1))
        let (r, g, b) = (255 + (8 - 255) * t, 255 + (48 - 255) * t, 255 + (107 - 255) * t)
        return cFormat("#%02x%02x%02x", Int32(r.rounded()), Int32(g.rounded()), Int32(b.rounded()))
    }

    /// Attributions: blue for positive (as attention), white → dark red (Reds' end) for negative.
    public static func signedColor(_ v: Float) -> String {
        guard v < 0 else { return color(v) }
        let t = Double(min(-v, 1))
        let (r, g, b) = (255 + (103 - 255) * t, 255 + (0 - 255) * t, 255 + (13 - 255) * t)
        return cFormat("#%02x%02x%02x", Int32(r.rounded()), Int32(g.rounded()), Int32(b.rounded()))
    }

    /// A cell's colour: attention weights in [0, 1], attributions signed in [−1, 1].
    public static func cellColor(_ m: AttentionMap, _ v: Float) -> String { m.attribution == nil ? color(v) : signedColor(v) }

    public static func render(_ m: AttentionMap) -> String {
        let Q = m.queries.count, K = m.keys.count
        let left = 24 + charWidth * Double(max(m.queries.map(\.count).max() ?? 1, 7))
        let top = 64 + charWidth * Double(max(m.keys.map(\.count).max() ?? 1, 4))
        // The bold 14px title is about 8.8 px per character, the 11px tensor name about 6.7.
        let width = max(left + cell * Double(K) + 16, 24 + 8.8 * Double(m.title.count), 24 + 6.7 * Double(m.tensor.count), left + 160 + 6.2 * 52)
        let height = top + cell * Double(Q) + 40
        let e = Markup.escape, n = Markup.num
        var s: [String] = []
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" data-tensor=\"\(e(m.tensor))\" data-head=\"\(m.head)\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\">")
        s.append(m.attribution == nil ? "<title>\(e(m.tensor)) head \(m.head): \(e(m.kind.rawValue))</title>" : "<title>\(e(m.tensor)): \(e(m.title))</title>")
        s.append("<rect x=\"0\" y=\"0\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"#ffffff\"/>")
        s.append("<text x=\"12\" y=\"20\" \(font) font-size=\"14\" font-weight=\"bold\" fill=\"#222222\">\(e(m.title))</text>")
        s.append("<text x=\"12\" y=\"38\" \(font) font-size=\"11\" fill=\"#555555\">\(e(m.tensor))</text>")
        let (columnsName, rowsName) = m.attribution == nil ? ("keys", "queries") : (m.kind == .cross ? "source tokens" : "decoder inputs", "target words")
        s.append("<text x=\"\(n(left))\" y=\"56\" \(font) font-size=\"11\" fill=\"#555555\">\(columnsName) →</text>")
        s.append("<text x=\"12\" y=\"\(n(top - 8))\" \(font) font-size=\"11\" fill=\"#555555\">\(rowsName) ↓</text>")
        for (j, key) in m.keys.enumerated() {
            let x = left + cell * (Double(j) + 0.5) + 4
            s.append("<text x=\"\(n(x))\" y=\"\(n(top - 6))\" transform=\"rotate(-90 \(n(x)) \(n(top - 6)))\" \(font) font-size=\"12\" fill=\"#222222\">\(e(key))</text>")
        }
        for (i, query) in m.queries.enumerated() {
            let y = top + cell * Double(i)
            s.append("<text x=\"\(n(left - 6))\" y=\"\(n(y + cell / 2 + 4))\" text-anchor=\"end\" \(font) font-size=\"12\" fill=\"#222222\">\(e(query))</text>")
            for j in 0..<K {
                let v = m.weights[i * K + j], x = left + cell * Double(j)
                let masked = m.isMasked(query: i, key: j)
                let shown = m.values.map { formatFloat($0[i * K + j]) } ?? formatFloat(v)
                let tip = m.attribution == nil ? "query '\(query)' (\(i)), key '\(m.keys[j])' (\(j)): \(masked ? "masked" : shown)"
                    : "'\(query)' ← '\(m.keys[j])' (\(j)): \(masked ? "masked (a later input)" : shown)"
                s.append("<g><title>\(e(tip))</title>")
                s.append("<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(cell))\" height=\"\(n(cell))\" fill=\"\(masked ? "#eeeeee" : cellColor(m, v))\" stroke=\"#ffffff\"/>")
                if !masked {
                    s.append("<text x=\"\(n(x + cell / 2))\" y=\"\(n(y + cell / 2 + 4))\" text-anchor=\"middle\" \(font) font-size=\"11\" fill=\"\(abs(v) > 0.5 ? "#ffffff" : "#222222")\">\(cFormat("%.2f", Double(v)))</text>")
                }
                s.append("</g>")
            }
        }
        // legend: 0 … 1 (attention weights), −1 … 1 of the row's largest |value| (attributions)
        let ly = top + cell * Double(Q) + 14
        let signed = m.attribution != nil
        let caption = (signed ? "share of the row's largest |value| (hover: the value)" : "attention weight (softmax over keys)")
            + (m.kind == .decoderSelf ? "; grey: masked" : "")
        for k in 0...10 {
            let v = signed ? Float(k - 5) / 5 : Float(k) / 10
            s.append("<rect x=\"\(n(left + 12 * Double(k)))\" y=\"\(n(ly))\" width=\"12\" height=\"10\" fill=\"\(cellColor(m, v))\"/>")
        }
        s.append("<text x=\"\(n(left - 6))\" y=\"\(n(ly + 9))\" text-anchor=\"end\" \(font) font-size=\"10\" fill=\"#555555\">\(signed ? "−1" : "0")</text>")
        s.append("<text x=\"\(n(left + 138))\" y=\"\(n(ly + 9))\" \(font) font-size=\"10\" fill=\"#555555\">1</text>")
        s.append("<text x=\"\(n(left + 152))\" y=\"\(n(ly + 9))\" \(font) font-size=\"10\" fill=\"#555555\">\(caption)</text>")
        s.append("</svg>")
        return s.joined(separator: "\n") + "\n"
    }
}
