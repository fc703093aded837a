#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Summary statistics of a tensor (computed in Double) over its **unmasked** entries: count, min,
/// max (with where they are), mean, standard deviation (population, as numpy.std), L2 norm and the
/// number of zeros. An entry equal to the attention mask value (−3.4028235e+38, the most negative
/// float32: what a masked score is) is counted in `masked` and left out of everything else, so
/// the scores of masked self-attention summarise their real entries (docs/FORMAT.md §5).
public struct TensorStats: Equatable {
    public var count: Int
    public var masked: Int
    public var min: Float
    public var max: Float
    public var argmin: Int
    public var argmax: Int
    public var mean: Double
    public var std: Double
    public var norm: Double
    public var zeros: Int

    public init(_ t: Tensor) {
        let mask = attentionMaskValue
        var lo = -1, hi = -1, sum = 0.0, squares = 0.0, zeros = 0, n = 0
        for (i, v) in t.data.enumerated() where v != mask {
            if lo < 0 || v < t.data[lo] { lo = i }
            if hi < 0 || v > t.data[hi] { hi = i }
            sum += Double(v)
            squares += Double(v) * Double(v)
            if v == 0 { zeros += 1 }
            n += 1
        }
        count = n
        masked = t.count - n
        min = lo < 0 ? 0 : t.data[lo]
        max = hi < 0 ? 0 : t.data[hi]
        argmin = Swift.max(lo, 0)
        argmax = Swift.max(hi, 0)
        mean = n == 0 ? 0 : sum / Double(n)
        var variance = 0.0
        for v in t.data where v != mask { variance += (Double(v) - mean) * (Double(v) - mean) }
        std = n == 0 ? 0 : (variance / Double(n)).squareRoot()
        norm = squares.squareRoot()
        self.zeros = zeros
    }

    /// One line: `name [3, 2] (token × d_model)  n 6  [masked k]  min … at [..] (…)  max … at …  mean …  std …  norm …  zeros …`.
    public static func line(_ name: String, _ t: Tensor, doc: Document?, precision: Int = 4) -> String {
        let s = TensorStats(t)
        func f(_ v: Double) -> String { cFormat("%.\(precision)f", v) }
        func at(_ i: Int) -> String {
            guard t.count > 0, t.rank > 0 else { return "" }
            let idx = TensorLabels.index(i, shape: t.shape)
            let label = TensorLabels.describe(idx, tensor: t, name: name, doc: doc)
            return " at \(TensorLabels.bracket(idx))" + (label.isEmpty ? "" : " " + label)
        }
        let axes = t.axes.map { " (" + $0.joined(separator: " × ") + ")" } ?? ""
        let masked = s.masked > 0 ? "  masked \(s.masked)" : ""
        guard s.count > 0 else { return "\(name) \(t.shape)\(axes)  n 0\(masked)" }
        return "\(name) \(t.shape)\(axes)  n \(s.count)\(masked)  min \(f(Double(s.min)))\(at(s.argmin))  max \(f(Double(s.max)))\(at(s.argmax))  mean \(f(s.mean))  std \(f(s.std))  norm \(f(s.norm))  zeros \(s.zeros)"
    }
}
