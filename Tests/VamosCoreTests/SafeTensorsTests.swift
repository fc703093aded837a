import Foundation
import XCTest
@testable import VamosCore

/// safetensors reading (validated, memory-mapped), writing, and the model hash.
final class SafeTensorsTests: XCTestCase {
    func testSHA256Vectors() {
        XCTAssertEqual(SHA256.hex(Array("".utf8)), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hex([UInt8](repeating: 0x61, count: 1_000_000)),
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testWriteThenRead() throws {
        let dir = try makeTemporaryDirectory(self)
        let a = Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, Float(bitPattern: 0x15ae_43fd)])
        let b = Tensor(shape: [1], data: [-0.5])
        try SafeTensorsWriter.write([("a", a), ("b.bias", b)], metadata: ["format": "pt"], to: dir + "/m.safetensors")
        let f = try SafeTensorsFile(path: dir + "/m.safetensors")
        XCTAssertEqual(try f.tensor("a"), a)
        XCTAssertEqual(try f.tensor("b.bias"), b)
        XCTAssertEqual(f.metadata["format"], "pt")
        XCTAssertEqual(f.headerBytes.count % 8, 0, "header padded to 8 bytes")
        XCTAssertThrowsError(try f.tensor("a", expectedShape: [3, 2]))
    }

    func testReadsFilesWrittenByPython() throws {
        // Written by Tests/Reference/make_reference.py with safetensors' own writer.
        let f = try SafeTensorsFile(path: Repo.fixtureModel("marian") + "/model.safetensors")
        XCTAssertEqual(f.entries["model.shared.weight"]?.shape, [31, 16])
        XCTAssertEqual(try f.tensor("final_logits_bias").shape, [1, 31])
    }

    func testHalfPrecisionConversion() {
        XCTAssertEqual(floatFromHalf(0x3C00), 1)
        XCTAssertEqual(floatFromHalf(0xC000), -2)
        XCTAssertEqual(floatFromHalf(0x0001), Float(sign: .plus, exponent: -24, significand: 1))
        XCTAssertEqual(floatFromHalf(0x7BFF), 65504)
    }

    /// Builds a file from a raw header text and data bytes.
    func file(header: String, data: [UInt8] = [], declaredLength: UInt64? = nil) throws -> String {
        let dir = try makeTemporaryDirectory(self)
        var bytes = [UInt8]()
        let h = Array(header.utf8)
        withUnsafeBytes(of: (declaredLength ?? UInt64(h.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes += h + data
        try writeFileAtomically(bytes, to: dir + "/x.safetensors")
        return dir + "/x.safetensors"
    }

    func assertRejected(_ path: String, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensorsFile(path: path), file: file, line: line) { e in
            XCTAssertTrue("\(e)".contains(fragment), "\(e) lacks '\(fragment)'", file: file, line: line)
        }
    }

    func testCorruptHeadersAreRejected() throws {
        let four = [UInt8](repeating: 0, count: 8)
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: four, declaredLength: 1 << 40),
                       "exceeds the safetensors limit")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: four, declaredLength: 1000),
                       "runs past the end")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,16]}}"#, data: four),
                       "outside the 8-byte data area")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: four),
                       "expected 12")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}"#, data: four),
                       "overlap")
        assertRejected(try file(header: #"{"a":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, data: four), "unknown dtype")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]"#, data: four), "JSON")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}"#, data: four),
                       "dimension over")
        assertRejected(try file(header: #"{"a":{"dtype":"F32","shape":[65536,65536],"data_offsets":[0,8]}}"#, data: four),
                       "more than")
        let dir = try makeTemporaryDirectory(self)
        try writeFileAtomically([1, 2, 3], to: dir + "/short.safetensors")
        assertRejected(dir + "/short.safetensors", "too short")
    }

    func testModelHashCoversConfigAndHeader() throws {
        let m = try Model(directory: Repo.fixtureModel("tiny"))
        var h = SHA256()
        h.update(readFile(Repo.fixtureModel("tiny") + "/config.json")!)
        let st = readFile(Repo.fixtureModel("tiny") + "/model.safetensors")!
        let n = Int(st[0]) | Int(st[1]) << 8 | Int(st[2]) << 16 | Int(st[3]) << 24
        h.update(st[0..<(8 + n)])
        XCTAssertEqual(m.sha256, h.finalize().map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(m.name, "tiny")
    }
}
