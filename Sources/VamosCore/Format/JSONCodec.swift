import CJSONC

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing JSON text — always through json-c.
public enum JSONCodec {
    /// Flags for the tokenizer: strict JSON (no single quotes, no trailing commas, …), valid UTF-8, and
    /// text after a value left for us to read (the next document of a stream).
    static let tokenerFlags: Int32 = JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS | JSON_TOKENER_VALIDATE_UTF8

    /// Parses text holding exactly one JSON value. `what` names the text in errors ("config.json").
    public static func parse(_ text: String, what: String) throws -> JSON {
        var bytes = Array(text.utf8)
        return try parse(bytes: &bytes, what: what)
    }

    /// Parses bytes holding exactly one JSON value (surrounding white space allowed).
    public static func parse(bytes: inout [UInt8], what: String) throws -> JSON {
        guard let tok = json_tokener_new() else { throw VamosError("\(what): out of memory") }
        defer { json_tokener_free(tok) }
        json_tokener_set_flags(tok, tokenerFlags)
        let obj: OpaquePointer? = bytes.withUnsafeBufferPointer { p in
            p.baseAddress.map { base in
                base.withMemoryRebound(to: CChar.self, capacity: p.count) {
                    json_tokener_parse_ex(tok, $0, Int32(p.count))
                }
            } ?? nil
        }
        defer { if let obj { json_object_put(obj) } }
        let err = json_tokener_get_error(tok)
        if err == json_tokener_continue || bytes.allSatisfy(isWhiteSpace) {
            throw VamosError("\(what): truncated JSON (the text ends inside a value)")
        }
        if err != json_tokener_success {
            throw VamosError("\(what): not valid JSON (\(String(cString: json_tokener_error_desc(err))))")
        }
        let end = Int(json_tokener_get_parse_end(tok))
        if !bytes[end...].allSatisfy(isWhiteSpace) {
            throw VamosError("\(what): unexpected text after the JSON value")
        }
        return try convert(obj, what: what)
    }

    /// JSON text: one line (`pretty: false`), or indented for people.
    public static func serialize(_ value: JSON, pretty: Bool = false) -> String {
        let obj = build(value)
        defer { if let obj { json_object_put(obj) } }
        var flags = JSON_C_TO_STRING_NOSLASHESCAPE
        flags |= pretty ? (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) : JSON_C_TO_STRING_PLAIN
        var length = 0
        guard let cstr = json_object_to_json_string_length(obj, flags, &length) else { return "null" }
        return cstr.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    // MARK: json-c ⇄ JSON

    static func isWhiteSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// A number's text follows JSON's grammar, `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`:
    /// json-c also accepts `NaN`, `Infinity` and `1.`, which are not JSON and must not pass through.
    static func isJSONNumber(_ text: String) -> Bool {
        let b = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - start
        }
        if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < b.count else { return false }
        if b[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { return false }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            guard digits() > 0 else { return false }
        }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { return false }
        }
        return i == b.count
    }

    static func convert(_ obj: OpaquePointer?, what: String) throws -> JSON {
        guard let obj else { return .null }
        switch json_object_get_type(obj) {
        case json_type_null:
            return .null
        case json_type_boolean:
            return .bool(json_object_get_boolean(obj) != 0)
        case json_type_int, json_type_double:
            let text = String(cString: json_object_get_string(obj))
            // json-c keeps the text of doubles but re-prints integers, clamping those beyond 64 bits.
            if json_object_get_type(obj) == json_type_int,
               ["9223372036854775807", "-9223372036854775808", "18446744073709551615"].contains(text) {
                throw VamosError("\(what): integer \(text) is at the edge of 64 bits; larger integers cannot be read exactly")
            }
            guard isJSONNumber(text) else {
                throw VamosError("\(what): '\(text)' is not a JSON number (NaN, Infinity and forms like '1.' are not JSON)")
            }
            return .number(text)
        case json_type_string:
            let length = Int(json_object_get_string_len(obj))
            let ptr = json_object_get_string(obj)!
            return ptr.withMemoryRebound(to: UInt8.self, capacity: length) {
                .string(String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self))
            }
        case json_type_array:
            let n = json_object_array_length(obj)
            var items: [JSON] = []
            items.reserveCapacity(n)
            for i in 0..<n { items.append(try convert(json_object_array_get_idx(obj, i), what: what)) }
            return .array(items)
        case json_type_object:
            var result = JSONObject()
            var it = json_object_iter_begin(obj)
            var end = json_object_iter_end(obj)
            while json_object_iter_equal(&it, &end) == 0 {
                let name = String(cString: json_object_iter_peek_name(&it))
                result[name] = try convert(json_object_iter_peek_value(&it), what: what)
                json_object_iter_next(&it)
            }
            return .object(result)
        default:
            throw VamosError("\(what): unsupported JSON value")
        }
    }

    static func build(_ value: JSON) -> OpaquePointer? {
        switch value {
        case .null:
            return nil
        case .bool(let b):
            return json_object_new_boolean(b ? 1 : 0)
        case .number(let text):
            // Written verbatim: the text is the number (json-c's "_s" constructors keep it).
            return json_object_new_double_s(Double(text) ?? 0, text)
        case .string(let s):
            var s = s
            return s.withUTF8 { p in
                p.withMemoryRebound(to: CChar.self) { json_object_new_string_len($0.baseAddress, Int32($0.count)) }
            }
        case .array(let items):
            let arr = json_object_new_array_ext(Int32(items.count))
            for item in items { json_object_array_add(arr, build(item)) }
            return arr
        case .object(let o):
            let obj = json_object_new_object()
            for (k, v) in o.pairs { json_object_object_add(obj, k, build(v)) }
            return obj
        }
    }
}

