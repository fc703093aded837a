/// Float32 ⇄ text, exactly.
///
/// Writing: Swift's `Float.description` is the shortest text that parses back to the same float32
/// (`0.1`, `1e-05`, `7.038531e-26`). Reading: `Float(text)` rounds the decimal text correctly to
/// float32 in one step. Going through Double first would round twice: `7.038531e-26` read as a
/// Double and then cast to Float lands one bit away from the float32 it was written from.

/// The shortest text that reads back as the same float32. Only finite values are ever written.
@inline(__always)
public func formatFloat(_ value: Float) -> String {
    value.description
}

/// Reads a JSON number's own text as float32; nil if it is not a finite float32.
@inline(__always)
public func parseFloat(_ text: String) -> Float? {
    guard let value = Float(text), value.isFinite else { return nil }
    return value
}
