/// The whole Transformer for training: a batched forward pass that keeps what the backward pass
/// needs, and the backward pass, walking the ParameterTree layer by layer (llm.c style). The layers
/// are the stages' own — `MultiHeadAttention`, `PositionwiseFeedForward`, `LayerNorm`, `residual`,
/// each with its backward beside its forward — built here over this model's parameters
/// (`ParameterLinear<F>`) instead of a checkpoint's weights. Embeddings and the output layer are
/// still written here (`embed`/`embedBackward`; the stages: Layers/Embedding.swift, OutputProjection).
///
/// Shapes: B batch, T source length, S target length, C d_model, V target vocabulary; F is the
/// number type (Float to train, Double for the gradient check).
/// Every activation is a contiguous row-major [rows, width] buffer with rows = B·T or B·S.
public final class TrainingModel<F: Scalar> {
    public let parameters: Parameters<F>
    /// The architecture's named parameters, walked layer by layer (the stages build from the same tree).
    let tree: ParameterTree
    /// When set, backward passes compute the inputs' gradients but no weight or bias gradient.
    var inputGradientsOnly = false
    var c: ModelConfig { parameters.config }
    typealias T = ParameterTree

    public init(parameters: Parameters<F>) {
        self.parameters = parameters
        tree = ParameterTree(parameters.config)
    }

    // MARK: caches

    typealias NormCache = LayerNorm<F>.Cache
    typealias Attention = MultiHeadAttention<ParameterLinear<F>>
    typealias AttentionCache = Attention.Cache
    typealias FeedForward = PositionwiseFeedForward<ParameterLinear<F>>
    enum SublayerCache { case attention(AttentionCache), feedForward(FeedForward.Cache) }
    struct ResidualCache { var norms: ResidualNorms<F>; var sub: SublayerCache }
    struct Forward {
        var encoderLayers: [[ResidualCache]] = []
        var encoderFinal: NormCache?
        var decoderLayers: [[ResidualCache]] = []
        var decoderFinal: NormCache?
        var decoderOut: [F] = []            // [B·S, C]
        var logits: [F] = []                // [B·S, V]
    }

    // MARK: loss

    /// Mean cross-entropy of the batch; with `backward`, also accumulates every parameter's gradient.
    @discardableResult
    public func loss(_ batch: Batch, labelSmoothing: Float = 0, backward: Bool = true) throws -> Double {
        var f = Forward()
        let memory = try encoderForward(batch, &f)
        try decoderForward(batch, memory: memory, &f)
        let V = c.decoderVocabSize
        let (loss, dlogits) = crossEntropyForwardBackward(logits: f.logits, labels: batch.labels, vocab: V,
                                                          labelSmoothing: F(labelSmoothing))
        if backward {
            var dMemory = [F](repeating: 0, count: memory.count)
            decoderBackward(batch, dlogits: dlogits, f, dMemory: &dMemory)
            encoderBackward(batch, dOut: dMemory, f)
        }
        return loss
    }

    /// The logits [B·S, V] of a teacher-forced batch (the forward pass `loss` takes).
    func logits(_ batch: Batch) throws -> [F] {
        var f = Forward()
        let memory = try encoderForward(batch, &f)
        try decoderForward(batch, memory: memory, &f)
        return f.logits
    }

    // MARK: embeddings

    func embed(_ ids: [Int], rows T: Int, batch B: Int, name: String, stack: String) throws -> [F] {
        let C = c.dModel
        let table = parameters.values[name]!
        let scale: F = c.scaleEmbedding ? F(Double(C).squareRoot()) : 1
        let p: [F]                                                            // [T, C]
        if c.positionalEncoding == .learned {
            guard T <= c.maxPositionEmbeddings else {
                throw VamosError("sequence of \(T) positions is longer than the \(c.maxPositionEmbeddings) the model allows (max_position_embeddings)")
            }
            p = Array(parameters.values[positionsName(stack)]![0..<(T * C)])
        } else {
            p = try PositionalEncoding(kind: c.positionalEncoding, dModel: C, maxPositions: c.maxPositionEmbeddings)
                .values(count: T).map { F($0) }
        }
        var x = [F](repeating: 0, count: B * T * C)                        // [B·T, C]
        for b in 0..<B {
            for t in 0..<T {
                let id = ids[b * T + t], row = (b * T + t) * C
                for j in 0..<C { x[row + j] = table[id * C + j] * scale + p[t * C + j] }
            }
        }
        return x
    }

