import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import VamosCLI
import VamosCore

@main
struct Train: StageCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Trains a model by backpropagation and writes a model directory every stage loads.",
        discussion: """
            Reads a parallel corpus (TSV: english<TAB>spanish), builds word vocabularies (or takes \
            --source-vocab/--target-vocab), initializes the architecture in --config with --seed, and \
            trains with teacher forcing: cross-entropy (optional label smoothing), AdamW with warmup, \
            gradient clipping, shuffled padded minibatches. Checkpoints every --checkpoint-every steps \
            (weights, optimizer moments, data position); --resume continues exactly. The model \
            directory is written atomically. With --dev, reports dev loss, exact match and BLEU.
            \(trainExitStatus)
            """)

    @Option(help: ArgumentHelp("Training pairs, one 'source<TAB>target' per line.", valueName: "tsv")) var corpus: String
    @Option(help: ArgumentHelp("Architecture: config.json keys (see docs/MODEL.md); vocabulary keys are filled in.", valueName: "json"))
    var config: String
    @Option(help: ArgumentHelp("Model directory to write.", valueName: "dir")) var out: String
    @Option(help: ArgumentHelp("Held-out pairs to evaluate at the end (a third column labels constructions).", valueName: "tsv"))
    var dev: String?
    @Option(help: ArgumentHelp("Source vocab.json to use instead of building one.", valueName: "json")) var sourceVocab: String?
    @Option(help: ArgumentHelp("Target vocab.json to use instead of building one.", valueName: "json")) var targetVocab: String?
    @Option(help: "Optimizer steps in all.") var steps = 1000
    @Option(help: "Sentence pairs per minibatch.") var batchSize = 32
    @Option(name: .customLong("lr"), help: "Peak learning rate.") var learningRate: Float = 1e-3
    @Option(help: "Warmup steps (then inverse-square-root decay).") var warmup = 100
    @Option(help: "Label smoothing ε.") var labelSmoothing: Float = 0
    @Option(help: "Clip the global gradient norm to this (0: no clipping).") var clip: Float = 1
    @Option(help: "AdamW weight decay (0: Adam).") var weightDecay: Float = 0
    @Option(help: "Seed for initialization and shuffling.") var seed: UInt64 = 1
    @Option(help: "Write a checkpoint every N steps (0: never).") var checkpointEvery = 0
    @Option(help: ArgumentHelp("Checkpoint directory (default: OUT.checkpoints).", valueName: "dir")) var checkpointDir: String?
    @Flag(help: "Continue from the latest checkpoint.") var resume = false
    @Option(help: ArgumentHelp("Append one JSON line per step (step, loss, lr, grad_norm, …).", valueName: "file")) var log: String?
    @OptionGroup var compute: ComputeOptions
    @Flag(help: "No progress line and no end line on stderr (errors still are). The start line is printed only when stderr is a terminal.") var quiet = false

    func validate() throws {
        guard !out.isEmpty else { throw ValidationError("--out must name a directory") }
        guard steps >= 0, batchSize >= 1, warmup >= 0, checkpointEvery >= 0 else {
            throw ValidationError("--steps, --warmup and --checkpoint-every must be ≥ 0; --batch-size ≥ 1")
        }
        guard labelSmoothing >= 0 && labelSmoothing < 1 else { throw ValidationError("--label-smoothing must be in [0, 1)") }
        guard learningRate.isFinite, learningRate > 0, clip.isFinite, clip >= 0, weightDecay.isFinite, weightDecay >= 0 else {
            throw ValidationError("--lr must be a positive number; --clip and --weight-decay finite and ≥ 0")
        }
    }

    func run() throws {
        // stderr closed: train reports progress and its result there, and can say nothing.
        if StageIO.setUp().contains(2) { throw ExitCode.failure }
        do {
            try train()
        } catch let e as VamosError {
            StageIO.warn("train", e.message)  // if stderr cannot take it either, the exit status says it
            throw ExitCode.failure
        }
    }

    func isDirectoryPath(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    func train() throws {
        compute.apply()
        guard var configBytes = readFile(config) else { throw VamosError("\(config): cannot read") }
        guard let arch = try JSONCodec.parse(bytes: &configBytes, what: config).objectValue else {
            throw VamosError("\(config): expected a JSON object")
        }
        // Everything that could fail at the end is checked before the first step.
        var out = self.out
        while out.count > 1 && out.hasSuffix("/") { out.removeLast() }
        let checkpoints = checkpointDir.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? out + ".checkpoints"
        let parent = { (p: String) in p.contains("/") ? String(p[..<p.lastIndex(of: "/")!]) : "." }
        try ModelWriter.checkReplaceable(out)
        if checkpointEvery > 0 || resume {
            let p = parent(checkpoints)
            guard p.isEmpty || isDirectoryPath(p) else {
                throw VamosError("--checkpoint-dir \(checkpoints): its parent directory '\(p)' does not exist")
            }
        }
        let devCorpus = try dev.map { try ParallelCorpus(file: $0) }
        // What a killed run left behind (its process gone): Vamos' own *.tmp-PID / *.old-PID only.
        ModelWriter.removeLeftovers(in: parent(out).isEmpty ? "/" : parent(out), bases: [String(out.split(separator: "/").last ?? "")])
        ModelWriter.removeLeftovers(in: checkpoints, bases: nil)
        var setup = TrainingRun.Setup(corpus: try ParallelCorpus(file: corpus), architecture: arch, output: out)
        setup.sourceVocabulary = try sourceVocab.map(Train.readVocabulary)
        setup.targetVocabulary = try targetVocab.map(Train.readVocabulary)
        setup.checkpointDirectory = checkpoints
        setup.checkpointEvery = checkpointEvery
        setup.resume = resume
        setup.options.steps = steps
        setup.options.batchSize = batchSize
        setup.options.learningRate = learningRate
        setup.options.warmup = warmup
        setup.options.labelSmoothing = labelSmoothing
        setup.options.clipNorm = clip
        setup.options.weightDecay = weightDecay
        setup.options.seed = seed
        let run = try TrainingRun(setup)
        let progress = try Progress(total: steps, start: run.trainer.step, live: !quiet && isatty(2) != 0, logPath: log)
        // The start line only for a person watching (stderr a terminal, as the live progress line):
        // in a log or a pipe, an error that comes later is then the one line on stderr.
        if !quiet && isatty(2) != 0 {
            try say("train: \(run.trainer.parameters.count) parameters, \(run.trainer.data.count) pairs, from step \(run.trainer.step)\n")
        }
        try run.run { try progress.report($0) }
        try progress.finish()
        try run.writeModel()
        if !quiet { try say("train: wrote \(out)\n") }
        if let devCorpus {
            let data = try TrainingRun.encode(devCorpus, run.sourceVocabulary, run.targetVocabulary, eos: run.modelConfig.eosTokenID)
            let loss = try run.trainer.evaluationLoss(data)
            var r = try evaluateTranslations(model: try Model(directory: out), corpus: devCorpus)
            r.hypotheses = []
            var summary = r.json.objectValue!
            summary["dev_loss"] = .number(String(loss))
            StageIO.writeLine(JSONCodec.serialize(.object(summary), pretty: true))
        }
    }

    static func readVocabulary(_ path: String) throws -> [(String, Int)] {
        guard var bytes = readFile(path) else { throw VamosError("\(path): cannot read") }
        guard let o = try JSONCodec.parse(bytes: &bytes, what: path).objectValue else { throw VamosError("\(path): expected token → id") }
        let v = try o.pairs.map { k, v in
            guard let id = v.intValue else { throw VamosError("\(path): id of '\(k)' is not an integer") }
            return (k, id)
        }.sorted { $0.1 < $1.1 }
        // The trainer sizes the embeddings by the count: the ids must be exactly 0..<count.
        for (i, (token, id)) in v.enumerated() where id != i {
            throw VamosError("\(path): ids must be 0..<\(v.count) with no gaps or repeats; '\(token)' has \(id)")
        }
        return v
    }
}

