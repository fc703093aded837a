import Foundation
import XCTest
@testable import VamosCore

/// Paths inside the repository, found from this file's own location.
enum Repo {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static func path(_ relative: String) -> String { root + "/" + relative }
    static func fixtureModel(_ name: String) -> String { path("Tests/Fixtures/models/\(name)") }
    static let fixtureModels = ["tiny", "marian", "prenorm", "plain"]
}

/// A scratch directory removed at the end of the test.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
    return dir
}
