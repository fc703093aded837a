#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the page's scripts draw from (the neuron view, the large heatmaps of the model view), as
/// one JSON object inlined in the page: every attention of the run — per kind and layer, the
/// labels, and per head the queries' and keys' first `shown` components, the scores, the weights
/// and the result `z`. Numbers are rounded for display (4 significant digits); a masked score is
/// `null`, never the mask value. Written with `<`, `>` and `&` escaped, so the text is safe inside
/// a `<script>` element of the XHTML page.
struct PageData {
    /// Components of q, k, v and z shown per head (the rest are elided on the page).
    static let shownComponents = 8

    struct Attention {
        var kind: AttentionMap.Kind
        var layer: Int
        var prefix: String          // encoder.blocks.0.attn, decoder.blocks.0.cross_attn, …
        var queries: [String]
        var keys: [String]
        var heads: Int
        var dHead: Int
        var similarity: String      // how the scores were computed, as the page says it
        var q: Tensor?, k: Tensor?, v: Tensor?, z: Tensor?   // [T, H, D]
        var scores: Tensor?, pattern: Tensor                  // [H, Tq, Tk]
    }

    var attentions: [Attention] = []

    /// `maps`: `AttentionMap.maps(in: doc)`, one per head; the data is per attention (head 0's map
    /// stands for its tensor).
    init(doc: Document?, maps: [AttentionMap]) {
        guard let doc else { return }
        for m in maps where m.head == 0 {
            let prefix = String(m.tensor.dropLast(".hook_pattern".count))
            guard let pattern = doc.tensors[m.tensor] else { continue }
            let q = doc.tensors[prefix + ".hook_q"], k = doc.tensors[prefix + ".hook_k"]
            let scores = doc.tensors[prefix + ".hook_attn_scores"]
            let heads = pattern.shape[0]
            let dHead = q.map { $0.shape.count == 3 ? $0.shape[2] : 0 } ?? 0
            attentions.append(Attention(kind: m.kind, layer: m.layer, prefix: prefix, queries: m.queries, keys: m.keys,
                                        heads: heads, dHead: dHead, similarity: PageData.similarity(q: q, k: k, scores: scores),
                                        q: q, k: k, v: doc.tensors[prefix + ".hook_v"], z: doc.tensors[prefix + ".hook_z"],
                                        scores: scores, pattern: pattern))
        }
    }

    /// Which similarity made the scores, read off the run's own numbers at (head 0, query 0, key 0):
    /// q·k/√D (scaled dot product), q·k, or the cosine (anything else).
    static func similarity(q: Tensor?, k: Tensor?, scores: Tensor?) -> String {
        guard let q, let k, let scores, q.shape.count == 3, k.shape.count == 3, scores.count > 0 else { return "similarity" }
        let D = q.shape[2]
        var dot = 0.0
        for d in 0..<D { dot += Double(q.data[d]) * Double(k.data[d]) }
        let s = Double(scores.data[0]), tol = 1e-3 * max(1, abs(s))
        if abs(s - dot / Double(D).squareRoot()) <= tol { return "q·k / √\(D)" }
        if abs(s - dot) <= tol { return "q·k" }
        return "cos(q, k)"
    }

    // MARK: writing

    static func number(_ v: Float) -> String {
        if v == attentionMaskValue || !v.isFinite { return "null" }
        let s = cFormat("%.4g", Double(v))
        return s == "-0" ? "0" : s
    }

    /// A JSON string, with the characters that would end a script or break XML escaped.
    static func string(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { out += cFormat("\\u%04x", u.value) }
                else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// [H][T][shown] from a [T, H, D] tensor.
    static func perHead(_ t: Tensor?, shown: Int) -> String {
        guard let t, t.shape.count == 3 else { return "null" }
        let (T, H, D) = (t.shape[0], t.shape[1], t.shape[2])
        return "[" + (0..<H).map { h in
            "[" + (0..<T).map { i in
                "[" + (0..<min(shown, D)).map { d in number(t.data[(i * H + h) * D + d]) }.joined(separator: ",") + "]"
            }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "]"
    }

    /// [H][Tq][Tk] from a [H, Tq, Tk] tensor.
    static func grids(_ t: Tensor?) -> String {
        guard let t, t.shape.count == 3 else { return "null" }
        let (H, Q, K) = (t.shape[0], t.shape[1], t.shape[2])
        return "[" + (0..<H).map { h in
            "[" + (0..<Q).map { i in
                "[" + (0..<K).map { j in number(t.data[(h * Q + i) * K + j]) }.joined(separator: ",") + "]"
            }.joined(separator: ",") + "]"
        }.joined(separator: ",") + "]"
    }

    func json() -> String {
        let items = attentions.map { a -> String in
            let shown = min(a.dHead, PageData.shownComponents)
            return "{\"kind\":\(PageData.string(a.kind.rawValue)),\"layer\":\(a.layer),\"prefix\":\(PageData.string(a.prefix)),"
                + "\"queries\":[\(a.queries.map(PageData.string).joined(separator: ","))],"
                + "\"keys\":[\(a.keys.map(PageData.string).joined(separator: ","))],"
                + "\"heads\":\(a.heads),\"dHead\":\(a.dHead),\"shown\":\(shown),\"similarity\":\(PageData.string(a.similarity)),"
                + "\"masked\":\(a.kind == .decoderSelf),"
                + "\"q\":\(PageData.perHead(a.q, shown: shown)),\"k\":\(PageData.perHead(a.k, shown: shown)),"
                + "\"v\":\(PageData.perHead(a.v, shown: shown)),\"z\":\(PageData.perHead(a.z, shown: shown)),"
                + "\"scores\":\(PageData.grids(a.scores)),\"pattern\":\(PageData.grids(a.pattern))}"
        }
        return "{\"attention\":[" + items.joined(separator: ",") + "]}"
    }
}
