import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Softmax cross-entropy over rows of logits [N, V] with integer labels (−1 = ignore), averaged over
/// the labelled rows, with optional label smoothing ε (as PyTorch's `label_smoothing`):
///
///     q = (1 − ε)·onehot(label) + ε/V,    loss = −Σ_j q_j log p_j,    dlogits = (p − q) / N_labelled
///
/// Returns the mean loss (accumulated in double) and dlogits.
public func crossEntropyForwardBackward<T: Scalar>(logits: [T], labels: [Int], vocab V: Int, labelSmoothing eps: T)
    -> (loss: Double, dlogits: [T]) {
    let n = labels.filter { $0 >= 0 }.count
    guard n > 0 else { return (0, [T](repeating: 0, count: logits.count)) }
    var d = [T](repeating: 0, count: logits.count)
    var rowLoss = [Double](repeating: 0, count: labels.count)
    let inv = 1 / T(n)
    // Rows are independent: blocks of rows on the kernels' threads, each writing its own rows of
    // dlogits and its own row loss; the losses are then added in row order (the same bits for any split).
    logits.withUnsafeBufferPointer { logits in d.withUnsafeMutableBufferPointer { d in rowLoss.withUnsafeMutableBufferPointer { rowLoss in
        parallelBlocks(labels.count, work: logits.count) { r in
            if labels[r] >= 0 {
                let label = labels[r], base = r * V
                var m = -T.infinity
                for j in 0..<V { m = max(m, logits[base + j]) }
                let row = logits.baseAddress! + base
                var sum: Double = 0
                if T.self == Float.self {  // the same loop in C, the exps several at a time (the same bits)
                    sum = row.withMemoryRebound(to: Float.self, capacity: V) { vamos_ce_exp_sum($0, Int64(V), Float(m)) }
                } else {
                    for j in 0..<V { sum += vamos_exp(Double(logits[base + j] - m)) }
                }
                let lse = Double(m) + vamos_log(sum)
                var loss = (1 - Double(eps)) * (lse - Double(logits[base + label]))
                if eps > 0 {
                    var meanLogit: Double = 0
                    for j in 0..<V { meanLogit += Double(logits[base + j]) }
                    loss += Double(eps) * (lse - meanLogit / Double(V))
                }
                rowLoss[r] = loss
                if T.self == Float.self {  // the loop below in C (the same bits)
                    row.withMemoryRebound(to: Float.self, capacity: V) { x in
                        (d.baseAddress! + base).withMemoryRebound(to: Float.self, capacity: V) { out in
                            vamos_ce_grad(x, Int64(V), lse, Int64(label), Float(eps), Float(inv), out)
                        }
                    }
                } else {
                    for j in 0..<V {
                        let p = T(vamos_exp(Double(logits[base + j]) - lse))
                        let q = (j == label ? 1 - eps : 0) + eps / T(V)
                        d[base + j] = (p - q) * inv
                    }
                }
            }
        }
    } } }
    var total: Double = 0
    for (r, label) in labels.enumerated() where label >= 0 { total += rowLoss[r] }
    return (total / Double(n), d)
}
