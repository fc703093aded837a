/// The `train` executable: the StatQuest model trained from scratch gives the explainer's
/// translations (and is byte for byte the committed model); a short run lowers the loss by a
/// stated margin; a run killed with SIGKILL between checkpoints and resumed ends with exactly the
/// weights of an uninterrupted run; corrupt or truncated checkpoints give one clear error line.
import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

final class TrainTests: XCTestCase {
    /// 49 pairs: adjective–noun reordering, `the red cat → el gato rojo`.
    static let corpus: String = {
        let adjectives = [("red", "rojo"), ("blue", "azul"), ("green", "verde"), ("small", "pequeño"), ("big", "grande"),
                          ("old", "viejo"), ("new", "nuevo")]
        let nouns = [("cat", "gato"), ("dog", "perro"), ("house", "casa"), ("car", "coche"), ("tree", "árbol"),
                     ("bird", "pájaro"), ("fish", "pez")]
        return adjectives.flatMap { a in nouns.map { n in "the \(a.0) \(n.0)\tel \(n.1) \(a.1)\n" } }.joined()
    }()

    static let architecture = #"""
        {"d_model": 32, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4, "decoder_attention_heads": 4,
         "encoder_ffn_dim": 64, "decoder_ffn_dim": 64, "activation_function": "relu", "max_position_embeddings": 16,
         "max_length": 10, "positional_encoding": "sinusoidal_halves", "layer_norm": "post"}
        """#

    func files() throws -> (dir: URL, corpus: String, config: String) {
        let dir = try temporaryDirectory()
        let corpus = dir.appendingPathComponent("corpus.tsv").path
        let config = dir.appendingPathComponent("arch.json").path
        try TrainTests.corpus.write(toFile: corpus, atomically: true, encoding: .utf8)
        try TrainTests.architecture.write(toFile: config, atomically: true, encoding: .utf8)
        return (dir, corpus, config)
    }

    func train(_ args: [String], timeout: TimeInterval = 120) throws -> RunResult {
        try runProcess("train", args, timeout: timeout)
    }

    func testStatQuestModelTrainsFromScratch() throws {
        let out = try temporaryDirectory().appendingPathComponent("statquest").path
        var env = Runner.environment
        env["VAMOS_BIN"] = Paths.binDirectory
        let r = try runProcess("/bin/bash", [Paths.script("train-statquest.sh"), out], env: env)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.err.contains("let's go → vamos"), r.err)
        XCTAssertTrue(r.err.contains("to go → ir"), r.err)
        let translated = try pipeline(fullPipeline(model: out), stdin: "let's go\nto go\n")
        assertSucceeded(translated)
        XCTAssertEqual(translated.out, "vamos\nir\n")
        // Training is deterministic: the script makes exactly the committed, bundled model.
        let committed = Paths.root.appendingPathComponent("models/statquest/model.safetensors")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors")), try Data(contentsOf: committed))
    }

    func testShortRunLowersTheLossByHalf() throws {
        let f = try files()
        let log = f.dir.appendingPathComponent("log.jsonl").path
        let r = try train(["--corpus", f.corpus, "--config", f.config, "--out", f.dir.appendingPathComponent("m").path,
                           "--steps", "60", "--batch-size", "16", "--lr", "3e-3", "--warmup", "10", "--log", log, "--quiet"])
        XCTAssertEqual(r.status, 0, r.err)
        let losses = try lines(String(contentsOfFile: log, encoding: .utf8)).map { try jsonObject($0)["loss"] as! Double }
        XCTAssertEqual(losses.count, 60)
        let first = losses.prefix(5).reduce(0, +) / 5, last = losses.suffix(5).reduce(0, +) / 5
        XCTAssertLessThan(last, 0.5 * first, "mean loss of the first 5 steps \(first), of the last 5 \(last)")
        let entry = try jsonObject(lines(String(contentsOfFile: log, encoding: .utf8))[0])
        for key in ["step", "loss", "lr", "grad_norm"] { XCTAssertNotNil(entry[key], key) }
    }

    /// The thread count and the kernel variant change nothing: the same weights, byte for byte —
    /// the scalar variant on 1 thread against every SIMD variant this machine runs on 2 and 3
    /// threads, every product split over the threads however small (Runner.environment).
    func testThreadsAndVariantDoNotChangeTheWeights() throws {
        let f = try files()
        let simd = DeterminismTests.variants.filter { $0 != "scalar" }
        let runs = [("1", "scalar")] + (simd.isEmpty ? ["scalar"] : simd).flatMap { [("2", $0), ("3", $0)] }
        var weights: [Data] = []
        for (threads, isa) in runs {
            let out = f.dir.appendingPathComponent("model-\(isa)-\(threads)").path
            var env = Runner.environment
            env["VAMOS_ISA"] = isa
            let r = try runProcess("train", ["--corpus", f.corpus, "--config", f.config, "--out", out, "--steps", "15",
                                             "--batch-size", "16", "--lr", "3e-3", "--warmup", "5", "--threads", threads, "--quiet"],
                                   env: env, timeout: 120)
            XCTAssertEqual(r.status, 0, r.err)
            weights.append(try Data(contentsOf: URL(fileURLWithPath: out + "/model.safetensors")))
        }
        for (run, w) in zip(runs, weights).dropFirst() {
            XCTAssertEqual(weights[0], w, "1 thread, scalar kernels vs \(run.0) threads, \(run.1)")
        }
    }

    func testKilledAndResumedRunEqualsUninterruptedRun() throws {
        let f = try files()
        let common = ["--corpus", f.corpus, "--config", f.config, "--steps", "2000", "--batch-size", "16", "--lr", "3e-3",
                      "--warmup", "20", "--seed", "5", "--checkpoint-every", "200", "--quiet"]
        let whole = f.dir.appendingPathComponent("whole").path
        XCTAssertEqual(try train(common + ["--out", whole]).status, 0)

        let resumed = f.dir.appendingPathComponent("resumed").path
        let p = Runner.makeProcess(try Paths.executable("train"), common + ["--out", resumed])
        p.standardError = FileHandle.nullDevice
        try p.run()
        let latest = resumed + ".checkpoints/latest"
        let deadline = Date().addingTimeInterval(60)
        var killedAt = ""
        while Date() < deadline {
            if let name = try? String(contentsOfFile: latest, encoding: .utf8), name.hasPrefix("step-"),
               Int(name.dropFirst(5).trimmingCharacters(in: .whitespacesAndNewlines))! >= 600 {
                kill(p.processIdentifier, SIGKILL)
                killedAt = name
                break
            }
            usleep(500)
        }
        p.waitUntilExit()
        XCTAssertEqual(p.terminationReason, .uncaughtSignal, "the trainer finished before it could be killed")
        XCTAssertFalse(killedAt.isEmpty)
        XCTAssertFalse(FileManager.default.fileExists(atPath: resumed), "no model directory before the run ends")
        let r = try train(common + ["--out", resumed, "--resume"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: resumed + "/model.safetensors")),
                       try Data(contentsOf: URL(fileURLWithPath: whole + "/model.safetensors")),
                       "killed after \(killedAt), resumed: the weights differ from the uninterrupted run")
    }

    func testCorruptCheckpointsGiveOneClearError() throws {
        let f = try files()
        let out = f.dir.appendingPathComponent("m").path
        let common = ["--corpus", f.corpus, "--config", f.config, "--steps", "20", "--batch-size", "16",
                      "--checkpoint-every", "5", "--out", out, "--quiet"]
        XCTAssertEqual(try train(common).status, 0)
        let latest = try String(contentsOfFile: out + ".checkpoints/latest", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let ckpt = out + ".checkpoints/" + latest
        // A truncated optimizer state.
        let opt = ckpt + "/optimizer.safetensors"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: opt))
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: opt))
        var r = try train(common + ["--resume"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errLines.count, 1, r.err)
        XCTAssertTrue(r.err.hasPrefix("train: ") && r.err.contains("optimizer.safetensors"), r.err)
        // A corrupt trainer.json.
        try bytes.write(to: URL(fileURLWithPath: opt))
        try "{\"step\": 15, \"epoch\"".write(toFile: ckpt + "/trainer.json", atomically: true, encoding: .utf8)
        r = try train(common + ["--resume"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.errLines.count, 1, r.err)
        XCTAssertTrue(r.err.contains("trainer.json") && r.err.contains("truncated"), r.err)
    }

    func testBadCorpusAndOptions() throws {
        let f = try files()
        let bad = f.dir.appendingPathComponent("bad.tsv").path
        try "the cat\n".write(toFile: bad, atomically: true, encoding: .utf8)
        var r = try train(["--corpus", bad, "--config", f.config, "--out", f.dir.appendingPathComponent("m").path])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.err.hasPrefix("train: ") && r.err.contains("line 1"), r.err)
        r = try train(["--corpus", f.corpus, "--config", f.config, "--out", "x", "--batch-size", "0"])
        XCTAssertEqual(r.status, 64, r.err)
    }
}
