import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// "No allocation per step": `decode` runs under Tests/Fixtures/tools/alloc_count.c (an
/// LD_PRELOAD counter of every heap allocation in the process, which also counts those made
/// inside the decoding step functions: `DecoderSteps.step`, `GreedyBatch.step`, `BeamSearch.run`)
/// at two lengths, every sentence forced to the full length (min_new_tokens, then
/// forced_eos_token_id). What the steps allocate must not grow with the steps: buffers are
/// reserved when a sentence starts. (Writing the output allocates per id — the ids and tokens
/// are JSON values — so the process's total does grow; it is reported, not bounded. An allocation
/// on a kernel worker thread has none of those frames: the step hands the threads only C products,
/// which allocate nothing but their own scratch, grown by doubling.) Before the decoder stepped on
/// reserved buffers, greedy allocated ~217 times a step and beam 4 ~500.
final class DecodeAllocationTests: XCTestCase {
    static let counter: String? = {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-alloc-count-\(getpid()).so").path
        let source = Paths.root.appendingPathComponent("Tests/Fixtures/tools/alloc_count.c").path
        for cc in ["clang", "cc", "gcc"] {
            if let r = try? runProcess("/usr/bin/env", [cc, "-O1", "-shared", "-fPIC", "-o", out, source]), r.status == 0 { return out }
        }
        return nil
    }()

    /// opus-en-es with a generation_config.json that forbids </s> before the last step.
    func forcedLengthModel() throws -> URL {
        let fixture = URL(fileURLWithPath: Paths.model("opus-en-es"))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-forced-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: fixture.path) where name != "generation_config.json" {
            try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent(name), withDestinationURL: fixture.appendingPathComponent(name))
        }
        var generation = try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.appendingPathComponent("generation_config.json"))) as! [String: Any]
        generation["min_new_tokens"] = 1000
        try JSONSerialization.data(withJSONObject: generation).write(to: dir.appendingPathComponent("generation_config.json"))
        return dir
    }

    func testDecodingStepsDoNotAllocate() throws {
        #if !os(Linux)
        throw XCTSkip("LD_PRELOAD counting is for Linux")
        #endif
        guard let counter = DecodeAllocationTests.counter else { throw XCTSkip("no C compiler (clang, cc, gcc) to build alloc_count.c") }
        let model = try forcedLengthModel()
        defer { try? FileManager.default.removeItem(at: model) }
        let sentences = "where is the station?\nthe sister works today\na red horse writes my letter\n"
        let encoded = try pipeline(["tokenize", "embed", "posenc", "encode"].map { ($0, ["--model", model.path]) }, stdin: Data(sentences.utf8))
        XCTAssertEqual(encoded.stages.map(\.status), [0, 0, 0, 0], encoded.err)

        func allocations(_ flags: [String], length: Int) throws -> (total: Int, inside: Int) {
            var env = Runner.environment
            env["LD_PRELOAD"] = counter
            env["ALLOC_COUNT_INSIDE"] = "DecoderStepsC4step,GreedyBatchV4step,BeamSearchV3run"
            let r = try runProcess("decode", ["--model", model.path, "--max-length", "\(length)", "--threads", "2"] + flags,
                                   stdin: encoded.stdout, env: env)
            XCTAssertEqual(r.status, 0, r.err)
            let docs = r.out.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            let lengths = docs.map { (($0?["target"] as? [String: Any])?["ids"] as? [Any])?.count ?? -1 }
            XCTAssertEqual(lengths, [length, length, length], "\(flags): every sentence runs the full length")
            let fields = r.err.split(separator: "\n").last(where: { $0.hasPrefix("alloc_count: ") })?.split(separator: " ") ?? []
            guard fields.count == 4, let total = Int(fields[1]), let inside = Int(fields[3]) else {
                XCTFail("\(flags): no count on stderr: \(r.err)")
                return (0, 0)
            }
            return (total, inside)
        }
        for flags in [["--beams", "1", "--batch", "1"], ["--beams", "1", "--batch", "3"], ["--beams", "4"]] {
            let short = try allocations(flags, length: 8), long = try allocations(flags, length: 40)
            let what = "\(flags): inside the steps \(short.inside) allocations at 8 ids, \(long.inside) at 40 (process \(short.total), \(long.total))"
            // Setting up a sentence allocates (its slot, the first step's buffers): seen at both
            // lengths, it shows the counter finds the step functions by name.
            XCTAssertGreaterThan(short.inside, 0, what)
            // 3 sentences × 32 more steps: a step that allocated anything would add 96 or more; the
            // products' transpose scratch may grow (doubling) a few times as the keys get longer.
            XCTAssertLessThan(long.inside - short.inside, 8, what)
            print(what)
        }
    }
}
