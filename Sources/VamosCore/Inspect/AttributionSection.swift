/// The page's section on attributions (`attribute`): which source tokens, and which earlier target
/// words, each produced word depends on, by backpropagation — drawn as heatmaps beside the attention.
extension HTMLReport {
    func attributionSection() -> [String] {
        guard let doc = stages.reversed().map(\.doc).first(where: { $0.tensors.keys.contains { $0.hasPrefix("attributions.") } }) else {
            return []
        }
        let maps = AttentionMap.attributionMaps(in: doc)
        guard !maps.isEmpty else { return [] }
        var body: [String] = []
        for m in maps {
            let link = attentionDirectory.map { " <a class=\"more\" href=\"\(e($0))/\(e(m.fileName))\">svg</a>" } ?? ""
            body.append("<h3>\(e(m.title))</h3><p class=\"mono\">\(e(m.tensor))\(link)</p>")
            body.append("<div class=\"scroll\">\(AttentionSVG.render(m))</div>")
        }
        return section("attributions", "4b. Attributions: where each word came from",
                       "Attention shows where a head looked; an attribution asks the whole network. For every word it produced, "
                       + "the log-probability of that word is differentiated (backpropagation, as in training) with respect to each "
                       + "input row: the source tokens' encoder_input (embeddings + positions) and the decoder's inputs. "
                       + "<b>saliency</b> is the length of that gradient; <b>input × gradient</b> its dot product with the input "
                       + "(signed: red lowers the word's probability); <b>integrated gradients</b> averages the gradient along the "
                       + "straight path from an all-zero input. Each row is scaled by its largest |value|; hover for the number.",
                       walkthrough: "output", body)
    }
}
