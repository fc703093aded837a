import Foundation

/// The feed-forward block's nonlinearity, applied elementwise in place.
public func activate(_ x: inout [Float], _ kind: ModelConfig.Activation) {
    switch kind {
    case .relu:
        for i in x.indices where x[i] < 0 { x[i] = 0 }
    case .gelu:  // x · Φ(x) = ½x(1 + erf(x/√2))
        for i in x.indices { x[i] = 0.5 * x[i] * (1 + erff(x[i] * 0.70710678118654752)) }
    case .geluNew:  // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
        for i in x.indices {
            let v = x[i]
            x[i] = 0.5 * v * (1 + tanhf(0.7978845608028654 * (v + 0.044715 * v * v * v)))
        }
    case .swish, .silu:  // x · σ(x)
        for i in x.indices { x[i] = x[i] / (1 + expf(-x[i])) }
    }
}
