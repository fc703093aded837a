/// docs/walkthrough.md: every ```console block's `$ ` command is run again (bash, from the repository
/// root, the built executables first on PATH) and must print exactly the lines that follow it.
/// `python3 scripts/console-blocks.py docs/walkthrough.md` refreshes them after an intended change.
import Foundation
import XCTest

final class WalkthroughTests: XCTestCase {
    struct Example { var command: String; var expected: [String]; var line: Int }

    static func examples(in path: String) throws -> [Example] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var out: [Example] = [], inBlock = false
        for (i, line) in text.components(separatedBy: "\n").enumerated() {
            if line.hasPrefix("```console") { inBlock = true; continue }
            if inBlock && line.hasPrefix("```") { inBlock = false; continue }
            guard inBlock else { continue }
            if line.hasPrefix("$ ") {
                out.append(Example(command: String(line.dropFirst(2)), expected: [], line: i + 1))
            } else if !out.isEmpty {
                out[out.count - 1].expected.append(line)
            }
        }
        return out
    }

    func testEveryWalkthroughNumberIsWhatItsCommandPrints() throws {
        let doc = Paths.root.appendingPathComponent("docs/walkthrough.md").path
        let examples = try WalkthroughTests.examples(in: doc)
        XCTAssertGreaterThanOrEqual(examples.count, 12)
        var env = Runner.environment
        env["PATH"] = "\(try XCTUnwrap(Paths.binDirectory)):\(env["PATH"] ?? "/usr/bin:/bin")"
        env["VAMOS_BIN"] = Paths.binDirectory
        env["VAMOS_MODEL"] = nil
        for e in examples {
            let r = try runProcess("/bin/bash", ["-c", "cd '\(Paths.root.path)' && set -o pipefail && \(e.command)"], env: env)
            XCTAssertEqual(r.status, 0, "docs/walkthrough.md:\(e.line): \(e.command): \(r.err)")
            XCTAssertEqual(r.outLines, e.expected, "docs/walkthrough.md:\(e.line): \(e.command)")
        }
    }
}
