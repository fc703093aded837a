import CJSONC
import CTensorText

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing JSON text — json-c for every object, array and string; the strict scanner
/// (CTensorText) in front of it for RFC 8259 and UTF-8, and for the numbers of tensors, which go
/// straight to float32 and back without ever becoming json-c objects (docs/FORMAT.md §10).
public enum JSONCodec {
    /// json-c only ever sees text the scanner has checked, with white space removed.
    static let tokenerFlags: Int32 = JSON_TOKENER_STRICT

    /// Parses text holding exactly one JSON value. `what` names the text in errors ("config.json").
    public static func parse(_ text: String, what: String) throws -> JSON {
        var bytes = Array(text.utf8)
        return try parse(bytes: &bytes, what: what)
    }

    /// Parses bytes holding exactly one JSON value (surrounding white space allowed).
    /// `documents`: read it as a Vamos document (tensors' data straight to float32, counts checked
    /// against the shape as they are read), as JSONStreamReader does.
    /// Files (configs, vocabularies) take the default limits; streams of documents the current ones.
    public static func parse(bytes: inout [UInt8], what: String, limits: ReadLimits = ReadLimits(), documents: Bool = false) throws -> JSON {
        let scanner = Scanner(documents: documents, limits: limits)
        var start = 0
        var newlines = 0
        while start < bytes.count, isWhiteSpace(bytes[start]) {
            if bytes[start] == 0x0A { newlines += 1 }
            start += 1
        }
        if start == bytes.count { throw VamosError("\(what): empty (no JSON value)") }
        let (rc, used) = bytes.withUnsafeBufferPointer { scanner.feed($0.baseAddress! + start, $0.count - start) }
        var end = start + used
        if rc == VT_ERROR { throw scanner.error(what: what, line: 1 + newlines, byte: UInt64(start)) }
        if rc == VT_MORE {
            guard vt_scanner_finish(scanner.raw) == VT_DONE else {
                throw scanner.error(what: what, line: 1 + newlines, byte: UInt64(start))
            }
            end = bytes.count
        }
        if let extra = bytes[end...].firstIndex(where: { !isWhiteSpace($0) }) {
            throw VamosError("\(what): byte \(extra): unexpected text after the JSON value")
        }
        return try scanner.value(what: what)
    }

