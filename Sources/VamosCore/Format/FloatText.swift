import CTensorText

/// Float32 ⇄ text, exactly.
///
/// Writing: the shortest text that reads back as the same float32, laid out as Swift's
/// `Float.description` (`0.1`, `100000.0`, `1e-05`, `7.038531e-26`): `vt_format_float` (C++
/// std::to_chars for the digits), checked against `Float.description` on all 2^32 bit patterns by
/// scripts/check-float-text.swift. Reading: the decimal text rounded correctly to float32 in one
/// step (std::from_chars). Going through Double first would round twice: `7.038531e-26` read as a
/// Double and then cast to Float lands one bit away from the float32 it was written from.

/// The shortest text that reads back as the same float32. Only finite values are ever written.
@inline(__always)
public func formatFloat(_ value: Float) -> String {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(VT_FLOAT_TEXT_MAX)) { buf in
        let n = Int(vt_format_float(value, buf.baseAddress!))
        return String(decoding: UnsafeRawBufferPointer(start: buf.baseAddress!, count: n), as: UTF8.self)
    }
}

/// Reads a JSON number's own text as float32; nil if it is not a finite float32.
@inline(__always)
public func parseFloat(_ text: String) -> Float? {
    var text = text
    return text.withUTF8 { p -> Float? in
        var v: Float = 0
        let r = p.withMemoryRebound(to: CChar.self) { vt_parse_float($0.baseAddress, $0.count, &v) }
        return r == 0 ? v : nil
    }
}
