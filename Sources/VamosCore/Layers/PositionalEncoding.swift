import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Position values added to the embeddings so the model knows word order.
public struct PositionalEncoding: Sendable {
    public let kind: ModelConfig.PositionalEncoding
    public let dModel: Int
    public let maxPositions: Int
    /// `[maxPositions, C]` for `learned`; empty otherwise.
    let table: [Float]

    public init(kind: ModelConfig.PositionalEncoding, dModel: Int, maxPositions: Int, learned: Tensor? = nil) {
        self.kind = kind
        self.dModel = dModel
        self.maxPositions = maxPositions
        table = learned?.data ?? []
    }

    /// The position values of positions `start..<start+count`: [count, C].
    public func values(count: Int, start: Int = 0) throws -> [Float] {
        guard start + count <= maxPositions else {
            throw VamosError("sequence of \(start + count) positions is longer than the \(maxPositions) the model allows (max_position_embeddings)")
        }
        let C = dModel
        var out = [Float](repeating: 0, count: count * C)
        out.withUnsafeMutableBufferPointer { o in
            for t in 0..<count { write(position: start + t, into: o.baseAddress! + t * C) }
        }
        return out
    }

    /// The C values of one position into `out` (its bound checked by the caller, as `values` does).
    public func write(position t: Int, into out: UnsafeMutablePointer<Float>) {
        let C = dModel
        switch kind {
        case .none:
            out.update(repeating: 0, count: C)
        case .learned:
            for j in 0..<C { out[j] = table[t * C + j] }
        case .sinusoidalInterleaved:
            // P[t, 2i] = sin(t / 10000^(2i/C)),  P[t, 2i+1] = cos(t / 10000^(2i/C))
            let pos = Double(t)
            for j in 0..<C {
                let angle = pos / sinusoidFrequencyDivisor(j, C)
                out[j] = Float(j % 2 == 0 ? vamos_sin(angle) : vamos_cos(angle))
            }
        case .sinusoidalHalves:
            // a[t, j] = t / 10000^(2⌊j/2⌋/C);  P[t, :h] = sin(a[t, 0::2]),  P[t, h:] = cos(a[t, 1::2]), h = ⌈C/2⌉
            let h = (C + 1) / 2
            let pos = Double(t)
            for j in 0..<C {
                let angle = pos / sinusoidFrequencyDivisor(j, C)
                if j % 2 == 0 { out[j / 2] = Float(vamos_sin(angle)) } else { out[h + j / 2] = Float(vamos_cos(angle)) }
            }
        }
    }

    /// Dimension `j`'s sinusoid at a real-valued position — the explainer's "squiggle", which
    /// `values` samples at whole positions (the page draws it); nil for `learned` and `none`.
    public func squiggle(_ j: Int, at pos: Double) -> Double? {
        let C = dModel
        switch kind {
        case .none, .learned:
            return nil
        case .sinusoidalInterleaved:
            let angle = pos / sinusoidFrequencyDivisor(j, C)
            return j % 2 == 0 ? vamos_sin(angle) : vamos_cos(angle)
        case .sinusoidalHalves:
            let h = (C + 1) / 2
            let source = j < h ? 2 * j : 2 * (j - h) + 1
            let angle = pos / sinusoidFrequencyDivisor(source, C)
            return j < h ? vamos_sin(angle) : vamos_cos(angle)
        }
    }

    /// x + P for a sequence starting at position `start`: [T, C] → [T, C].
    public func forward(_ x: [Float], start: Int = 0) throws -> [Float] {
        var out = x
        let T = x.count / dModel
        addPositions(try values(count: T, start: start), to: &out, sequences: PackedSequences(lengths: [T]), dModel: dModel)
        return out
    }
}

/// x ← x + P for packed sequences (training's batches; the stages: one sequence): row t of each
/// sequence gets p's row t; x [rows, C], p [longest, C].
func addPositions<F: Scalar>(_ p: [F], to x: inout [F], sequences: PackedSequences, dModel C: Int) {
    for r in sequences.ranges {
        for i in 0..<(r.count * C) { x[r.lowerBound * C + i] += p[i] }
    }
}

/// Beside it, for learned positions:  dP[t] += dx[row t of sequence s]  (sequences in order of s).
func addPositionsBackward<F: Scalar>(_ dx: [F], dPositions: inout [F], sequences: PackedSequences, dModel C: Int) {
    for r in sequences.ranges {
        for i in 0..<(r.count * C) { dPositions[i] += dx[r.lowerBound * C + i] }
    }
}

/// 10000^(2⌊j/2⌋/C) in double, as exp(e · ln 10000) with Vamos' own exp (libm's pow differs
/// across machines in the last bit; this is within a few double ulps of it, far below float32's).
func sinusoidFrequencyDivisor(_ j: Int, _ C: Int) -> Double {
    let e = Double(2 * (j / 2)) / Double(C)
    return e == 0 ? 1 : vamos_exp(e * 9.210340371976184)  // ln 10000
}