    /// JSON text: one line (`pretty: false`), or indented for people.
    public static func serialize(_ value: JSON, pretty: Bool = false) -> String {
        var bytes: [UInt8] = []
        write(value, pretty: pretty) { bytes.append(contentsOf: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes JSON text in pieces to `sink` (json-c lays it out; each `.floats` array is formatted
    /// straight from float32 into the place json-c left for it, a bounded piece at a time).
    public static func write(_ value: JSON, pretty: Bool, to sink: (UnsafeRawBufferPointer) -> Void) {
        var marks = Marks(pretty: pretty)
        let obj = build(value, &marks)
        defer { if let obj { json_object_put(obj) } }
        var length = 0
        guard let cstr = json_object_to_json_string_length(obj, jsonFlags(pretty), &length) else { return }
        let text = UnsafeRawBufferPointer(start: cstr, count: length)
        if marks.keys.isEmpty {
            Splice.write(text, pieces: marks.pieces, to: sink)
        } else {
            let withKeys = Splice.keys(text, marks.keys)
            withKeys.withUnsafeBytes { Splice.write($0, pieces: marks.pieces, to: sink) }
        }
    }

    static func jsonFlags(_ pretty: Bool) -> Int32 {
        JSON_C_TO_STRING_NOSLASHESCAPE | (pretty ? (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) : JSON_C_TO_STRING_PLAIN)
    }

    /// A flat array of scalars as one line of JSON text, byte for byte what json-c writes for it;
    /// nil when it holds anything else (or a string starting with U+0001, which is a marker).
    static func flatText(_ items: [JSON]) -> [UInt8]? {
        var out: [UInt8] = [UInt8(ascii: "[")]
        out.reserveCapacity(items.count * 8)
        var scratch = [CChar](repeating: 0, count: 256)
        for (i, item) in items.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            switch item {
            case .number(let t): out.append(contentsOf: t.utf8)
            case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
            case .null: out.append(contentsOf: "null".utf8)
            case .string(var s):
                guard s.utf8.first != 0x01 else { return nil }
                s.withUTF8 { p in
                    if scratch.count < 6 * p.count + 2 { scratch = [CChar](repeating: 0, count: 6 * p.count + 2) }
                    let n = vt_escape_string(p.baseAddress, p.count, &scratch)
                    scratch.withUnsafeBytes { out.append(contentsOf: $0.prefix(n)) }
                }
            default: return nil
            }
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// A string's JSON text as json-c writes it (length-counted, so U+0000 is kept).
    static func quoted(_ s: String) -> [UInt8] {
        var s = s
        let obj = s.withUTF8 { p in
            p.withMemoryRebound(to: CChar.self) { json_object_new_string_len($0.baseAddress, Int32($0.count)) }
        }
        defer { json_object_put(obj) }
        var length = 0
        let c = json_object_to_json_string_length(obj, jsonFlags(false), &length)!
        return Array(UnsafeRawBufferPointer(start: c, count: length))
    }

    // MARK: json-c ⇄ JSON

    static func isWhiteSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    /// json-c's objects as JSON values; `entries` resolves the scanner's placeholders.
    static func convert(_ obj: OpaquePointer?, what: String, entries: Scanner) throws -> JSON {
        guard let obj else { return .null }
        switch json_object_get_type(obj) {
        case json_type_null:
            return .null
        case json_type_boolean:
            return .bool(json_object_get_boolean(obj) != 0)
        case json_type_int, json_type_double:
            let text = String(cString: json_object_get_string(obj))
            // json-c keeps the text of doubles and re-prints integers: the same text for every
            // integer that reaches it (the scanner passes "-0" and integers of 19 digits or more
            // as entries of their own).
            return .number(text)
        case json_type_string:
            let length = Int(json_object_get_string_len(obj))
            let ptr = UnsafeRawPointer(json_object_get_string(obj)!).assumingMemoryBound(to: UInt8.self)
            let bytes = UnsafeBufferPointer(start: ptr, count: length)
            if length > 0, bytes[0] == 0x01 { return try entries.entry(bytes, what: what) }
            return .string(String(decoding: bytes, as: UTF8.self))
        case json_type_array:
            let n = json_object_array_length(obj)
            var items: [JSON] = []
            items.reserveCapacity(n)
            for i in 0..<n { items.append(try convert(json_object_array_get_idx(obj, i), what: what, entries: entries)) }
            return .array(items)
        case json_type_object:
            var result = JSONObject()
            var it = json_object_iter_begin(obj)
            var end = json_object_iter_end(obj)
            while json_object_iter_equal(&it, &end) == 0 {
                let cname = json_object_iter_peek_name(&it)!
                var name = String(cString: cname)
                if cname.pointee == 0x01 {
                    let n = strlen(cname)
                    let raw = UnsafeRawPointer(cname).assumingMemoryBound(to: UInt8.self)
                    guard case .string(let s) = try entries.entry(UnsafeBufferPointer(start: raw, count: n), what: what) else {
                        throw VamosError("\(what): internal error: a key placeholder that is not a string")
                    }
                    name = s
                }
                // Duplicate keys (after placeholders are resolved): the last value wins, at the
                // place of the first — as json-c itself does.
                result[name] = try convert(json_object_iter_peek_value(&it), what: what, entries: entries)
                json_object_iter_next(&it)
            }
            return .object(result)
        default:
            throw VamosError("\(what): unsupported JSON value")
        }
    }

    /// What json-c cannot write itself, in writing order: float arrays, and strings starting with
    /// U+0001 (each a raw byte 0x01 in json-c's text, which json-c never writes raw: it escapes
    /// that byte in every string), and keys holding U+0000 or starting with U+0001 (json-c cuts
    /// keys at U+0000; written as the key "\u0001N").
    struct Marks {
        var pretty = false
        var pieces: [Splice.Piece] = []
        var keys: [[UInt8]] = []
    }

    /// json-c objects for a JSON value; each non-empty `.floats` array is a one-element array
    /// holding a marker.
    static func build(_ value: JSON, _ marks: inout Marks) -> OpaquePointer? {
        switch value {
        case .null:
            return nil
        case .bool(let b):
            return json_object_new_boolean(b ? 1 : 0)
        case .number(let text):
            // Written verbatim: the text is the number (json-c's "_s" constructors keep it).
            return json_object_new_double_s(0, text)
        case .string(let s):
            if s.utf8.first == 0x01 {
                marks.pieces.append(.text(quoted(s)))
                return json_object_new_double_s(0, "\u{1}")
            }
            var s = s
            return s.withUTF8 { p in
                p.withMemoryRebound(to: CChar.self) { json_object_new_string_len($0.baseAddress, Int32($0.count)) }
            }
        case .floats(let values):
            let arr = json_object_new_array_ext(1)
            if !values.isEmpty {
                marks.pieces.append(.floats(values))
                json_object_array_add(arr, json_object_new_double_s(0, "\u{1}"))
            }
            return arr
        case .arrayText(let t):
            // As it came (JSONStreamReader only keeps text json-c would write the same way);
            // indented output lays it out afresh.
            if marks.pretty { return build(.array(t.items), &marks) }
            marks.pieces.append(.text(t.bytes))
            return json_object_new_double_s(0, "\u{1}")
        case .array(let items):
            if !marks.pretty, items.count >= 64, let text = flatText(items) {
                // A long array of scalars (ids, tokens): its text at once, not an object per value.
                marks.pieces.append(.text(text))
                return json_object_new_double_s(0, "\u{1}")
            }
            let arr = json_object_new_array_ext(Int32(items.count))
            for item in items { json_object_array_add(arr, build(item, &marks)) }
            return arr
        case .object(let o):
            let obj = json_object_new_object()
            for (k, v) in o.pairs {
                let child = build(v, &marks)
                if k.utf8.first == 0x01 || k.utf8.contains(0) {
                    json_object_object_add(obj, "\u{1}\(marks.keys.count)", child)
                    marks.keys.append(quoted(k))
                } else {
                    json_object_object_add(obj, k, child)
                }
            }
            return obj
        }
    }
}

/// The scanner of one document (or one configuration file) and what it found.
final class Scanner {
    let raw: OpaquePointer

    init(documents: Bool, limits: ReadLimits) {
        raw = vt_scanner_new(documents ? 1 : 0, limits.maxDocumentBytes, limits.maxTensorElements, Int32(limits.maxDepth))
    }

    deinit { vt_scanner_free(raw) }

    func reset() { vt_scanner_reset(raw) }

    func feed(_ p: UnsafePointer<UInt8>, _ n: Int) -> (Int32, Int) {
        var used = 0
        let rc = vt_scanner_feed(raw, p, n, &used)
        return (rc, used)
    }

    var newlines: Int { Int(vt_newlines(raw)) }

    /// The error, placed: `what line L, byte B: …` (the line of the offending byte, its offset from
    /// the start of the input, counting from 0). `line` and `byte` are where the document began.
    func error(what: String, line: Int, byte: UInt64) -> VamosError {
        let message = String(cString: vt_error_message(raw))
        let at = "\(what) line \(line + Int(vt_error_newlines(raw))), byte \(byte + vt_error_offset(raw))"
        let plain = ["invalid UTF-8", "tensor '", "the ", "nested", "a number longer"].contains { message.hasPrefix($0) }
        return VamosError("\(at): \(plain ? "" : "not valid JSON: ")\(message)")
    }

    /// The complete document as a JSON value: json-c parses the reduced text.
    func value(what: String) throws -> JSON {
        var length = 0
        let text = vt_reduced_text(raw, &length)!
        guard let tok = json_tokener_new_ex(Int32(ReadLimits.current.maxDepth + 8)) else { throw VamosError("\(what): out of memory") }
        defer { json_tokener_free(tok) }
        json_tokener_set_flags(tok, JSONCodec.tokenerFlags)
        let obj = UnsafeRawPointer(text).withMemoryRebound(to: CChar.self, capacity: length) {
            json_tokener_parse_ex(tok, $0, Int32(length))
        }
        defer { if let obj { json_object_put(obj) } }
        let err = json_tokener_get_error(tok)
        guard err == json_tokener_success else {
            throw VamosError("\(what): internal error: json-c refused checked text (\(String(cString: json_tokener_error_desc(err))))")
        }
        return try JSONCodec.convert(obj, what: what, entries: self)
    }

    /// A placeholder's entry: 0x01 then its decimal index.
    func entry(_ placeholder: UnsafeBufferPointer<UInt8>, what: String) throws -> JSON {
        guard let index = Int(String(decoding: placeholder.dropFirst(), as: UTF8.self)),
              index >= 0, index < vt_entry_count(raw) else {
            throw VamosError("\(what): internal error: a placeholder without its entry")
        }
        if vt_entry_kind(raw, index) == Int32(VT_ENTRY_ARRAY) || vt_entry_kind(raw, index) == Int32(VT_ENTRY_NUMBER) {
            var length = 0
            let text = Array(UnsafeBufferPointer(start: vt_entry_text(raw, index, &length)!, count: length))
            return vt_entry_kind(raw, index) == Int32(VT_ENTRY_NUMBER) ? .number(String(decoding: text, as: UTF8.self))
                : .arrayText(ArrayText(bytes: text))
        }
        if vt_entry_kind(raw, index) == Int32(VT_ENTRY_FLOATS) {
            let n = vt_entry_float_count(raw, index)
            let values = [Float](unsafeUninitializedCapacity: n) { buffer, count in
                vt_entry_take_floats(raw, index, buffer.baseAddress)
                count = n
            }
            return .floats(values)
        }
        // A string json-c could not keep as it is (U+0000 in a key, or \u0001 first): json-c
        // decodes its JSON text on its own, and the bytes are taken with their length.
        var length = 0
        let text = vt_entry_text(raw, index, &length)!
        let obj = UnsafeRawPointer(text).withMemoryRebound(to: CChar.self, capacity: length) { p -> OpaquePointer? in
            guard let tok = json_tokener_new() else { return nil }
            defer { json_tokener_free(tok) }
            return json_tokener_parse_ex(tok, p, Int32(length))
        }
        guard let obj, json_object_get_type(obj) == json_type_string else {
            throw VamosError("\(what): internal error: a string entry json-c cannot read")
        }
        defer { json_object_put(obj) }
        let n = Int(json_object_get_string_len(obj))
        let p = UnsafeRawPointer(json_object_get_string(obj)!).assumingMemoryBound(to: UInt8.self)
        return .string(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
    }
}
