import CKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `.safetensors` file, memory-mapped and validated before use.
///
/// Layout: 8 bytes little-endian header length `N`, `N` bytes of JSON header
/// (`{"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, "__metadata__": {..}}`),
/// then the data area; offsets count from its start. Nothing is read from the data area until a
/// tensor is asked for, and then only that tensor's bytes are touched.
public final class SafeTensorsFile: @unchecked Sendable {
    public enum DType: String, Sendable {
        case BOOL, U8, I8, F8_E5M2, F8_E4M3, I16, U16, F16, BF16, I32, U32, F32, F64, I64, U64
        public var size: Int {
            switch self {
            case .BOOL, .U8, .I8, .F8_E5M2, .F8_E4M3: return 1
            case .I16, .U16, .F16, .BF16: return 2
            case .I32, .U32, .F32: return 4
            case .F64, .I64, .U64: return 8
            }
        }
    }

    public struct Entry: Sendable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        public let begin: Int
        public let end: Int
        public var count: Int { shape.reduce(1, *) }
    }

    /// The safetensors specification's own bound on the header.
    public static let maxHeaderBytes = 100_000_000

    public let path: String
    /// The header length and the JSON header, `8 + N` bytes: what the model hash covers.
    public let headerBytes: [UInt8]
    public let metadata: [String: String]
    /// Entries by name; `names` lists them in the order of their data.
    public let entries: [String: Entry]
    public let names: [String]

    private let base: UnsafeRawPointer
    private let mappedSize: Int
    private let dataStart: Int

    public init(path: String) throws {
        self.path = path
        // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw VamosError("\(path): cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw VamosError("\(path): cannot stat") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw VamosError("\(path): not a regular file (a safetensors file is memory-mapped, so a pipe, FIFO or device cannot hold one)")
        }
        let size = Int(st.st_size)
        guard size >= 8 else {
            throw VamosError("\(path): \(size) bytes is too short for a safetensors file (8-byte header length missing)")
        }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw VamosError("\(path): cannot memory-map (\(String(cString: strerror(errno))))")
        }
        let base = UnsafeRawPointer(p)
        var ok = false
        defer { if !ok { munmap(p, size) } }

        let claimed = UInt64(littleEndian: base.loadUnaligned(as: UInt64.self))
        guard claimed <= UInt64(SafeTensorsFile.maxHeaderBytes) else {
            throw VamosError("\(path): header length \(claimed) exceeds the safetensors limit of \(SafeTensorsFile.maxHeaderBytes) bytes")
        }
        let n = Int(claimed)
        guard n <= size - 8 else {
            throw VamosError("\(path): header length \(n) runs past the end of the \(size)-byte file")
        }
        var header = [UInt8](UnsafeRawBufferPointer(start: base + 8, count: n))
        let headerJSON = try JSONCodec.parse(bytes: &header, what: "\(path) header")
        guard let obj = headerJSON.objectValue else { throw VamosError("\(path): header is not a JSON object") }

        let dataSize = size - 8 - n
        var entries: [String: Entry] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in obj.pairs {
            if name == "__metadata__" {
                guard let m = value.objectValue else { throw VamosError("\(path): __metadata__ is not an object") }
                for (k, v) in m.pairs {
                    guard let s = v.stringValue else { throw VamosError("\(path): __metadata__.\(k) is not a string") }
                    metadata[k] = s
                }
                continue
            }
            let what = "\(path): tensor '\(name)'"
            guard let e = value.objectValue else { throw VamosError("\(what): expected an object") }
            guard let dt = e["dtype"]?.stringValue else { throw VamosError("\(what): no dtype") }
            guard let dtype = DType(rawValue: dt) else { throw VamosError("\(what): unknown dtype '\(dt)'") }
            guard let shapeJSON = e["shape"]?.arrayValue, let shape = Optional(shapeJSON.compactMap { $0.intValue }),
                  shape.count == shapeJSON.count else {
                throw VamosError("\(what): shape is not an array of integers")
            }
            let count = try Tensor.checkedCount(shape, what: what)
            guard let off = e["data_offsets"]?.arrayValue, off.count == 2,
                  let begin = off[0].intValue, let end = off[1].intValue else {
                throw VamosError("\(what): data_offsets is not [begin, end]")
            }
            guard begin >= 0, begin <= end, end <= dataSize else {
                throw VamosError("\(what): data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data area")
            }
            guard end - begin == count * dtype.size else {
                throw VamosError("\(what): \(end - begin) bytes for shape \(shape) of \(dt) (expected \(count * dtype.size))")
            }
            entries[name] = Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }
        let ordered = entries.values.sorted { ($0.begin, $0.end, $0.name) < ($1.begin, $1.end, $1.name) }
        // Non-empty ranges must not overlap: each starts at or after the furthest end so far.
        var furthest: Entry? = nil
        for e in ordered where e.end > e.begin {
            if let f = furthest, e.begin < f.end {
                throw VamosError("\(path): tensors '\(f.name)' and '\(e.name)' overlap in the data area")
            }
            if furthest == nil || e.end > furthest!.end { furthest = e }
        }
        self.headerBytes = [UInt8](UnsafeRawBufferPointer(start: base, count: 8 + n))
        self.metadata = metadata
        self.entries = entries
        self.names = ordered.map(\.name)
        self.base = base
        self.mappedSize = size
        self.dataStart = 8 + n
        ok = true
    }

    func dataPointer(_ e: Entry) -> UnsafeRawPointer { base + dataStart + e.begin }

    deinit { munmap(UnsafeMutableRawPointer(mutating: base), mappedSize) }

    /// A tensor as float32 (F16, BF16 and F64 are converted), checked against `expectedShape` if given.
    public func tensor(_ name: String, expectedShape: [Int]? = nil) throws -> Tensor {
        guard let e = entries[name] else { throw VamosError("\(path): no tensor '\(name)'") }
        if let expectedShape, expectedShape != e.shape {
            throw VamosError("\(path): tensor '\(name)' has shape \(e.shape), expected \(expectedShape)")
        }
        let p = base + dataStart + e.begin
        var out = [Float](repeating: 0, count: e.count)
        switch e.dtype {
        case .F32:
            out.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(start: p, count: e.end - e.begin)) }
        case .F16:
            for i in 0..<e.count { out[i] = floatFromHalf(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
        case .BF16:
            for i in 0..<e.count {
                out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16)
            }
        case .F64:
            for i in 0..<e.count { out[i] = Float(p.loadUnaligned(fromByteOffset: 8 * i, as: Double.self)) }
        default:
            throw VamosError("\(path): tensor '\(name)' has dtype \(e.dtype.rawValue); Vamos reads F32, F16, BF16 and F64")
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw VamosError("\(path): tensor '\(name)' holds a non-finite value at index \(bad)")
        }
        return Tensor(shape: e.shape, data: out)
    }
}

