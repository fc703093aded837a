/// The architecture a config implies, as a tree of named parameters: the one list of what a model
/// has. `Model` builds the stages' layers from it (CheckpointNames.swift), `Parameters` takes the
/// trainer's list and shapes from it (`parameters`, in a fixed order: the order the trainer
/// initializes, optimizes and saves them in), and `TrainingModel` walks it.
/// Names are Marian's (CheckpointNames); C = d_model.
struct ParameterTree {
    /// One tensor: its checkpoint name and shape.
    struct Entry { let name: String; let shape: [Int] }
    struct Linear { let prefix: String; let weight: Entry; let bias: Entry? }
    struct Norm { let prefix: String; let weight: Entry; let bias: Entry }
    struct Attention { let prefix: String; let q, k, v, out: Linear; let heads: Int }
    struct FeedForward { let prefix: String; let fc1, fc2: Linear }
    struct Layer {
        let prefix: String
        let selfAttention: Attention
        let selfAttentionNorm: Norm?
        let crossAttention: Attention?            // decoder layers
        let crossAttentionNorm: Norm?
        let feedForward: FeedForward?
        let finalNorm: Norm?
    }
    struct Stack {
        let name: String                          // "encoder", "decoder"
        let embedding: Entry
        let positions: Entry?                     // learned positions only
        let layers: [Layer]
        let finalNorm: Norm?                      // pre-norm stacks
    }

    let encoder: Stack
    let decoder: Stack
    let lmHead: Entry?                            // untied output layer
    let finalLogitsBias: Entry?

    private typealias N = CheckpointNames

    init(_ c: ModelConfig) {
        let C = c.dModel
        func linear(_ p: String, out: Int, in i: Int, bias: Bool) -> Linear {
            Linear(prefix: p, weight: Entry(name: "\(p).weight", shape: [out, i]), bias: bias ? Entry(name: "\(p).bias", shape: [out]) : nil)
        }
        func norm(_ p: String) -> Norm? {
            guard c.layerNorm != .none else { return nil }
            return Norm(prefix: p, weight: Entry(name: "\(p).weight", shape: [C]), bias: Entry(name: "\(p).bias", shape: [C]))
        }
        func attention(_ p: String, heads: Int) -> Attention {
            let P = N.projections, b = c.attentionBias
            return Attention(prefix: p, q: linear("\(p).\(P.q)", out: C, in: C, bias: b), k: linear("\(p).\(P.k)", out: C, in: C, bias: b),
                             v: linear("\(p).\(P.v)", out: C, in: C, bias: b), out: linear("\(p).\(P.out)", out: C, in: C, bias: b),
                             heads: heads)
        }
        func stack(_ name: String, layers: Int, heads: Int, ffn: Int, vocab: Int) -> Stack {
            let embedding = c.shareEncoderDecoderEmbeddings ? Entry(name: N.shared, shape: [c.vocabSize, C])
                : Entry(name: N.embedTokens(name), shape: [vocab, C])
            let positions = c.positionalEncoding == .learned ? Entry(name: N.embedPositions(name), shape: [c.maxPositionEmbeddings, C]) : nil
            let ls = (0..<layers).map { l -> Layer in
                let p = N.layer(name, l)
                let cross = name == "decoder"
                return Layer(prefix: p, selfAttention: attention("\(p).\(N.selfAttention)", heads: heads),
                             selfAttentionNorm: norm("\(p).\(N.selfAttentionNorm)"),
                             crossAttention: cross ? attention("\(p).\(N.crossAttention)", heads: heads) : nil,
                             crossAttentionNorm: cross ? norm("\(p).\(N.crossAttentionNorm)") : nil,
                             feedForward: c.feedForward ? FeedForward(prefix: p, fc1: linear("\(p).\(N.fc1)", out: ffn, in: C, bias: c.ffnBias),
                                                                      fc2: linear("\(p).\(N.fc2)", out: C, in: ffn, bias: c.ffnBias)) : nil,
                             finalNorm: c.feedForward ? norm("\(p).\(N.finalNorm)") : nil)
            }
            return Stack(name: name, embedding: embedding, positions: positions, layers: ls,
                         finalNorm: c.layerNorm == .pre ? norm(N.stackNorm(name)) : nil)
        }
        encoder = stack("encoder", layers: c.encoderLayers, heads: c.encoderAttentionHeads, ffn: c.encoderFFNDim, vocab: c.vocabSize)
        decoder = stack("decoder", layers: c.decoderLayers, heads: c.decoderAttentionHeads, ffn: c.decoderFFNDim, vocab: c.decoderVocabSize)
        lmHead = c.tieWordEmbeddings ? nil : Entry(name: N.lmHead, shape: [c.decoderVocabSize, C])
        finalLogitsBias = c.finalLogitsBias ? Entry(name: N.finalLogitsBias, shape: [1, c.decoderVocabSize]) : nil
    }

    /// Every parameter once, in the fixed order: the embeddings (one when shared), learned
    /// positions, each stack's layers (self-attention q, k, v, out — weight then bias —, its norm,
    /// encoder–decoder attention and its norm, fc1, fc2, the final norm), the stack's final norm,
    /// then the untied output layer and the final logits bias.
    var parameters: [(name: String, shape: [Int])] {
        var out: [Entry] = []
        func add(_ l: Linear) { out.append(l.weight); if let b = l.bias { out.append(b) } }
        func add(_ n: Norm?) { if let n { out += [n.weight, n.bias] } }
        func add(_ a: Attention?) { if let a { add(a.q); add(a.k); add(a.v); add(a.out) } }
        out.append(encoder.embedding)
        if decoder.embedding.name != encoder.embedding.name { out.append(decoder.embedding) }
        if let p = encoder.positions { out.append(p) }
        if let p = decoder.positions { out.append(p) }
        for s in [encoder, decoder] {
            for l in s.layers {
                add(l.selfAttention); add(l.selfAttentionNorm)
                add(l.crossAttention); add(l.crossAttentionNorm)
                if let f = l.feedForward { add(f.fc1); add(f.fc2) }
                add(l.finalNorm)
            }
            add(s.finalNorm)
        }
        if let h = lmHead { out.append(h) }
        if let b = finalLogitsBias { out.append(b) }
        return out.map { ($0.name, $0.shape) }
    }
}
