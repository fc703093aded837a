import FuzzDriver
import VamosCore
#if canImport(Glibc)
import Glibc
#endif

/// Bytes as config.json, then as generation_config.json for it, and as vocab.json — read both by
/// vocab.json's short reader and the general one, which must agree whenever the short one accepts.
func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var copy = bytes
    let short = try? Vocabulary(bytes: &copy, file: "vocab.json", size: 64)
    if VocabularyReader.flatPairs(bytes) != nil {
        var again = bytes
        let general = try? Vocabulary(json: JSONCodec.parse(bytes: &again, what: "vocab.json"), file: "vocab.json", size: 64)
        guard (short == nil) == (general == nil), short.map({ $0.tokens.map { Array($0.utf8) } }) == general.map({ $0.tokens.map { Array($0.utf8) } }),
              short?.named == general?.named else {
            fatalError("vocab.json: the short reader and the general reader disagree")
        }
    }
    guard let json = try? JSONCodec.parse(bytes: &bytes, what: "config.json") else { return 0 }
    _ = try? Vocabulary(json: json, file: "vocab.json", size: 64)
    guard let config = try? ModelConfig(json: json) else { return 0 }
    _ = try? GenerationConfig(json: json, file: "generation_config.json", config: config)
    return 0
}

exit(runFuzzer { fuzzConfig($0, $1) })