    func embedBackward(_ ids: [Int], rows T: Int, batch B: Int, dx: [F], name: String, stack: String) {
        let C = c.dModel
        let scale: F = c.scaleEmbedding ? F(Double(C).squareRoot()) : 1
        withGrad(name) { dE in
            for b in 0..<B {
                for t in 0..<T {
                    let id = ids[b * T + t], row = (b * T + t) * C
                    for j in 0..<C { dE[id * C + j] += dx[row + j] * scale }
                }
            }
        }
        if c.positionalEncoding == .learned {
            withGrad(positionsName(stack)) { dP in
                for b in 0..<B { for t in 0..<T { for j in 0..<C { dP[t * C + j] += dx[(b * T + t) * C + j] } } }
            }
        }
    }

    func positionsName(_ stack: String) -> String { (stack == "encoder" ? tree.encoder : tree.decoder).positions!.name }

    // MARK: building blocks

    /// The layer norm `prefix` on this model's parameters.
    func layerNorm(_ prefix: String) -> LayerNorm<F> {
        LayerNorm(gamma: parameters.values["\(prefix).weight"]!, beta: parameters.values["\(prefix).bias"]!, eps: F(c.layerNormEps))
    }

    func normForward(_ prefix: String, _ x: [F]) -> ([F], NormCache) {
        let (y, cache) = layerNorm(prefix).forward(x, keep: true)
        return (y, cache!)
    }

    /// Lends a gradient buffer out of the dictionary (no copy, and no overlapping access when two
    /// buffers are needed at once).
    func withGrad<R>(_ name: String, _ body: (inout [F]) -> R) -> R {
        var g = parameters.grads.removeValue(forKey: name)!
        let r = body(&g)
        parameters.grads[name] = g
        return r
    }

    func normBackward(_ prefix: String, _ dy: [F], _ cache: NormCache) -> [F] {
        let norm = layerNorm(prefix)
        return withGrad("\(prefix).weight") { dGamma in
            withGrad("\(prefix).bias") { dBeta in norm.backward(dy, cache, dGamma: &dGamma, dBeta: &dBeta) }
        }
    }

    func linear(_ prefix: String, _ x: [F], in i: Int, out o: Int) -> [F] {
        linearForward(x, weight: parameters.values["\(prefix).weight"]!, bias: parameters.values["\(prefix).bias"], in: i, out: o)
    }

    func linearBack(_ prefix: String, _ dy: [F], x: [F], in i: Int, out o: Int) -> [F] {
        linearBack(weight: "\(prefix).weight", bias: parameters.grads["\(prefix).bias"] != nil ? "\(prefix).bias" : nil,
                   dy, x: x, in: i, out: o)
    }

    func linearBack(weight: String, bias: String?, _ dy: [F], x: [F], in i: Int, out o: Int) -> [F] {
        let w = parameters.values[weight]!
        // Input gradients only (attribute): dx = dy·W, the product linearBackward computes first.
        if inputGradientsOnly { return matmul(dy, w, M: dy.count / o, N: i, K: o, transposeB: false) }
        return withGrad(weight) { dW in
            guard let bias else { return linearBackward(dy: dy, x: x, weight: w, in: i, out: o, dWeight: &dW, dBias: nil) }
            return withGrad(bias) { db in
                db.withUnsafeMutableBufferPointer { linearBackward(dy: dy, x: x, weight: w, in: i, out: o, dWeight: &dW, dBias: $0) }
            }
        }
    }

    func attention(_ spec: T.Attention) -> Attention {
        Attention(q: linearMap(spec.q), k: linearMap(spec.k), v: linearMap(spec.v), out: linearMap(spec.out),
                  heads: spec.heads, similarity: c.similarity)
    }

    /// The layer on this model's parameters (the stages build the same type on a checkpoint's weights).
    func linearMap(_ spec: T.Linear) -> ParameterLinear<F> {
        ParameterLinear(model: self, prefix: spec.prefix, inFeatures: spec.weight.shape[1], outFeatures: spec.weight.shape[0])
    }