extension SafeTensorsFile {
    /// A weight matrix as stored, without copying: F32, BF16 and F16 stay in the mapped file (the
    /// kernels widen half precision in registers); F64 is converted to a float32 array. A rank-1
    /// tensor is one row. Checked for NaN and infinity (at memory speed) before use.
    /// `checked: false` leaves the scan to the caller (an embedding checks the rows it reads).
    public func matrix(_ name: String, expectedShape: [Int]? = nil, checked: Bool = true) throws -> WeightMatrix {
        guard let e = entries[name] else { throw VamosError("\(path): no tensor '\(name)'") }
        if let expectedShape, expectedShape != e.shape {
            throw VamosError("\(path): tensor '\(name)' has shape \(e.shape), expected \(expectedShape)")
        }
        let rows = e.shape.count >= 2 ? e.shape.dropLast().reduce(1, *) : 1
        let cols = e.shape.last ?? 1
        let dtype: WeightMatrix.DType
        switch e.dtype {
        case .F32: dtype = .f32
        case .BF16: dtype = .bf16
        case .F16: dtype = .f16
        default:
            let t = try tensor(name, expectedShape: expectedShape)
            return WeightMatrix(t.data, rows: rows, cols: cols)
        }
        let p = dataPointer(e)
        let bad = checked ? vamos_first_nonfinite(p, dtype.rawValue, Int64(e.count)) : -1
        if bad >= 0 {
            throw VamosError("\(path): tensor '\(name)' holds a non-finite value at index \(bad)")
        }
        return WeightMatrix(pointer: p, dtype: dtype, rows: rows, cols: cols, owner: self)
    }
}

/// IEEE half → float (exact).
func floatFromHalf(_ h: UInt16) -> Float { vamos_f16_to_f32(h) }

private extension UInt64 {
    func clamped(to limit: UInt64) -> UInt64 { Swift.min(self, limit) }
}

