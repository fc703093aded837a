/// Incremental decoding of several sequences at once — the beams of a beam search, the sentences
/// of a batch — one new position each per step, on storage reserved up front: a step allocates
/// nothing. Each sequence lives in a slot holding its keys and values in every layer (room for
/// `capacity` positions, reserved when the slot is made; untouched pages cost no memory) and the
/// encoder output's keys and values; a step runs every product once for all rows (each weight is
/// read once per step, not once per sequence) into buffers sized for the most rows seen, and the
/// attention per row against its own slot.
///
/// Each row gets exactly the bits `Decoder.forward` gives its sequence alone (ReferenceTests,
/// DeterminismTests, the golden files): the block is wired as `DecoderBlock.forward` wires it — residual(masked
/// self-attention), residual(encoder–decoder attention), residual(FFN), with the config's layer
/// norm placement — and every operation is the same function on the same values: the products
/// compute each element in one canonical order whatever the number of rows, `attendOne` is
/// `attentionForward` for one query, layer norm and activations are per row.
///
/// Shapes: B rows this step, C = d_model, F = the feed-forward width, T a sequence's source length.
public final class DecoderSteps {
    public let decoder: Decoder
    let C: Int

    // One slot per sequence. keys[s][l], values[s][l]: [capacity[s], C] — layer l's self-attention
    // cache; cross[s][l]: the encoder output's keys and values [T, C] each.
    private var keys: [[UnsafeMutablePointer<Float>]] = []
    private var values: [[UnsafeMutablePointer<Float>]] = []
    private var capacity: [Int] = []
    private var cross: [[(k: [Float], v: [Float])]] = []
    /// Positions fed so far, per slot.
    public private(set) var length: [Int] = []
    private var inUse: [Bool] = []

    // Step buffers for `rows` rows: x the residual stream, n its normalized values, q/k/v/z/o the
    // attention's [B, C] values, ff [B, F]; xhat, rstd what layer norm computes beside y.
    private var rows = 0
    private let x = Reserved(), n = Reserved(), q = Reserved(), k = Reserved(), v = Reserved()
    private let z = Reserved(), o = Reserved(), ff = Reserved(), xhat = Reserved(), rstd = Reserved()
    private let scratch = Reserved()  // attendOne's, for the longest keys of any slot
    /// The position values [positions, C] computed so far: every sequence reads the same rows.
    private var positionValues: [Float] = []

    public init(decoder: Decoder) {
        self.decoder = decoder
        C = decoder.embedding.dModel
    }

    deinit {
        for s in keys.indices { for p in keys[s] + values[s] { p.deallocate() } }
    }

    /// A slot for a sequence decoded against `memory` (the encoder output [T, C]), with room for
    /// `positions` positions: the encoder output's keys and values are computed here, once.
    public func add(memory: [Float], reserving positions: Int) -> Int {
        let s = newSlot(reserving: positions)
        positionValues.reserveCapacity(min(positions, decoder.positions.maxPositions) * C)
        cross[s] = decoder.layers.map { ($0.crossAttention.k.forward(memory), $0.crossAttention.v.forward(memory)) }
        scratch.reserve(attendOneScratch(keys: memory.count / C, dModel: C, heads: maxHeads))
        return s
    }

    /// A slot that continues `parent`'s sequence (a beam picked twice): its positions are copied,
    /// the encoder output's keys and values shared.
    public func fork(_ parent: Int, reserving positions: Int) -> Int {
        let s = newSlot(reserving: max(positions, length[parent]))
        copy(parent, into: s)
        return s
    }

    /// Makes slot `s` continue `parent`'s sequence, in place of its own.
    public func copy(_ parent: Int, into s: Int) {
        guard parent != s else { return }
        precondition(inUse[parent] && inUse[s])
        ensure(s, positions: length[parent])
        for l in decoder.layers.indices {
            keys[s][l].update(from: keys[parent][l], count: length[parent] * C)
            values[s][l].update(from: values[parent][l], count: length[parent] * C)
        }
        cross[s] = cross[parent]
        length[s] = length[parent]
    }

