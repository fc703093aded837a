import Foundation

/// Summary statistics of a tensor (computed in Double): count, min, max (with where they are),
/// mean, standard deviation (population, as numpy.std), L2 norm and the number of zeros.
public struct TensorStats: Equatable {
    public var count: Int
    public var min: Float
    public var max: Float
    public var argmin: Int
    public var argmax: Int
    public var mean: Double
    public var std: Double
    public var norm: Double
    public var zeros: Int

    public init(_ t: Tensor) {
        count = t.count
        var lo = 0, hi = 0, sum = 0.0, squares = 0.0, zeros = 0
        for (i, v) in t.data.enumerated() {
            if v < t.data[lo] { lo = i }
            if v > t.data[hi] { hi = i }
            sum += Double(v)
            squares += Double(v) * Double(v)
            if v == 0 { zeros += 1 }
        }
        min = t.data.isEmpty ? 0 : t.data[lo]
        max = t.data.isEmpty ? 0 : t.data[hi]
        argmin = lo
        argmax = hi
        mean = t.data.isEmpty ? 0 : sum / Double(t.count)
        var variance = 0.0
        for v in t.data { variance += (Double(v) - mean) * (Double(v) - mean) }
        std = t.data.isEmpty ? 0 : (variance / Double(t.count)).squareRoot()
        norm = squares.squareRoot()
        self.zeros = zeros
    }

    /// One line: `name [3, 2] (token × d_model)  n 6  min … at [..] (…)  max … at …  mean …  std …  norm …  zeros …`.
    public static func line(_ name: String, _ t: Tensor, doc: Document?, precision: Int = 4) -> String {
        let s = TensorStats(t)
        func f(_ v: Double) -> String {
            if v == Double(MultiHeadAttention.maskValue) { return "-max" }
            return String(format: "%.\(precision)f", v)
        }
        func at(_ i: Int) -> String {
            guard t.count > 0, t.rank > 0 else { return "" }
            let idx = TensorLabels.index(i, shape: t.shape)
            let label = TensorLabels.describe(idx, tensor: t, name: name, doc: doc)
            return " at \(TensorLabels.bracket(idx))" + (label.isEmpty ? "" : " " + label)
        }
        let axes = t.axes.map { " (" + $0.joined(separator: " × ") + ")" } ?? ""
        return "\(name) \(t.shape)\(axes)  n \(s.count)  min \(f(Double(s.min)))\(at(s.argmin))  max \(f(Double(s.max)))\(at(s.argmax))  mean \(f(s.mean))  std \(f(s.std))  norm \(f(s.norm))  zeros \(s.zeros)"
    }
}
