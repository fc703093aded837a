/// A tensor as a NumPy `.npy` file, format version 1.0: the magic `\x93NUMPY`, version bytes 1 0,
/// a little-endian uint16 header length, the header — a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }` padded with spaces and ended by
/// `\n` so that the data starts at a multiple of 64 bytes — then the float32 values, little-endian,
/// in C (row-major) order. `numpy.load` reads it.
public enum NPY {
    public static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
    public static let alignment = 64

    /// The header dict as NumPy writes it: `(3,)` for one dimension, `()` for a scalar.
    public static func headerDict(shape: [Int]) -> String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        return "{'descr': '<f4', 'fortran_order': False, 'shape': \(dims), }"
    }

    public static func encode(_ t: Tensor) throws -> [UInt8] {
        var header = Array(headerDict(shape: t.shape).utf8)
        // magic (6) + version (2) + length (2) + header + padding + "\n" ≡ 0 (mod 64)
        let unpadded = magic.count + 2 + 2 + header.count + 1
        let padding = (alignment - unpadded % alignment) % alignment
        header += [UInt8](repeating: 0x20, count: padding) + [0x0A]
        guard header.count <= Int(UInt16.max) else {
            throw VamosError("shape \(t.shape) needs an .npy header of \(header.count) bytes; version 1.0 allows 65535")
        }
        var out = magic + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
        out.reserveCapacity(out.count + 4 * t.count)
        for v in t.data {
            let bits = v.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
        }
        return out
    }

    public static func write(_ t: Tensor, to path: String) throws {
        try writeFileAtomically(try encode(t), to: path)
    }
}
