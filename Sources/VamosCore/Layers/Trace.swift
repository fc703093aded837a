/// Collects internal tensors for `--trace`, named as TransformerLens names them
/// (`encoder.blocks.0.attn.hook_pattern`). docs/FORMAT.md lists every name with its shape and axes.
public final class Trace {
    public private(set) var tensors: [(String, Tensor)] = []
    public init() {}

    public func record(_ name: String, _ data: [Float], shape: [Int], axes: [String]) {
        tensors.append((name, Tensor(shape: shape, data: data, axes: axes)))
    }
}

/// A name prefix within a trace, so a layer records `attn.hook_q` without knowing where it sits.
public struct TraceScope {
    let trace: Trace
    let prefix: String

    public init(_ trace: Trace, _ prefix: String) {
        self.trace = trace
        self.prefix = prefix
    }

    public func scope(_ name: String) -> TraceScope { TraceScope(trace, prefix + name + ".") }

    public func record(_ name: String, _ data: [Float], shape: [Int], axes: [String]) {
        trace.record(prefix + name, data, shape: shape, axes: axes)
    }
}
