/// Head ablation (`encode --ablate L.H`, `decode --ablate L.H`, `decode --ablate cross:L.H`), as
/// TransformerLens ablates a head: its output z_h (the weighted sum of the values, [T, D]) is set
/// to 0 before the output projection, so the head adds nothing but the projection's bias:
///
///     out = concat(z_0, …, 0, …, z_{H−1}) · Woᵀ + bo
///
/// Every path that runs the attention (one sentence, a batch, beams, teacher forcing) projects
/// through `MultiHeadAttention.project`, so ablation gives the same bytes in all of them.
public struct HeadAddress: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var layer: Int
    public var head: Int
    /// Decoder only: the encoder–decoder attention instead of the masked self-attention.
    public var cross: Bool

    public init(layer: Int, head: Int, cross: Bool = false) {
        self.layer = layer
        self.head = head
        self.cross = cross
    }

    /// `L.H` (self-attention) or `cross:L.H` (encoder–decoder attention).
    public init(parsing text: String) throws {
        var rest = Substring(text)
        cross = rest.hasPrefix("cross:")
        if cross { rest = rest.dropFirst("cross:".count) }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let l = Int(parts[0]), let h = Int(parts[1]), l >= 0, h >= 0 else {
            throw VamosError("--ablate: '\(text)' is not LAYER.HEAD (e.g. 0.1; decode also cross:LAYER.HEAD)")
        }
        layer = l
        head = h
    }

    public var description: String { (cross ? "cross:" : "") + "\(layer).\(head)" }
}

extension MultiHeadAttention {
    /// The output projection of z [T, C], the ablated heads' columns zeroed first.
    func project(_ z: [V]) -> [V] { out.forward(ablate(z)) }

    /// z [T, C] with the columns h·D ..< (h+1)·D of every ablated head h set to 0.
    func ablate(_ z: [V]) -> [V] {
        guard !ablatedHeads.isEmpty else { return z }
        let C = dModel, D = headDim
        var z = z
        for r in 0..<(z.count / C) {
            for h in ablatedHeads { for d in 0..<D { z[r * C + h * D + d] = 0 } }
        }
        return z
    }
}

extension Encoder {
    /// This encoder with `heads` ablated; an address outside the stack is an error naming it.
    public func ablating(_ heads: [HeadAddress]) throws -> Encoder {
        var e = self
        for a in heads {
            guard !a.cross else { throw VamosError("--ablate \(a): the encoder has no encoder–decoder attention (cross: is for decode)") }
            try HeadAddress.check(a, layers: layers.count, heads: layers.first?.selfAttention.heads ?? 0, stack: "encoder")
            e.layers[a.layer].selfAttention.ablatedHeads.insert(a.head)
        }
        return e
    }
}

extension Decoder {
    /// This decoder with `heads` ablated (`cross`: in the encoder–decoder attention).
    public func ablating(_ heads: [HeadAddress]) throws -> Decoder {
        var d = self
        for a in heads {
            try HeadAddress.check(a, layers: layers.count, heads: layers.first?.selfAttention.heads ?? 0, stack: "decoder")
            if a.cross { d.layers[a.layer].crossAttention.ablatedHeads.insert(a.head) }
            else { d.layers[a.layer].selfAttention.ablatedHeads.insert(a.head) }
        }
        return d
    }
}

extension HeadAddress {
    /// Checks `heads` against the config alone (no weights read): the stages call this before any
    /// input, so a bad address is a usage error. `stack`: "encoder" or "decoder".
    public static func validate(_ heads: [HeadAddress], config c: ModelConfig, stack: String) throws {
        for a in heads {
            if stack == "encoder" {
                guard !a.cross else { throw VamosError("--ablate \(a): the encoder has no encoder–decoder attention (cross: is for decode)") }
                try check(a, layers: c.encoderLayers, heads: c.encoderAttentionHeads, stack: stack)
            } else {
                try check(a, layers: c.decoderLayers, heads: c.decoderAttentionHeads, stack: stack)
            }
        }
    }

    static func check(_ a: HeadAddress, layers: Int, heads: Int, stack: String) throws {
        guard a.layer < layers else {
            throw VamosError("--ablate \(a): layer \(a.layer) is outside 0..<\(layers) (the \(stack) has \(layers) layer\(layers == 1 ? "" : "s"))")
        }
        guard a.head < heads else {
            throw VamosError("--ablate \(a): head \(a.head) is outside 0..<\(heads) (the \(stack)'s attention has \(heads) head\(heads == 1 ? "" : "s"))")
        }
    }
}
