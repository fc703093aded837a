import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// softmax(x)_j = exp(x_j − max x) / Σ_k exp(x_k − max x), over each row of `x[rows, n]`, in place.
/// `-infinity` entries (masked positions) become exactly 0.
public func softmaxRows<T: Scalar>(_ x: inout [T], rows: Int, n: Int) {
    x.withUnsafeMutableBufferPointer { p in if let base = p.baseAddress { softmaxRows(base, rows: rows, n: n) } }
}

/// The same on rows·n values at `p` (decoding's reserved buffers).
public func softmaxRows<T: Scalar>(_ p: UnsafeMutablePointer<T>, rows: Int, n: Int) {
    for r in 0..<rows {
        let row = p + r * n
        var m = -T.infinity
        for j in 0..<n where row[j] > m { m = row[j] }
        if m == -.infinity {  // every position masked: no distribution; leave zeros
            for j in 0..<n { row[j] = 0 }
            continue
        }
        var sum: T = 0
        if T.self == Float.self {  // the same loop in C, the exps several at a time (same bits)
            sum = T(row.withMemoryRebound(to: Float.self, capacity: n) { vamos_exp_shifted($0, Int64(n), Float(m)) })
        } else {
            for j in 0..<n {
                let e = T.exp(row[j] - m)
                row[j] = e
                sum += e
            }
        }
        let inv = 1 / sum
        for j in 0..<n { row[j] *= inv }
    }
}

/// log softmax of one row, computed stably and in torch's order (`log_softmax` on the CPU):
///     log p_j = (x_j − max x) − log Σ_k exp(x_k − max x)
/// `-infinity` entries stay `-infinity`.
public func logSoftmax(_ x: [Float]) -> [Float] {
    guard !x.isEmpty else { return x }
    return [Float](unsafeUninitializedCapacity: x.count) { out, count in  // every element written
        x.withUnsafeBufferPointer { logSoftmax($0.baseAddress!, count: x.count, into: out.baseAddress!) }
        count = x.count
    }
}

/// The same from n values at `x` into n values at `out` (another buffer: decoding's reserved ones).
public func logSoftmax(_ x: UnsafePointer<Float>, count n: Int, into out: UnsafeMutablePointer<Float>) {
    var m = -Float.infinity
    for i in 0..<n where x[i] > m { m = x[i] }
    out.update(from: x, count: n)
    guard m > -.infinity else { return }
    // Σ exp(x − m) in order, the exps computed into the output buffer (several at a time, the same
    // bits), which then receives the log-probabilities.
    let sum = vamos_exp_shifted(out, Int64(n), m)
    let logSum = vamos_logf(sum)
    for i in 0..<n { out[i] = (x[i] - m) - logSum }
}
