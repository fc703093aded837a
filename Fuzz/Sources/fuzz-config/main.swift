import FuzzDriver
import VamosCore
#if canImport(Glibc)
import Glibc
#endif

/// Bytes as config.json, then as generation_config.json for it, and as vocab.json.
func fuzzConfig(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let json = try? JSONCodec.parse(bytes: &bytes, what: "config.json") else { return 0 }
    _ = try? Vocabulary(json: json, file: "vocab.json", size: 64)
    guard let config = try? ModelConfig(json: json) else { return 0 }
    _ = try? GenerationConfig(json: json, file: "generation_config.json", config: config)
    return 0
}

exit(runFuzzer { fuzzConfig($0, $1) })
