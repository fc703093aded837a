import XCTest

/// docs/FORMAT.md is enough to write a stage: its own code, run as printed.
final class FormatDocTests: XCTestCase {
    /// Section 4's float32 block (parse_f32 and format_f32), extracted from the doc and run over
    /// every number of every golden file and the edge cases (beyond the float32 range: ±inf, never
    /// an exception), against the C library's strtof.
    func testTheDocsFloat32CodeReadsAndWritesEveryGoldenNumber() throws {
        let py = try python3("FORMAT.md's Python cannot be run")
        let r = try runProcess(py, [Paths.root.appendingPathComponent("Tests/Fixtures/tools/check_format_doc.py").path, Paths.root.path],
                               timeout: 120)
        XCTAssertEqual(r.status, 0, r.out + r.err)
        XCTAssertTrue(r.out.hasPrefix("checked "), r.out)
    }

    /// Every executable's --help says what its exit statuses mean.
    func testEveryHelpNamesItsExitStatus() throws {
        for exe in Paths.stages + ["train", "tensor", "attribute"] {
            let r = try runProcess(exe, ["--help"])
            XCTAssertEqual(r.status, 0, r.err)
            let help = r.out.split(whereSeparator: \.isWhitespace).joined(separator: " ")  // as wrapped for the terminal
            XCTAssertTrue(help.contains("Exit status: 0"), "\(exe) --help: \(r.out)")
            XCTAssertTrue(help.contains(exe == "tensor" ? "2 bad input" : "64 bad options"), "\(exe) --help: \(r.out)")
        }
    }

