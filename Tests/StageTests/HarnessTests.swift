/// The harness itself: the executables are found, and a process that hangs is killed at the
/// timeout and reported as a failure instead of hanging the suite.
import Foundation
import XCTest

final class HarnessTests: XCTestCase {
    func testStageExecutablesAreFound() throws {
        let dir = try XCTUnwrap(Paths.binDirectory, "build the stages first")
        for stage in Paths.stages { XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "\(dir)/\(stage)"), stage) }
        for model in Paths.models { XCTAssertTrue(FileManager.default.fileExists(atPath: Paths.model(model) + "/config.json"), model) }
    }

    func testHungProcessIsKilledAtTheTimeout() throws {
        let start = Date()
        XCTAssertThrowsError(try runProcess("/bin/sleep", ["30"], timeout: 0.3)) { error in
            XCTAssertTrue("\(error)".contains("timed out"), "\(error)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)

        // A stage waiting for input that never comes: readLine gives up.
        let p = try LiveProcess("embed", ["--model", Paths.model("tiny")])
        XCTAssertThrowsError(try p.readLine(timeout: 0.3))
        XCTAssertEqual(try p.finish().status, 0)
    }
}
