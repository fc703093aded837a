import Foundation
import XCTest
@testable import VamosCore

/// Golden files per stage: `Tests/Golden/<stage>/<case>.args` (the stage's arguments),
/// `.input` (what the stage reads) and `.expected` (what it must write). The stage executable
/// runs for real; documents are compared field by field, tensors value by value with tolerance
/// `GoldenTests.tolerance` (0: the code is deterministic, so goldens match exactly).
///
/// `make golden` rewrites the `.expected` files from the current code (VAMOS_UPDATE_GOLDEN=1);
/// `Tests/Golden/make-inputs.sh` makes the inputs. Every expected stream tensor and target id is
/// also checked here against the PyTorch reference (Tests/Fixtures/reference), so a regenerated
/// golden cannot drift from the independent computation.
final class GoldenTests: XCTestCase {
    static let tolerance: Float = 0
    static let stages = ["tokenize", "embed", "posenc", "encode", "decode", "detokenize"]
    var updating: Bool { ProcessInfo.processInfo.environment["VAMOS_UPDATE_GOLDEN"] == "1" }

    func testEveryStageMatchesItsGoldenFiles() throws {
        var count = 0
        for stage in GoldenTests.stages {
            let dir = Repo.path("Tests/Golden/\(stage)")
            let names = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".args") }.sorted()
            XCTAssertFalse(names.isEmpty, "no golden cases for \(stage)")
            for file in names {
                let name = String(file.dropLast(5))
                let args = try String(contentsOfFile: "\(dir)/\(file)", encoding: .utf8)
                    .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
                let input = try Data(contentsOf: URL(fileURLWithPath: "\(dir)/\(name).input"))
                let run = try runStage(stage, args, stdin: input)
                XCTAssertEqual(run.status, 0, "\(stage)/\(name): exit \(run.status): \(run.stderr)")
                let expectedPath = "\(dir)/\(name).expected"
                if updating {
                    try run.stdout.write(to: URL(fileURLWithPath: expectedPath))
                } else {
                    let expected = try Data(contentsOf: URL(fileURLWithPath: expectedPath))
                    compare(String(decoding: run.stdout, as: UTF8.self), String(decoding: expected, as: UTF8.self),
                            "\(stage)/\(name)")
                }
                count += 1
            }
        }
        XCTAssertEqual(count, 24)
    }

    /// The goldens' numbers agree with the PyTorch reference for the same model and sentence.
    func testGoldensAgreeWithTheReference() throws {
        let checks: [(stage: String, tensor: String, reference: String)] = [
            ("embed", "embeddings", "embeddings"), ("posenc", "encoder_input", "encoder_input"),
            ("encode", "encoder_output", "encoder_output"),
        ]
        var compared = 0
        for model in Repo.fixtureModels {
            let reference = try referenceCases(model)
            for check in checks {
                for doc in try documents(Repo.path("Tests/Golden/\(check.stage)/\(model).expected")) {
                    let text = doc.side("source")["text"]!.stringValue!
                    let c = try XCTUnwrap(reference.first(where: { $0.text == text }), "\(model) '\(text)' not in the reference")
                    assertCloseToReference(doc.tensors[check.tensor]!.data, try c.tensor(check.reference),
                                                 "golden \(check.stage)/\(model) '\(text)'")
                    compared += 1
                }
            }
            for doc in try documents(Repo.path("Tests/Golden/decode/\(model).expected")) {
                let text = doc.side("source")["text"]!.stringValue!
                let c = try XCTUnwrap(reference.first(where: { $0.text == text }))
                XCTAssertEqual(doc.side("target")["ids"]?.arrayValue?.map { $0.intValue! }, c.ids("greedy_ids"),
                               "golden decode/\(model) '\(text)'")
                compared += 1
            }
        }
        XCTAssertEqual(compared, 4 * 6 * 4)
    }

    // MARK: helpers

    func documents(_ path: String) throws -> [Document] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { try Document(json: try JSONCodec.parse(String($0), what: path)) }
    }

    /// Compares two outputs: document streams field by field (tensors within tolerance), text exactly.
    func compare(_ actual: String, _ expected: String, _ what: String) {
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(a.count, e.count, "\(what): \(a.count) lines, expected \(e.count)")
        for (i, (al, el)) in zip(a, e).enumerated() where al != el {
            guard el.hasPrefix("{"), let ad = try? Document(json: JSONCodec.parse(String(al), what: "actual")),
                  let ed = try? Document(json: JSONCodec.parse(String(el), what: "expected")) else {
                XCTFail("\(what) line \(i + 1): '\(al)' but expected '\(el)'")
                continue
            }
            compare(ad, ed, "\(what) line \(i + 1)")
        }
    }

    func compare(_ a: Document, _ e: Document, _ what: String) {
        XCTAssertEqual(JSONCodec.serialize(.object(a.fields)), JSONCodec.serialize(.object(e.fields)), "\(what): fields")
        XCTAssertEqual(a.tensors.keys, e.tensors.keys, "\(what): tensor names")
        for (name, et) in e.tensors.pairs {
            guard let at = a.tensors[name] else { continue }
            XCTAssertEqual(at.shape, et.shape, "\(what): \(name) shape")
            XCTAssertEqual(at.axes, et.axes, "\(what): \(name) axes")
            guard at.shape == et.shape else { continue }
            for i in 0..<et.count where abs(at.data[i] - et.data[i]) > GoldenTests.tolerance {
                XCTFail("\(what): tensor '\(name)' index \(i) is \(at.data[i]), expected \(et.data[i]) (differs by \(abs(at.data[i] - et.data[i])), tolerance \(GoldenTests.tolerance))")
                break
            }
        }
    }
}

/// Runs a built stage executable with the repository root as working directory.
func runStage(_ stage: String, _ args: [String], stdin: Data) throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "\(buildDirectory())/\(stage)")
    process.arguments = args
    process.currentDirectoryURL = URL(fileURLWithPath: Repo.root)
    let input = Pipe(), output = Pipe(), error = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let writer = Thread {
        input.fileHandleForWriting.write(stdin)
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    final class Box: @unchecked Sendable { var data = Data() }
    let errData = Box()
    let errReader = Thread { errData.data = error.fileHandleForReading.readDataToEndOfFile() }
    errReader.start()
    let out = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errReader.isFinished || !writer.isFinished { usleep(1000) }  // not isExecuting: false before a thread begins
    return (process.terminationStatus, out, String(decoding: errData.data, as: UTF8.self))
}

/// Where the stage executables were built: beside this test bundle.
func buildDirectory() -> String {
    let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    var url = URL(fileURLWithPath: exe).deletingLastPathComponent()
    if url.lastPathComponent.hasSuffix(".xctest") || url.path.contains(".xctest/") {
        while url.path.contains(".xctest") { url.deleteLastPathComponent() }
    }
    if FileManager.default.isExecutableFile(atPath: url.path + "/tokenize") { return url.path }
    return Repo.path(".build/release")
}