    func feedForward(_ spec: T.FeedForward) -> FeedForward {
        FeedForward(fc1: linearMap(spec.fc1), fc2: linearMap(spec.fc2), activation: c.activation)
    }

    /// `residual` (Layers/Residual.swift) keeping its caches, the sublayer's included.
    func residualForward(_ normName: String, _ x: [F], _ f: ([F]) -> ([F], SublayerCache)) -> ([F], ResidualCache) {
        var sub: SublayerCache? = nil
        let r = residual(x, placement: c.layerNorm, norm: c.layerNorm == .none ? nil : layerNorm(normName), keep: true) { h in
            let (o, s) = f(h)
            sub = s
            return o
        }
        return (r.stream, ResidualCache(norms: r.cache!, sub: sub!))
    }

    func residualBackward(_ normName: String, _ dOut: [F], _ r: ResidualCache, _ fBack: ([F]) -> [F]) -> [F] {
        VamosCore.residualBackward(dOut, r.norms, norm: { normBackward(normName, $0, $1) }, fBack)
    }

    /// The feed-forward block of layer `p` inside its residual connection: x ← residual(x, FFN).
    func feedForwardSublayer(_ layer: T.Layer, _ x: inout [F]) -> ResidualCache {
        let (y, r) = residualForward(layer.finalNorm?.prefix ?? "", x) { h in
            let (o, ff) = feedForward(layer.feedForward!).forward(h, keep: true)
            return (o, .feedForward(ff!))
        }
        x = y
        return r
    }

    /// The layer norm after a pre-norm stack (nil for post/none): x ← LN(x).
    func stackNorm(_ stack: T.Stack, _ x: inout [F]) -> NormCache? {
        guard let norm = stack.finalNorm else { return nil }
        let (y, n) = normForward(norm.prefix, x)
        x = y
        return n
    }

    // MARK: encoder

    func encoderForward(_ batch: Batch, _ f: inout Forward) throws -> [F] {
        let x = try embed(batch.source, rows: batch.sourceLength, batch: batch.size, name: tree.encoder.embedding.name,
                          stack: "encoder")
        return encoderStack(x, batch: batch.size, validKeys: batch.sourceLengths, &f)
    }

    /// The encoder layers (and a pre-norm stack's final norm) on `encoder_input` x [B·T, C].
    func encoderStack(_ input: [F], batch B: Int, validKeys: [Int], _ f: inout Forward) -> [F] {
        var x = input
        for layer in tree.encoder.layers {
            var caches: [ResidualCache] = []
            let (x1, r1) = residualForward(layer.selfAttentionNorm?.prefix ?? "", x) { h in
                let (o, a) = attention(layer.selfAttention).forward(batch: B, h, memory: h, validKeys: validKeys, causal: false, keep: true)
                return (o, .attention(a!))
            }
            x = x1
            caches.append(r1)
            if layer.feedForward != nil { caches.append(feedForwardSublayer(layer, &x)) }
            f.encoderLayers.append(caches)
        }
        f.encoderFinal = stackNorm(tree.encoder, &x)
        return x
    }

    func encoderBackward(_ batch: Batch, dOut: [F], _ f: Forward) {
        let dx = encoderStackBackward(dOut, batch: batch.size, f)
        embedBackward(batch.source, rows: batch.sourceLength, batch: batch.size, dx: dx, name: tree.encoder.embedding.name,
                      stack: "encoder")
    }

    /// d(encoder_input) from d(encoder_output), adding every layer's parameter gradients.
    func encoderStackBackward(_ dOut: [F], batch B: Int, _ f: Forward) -> [F] {
        var dx = dOut
        if let n = f.encoderFinal { dx = normBackward(tree.encoder.finalNorm!.prefix, dx, n) }
        for (l, layer) in tree.encoder.layers.enumerated().reversed() {
            let caches = f.encoderLayers[l]
            if let spec = layer.feedForward, case .feedForward(let ff) = caches[1].sub {
                dx = residualBackward(layer.finalNorm?.prefix ?? "", dx, caches[1]) { feedForward(spec).backward($0, ff) }
            }
            if case .attention(let a) = caches[0].sub {
                dx = residualBackward(layer.selfAttentionNorm?.prefix ?? "", dx, caches[0]) {
                    attention(layer.selfAttention).backward(batch: B, $0, a, dMemory: nil)
                }
            }
        }
        return dx
    }

