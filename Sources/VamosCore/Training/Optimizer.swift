import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam / AdamW (Kingma & Ba; Loshchilov & Hutter), with bias correction:
///
///     m = β1·m + (1 − β1)·g,   v = β2·v + (1 − β2)·g²
///     θ = θ − lr·( m̂ / (√v̂ + ε) + λ·θ )      m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ); λ = 0 for Adam
///
/// in float32, each operation rounded in the order m, v, (m/c1) / (√(v/c2) + ε), θ − lr·(u + λ·θ)
/// with c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ (`vamos_adamw_f32`).
///
/// Weight decay (λ) is not applied to biases, layer-norm parameters or embeddings.
public final class AdamW {
    public var beta1: Float = 0.9
    public var beta2: Float = 0.98
    public var eps: Float = 1e-9
    public var weightDecay: Float
    /// Steps taken so far (t).
    public var step = 0
    public var m: [String: [Float]]
    public var v: [String: [Float]]

    public init(parameters: Parameters<Float>, weightDecay: Float = 0) {
        self.weightDecay = weightDecay
        m = parameters.values.mapValues { [Float](repeating: 0, count: $0.count) }
        v = m
    }

    public func update(_ p: Parameters<Float>, lr: Float) {
        step += 1
        // β^t as exp(t · ln β) with Vamos' own functions (libm's powf differs across machines).
        let c1 = 1 - Float(vamos_exp(Double(step) * vamos_log(Double(beta1))))
        let c2 = 1 - Float(vamos_exp(Double(step) * vamos_log(Double(beta2))))
        for name in p.names {
            let decays = weightDecay > 0 && !name.hasSuffix(".bias") && !name.contains("layer_norm")
                && !name.contains("embed") && name != CheckpointNames.shared && name != CheckpointNames.finalLogitsBias
            let g = p.grads[name]!
            var mm = m.removeValue(forKey: name)!, vv = v.removeValue(forKey: name)!
            var w = p.values.removeValue(forKey: name)!
            let decay = decays ? weightDecay : 0
            g.withUnsafeBufferPointer { g in
                mm.withUnsafeMutableBufferPointer { m in
                    vv.withUnsafeMutableBufferPointer { v in
                        w.withUnsafeMutableBufferPointer { w in
                            // Sources/CKernels/optimizer.c: each operation correctly rounded, in the order
                            // above; elementwise, so blocks of a tensor on the threads change no bit.
                            parallelRanges(w.count, work: 4 * w.count) { r in
                                let o = r.lowerBound
                                vamos_adamw_f32(w.baseAddress! + o, g.baseAddress! + o, m.baseAddress! + o, v.baseAddress! + o,
                                                Int64(r.count), lr, beta1, beta2, c1, c2, eps, decay)
                            }
                        }
                    }
                }
            }
            m[name] = mm
            v[name] = vv
            p.values[name] = w
        }
    }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before.
@discardableResult
public func clipGradients(_ p: Parameters<Float>, maxNorm: Float) -> Float {
    var ss: Double = 0
    for name in p.names { for g in p.grads[name]! { ss += Double(g) * Double(g) } }
    let norm = Float(ss.squareRoot())
    if maxNorm > 0 && norm > maxNorm {
        let s = maxNorm / norm
        for name in p.names {
            var g = p.grads.removeValue(forKey: name)!
            scaleInPlace(&g, by: s)
            p.grads[name] = g
        }
    }
    return norm
}

/// Linear warmup to `peak` over `warmup` steps, then inverse-square-root decay (the original paper's
/// schedule, with the peak stated directly):  lr(t) = peak · min(t/warmup, √(warmup/t)).
public func learningRate(step t: Int, peak: Float, warmup: Int) -> Float {
    let t = Float(max(t, 1))
    guard warmup > 0 else { return peak }
    return peak * min(t / Float(warmup), (Float(warmup) / t).squareRoot())
}
