#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Collects internal tensors for `--trace`, named as TransformerLens names them
/// (`encoder.blocks.0.attn.hook_pattern`). docs/FORMAT.md lists every name with its shape and axes.
public final class Trace {
    public private(set) var tensors: [(String, Tensor)] = []
    public let filter: TraceFilter
    public init(filter: TraceFilter = .all) { self.filter = filter }

    public func record(_ name: String, _ data: [Float], shape: [Int], axes: [String]) {
        guard filter.matches(name) else { return }
        tensors.append((name, Tensor(shape: shape, data: data, axes: axes)))
    }
}

/// Which trace names to keep (`--trace-filter GLOB`, repeatable), as TransformerLens' `names_filter`:
/// a name is kept when any pattern matches all of it. Patterns are shell globs (fnmatch(3): `*`
/// any characters, dots included; `?` one; `[…]` a set): `encoder.blocks.*.attn.hook_pattern`.
public struct TraceFilter: Sendable, Equatable {
    public var patterns: [String]
    public static let all = TraceFilter(patterns: [])

    public init(patterns: [String]) { self.patterns = patterns }

    public func matches(_ name: String) -> Bool {
        patterns.isEmpty || patterns.contains { fnmatch($0, name, 0) == 0 }
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

    /// A block written over any number type records its Float values as they are (a Double model,
    /// as in the gradient checks, is never traced; it would be rounded to Float here).
    func record<F: Scalar>(_ name: String, _ data: [F], shape: [Int], axes: [String]) {
        record(name, data as? [Float] ?? data.map { Float($0) }, shape: shape, axes: axes)
    }
}
