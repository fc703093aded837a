import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// What Vamos writes (issue "Hardening"): never a signal on a write error, never a user's link,
/// device or FIFO replaced by a file.
final class HardeningTests: XCTestCase {
    let tiny = Paths.model("tiny")

    func temporary() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vamos-hardening-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    func trainArguments(_ dir: URL, quiet: Bool = true) throws -> [String] {
        let corpus = dir.appendingPathComponent("c.tsv")
        try "let's go\tvamos\nto go\tir\n".write(to: corpus, atomically: true, encoding: .utf8)
        return ["--corpus", corpus.path, "--config", Paths.root.appendingPathComponent("data/statquest/architecture.json").path,
                "--steps", "2", "--out", dir.appendingPathComponent("m").path] + (quiet ? ["--quiet"] : [])
    }

    /// D1, D8: train's stderr or --log unwritable (full, closed, missing, a directory): exit 1, never
    /// a signal; the reason where it can still be written.
    func testTrainNeverDiesOfASignalWhenItCannotWrite() throws {
        let dir = try temporary()
        // Not quiet: train has lines to write on stderr.
        let args = try trainArguments(dir, quiet: false).map { "'\($0)'" }.joined(separator: " ")
        let train = try Paths.executable("train")
        for redirect in ["2>/dev/full", "2>&-"] {
            let r = try runProcess("/bin/sh", ["-c", "'\(train)' \(args) \(redirect)"])
            XCTAssertEqual(r.status, 1, "\(redirect): \(r.err)")
            XCTAssertFalse(r.signaled)
        }
        let full = try runProcess("train", try trainArguments(dir) + ["--log", "/dev/full"])
        assertStageError(full, stage: "train", mentions: ["--log /dev/full", "No space left on device"])
        let missing = try runProcess("train", try trainArguments(dir) + ["--log", dir.appendingPathComponent("no/such/log.jsonl").path])
        assertStageError(missing, stage: "train", mentions: ["--log", "cannot open", "No such file"])
        let directory = try runProcess("train", try trainArguments(dir) + ["--log", dir.path])
        assertStageError(directory, stage: "train", mentions: ["--log", "Is a directory"])
        // The --dev report to a full stdout: exit 1 with the reason, not 0.
        let dev = dir.appendingPathComponent("c.tsv").path
        let report = try runProcess("/bin/sh", ["-c", "'\(train)' \(args) --quiet --dev '\(dev)' > /dev/full"])
        XCTAssertEqual(report.status, 1, report.err)
        XCTAssertEqual(report.errLines, ["train: cannot write to stdout (No space left on device)"], report.err)
    }

    /// D9: a write error in `tensor` is status 2 (1 is diff's "different"), naming the subcommand.
    func testTensorWriteErrorsAreStatusTwo() throws {
        let tensor = try Paths.executable("tensor")
        let model = Paths.root.appendingPathComponent("models/statquest/model.safetensors").path
        for sub in ["diff '\(model)' '\(model)' --quiet", "list '\(model)'", "show '\(model)'"] {
            let r = try runProcess("/bin/sh", ["-c", "'\(tensor)' \(sub) > /dev/full"])
            let name = "tensor " + sub.split(separator: " ")[0]
            XCTAssertEqual(r.status, sub.contains("--quiet") ? 0 : 2, "\(sub): \(r.err)")
            if !sub.contains("--quiet") { XCTAssertTrue(r.err.hasPrefix("\(name): cannot write to stdout (No space left on device)"), r.err) }
        }
        let r = try runProcess("/bin/sh", ["-c", "'\(tensor)' diff '\(model)' '\(model)' > /dev/full"])
        XCTAssertNotEqual(r.status, 1, "a write error is not 'different': \(r.err)")
    }