/// A line to stderr; a failure (closed, full) is an error, never a signal.
func say(_ text: String) throws {
    try writeAllBytes(2, Array(text.utf8), path: "stderr")
}

/// Progress on stderr (a live line on a terminal) and the optional JSONL log.
final class Progress {
    let total: Int, start: Int, live: Bool
    let log: Int32?
    let logPath: String
    let began = Progress.seconds()
    var tokens = 0

    /// A monotonic clock, in seconds.
    static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    init(total: Int, start: Int, live: Bool, logPath: String?) throws {
        self.total = total
        self.start = start
        self.live = live
        self.logPath = logPath ?? ""
        if let logPath {
            let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw VamosError("--log \(logPath): cannot open for writing (\(String(cString: strerror(errno))))") }
            log = fd
        } else {
            log = nil
        }
    }

    func report(_ r: StepReport) throws {
        tokens += r.tokens
        let elapsed = Progress.seconds() - began
        if let log {
            let line = JSONCodec.serialize(.object(JSONObject([
                ("step", .int(r.step)), ("loss", .number(String(r.loss))), ("lr", .float(r.learningRate)),
                ("grad_norm", .float(r.gradientNorm)), ("tokens", .int(r.tokens)), ("epoch", .int(r.epoch)),
                ("elapsed", .number(cFormat("%.3f", elapsed))),
            ])))
            try writeAllBytes(log, Array((line + "\n").utf8), path: "--log \(logPath)")
        }
        if live {
            let done = r.step - start
            let rate = Double(tokens) / max(elapsed, 1e-9)
            let eta = done > 0 ? elapsed / Double(done) * Double(total - r.step) : 0
            let line = cFormat("\rstep %d/%d  loss %.4f  %.0f tok/s  ETA %dm%02ds ", Int32(clamping: r.step), Int32(clamping: total),
                               r.loss, rate, Int32(clamping: Int(eta) / 60), Int32(clamping: Int(eta) % 60))
            try say(line)
        }
    }

    func finish() throws {
        if live { try say("\n") }
        if let log {
            guard close(log) == 0 else { throw VamosError("--log \(logPath): write failed (\(String(cString: strerror(errno))))") }
        }
    }
}
