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

/// |vamos − torch| ≤ referenceTolerance · max(1, |torch|): how closely Vamos must agree with the
/// PyTorch reference fixtures (Tests/Fixtures/reference, made by Tests/Reference/make_reference.py).
let referenceTolerance: Float = 1e-5

/// One sentence of a reference fixture: its ids and torch's tensors.
struct ReferenceCase {
    let text: String
    let json: JSONObject
    func ids(_ key: String) -> [Int] { json[key]!.arrayValue!.map { $0.intValue! } }
    func tensor(_ key: String) throws -> Tensor { try Tensor(json: json[key]!, what: key) }
}

func referenceCases(_ model: String) throws -> [ReferenceCase] {
    var bytes = readFile(Repo.path("Tests/Fixtures/reference/\(model).json"))!
    let root = try JSONCodec.parse(bytes: &bytes, what: model)
    return root.objectValue!["cases"]!.arrayValue!.map {
        ReferenceCase(text: $0.objectValue!["text"]!.stringValue!, json: $0.objectValue!)
    }
}

func assertCloseToReference(_ ours: [Float], _ theirs: Tensor, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(ours.count, theirs.count, "\(what): size", file: file, line: line)
    var worst: (Int, Float) = (0, 0)
    for i in 0..<min(ours.count, theirs.count) {
        let d = abs(ours[i] - theirs.data[i]) / max(1, abs(theirs.data[i]))
        if d > worst.1 { worst = (i, d) }
    }
    XCTAssertLessThanOrEqual(worst.1, referenceTolerance,
        "\(what): index \(worst.0) is \(ours[worst.0]) in Vamos, \(theirs.data[worst.0]) in torch", file: file, line: line)
}