    /// The README's train example runs as shown (with fewer steps and a shorter dev set, so that
    /// it fits make test): from the repository's layout, the files it names exist.
    func testTheREADMEsTrainExampleRuns() throws {
        let readme = try String(contentsOf: Paths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: "```sh\ntrain --corpus "))
        let block = readme[readme.index(start.lowerBound, offsetBy: 6)...]  // after "```sh\n"
        let end = try XCTUnwrap(block.range(of: "\n```"))
        let lines = block[..<end.lowerBound].split(separator: "\n").map(String.init)
        var command = ""
        for l in lines { command += l.hasSuffix("\\") ? String(l.dropLast()) : l + "\n" }
        let commands = command.split(separator: "\n").map(String.init)
        XCTAssertEqual(commands.count, 2, command)
        // A scratch copy of the layout the README assumes: data/ and pipelines/ beside the output.
        let dir = try temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("data/demo-en-es"), withIntermediateDirectories: true)
        let train = try String(contentsOf: Paths.root.appendingPathComponent("data/demo-en-es/train.tsv"), encoding: .utf8)
        let test = try String(contentsOf: Paths.root.appendingPathComponent("data/demo-en-es/test.tsv"), encoding: .utf8)
        try train.write(to: dir.appendingPathComponent("data/demo-en-es/train.tsv"), atomically: true, encoding: .utf8)
        try test.split(separator: "\n").prefix(20).joined(separator: "\n").appending("\n")
            .write(to: dir.appendingPathComponent("data/demo-en-es/test.tsv"), atomically: true, encoding: .utf8)
        try fm.copyItem(at: Paths.root.appendingPathComponent("data/demo-en-es/architecture.json"),
                        to: dir.appendingPathComponent("data/demo-en-es/architecture.json"))
        try fm.createSymbolicLink(at: dir.appendingPathComponent("pipelines"), withDestinationURL: Paths.root.appendingPathComponent("pipelines"))
        let bin = try XCTUnwrap(Paths.binDirectory)
        let trainCommand = commands[0].replacingOccurrences(of: "--steps 300", with: "--steps 3")
            .replacingOccurrences(of: "--checkpoint-every 100", with: "--checkpoint-every 2")
        XCTAssertNotEqual(trainCommand, commands[0], "the example's --steps changed: update this test")
        let r = try runProcess("/bin/sh", ["-c", "cd '\(dir.path)' && export PATH='\(bin)':$PATH && \(trainCommand)"], timeout: 300)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.contains("\"exact_match\""), "the dev report: \(r.out)")
        let t = try runProcess("/bin/sh", ["-c", "cd '\(dir.path)' && export PATH='\(bin)':$PATH && \(commands[1])"], timeout: 60)
        XCTAssertEqual(t.status, 0, t.err)
        XCTAssertEqual(t.outLines.count, 1, "one translation line (3 steps of training: any words)")
        for f in ["mine/config.json", "mine/model.safetensors", "mine.jsonl", "mine.checkpoints"] {
            XCTAssertTrue(fm.fileExists(atPath: dir.appendingPathComponent(f).path), f)
        }
    }

    /// pipelines/examples/embed.py, written from FORMAT.md alone (section 5c), writes the bytes the
    /// Swift embed writes: on every fixture model (F32, F16 and BF16 weights, shared and separate
    /// vocabularies, scaled and unscaled), with a document that already holds `embeddings`, other
    /// tensors and fields to pass through, and with `--model .`.
    func testEmbedWrittenFromTheDocIsByteIdentical() throws {
        let py = try python3("the Python embed cannot be compared")
        let script = Paths.root.appendingPathComponent("pipelines/examples/embed.py").path
        let dirs = try FileManager.default.contentsOfDirectory(atPath: Paths.root.appendingPathComponent("Tests/Fixtures/models").path).sorted()
            .map { Paths.model($0) } + ["models/statquest", "models/demo-en-es"].map { Paths.root.appendingPathComponent($0).path }
        XCTAssertGreaterThanOrEqual(dirs.count, 10)
        for dir in dirs {
            // Whichever of these sentences the model's vocabulary can tokenize (word-level models without
            // <unk> refuse the others).
            var lines = ""
            for text in ["let's go", "to go go", "the big cat sees a fish", "the red cats eat"] {
                let r = try runProcess("tokenize", ["--model", dir, "--quiet"], stdin: text + "\n")
                if r.status == 0 { lines += r.out }
            }
            let tokens = (outLines: lines.split(separator: "\n").map(String.init), out: lines)
            XCTAssertGreaterThanOrEqual(tokens.outLines.count, 1, dir)
            // A document with more in it: a field, a tensor before and an embeddings to replace in place.
            let first = tokens.outLines[0]
            let extra = first.dropLast() + #","note":{"n":1.50},"tensors":{"x":{"shape":[2],"data":[0.10,1],"tag":"t"},"embeddings":{"shape":[1],"data":[7]}}}"#
            let input = tokens.out + extra + "\n"
            let swift = try runProcess("embed", ["--model", dir], stdin: input)
            let python = try runProcess(py, [script, "--model", dir], stdin: input)
            XCTAssertEqual(swift.status, 0, swift.err)
            XCTAssertEqual(python.status, 0, "\(dir): \(python.err)")
            XCTAssertEqual(python.out, swift.out, "\(dir): not byte-identical")
            XCTAssertTrue(swift.outLines.last?.contains(#""tensors":{"x":{"shape":[2],"data":[0.1,1.0],"tag":"t"},"embeddings":{"shape":["#) == true,
                          swift.outLines.last ?? "")
        }
        // --model . names the directory it is.
        let statquest = Paths.root.appendingPathComponent("models/statquest").path
        let doc = #"{"format":"vamos/1","source":{"ids":[0,3]}}"#
        let here = try runProcess("/bin/sh", ["-c", "cd '\(statquest)' && echo '\(doc)' | '\(try Paths.executable("embed"))' --model . && echo '\(doc)' | '\(py)' '\(script)' --model ."])
        XCTAssertEqual(here.status, 0, here.err)
        XCTAssertEqual(here.outLines.count, 2, here.out)
        XCTAssertTrue(here.outLines.allSatisfy { $0.contains(#""model":{"name":"statquest","#) }, here.out)
    }
}