/// Reads a stream of JSON documents (one per line, or concatenated, or pretty-printed) from a file
/// descriptor, handing out each as soon as it is complete.
public final class JSONStreamReader {
    private let fd: Int32
    private let name: String
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)
    private var start = 0
    private var end = 0
    private var eof = false
    private var inDocument = false
    private let tok: UnsafeMutablePointer<json_tokener>
    /// 1-based line on which the current (or last) document started.
    public private(set) var line = 1
    public private(set) var documentLine = 1

    public init(fd: Int32 = 0, name: String = "input") {
        self.fd = fd
        self.name = name
        tok = json_tokener_new()!
        json_tokener_set_flags(tok, JSONCodec.tokenerFlags)
    }

    deinit { json_tokener_free(tok) }

    /// Whether more input is already on its way: bytes buffered, or readable within `graceMilliseconds`
    /// (or at its end). A batching stage takes only documents that are there or arriving, so a
    /// stream typed line by line is never held back waiting for a batch to fill; the short grace
    /// lets a document larger than the pipe's buffer, still being written by the stage before,
    /// join the batch.
    public func hasPendingInput(graceMilliseconds: Int32 = 10) -> Bool {
        while true {
            if !inDocument {  // white space between documents is consumed here (lines counted)
                while start < end && JSONCodec.isWhiteSpace(buffer[start]) {
                    if buffer[start] == 0x0A { line += 1 }
                    start += 1
                }
            }
            if start < end { return true }
            if eof { return false }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, graceMilliseconds)
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else { return false }
            // Readable: this read does not block. Only white space (a newline split from its
            // document) is not a document, so look again.
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { return errno != EINTR ? true : hasPendingInput(graceMilliseconds: graceMilliseconds) }
            if n == 0 { eof = true; return false }
            start = 0
            end = n
        }
    }

    /// The next document, or nil at the end of the input.
    public func next() throws -> JSON? {
        while true {
            if start == end {
                if eof {
                    if inDocument {
                        throw VamosError("\(name) line \(documentLine): truncated JSON (the input ends inside a document)")
                    }
                    return nil
                }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw VamosError("\(name): read failed (\(String(cString: strerror(errno))))")
                }
                if n == 0 { eof = true; continue }
                start = 0
                end = n
            }
            if !inDocument {
                while start < end && JSONCodec.isWhiteSpace(buffer[start]) {
                    if buffer[start] == 0x0A { line += 1 }
                    start += 1
                }
                if start == end { continue }
                inDocument = true
                documentLine = line
            }
            let obj: OpaquePointer? = buffer.withUnsafeBufferPointer { p in
                (p.baseAddress! + start).withMemoryRebound(to: CChar.self, capacity: end - start) {
                    json_tokener_parse_ex(tok, $0, Int32(end - start))
                }
            }
            let err = json_tokener_get_error(tok)
            let consumed = Int(json_tokener_get_parse_end(tok))
            for i in start..<(start + consumed) where buffer[i] == 0x0A { line += 1 }
            start += consumed
            if err == json_tokener_continue { continue }
            json_tokener_reset(tok)
            inDocument = false
            if err != json_tokener_success {
                eof = true  // stop reading: the stream is no longer in step
                start = end
                throw VamosError("\(name) line \(line): not valid JSON (\(String(cString: json_tokener_error_desc(err))))")
            }
            defer { if let obj { json_object_put(obj) } }
            return try JSONCodec.convert(obj, what: "\(name) line \(documentLine)")
        }
    }
}
