import XCTest
@testable import VamosCore

/// ModelWriter.entries reads each readdir record's name in place. Copying the whole `d_name` out of
/// a record read past the end of readdir's buffer for the last entries: `make check-asan` found it
/// (heap-buffer-overflow in train's leftover scan); under AddressSanitizer this test is the
/// regression test, in a plain build it checks the names.
final class DirectoryEntriesTests: XCTestCase {
    func testEntriesListEveryNameExactly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-entries-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Enough entries, of every name length, that some records end at the end of readdir's buffer.
        var expected: [String] = []
        for i in 0..<600 {
            let name = String(repeating: "n", count: 1 + i % 200) + "-\(i)"
            FileManager.default.createFile(atPath: dir.appendingPathComponent(name).path, contents: nil)
            expected.append(name)
        }
        XCTAssertEqual(ModelWriter.entries(dir.path), expected.sorted())
    }
}
