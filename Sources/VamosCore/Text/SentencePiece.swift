import CSentencePiece

/// A SentencePiece model file (`source.spm`, `target.spm`), run by the SentencePiece library itself
/// (Debian's libsentencepiece-dev, through the C shim in `Sources/CSentencePiece`), so that text is
/// split into pieces and pieces are joined into text exactly as Python's `sentencepiece` does.
public final class SentencePiece: @unchecked Sendable {
    public let path: String
    private let handle: OpaquePointer
    /// Every piece of the model, by id.
    public let pieces: [String]
    /// Whether each piece is a normal one (not `<unk>`, a control symbol such as `<s>`, unused or a byte).
    public let isNormal: [Bool]

    public init(path: String) throws {
        self.path = path
        var error = [CChar](repeating: 0, count: 512)
        guard let h = spm_load(path, &error, error.count) else {
            throw VamosError("\(path): not a SentencePiece model (\(message(error)))")
        }
        handle = h
        let n = Int(spm_piece_size(h))
        pieces = (0..<n).map { String(cString: spm_id_to_piece(h, Int32($0))) }
        isNormal = (0..<n).map { spm_is_normal(h, Int32($0)) != 0 }
    }

    deinit { spm_free(handle) }

    /// `encode(text, out_type=str)`: the pieces of `text` (normalized, "▁" marking word starts;
    /// a character the model lacks comes out as itself).
    public func encode(_ text: String) throws -> [String] {
        let bytes = Array(text.utf8) + [0]
        var out = spm_pieces()
        var error = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) {
                spm_encode_pieces(handle, $0, b.count - 1, &out, &error, error.count)
            }
        }
        guard status == 0 else { throw VamosError("\(path): cannot encode text (\(message(error)))") }
        defer { spm_pieces_free(&out) }
        return (0..<out.count).map { i in
            let begin = out.offsets[i], end = out.offsets[i + 1]
            return String(decoding: UnsafeRawBufferPointer(start: out.bytes + begin, count: end - begin), as: UTF8.self)
        }
    }

    /// `decode_pieces(pieces)`: the text the pieces spell (a piece the model lacks is kept as it is).
    public func decode(_ pieces: [String]) throws -> String {
        var bytes: [UInt8] = [0]
        var offsets: [Int] = []
        var lengths: [Int] = []
        for p in pieces {
            offsets.append(bytes.count)
            lengths.append(p.utf8.count)
            bytes += p.utf8
        }
        var text: UnsafeMutablePointer<CChar>?
        var length = 0
        var error = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { base in
                let pointers: [UnsafePointer<CChar>?] = offsets.map { base + $0 }
                return spm_decode_pieces(handle, pointers, lengths, pieces.count, &text, &length, &error, error.count)
            }
        }
        guard status == 0, let text else { throw VamosError("\(path): cannot decode pieces (\(message(error)))") }
        defer { spm_string_free(text) }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }

    public var count: Int { pieces.count }
}

/// The NUL-terminated message the shim wrote into `buffer`.
private func message(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
