import FuzzDriver
import VamosCore
#if canImport(Glibc)
import Glibc
#endif

/// The SentencePiece path. The first byte picks what the rest is:
/// even — a line of text for `tokenize` on the opus-en-es fixture (strict UTF-8, MarianTokenizer's
///        rules, source and target side), its ids decoded back as `detokenize` does;
/// odd  — a SentencePiece model file (source.spm), loaded and used on "let's go".
/// VAMOS_FUZZ_MODEL names the model directory (scripts/fuzz.sh sets it).
nonisolated(unsafe) let tokenizer: MarianTokenizer? = {
    guard let dir = getenv("VAMOS_FUZZ_MODEL") else { return nil }
    return try? Model(directory: String(cString: dir)).tokenizer
}()

func fuzzSentencePiece(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    if data[0] & 1 == 0 {
        guard let tokenizer else { fatalError("fuzz-sentencepiece: set VAMOS_FUZZ_MODEL to a model directory with source.spm") }
        guard let line = try? checkedUTF8(rest, what: "input") else { return 0 }
        if let e = try? tokenizer.encode(line) { _ = try? tokenizer.decode(e.ids) }
        _ = try? tokenizer.encodeTarget(line)
        return 0
    }
    let path = "/tmp/vamos-fuzz-\(getpid()).spm"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { return 0 }
    _ = write(fd, rest, rest.count)
    close(fd)
    defer { unlink(path) }
    guard let spm = try? SentencePiece(path: path) else { return 0 }
    if let pieces = try? spm.encode("let's go") { _ = try? spm.decode(pieces) }
    return 0
}

exit(runFuzzer { fuzzSentencePiece($0, $1) })
