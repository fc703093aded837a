import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// softmax(x)_j = exp(x_j − max x) / Σ_k exp(x_k − max x), over each row of `x[rows, n]`, in place.
/// `-infinity` entries (masked positions) become exactly 0.
public func softmaxRows<T: Scalar>(_ x: inout [T], rows: Int, n: Int) {
    x.withUnsafeMutableBufferPointer { p in
        for r in 0..<rows {
            let row = p.baseAddress! + r * n
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
}

/// log softmax of one row, computed stably and in torch's order (`log_softmax` on the CPU):
///     log p_j = (x_j − max x) − log Σ_k exp(x_k − max x)
/// `-infinity` entries stay `-infinity`.
public func logSoftmax(_ x: [Float]) -> [Float] {
    var m = -Float.infinity
    for v in x where v > m { m = v }
    guard m > -.infinity else { return x }
    // Σ exp(x − m) in order, the exps computed into the output buffer (several at a time, the same
    // bits), which then receives the log-probabilities.
    var out = x
    let sum = out.withUnsafeMutableBufferPointer { vamos_exp_shifted($0.baseAddress!, Int64($0.count), m) }
    let logSum = vamos_logf(sum)
    out.withUnsafeMutableBufferPointer { o in
        for i in o.indices { o[i] = (x[i] - m) - logSum }
    }
    return out
}
