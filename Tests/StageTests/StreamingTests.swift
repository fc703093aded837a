/// How the stages stream: each writes a document's output before the next document has arrived
/// (fed through a live pipe, read back under a timeout); a closed stdout (`decode … | head -c 10`)
/// ends a stage quietly with status 0; empty input gives no output and status 0.
import Foundation
import XCTest

final class StreamingTests: XCTestCase {
    let tiny = Paths.model("tiny")

    /// Every stage answers document 1 while its stdin is still open and document 2 not yet written.
    func testEveryStageWritesEachDocumentBeforeTheNextArrives() throws {
        for stage in Paths.stages {
            let first = try Documents.shared.input(of: stage, text: "let's go")
            let second = try Documents.shared.input(of: stage, text: "to go")
            let p = try LiveProcess(stage, ["--model", tiny])
            try p.send(first + "\n")
            let out1 = try XCTUnwrap(try p.readLine(timeout: 10), "\(stage): no output for document 1 while stdin is open")
            try p.send(second + "\n")
            let out2 = try XCTUnwrap(try p.readLine(timeout: 10), "\(stage): no output for document 2")
            let result = try p.finish()
            XCTAssertEqual(result.status, 0, "\(stage): \(result.err)")
            XCTAssertEqual(result.err, "", stage)
            XCTAssertNil(try p.readLine(timeout: 10), "\(stage): nothing after the last document")

            let expected1 = try Documents.shared.lines(text: "let's go")[stage]!
            let expected2 = try Documents.shared.lines(text: "to go")[stage]!
            XCTAssertEqual(out1, expected1, stage)
            XCTAssertEqual(out2, expected2, stage)
        }
    }

    /// A document split across writes (and pretty-printed over many lines) is answered as soon as its
    /// last byte arrives.
    func testDocumentArrivingInPiecesIsAnsweredWhenComplete() throws {
        let doc = try Documents.shared.input(of: "posenc")
        let p = try LiveProcess("posenc", ["--model", tiny])
        let cut = doc.index(doc.startIndex, offsetBy: doc.count / 2)
        try p.send(String(doc[..<cut]))
        try p.send(String(doc[cut...]))  // no newline yet: the closing brace ends the document
        let out = try XCTUnwrap(try p.readLine(timeout: 10))
        XCTAssertEqual(out, try Documents.shared.lines()["posenc"]!)
        try p.send("\n")
        XCTAssertEqual(try p.finish().status, 0)
    }

    /// `stage … | head -c 10`: the reader goes away after 10 bytes; the stage (with plenty of input
    /// left) ends with status 0 and says nothing.
    func testClosedStdoutEndsEveryStageQuietly() throws {
        // Enough documents that the output far exceeds a pipe's buffer.
        for stage in Paths.stages {
            var args = ["--model", tiny]
            var doc = try Documents.shared.input(of: stage)
            var copies = 2000
            if stage == "detokenize" {
                doc = #"{"format":"vamos/1","target":{"ids":["# + Array(repeating: "1", count: 200).joined(separator: ",") + "]}}"
                copies = 1000
            }
            if stage == "decode" { args += ["--trace"] }
            let input = Data(String(repeating: doc + "\n", count: copies).utf8)
            let p = try LiveProcess(stage, args, stdin: input)
            let head = try p.readBytes(10)
            XCTAssertFalse(head.isEmpty, stage)
            p.closeOutput()
            let result = try p.finish(timeout: 20)
            XCTAssertFalse(result.signaled, "\(stage) was killed by signal \(result.status)")
            XCTAssertEqual(result.status, 0, "\(stage): \(result.err)")
            XCTAssertEqual(result.err, "", "\(stage): a closed stdout is not an error")
        }
    }

    /// A stdout that refuses writes (a full disk) is an error: status 1 and one line.
    func testUnwritableStdoutIsAnError() throws {
        guard FileManager.default.fileExists(atPath: "/dev/full") else { throw XCTSkip("no /dev/full") }
        let p = Runner.makeProcess(try Paths.executable("embed"), ["--model", tiny])
        let (input, inURL) = try Runner.stdinHandle(Data((try Documents.shared.input(of: "embed") + "\n").utf8))
        defer { try? FileManager.default.removeItem(at: inURL) }
        let (errors, errURL) = try Runner.outputHandle("stderr")
        p.standardInput = input
        p.standardOutput = try XCTUnwrap(FileHandle(forWritingAtPath: "/dev/full"))
        p.standardError = errors
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        try Runner.wait([p], [done], timeout: Runner.defaultTimeout, what: "embed > /dev/full")
        let r = RunResult(name: "embed", stdout: Data(), stderr: Runner.readAndRemove(errURL),
                          status: p.terminationStatus, signaled: p.terminationReason == .uncaughtSignal)
        assertStageError(r, stage: "embed", mentions: ["stdout"])
    }

    /// No bytes in: nothing out, nothing on stderr, status 0.
    func testEmptyInputGivesNoOutput() throws {
        for stage in Paths.stages {
            let r = try runProcess(stage, ["--model", tiny], stdin: Data())
            XCTAssertEqual(r.status, 0, "\(stage): \(r.err)")
            XCTAssertEqual(r.out, "", stage)
            XCTAssertEqual(r.err, "", stage)
        }
    }

    /// Blank lines between (and around) documents are not documents.
    func testBlankLinesAroundDocumentsAreSkipped() throws {
        for stage in Paths.stages.dropFirst() {
            let blank = try runProcess(stage, ["--model", tiny], stdin: "\n  \n\t\n")
            XCTAssertEqual(blank.status, 0, "\(stage): \(blank.err)")
            XCTAssertEqual(blank.out, "", stage)
            let doc = try Documents.shared.input(of: stage)
            let spaced = try runProcess(stage, ["--model", tiny], stdin: "\n\n" + doc + "\n\n   \n" + doc + "\n\n")
            XCTAssertEqual(spaced.status, 0, "\(stage): \(spaced.err)")
            XCTAssertEqual(spaced.outLines.count, 2, stage)
        }
    }
}