    /// Frees slot `s` for the next sequence (its storage is kept).
    public func remove(_ s: Int) {
        inUse[s] = false
        cross[s] = []
        length[s] = 0
    }

    private var maxHeads: Int { decoder.layers.map { max($0.selfAttention.heads, $0.crossAttention.heads) }.max() ?? 1 }

    private func newSlot(reserving positions: Int) -> Int {
        let wanted = max(positions, 1)
        if let s = inUse.firstIndex(of: false) {
            inUse[s] = true
            length[s] = 0
            ensure(s, positions: wanted)
            return s
        }
        let L = decoder.layers.count
        keys.append((0..<L).map { _ in .allocate(capacity: wanted * C) })
        values.append((0..<L).map { _ in .allocate(capacity: wanted * C) })
        capacity.append(wanted)
        cross.append([])
        length.append(0)
        inUse.append(true)
        scratch.reserve(attendOneScratch(keys: wanted, dModel: C, heads: maxHeads))
        return keys.count - 1
    }

    /// Room for `positions` positions in slot s (moving what it holds; only past the reservation).
    private func ensure(_ s: Int, positions: Int) {
        guard positions > capacity[s] else { return }
        let grown = max(positions, 2 * capacity[s])
        func moved(_ p: UnsafeMutablePointer<Float>) -> UnsafeMutablePointer<Float> {
            let bigger = UnsafeMutablePointer<Float>.allocate(capacity: grown * C)
            bigger.update(from: p, count: length[s] * C)
            p.deallocate()
            return bigger
        }
        keys[s] = keys[s].map(moved)
        values[s] = values[s].map(moved)
        capacity[s] = grown
        scratch.reserve(attendOneScratch(keys: grown, dModel: C, heads: maxHeads))
    }

    /// Feeds ids[r] to the sequence in slots[r] for every row r; returns the hidden states [B, C]
    /// (the final norm applied), valid until the next step.
    public func step(_ ids: [Int], slots: [Int]) throws -> UnsafeMutablePointer<Float> {
        precondition(ids.count == slots.count)
        let B = ids.count
        reserveRows(B)
        let x = self.x.p
        for r in 0..<B {
            let s = slots[r]
            precondition(inUse[s])
            try decoder.embedding.lookup(ids[r], into: x + r * C, field: "target.ids[\(r)]")
            guard length[s] + 1 <= decoder.positions.maxPositions else {
                throw VamosError("sequence of \(length[s] + 1) positions is longer than the \(decoder.positions.maxPositions) the model allows (max_position_embeddings)")
            }
            let t = length[s]
            while positionValues.count <= t * C {  // the next position, once for all sequences
                let row = positionValues.count / C
                positionValues.append(contentsOf: repeatElement(0, count: C))
                positionValues.withUnsafeMutableBufferPointer { decoder.positions.write(position: row, into: $0.baseAddress! + row * C) }
            }
            positionValues.withUnsafeBufferPointer { p in for j in 0..<C { x[r * C + j] += p[t * C + j] } }
            ensure(s, positions: length[s] + 1)
        }
        for l in decoder.layers.indices { layerStep(l, rows: B, slots: slots) }
        for s in slots { length[s] += 1 }
        guard let finalNorm = decoder.finalNorm else { return x }
        layerNorm(finalNorm, x, rows: B, into: n.p)
        return n.p
    }

    private func reserveRows(_ B: Int) {
        guard B > rows else { return }
        rows = B
        let F = decoder.layers.compactMap { $0.feedForward?.fc1.outFeatures }.max() ?? 0
        for b in [x, n, q, k, v, z, o] { b.reserve(B * C) }
        ff.reserve(B * F)
        xhat.reserve(B * C)
        rstd.reserve(B)
    }

    /// y = LN(x) for B rows (x̂ and 1/σ into the step's own buffers).
    private func layerNorm(_ norm: LayerNorm<Float>, _ x: UnsafePointer<Float>, rows B: Int, into y: UnsafeMutablePointer<Float>) {
        norm.gamma.withUnsafeBufferPointer { g in
            norm.beta.withUnsafeBufferPointer { b in
                Float.layerNormForwardRows(x: x, gamma: g.baseAddress!, beta: b.baseAddress!, eps: norm.eps, C: C,
                                           rows: 0..<B, y: y, xhat: xhat.p, rstd: rstd.p)
            }
        }
    }