    // MARK: decoder and output

    func decoderForward(_ batch: Batch, memory: [F], _ f: inout Forward) throws {
        let y = try embed(batch.decoderInput, rows: batch.targetLength, batch: batch.size, name: tree.decoder.embedding.name,
                          stack: "decoder")
        decoderStack(y, batch: batch.size, memory: memory, validKeys: batch.sourceLengths, &f)
    }

    /// The decoder layers, final norm and output layer on the decoder input y [B·S, C]
    /// (embeddings + positions of the start token and the target shifted right): sets `f.logits`.
    func decoderStack(_ input: [F], batch B: Int, memory: [F], validKeys: [Int], _ f: inout Forward) {
        let C = c.dModel, S = input.count / C / B
        var x = input
        let selfKeys = [Int](repeating: S, count: B)  // the causal mask already hides padding from real positions
        for layer in tree.decoder.layers {
            var caches: [ResidualCache] = []
            let (x1, r1) = residualForward(layer.selfAttentionNorm?.prefix ?? "", x) { h in
                let (o, a) = attention(layer.selfAttention).forward(batch: B, h, memory: h, validKeys: selfKeys, causal: true, keep: true)
                return (o, .attention(a!))
            }
            let (x2, r2) = residualForward(layer.crossAttentionNorm?.prefix ?? "", x1) { h in
                let (o, a) = attention(layer.crossAttention!).forward(batch: B, h, memory: memory, validKeys: validKeys, causal: false, keep: true)
                return (o, .attention(a!))
            }
            x = x2
            caches += [r1, r2]
            if layer.feedForward != nil { caches.append(feedForwardSublayer(layer, &x)) }
            f.decoderLayers.append(caches)
        }
        f.decoderFinal = stackNorm(tree.decoder, &x)
        f.decoderOut = x
        f.logits = linearForward(x, weight: parameters.values[outputWeightName]!,
                                 bias: tree.finalLogitsBias.map { parameters.values[$0.name]! }, in: C, out: c.decoderVocabSize)
    }

    /// The output layer's weight: the untied lm_head, else the decoder's embedding.
    var outputWeightName: String { tree.lmHead?.name ?? tree.decoder.embedding.name }

    func decoderBackward(_ batch: Batch, dlogits: [F], _ f: Forward, dMemory: inout [F]) {
        let dy = decoderStackBackward(dlogits, batch: batch.size, f, dMemory: &dMemory)
        embedBackward(batch.decoderInput, rows: batch.targetLength, batch: batch.size, dx: dy, name: tree.decoder.embedding.name,
                      stack: "decoder")
    }

    /// d(decoder input) from d(logits); adds d(encoder output) into `dMemory` and every parameter's gradient.
    func decoderStackBackward(_ dlogits: [F], batch B: Int, _ f: Forward, dMemory: inout [F]) -> [F] {
        let C = c.dModel, V = c.decoderVocabSize
        var dx = linearBack(weight: outputWeightName, bias: tree.finalLogitsBias?.name, dlogits, x: f.decoderOut, in: C, out: V)
        if let n = f.decoderFinal { dx = normBackward(tree.decoder.finalNorm!.prefix, dx, n) }
        for (l, layer) in tree.decoder.layers.enumerated().reversed() {
            let caches = f.decoderLayers[l]
            if let spec = layer.feedForward, case .feedForward(let ff) = caches[2].sub {
                dx = residualBackward(layer.finalNorm?.prefix ?? "", dx, caches[2]) { feedForward(spec).backward($0, ff) }
            }
            if case .attention(let a) = caches[1].sub {
                dx = residualBackward(layer.crossAttentionNorm?.prefix ?? "", dx, caches[1]) { d in
                    dMemory.withUnsafeMutableBufferPointer { dm in
                        attention(layer.crossAttention!).backward(batch: B, d, a, dMemory: dm)
                    }
                }
            }
            if case .attention(let a) = caches[0].sub {
                dx = residualBackward(layer.selfAttentionNorm?.prefix ?? "", dx, caches[0]) {
                    attention(layer.selfAttention).backward(batch: B, $0, a, dMemory: nil)
                }
            }
        }
        return dx
    }
}
