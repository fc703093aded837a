/// Incremental decoding of several sequences at once — the beams of a beam search, or the
/// sentences of a batch — one new position each per step. Every product runs once for all
/// rows (each weight is read once per step, not once per sequence); attention runs per sequence
/// against its own cache. Each row gets exactly the bits `Decoder.forward` gives it alone: the
/// products compute every element in one canonical order whatever the number of rows, and
/// layer norm, attention and activations are per row.
extension DecoderBlock where L.Value == Float {
    /// x: [B, C], one new position of each of B sequences; caches[b] grows by that position.
    public func step(_ x: [Float], caches: inout [Cache]) -> [Float] {
        let C = selfAttention.dModel
        return forward(x, keep: false, trace: nil, selfAttend: { h in
            let k = selfAttention.k.forward(h), v = selfAttention.v.forward(h)
            for b in caches.indices {
                caches[b].selfKeys.append(contentsOf: k[(b * C)..<((b + 1) * C)])
                caches[b].selfValues.append(contentsOf: v[(b * C)..<((b + 1) * C)])
            }
            return (selfAttention.attendEach(q: selfAttention.q.forward(h), caches.map { ($0.selfKeys, $0.selfValues) },
                                             causal: true), nil)
        }, crossAttend: { h in
            (crossAttention.attendEach(q: crossAttention.q.forward(h), caches.map { ($0.crossKeys, $0.crossValues) },
                                       causal: false), nil)
        }).y
    }
}

extension MultiHeadAttention where L.Value == Float {
    /// Row b of q [B, C] attends over keysValues[b] ([T_b, C] each), then one output projection
    /// for all rows. Row b's result is the bits `attend` gives it alone.
    func attendEach(q: [Float], _ keysValues: [([Float], [Float])], causal: Bool) -> [Float] {
        let C = dModel
        var z = [Float]()
        z.reserveCapacity(q.count)
        for (b, kv) in keysValues.enumerated() {
            let a = attentionForward(q: Array(q[(b * C)..<((b + 1) * C)]), k: kv.0, v: kv.1, dModel: C, heads: heads,
                                     similarity: similarity, causal: causal)
            z.append(contentsOf: a.z)
        }
        return project(z)
    }
}

extension Decoder {
    /// Feeds one id to each of `states.count` sequences; returns their hidden states [B, C].
    public func step(_ ids: [Int], states: inout [State]) throws -> [Float] {
        precondition(ids.count == states.count)
        let C = embedding.dModel
        var h = try embedding.forward(ids, field: "target.ids")
        for b in ids.indices {
            let p = try positions.values(count: 1, start: states[b].length)
            for j in 0..<C { h[b * C + j] += p[j] }
        }
        for l in layers.indices {
            var caches = states.map { $0.caches[l] }
            for b in states.indices { states[b].caches[l] = DecoderLayer.Cache(crossKeys: [], crossValues: []) }  // no second reference: the caches grow in place
            h = layers[l].step(h, caches: &caches)
            for b in states.indices { states[b].caches[l] = caches[b] }
        }
        if let finalNorm { h = finalNorm.forward(h) }
        for b in states.indices { states[b].length += 1 }
        return h
    }
}
