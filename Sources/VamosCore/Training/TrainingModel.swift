/// The whole Transformer for training: a batched forward pass that keeps what the backward pass
/// needs, and the backward pass, layer by layer (llm.c style). The blocks are the stages' own —
/// `EncoderBlock` and `DecoderBlock` (Layers/Encoder.swift, Layers/Decoder.swift), wired once and
/// built from the same ParameterTree — over this model's parameters (`ParameterLinear<F>`,
/// `ParameterLayerNorm<F>`) instead of a checkpoint's weights; each block's backward sits beside
/// its forward. Embeddings and positions too: `embed`/`embedBackward`
/// call Layers/Embedding.swift's and Layers/PositionalEncoding.swift's arithmetic on the parameters.
///
/// Shapes: B batch, ΣT source rows, ΣS target rows (the batch's sentences packed one after another,
/// no padding: Batch.swift), C d_model, V target vocabulary; F is the number type (Float to train,
/// Double for the gradient check). Every activation is a contiguous row-major [rows, width] buffer.
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

    // MARK: layers and caches

    typealias NormCache = LayerNorm<F>.Cache
    typealias Linear = ParameterLinear<F>
    typealias Norm = ParameterLayerNorm<F>
    typealias EncoderLayer = EncoderBlock<Linear, Norm>
    typealias DecoderLayer = DecoderBlock<Linear, Norm>
    struct Forward {
        var encoderLayers: [EncoderLayer.Kept] = []
        var encoderFinal: NormCache?
        var decoderLayers: [DecoderLayer.Kept] = []
        var decoderFinal: NormCache?
        var decoderOut: [F] = []            // [ΣS, C]
        var logits: [F] = []                // [ΣS, V]
    }

    /// The blocks, built from the layer tree over this model's parameters exactly as the stages build
    /// them over a checkpoint's weights (Model/CheckpointNames.swift).
    var encoderLayers: [EncoderLayer] { tree.encoder.layers.map { EncoderLayer($0, config: c, linear: linear, norm: norm) } }
    var decoderLayers: [DecoderLayer] { tree.decoder.layers.map { DecoderLayer($0, config: c, linear: linear, norm: norm) } }
    func linear(_ spec: T.Linear) -> Linear { Linear(model: self, spec) }
    func norm(_ spec: T.Norm) -> Norm { Norm(model: self, prefix: spec.prefix) }
    /// The final fully connected layer: the untied lm_head, else the decoder's embedding; final_logits_bias.
    var outputLayer: Linear { Linear(model: self, weight: tree.lmHead ?? tree.decoder.embedding, bias: tree.finalLogitsBias) }

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

    /// The logits [ΣS, V] of a teacher-forced batch (the forward pass `loss` takes).
    func logits(_ batch: Batch) throws -> [F] {
        var f = Forward()
        let memory = try encoderForward(batch, &f)
        try decoderForward(batch, memory: memory, &f)
        return f.logits
    }

    // MARK: embeddings

    /// Embeddings + positions of packed sequences of ids → [rows, C] (Layers/Embedding.swift,
    /// PositionalEncoding.swift): row t of each sequence gets position t.
    func embed(_ ids: [Int], sequences: PackedSequences, name: String, stack: String) throws -> [F] {
        let C = c.dModel, T = sequences.longest
        let table = parameters.values[name]!
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
        var x = embeddingForward(ids, dModel: C, scale: embeddingScale) { _, id in table[(id * C)..<((id + 1) * C)] }
        addPositions(p, to: &x, sequences: sequences, dModel: C)              // [rows, C]
        return x
    }

    func embedBackward(_ ids: [Int], sequences: PackedSequences, dx: [F], name: String, stack: String) {
        let C = c.dModel
        withGrad(name) { embeddingBackward(ids, dModel: C, scale: embeddingScale, de: dx, dTable: &$0) }
        if c.positionalEncoding == .learned {
            withGrad(positionsName(stack)) { addPositionsBackward(dx, dPositions: &$0, sequences: sequences, dModel: C) }
        }
    }

    var embeddingScale: F { c.scaleEmbedding ? F(Double(c.dModel).squareRoot()) : 1 }

    func positionsName(_ stack: String) -> String { (stack == "encoder" ? tree.encoder : tree.decoder).positions!.name }

    // MARK: gradients

    /// Lends a gradient buffer out of the dictionary (no copy, and no overlapping access when two
    /// buffers are needed at once).
    func withGrad<R>(_ name: String, _ body: (inout [F]) -> R) -> R {
        var g = parameters.grads.removeValue(forKey: name)!
        let r = body(&g)
        parameters.grads[name] = g
        return r
    }

    /// A linear layer's backward on the slots `weight`, `bias` (ParameterLinear).
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

    /// A pre-norm stack's final layer norm (nil for post/none).
    func stackNorm(_ stack: T.Stack) -> Norm? { stack.finalNorm.map(norm) }

    // MARK: encoder

    func encoderForward(_ batch: Batch, _ f: inout Forward) throws -> [F] {
        let x = try embed(batch.source, sequences: batch.sourceRows, name: tree.encoder.embedding.name, stack: "encoder")
        return encoderStack(x, sequences: batch.sourceRows, &f)
    }

    /// The encoder layers (and a pre-norm stack's final norm) on `encoder_input` x [ΣT, C].
    func encoderStack(_ input: [F], sequences: PackedSequences, _ f: inout Forward) -> [F] {
        var x = input
        for layer in encoderLayers {
            let (y, kept) = layer.forward(x, sequences: sequences, keep: true)
            x = y
            f.encoderLayers.append(kept!)
        }
        if let n = stackNorm(tree.encoder) { (x, f.encoderFinal) = n.forward(x, keep: true) }
        return x
    }

    func encoderBackward(_ batch: Batch, dOut: [F], _ f: Forward) {
        let dx = encoderStackBackward(dOut, f)
        embedBackward(batch.source, sequences: batch.sourceRows, dx: dx, name: tree.encoder.embedding.name, stack: "encoder")
    }

    /// d(encoder_input) from d(encoder_output), adding every layer's parameter gradients.
    func encoderStackBackward(_ dOut: [F], _ f: Forward) -> [F] {
        var dx = dOut
        if let n = f.encoderFinal { dx = stackNorm(tree.encoder)!.backward(dx, n) }
        for (l, layer) in encoderLayers.enumerated().reversed() { dx = layer.backward(dx, f.encoderLayers[l]) }
        return dx
    }

    // MARK: decoder and output

    func decoderForward(_ batch: Batch, memory: [F], _ f: inout Forward) throws {
        let y = try embed(batch.decoderInput, sequences: batch.targetRows, name: tree.decoder.embedding.name, stack: "decoder")
        decoderStack(y, targets: batch.targetRows, memory: memory, sources: batch.sourceRows, &f)
    }

    /// The decoder layers, final norm and output layer on the decoder input y [ΣS, C]
    /// (embeddings + positions of the start token and the target shifted right) over the encoder
    /// output memory [ΣT, C]: sets `f.logits`.
    func decoderStack(_ input: [F], targets: PackedSequences, memory: [F], sources: PackedSequences, _ f: inout Forward) {
        var x = input
        for layer in decoderLayers {
            let (y, kept) = layer.forward(x, targets: targets, memory: memory, sources: sources, keep: true)
            x = y
            f.decoderLayers.append(kept!)
        }
        if let n = stackNorm(tree.decoder) { (x, f.decoderFinal) = n.forward(x, keep: true) }
        f.decoderOut = x
        f.logits = outputLayer.forward(x)
    }

    func decoderBackward(_ batch: Batch, dlogits: [F], _ f: Forward, dMemory: inout [F]) {
        let dy = decoderStackBackward(dlogits, f, dMemory: &dMemory)
        embedBackward(batch.decoderInput, sequences: batch.targetRows, dx: dy, name: tree.decoder.embedding.name, stack: "decoder")
    }

    /// d(decoder input) from d(logits); adds d(encoder output) into `dMemory` and every parameter's gradient.
    func decoderStackBackward(_ dlogits: [F], _ f: Forward, dMemory: inout [F]) -> [F] {
        var dx = outputLayer.backward(dlogits, input: f.decoderOut)
        if let n = f.decoderFinal { dx = stackNorm(tree.decoder)!.backward(dx, n) }
        for (l, layer) in decoderLayers.enumerated().reversed() {
            dx = layer.backward(dx, f.decoderLayers[l], dMemory: &dMemory)
        }
        return dx
    }
}