/// Writes tensors as a `.safetensors` file that Python's `safetensors` loads: float32, or every
/// tensor rounded to bfloat16 or float16 (to nearest, ties to even, as torch's `.to()` does).
/// The file appears whole or not at all (written under a temporary name, then renamed).
public enum SafeTensorsWriter {
    public static func write(_ tensors: [(String, Tensor)], metadata: [String: String] = [:], dtype: WeightMatrix.DType = .f32,
                             to path: String) throws {
        var header = JSONObject()
        if !metadata.isEmpty {
            header["__metadata__"] = .object(JSONObject(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
        }
        var offset = 0
        let size = dtype == .f32 ? 4 : 2
        let dtypeName = dtype == .f32 ? "F32" : dtype == .bf16 ? "BF16" : "F16"
        for (name, t) in tensors {
            let bytes = t.count * size
            header[name] = .object(JSONObject([
                ("dtype", .string(dtypeName)),
                ("shape", .array(t.shape.map { .int($0) })),
                ("data_offsets", .array([.int(offset), .int(offset + bytes)])),
            ]))
            offset += bytes
        }
        var headerBytes = Array(JSONCodec.serialize(.object(header)).utf8)
        while (8 + headerBytes.count) % 8 != 0 { headerBytes.append(0x20) }
        var out = [UInt8]()
        out.reserveCapacity(8 + headerBytes.count + offset)
        withUnsafeBytes(of: UInt64(headerBytes.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(contentsOf: headerBytes)
        for (_, t) in tensors {
            switch dtype {
            case .f32: t.data.withUnsafeBytes { out.append(contentsOf: $0) }
            case .bf16, .f16:
                let half = t.data.map { (dtype == .bf16 ? vamos_f32_to_bf16($0) : vamos_f32_to_f16($0)).littleEndian }
                half.withUnsafeBytes { out.append(contentsOf: $0) }
            }
        }
        try writeFileAtomically(out, to: path)
    }
}

/// Writes bytes to `path` through a temporary file in the same directory and a rename.
public func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    // As shell redirection does: through a symbolic link to its target; a device, FIFO or socket
    // written as it is (`--npy /dev/stdout`); only a regular file (or a new one) is replaced
    // atomically — written beside it, flushed, renamed over it, the directory flushed.
    let target = try resolveSymlinks(path)
    var st = stat()
    if lstat(target, &st) == 0, (st.st_mode & S_IFMT) != S_IFREG {
        guard (st.st_mode & S_IFMT) != S_IFDIR else { throw VamosError("\(path): is a directory") }
        let fd = open(target, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VamosError("\(path): cannot write (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        try writeAllBytes(fd, bytes, path: path)
        return
    }
    let tmp = target + ".tmp-\(getpid())"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw VamosError("\(path): cannot write (\(String(cString: strerror(errno))))") }
    do {
        try writeAllBytes(fd, bytes, path: path)
        guard fsync(fd) == 0 else { throw VamosError("\(path): write failed (\(String(cString: strerror(errno))))") }
    } catch {
        close(fd)
        unlink(tmp)
        throw error
    }
    guard close(fd) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(tmp)
        throw VamosError("\(path): write failed (\(reason))")
    }
    guard rename(tmp, target) == 0 else {
        let reason = String(cString: strerror(errno))
        unlink(tmp)
        throw VamosError("\(path): cannot rename into place (\(reason))")
    }
    syncDirectory(of: target)
}

/// Every byte to `fd`; the error names `path` (a file, or "stderr", "--log FILE") and gives the
/// reason (ENOSPC: "No space left on device").
public func writeAllBytes(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { throw VamosError("\(path): write failed (\(String(cString: strerror(n < 0 ? errno : ENOSPC))))") }
        written += n
    }
}

/// The path a chain of symbolic links ends at (which need not exist yet), at most 40 links deep.
func resolveSymlinks(_ path: String) throws -> String {
    var current = path
    for _ in 0..<40 {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(current, &buf, buf.count - 1)
        if n < 0 { return current }  // not a link (or absent): write here
        let link = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if link.hasPrefix("/") {
            current = link
        } else if let slash = current.lastIndex(of: "/") {
            current = String(current[...slash]) + link
        } else {
            current = link
        }
    }
    throw VamosError("\(path): too many levels of symbolic links")
}

/// Flushes a directory entry change (a rename) to disk: fsync of the directory holding `path`.
public func syncDirectory(of path: String) {
    let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let fd = open(dir.isEmpty ? "/" : dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if fd >= 0 { fsync(fd); close(fd) }
}