    /// D2: the writer goes through a symbolic link to its target, writes a FIFO or a device as it
    /// is, and replaces only regular files.
    func testWritesGoThroughLinksAndIntoDevicesAndFIFOs() throws {
        let dir = try temporary()
        let doc = dir.appendingPathComponent("doc.jsonl")
        let embedded = try pipeline([("tokenize", ["--model", tiny]), ("embed", ["--model", tiny])], stdin: Data("go\n".utf8))
        try embedded.stdout.write(to: doc)

        // A link: its target gets the bytes, the link stays a link.
        let target = dir.appendingPathComponent("target.npy"), link = dir.appendingPathComponent("link.npy")
        try Data("old".utf8).write(to: target)
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.npy")
        var r = try runProcess("tensor", ["get", doc.path, "embeddings", "--npy", link.path])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: link.path), "target.npy")
        XCTAssertEqual(try Data(contentsOf: target).prefix(6), Data([0x93] + Array("NUMPY".utf8)))

        // /dev/stdout: the bytes arrive on stdout.
        r = try runProcess("tensor", ["get", doc.path, "embeddings", "--npy", "/dev/stdout"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.stdout.prefix(6), Data([0x93] + Array("NUMPY".utf8)))

        // A FIFO: its reader gets the bytes; it is still a FIFO.
        let fifo = dir.appendingPathComponent("fifo")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        // The reader is a process of its own (cat), as in a shell pipeline.
        let received = dir.appendingPathComponent("received")
        let cat = Process()
        cat.executableURL = URL(fileURLWithPath: "/bin/sh")
        cat.arguments = ["-c", "cat '\(fifo.path)' > '\(received.path)'"]
        try cat.run()
        r = try runProcess("tensor", ["get", doc.path, "embeddings", "--npy", fifo.path])
        XCTAssertEqual(r.status, 0, r.err)
        cat.waitUntilExit()
        XCTAssertEqual(try Data(contentsOf: received).prefix(6), Data([0x93] + Array("NUMPY".utf8)))
        var st = stat()
        XCTAssertEqual(lstat(fifo.path, &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFIFO)

        // A full device: an error with the reason, and the device is still a device.
        r = try runProcess("tensor", ["get", doc.path, "embeddings", "--npy", "/dev/full"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("No space left on device"), r.err)
        XCTAssertEqual(stat("/dev/full", &st), 0)
        XCTAssertEqual(st.st_mode & S_IFMT, S_IFCHR, "/dev/full must stay a character device")
    }

    /// D3: train never deletes what it did not write: an --out model directory holding other files
    /// is refused before training; checkpoints are pruned by their exact names only.
    func testTrainLeavesUserFilesAlone() throws {
        let dir = try temporary()
        let args = try trainArguments(dir)
        XCTAssertEqual(try runProcess("train", args).status, 0)
        let model = dir.appendingPathComponent("m")
        try "mine".write(to: model.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        let r = try runProcess("train", args)
        assertStageError(r, stage: "train", mentions: ["holds files Vamos did not write", "README.md"])
        XCTAssertEqual(try String(contentsOf: model.appendingPathComponent("README.md"), encoding: .utf8), "mine")

        let checkpoints = dir.appendingPathComponent("ck")
        try FileManager.default.createDirectory(at: checkpoints, withIntermediateDirectories: true)
        for name in ["step-notes.txt", "step-00000009"] { try "mine".write(to: checkpoints.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        let out2 = dir.appendingPathComponent("m2").path
        let r2 = try runProcess("train", args.dropLast(5) + ["--steps", "4", "--out", out2, "--quiet", "--checkpoint-every", "1", "--checkpoint-dir", checkpoints.path])
        XCTAssertEqual(r2.status, 0, r2.err)
        for name in ["step-notes.txt", "step-00000009"] {
            XCTAssertEqual(try String(contentsOf: checkpoints.appendingPathComponent(name), encoding: .utf8), "mine", name)
        }
    }

    /// D6: what a killed run left (its process gone) is removed by the next run — Vamos' own
    /// leftovers only.
    func testLeftoversOfAKilledRunAreRemoved() throws {
        let dir = try temporary()
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let pid = gone.processIdentifier
        let fm = FileManager.default
        let tmpModel = dir.appendingPathComponent("m.tmp-\(pid)")
        try fm.createDirectory(at: tmpModel, withIntermediateDirectories: true)
        try "{}".write(to: tmpModel.appendingPathComponent("config.json"), atomically: true, encoding: .utf8)
        let checkpoints = dir.appendingPathComponent("m.checkpoints")
        let tmpStep = checkpoints.appendingPathComponent("step-00000002.tmp-\(pid)")
        try fm.createDirectory(at: tmpStep, withIntermediateDirectories: true)
        try "x".write(to: tmpStep.appendingPathComponent("model.safetensors"), atomically: true, encoding: .utf8)
        try "step-00000002".write(to: checkpoints.appendingPathComponent("latest.tmp-\(pid)"), atomically: true, encoding: .utf8)
        let foreign = dir.appendingPathComponent("notes.tmp-\(pid)")
        try "mine".write(to: foreign, atomically: true, encoding: .utf8)
        let r = try runProcess("train", try trainArguments(dir))
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertFalse(fm.fileExists(atPath: tmpModel.path))
        XCTAssertFalse(fm.fileExists(atPath: tmpStep.path))
        XCTAssertFalse(fm.fileExists(atPath: checkpoints.appendingPathComponent("latest.tmp-\(pid)").path))
        XCTAssertTrue(fm.fileExists(atPath: foreign.path), "not Vamos' own")
    }

    /// D7: what would fail only after training is refused before the first step, creating nothing.
    func testTrainChecksEverythingBeforeTheFirstStep() throws {
        let dir = try temporary()
        let fm = FileManager.default
        var args = try trainArguments(dir)
        let outIndex = args.firstIndex(of: "--out")! + 1
        args[outIndex] = ""
        XCTAssertEqual(try runProcess("train", args).status, 64)

        args[outIndex] = dir.appendingPathComponent("m").path + "/"
        XCTAssertEqual(try runProcess("train", args).status, 0)
        XCTAssertEqual(try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("m").path).filter { $0.hasPrefix(".") }, [])

        let link = dir.appendingPathComponent("link")
        try fm.createSymbolicLink(atPath: link.path, withDestinationPath: "m")
        args[outIndex] = link.path
        assertStageError(try runProcess("train", args), stage: "train", mentions: ["symbolic link"])

        args[outIndex] = dir.appendingPathComponent("fresh").path
        for (extra, mention) in [(["--checkpoint-every", "1", "--checkpoint-dir", dir.appendingPathComponent("no/such/ck").path], "does not exist"),
                                 (["--dev", dir.appendingPathComponent("missing.tsv").path], "missing.tsv")] {
            assertStageError(try runProcess("train", args + extra), stage: "train", mentions: [mention])
            XCTAssertFalse(fm.fileExists(atPath: dir.appendingPathComponent("fresh").path))
        }
        let long = dir.appendingPathComponent("long.tsv")
        try ("go\tir\n" + Array(repeating: "go", count: 40).joined(separator: " ") + "\tir\n").write(to: long, atomically: true, encoding: .utf8)
        args[args.firstIndex(of: "--corpus")! + 1] = long.path
        assertStageError(try runProcess("train", args), stage: "train", mentions: ["corpus line 2", "max_position_embeddings"])
        XCTAssertFalse(fm.fileExists(atPath: dir.appendingPathComponent("fresh").path))
    }

    /// D12, D13: one-liners that say what is wrong; a FIFO given as a safetensors file is refused,
    /// not waited on.
    func testMessagesSayWhatIsWrong() throws {
        assertStageError(try runProcess("embed", ["--model", Paths.root.appendingPathComponent("README.md").path], stdin: ""),
                         stage: "embed", mentions: ["is a file, not a model directory"])
        for slice in ["5:1", "5:7"] {
            let r = try runProcess("encode", ["--model", tiny, "--layers", slice], stdin: "")
            XCTAssertEqual(r.status, 64, "\(slice): \(r.err)")
        }
        let dir = try temporary()
        let fifo = dir.appendingPathComponent("w.safetensors")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let r = try runProcess("tensor", ["list", fifo.path], timeout: 20)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.err.contains("not a regular file"), r.err)
        // A header length of 2^63 is printed as it is.
        let st = dir.appendingPathComponent("h.safetensors")
        try Data([0, 0, 0, 0, 0, 0, 0, 0x80] + Array(repeating: 0x20, count: 8)).write(to: st)
        let h = try runProcess("tensor", ["list", st.path])
        XCTAssertTrue(h.err.contains("header length 9223372036854775808"), h.err)
    }

    /// Unknown words are carried in the document (source.unknown), only when there are some;
    /// `--unknown error` refuses the line.
    func testUnknownWordsAreCarriedInTheDocument() throws {
        let demo = Paths.root.appendingPathComponent("models/demo-en-es").path
        let r = try runProcess("tokenize", ["--model", demo, "--quiet"], stdin: "the elephant eats\nthe cats eat\n")
        XCTAssertEqual(r.status, 0, r.err)
        let lines = r.out.split(separator: "\n")
        XCTAssertTrue(lines[0].contains(#""unknown":[{"position":1,"word":"elephant"}]"#), String(lines[0]))
        XCTAssertFalse(lines[1].contains("unknown"), "no field without unknown words")
        let e = try runProcess("tokenize", ["--model", demo, "--unknown", "error"], stdin: "the cats eat\nthe elephant eats\n")
        assertStageError(e, stage: "tokenize", mentions: ["input line 2", "'elephant'", "--unknown error"], goodLines: 1)
        XCTAssertEqual(try runProcess("tokenize", ["--model", demo, "--unknown", "maybe"], stdin: "").status, 64)
        let opus = try runProcess("tokenize", ["--model", Paths.model("opus-en-es"), "--quiet"], stdin: "hello zzqx\n")
        XCTAssertTrue(opus.out.contains(#""unknown":[{"position":"#), opus.out)
    }

    /// D5: --resume continues exactly or not at all: changed options, a reordered corpus and a
    /// hand-edited trainer.json are refused, naming what changed.
    func testResumeRefusesWhatItCannotContinueExactly() throws {
        let dir = try temporary()
        let corpus = dir.appendingPathComponent("c.tsv")
        try "let's go\tvamos\nto go\tir\n".write(to: corpus, atomically: true, encoding: .utf8)
        let base = ["--corpus", corpus.path, "--config", Paths.root.appendingPathComponent("data/statquest/architecture.json").path,
                    "--out", dir.appendingPathComponent("m").path, "--quiet", "--checkpoint-every", "2", "--batch-size", "2"]
        XCTAssertEqual(try runProcess("train", base + ["--steps", "3"]).status, 0)
        // Longer, with the same options: fine.
        XCTAssertEqual(try runProcess("train", base + ["--steps", "5", "--resume"]).status, 0)
        for (extra, mention) in [(["--lr", "0.01"], "--lr was 0.001, now 0.01"), (["--warmup", "7"], "--warmup was 100, now 7"),
                                 (["--label-smoothing", "0.1"], "--label-smoothing was 0.0, now 0.1")] {
            assertStageError(try runProcess("train", base + ["--steps", "9", "--resume"] + extra), stage: "train", mentions: [mention])
        }
        let bigger = base.map { $0 == "2" ? "1" : $0 }  // --batch-size 1 (and --checkpoint-every 1)
        assertStageError(try runProcess("train", bigger + ["--steps", "9", "--resume"]), stage: "train", mentions: ["--batch-size was 2, now 1"])
        try "to go\tir\nlet's go\tvamos\n".write(to: corpus, atomically: true, encoding: .utf8)
        assertStageError(try runProcess("train", base + ["--steps", "9", "--resume"]), stage: "train", mentions: ["not the one the checkpoint was trained on"])
        try "let's go\tvamos\nto go\tir\n".write(to: corpus, atomically: true, encoding: .utf8)
        let checkpoints = dir.appendingPathComponent("m.checkpoints")
        let latest = try String(contentsOf: checkpoints.appendingPathComponent("latest"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let state = checkpoints.appendingPathComponent(latest).appendingPathComponent("trainer.json")
        let original = try String(contentsOf: state, encoding: .utf8)
        for (key, value) in [("step", "1000000000000000"), ("epoch", "4611686018427387904")] {
            let edited = original.replacingOccurrences(of: #""\#(key)" *: *[0-9]+"#, with: "\"\(key)\": \(value)", options: .regularExpression)
            XCTAssertNotEqual(edited, original)
            try edited.write(to: state, atomically: true, encoding: .utf8)
            assertStageError(try runProcess("train", base + ["--steps", "9", "--resume"]), stage: "train", mentions: ["'\(key)'"])
        }
    }
}