    /// x ← residual(x, f) as `residual` computes it: pre x + f(LN(x)), post LN(x + f(x)), none x + f(x);
    /// `f(input)` writes its output into o.
    private func residualStep(_ placement: ModelConfig.LayerNormPlacement, _ norm: LayerNorm<Float>?, rows B: Int,
                              _ f: (UnsafeMutablePointer<Float>) -> Void) {
        let x = self.x.p, o = self.o.p, count = B * C
        if placement == .pre {
            layerNorm(norm!, x, rows: B, into: n.p)
            f(n.p)
        } else {
            f(x)
        }
        for i in 0..<count { x[i] = x[i] + o[i] }
        if placement == .post {
            layerNorm(norm!, x, rows: B, into: n.p)
            x.update(from: n.p, count: count)
        }
    }

    private func layerStep(_ l: Int, rows B: Int, slots: [Int]) {
        let layer = decoder.layers[l]
        let q = self.q.p, k = self.k.p, v = self.v.p, z = self.z.p, o = self.o.p
        residualStep(layer.placement, layer.selfAttentionNorm, rows: B) { h in
            let a = layer.selfAttention
            a.k.forward(h, rows: B, into: k)
            a.v.forward(h, rows: B, into: v)
            a.q.forward(h, rows: B, into: q)
            for r in 0..<B {
                let s = slots[r], t = length[s]
                (keys[s][l] + t * C).update(from: k + r * C, count: C)
                (values[s][l] + t * C).update(from: v + r * C, count: C)
                attendOne(q: q + r * C, k: keys[s][l], v: values[s][l], keys: t + 1, dModel: C, heads: a.heads,
                          similarity: a.similarity, scratch: scratch.p, into: z + r * C)
            }
            a.ablate(z, rows: B)
            a.out.forward(z, rows: B, into: o)
        }
        residualStep(layer.placement, layer.crossAttentionNorm, rows: B) { h in
            let a = layer.crossAttention
            a.q.forward(h, rows: B, into: q)
            for r in 0..<B {
                let kv = cross[slots[r]][l]
                kv.k.withUnsafeBufferPointer { kp in
                    kv.v.withUnsafeBufferPointer { vp in
                        // (no source positions: no key is read, any pointer will do)
                        attendOne(q: q + r * C, k: kp.baseAddress ?? UnsafePointer(z), v: vp.baseAddress ?? UnsafePointer(z),
                                  keys: kv.k.count / C, dModel: C, heads: a.heads, similarity: a.similarity, scratch: scratch.p, into: z + r * C)
                    }
                }
            }
            a.ablate(z, rows: B)
            a.out.forward(z, rows: B, into: o)
        }
        guard let feedForward = layer.feedForward else { return }
        residualStep(layer.placement, layer.finalNorm, rows: B) { h in
            feedForward.fc1.forward(h, rows: B, into: ff.p)
            activate(ff.p, count: B * feedForward.fc1.outFeatures, feedForward.activation, parallel: false)
            feedForward.fc2.forward(ff.p, rows: B, into: o)
        }
    }
}

/// A float buffer that only grows (decoding's step buffers): reserved once, reused every step.
final class Reserved {
    private(set) var p = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    private(set) var count = 1

    func reserve(_ n: Int) {
        guard n > count else { return }
        p.deallocate()
        p = .allocate(capacity: n)
        count = n
    }

    deinit { p.deallocate() }
}

extension MultiHeadAttention where L.Value == Float {
    /// `ablate` on B rows of z in place.
    func ablate(_ z: UnsafeMutablePointer<Float>, rows B: Int) {
        guard !ablatedHeads.isEmpty else { return }
        let C = dModel, D = headDim
        for r in 0..<B { for h in ablatedHeads { (z + r * C + h * D).update(repeating: 0, count: D) } }
    }
}
