import FuzzDriver
import VamosCore
#if canImport(Glibc)
import Glibc
#endif

/// One NDJSON line through the document reader (strict scanner + json-c + Document + Tensor), and
/// what it reads written and read again: the same document.
func fuzzDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = ReadLimits(maxDocumentBytes: 1 << 20, maxTensorElements: 1 << 16)
    guard let json = try? JSONCodec.parse(bytes: &bytes, what: "fuzz", limits: limits, documents: true) else { return 0 }
    let text = JSONCodec.serialize(json)
    var again = Array(text.utf8)
    guard let back = try? JSONCodec.parse(bytes: &again, what: "fuzz again", limits: ReadLimits(), documents: true), back == json else {
        fatalError("a value read does not survive being written and read again: \(text.prefix(200))")
    }
    if let doc = try? Document(json: json, what: "fuzz") {
        let out = doc.serialized()
        var b = Array(out.utf8)
        guard let j = try? JSONCodec.parse(bytes: &b, what: "doc", limits: ReadLimits(), documents: true),
              let d2 = try? Document(json: j, what: "doc"), d2.serialized() == out else {
            fatalError("a document does not survive being written and read again")
        }
        _ = doc.serialized(pretty: true)
    }
    return 0
}

exit(runFuzzer { fuzzDocument($0, $1) })
