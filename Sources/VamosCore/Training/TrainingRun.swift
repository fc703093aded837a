#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole training run as the `train` command does it: vocabularies, config, initialization (or
/// resuming from the latest checkpoint), the step loop with checkpoints every N steps, the final
/// model directory, and the evaluation on a held-out set.
public final class TrainingRun {
    public struct Setup {
        public var corpus: ParallelCorpus
        /// config.json keys for the architecture; vocabulary sizes and special ids are filled in.
        public var architecture: JSONObject
        public var output: String
        public var checkpointDirectory: String
        public var checkpointEvery = 0
        public var sourceVocabulary: [(String, Int)]?
        public var targetVocabulary: [(String, Int)]?
        public var options = TrainingOptions()
        public var resume = false
        public init(corpus: ParallelCorpus, architecture: JSONObject, output: String) {
            self.corpus = corpus
            self.architecture = architecture
            self.output = output
            checkpointDirectory = output + ".checkpoints"
        }
    }

    public static let eos = "<EOS>"
    public static let unk = "<unk>"

    public let setup: Setup
    public let config: JSONObject
    public let modelConfig: ModelConfig
    public let sourceVocabulary: [(String, Int)]
    public let targetVocabulary: [(String, Int)]
    public let trainer: Trainer
    /// Files written beside the weights (generation_config.json for a Marian model: MarianExport).
    public let extraModelFiles: [(String, [UInt8])]

    public init(_ setup: Setup) throws {
        self.setup = setup
        let o = setup.options
        if setup.resume && TrainingRun.latestCheckpoint(setup.checkpointDirectory) == nil {
            throw VamosError("--resume: no checkpoint in \(setup.checkpointDirectory) (its 'latest' file is missing); run without --resume to start")
        }
        if setup.resume, let latest = TrainingRun.latestCheckpoint(setup.checkpointDirectory) {
            let model = try Model(directory: latest)
            var bytes = readFile(latest + "/config.json")!
            config = try JSONCodec.parse(bytes: &bytes, what: latest + "/config.json").objectValue!
            modelConfig = model.config
            sourceVocabulary = try TrainingRun.complete(model.sourceVocabulary, latest + "/vocab.json")
            targetVocabulary = try TrainingRun.complete(model.targetVocabulary, latest + "/target_vocab.json")
            extraModelFiles = readFile(latest + "/generation_config.json").map { [("generation_config.json", $0)] } ?? []
            let data = try TrainingRun.encode(setup.corpus, sourceVocabulary, targetVocabulary, eos: modelConfig.eosTokenID)
            try TrainingRun.checkLengths(data, setup.corpus, modelConfig)
            trainer = Trainer(parameters: try Parameters<Float>.load(model), data: data, options: o)
            let statePath = latest + "/trainer.json"
            guard var stateBytes = readFile(statePath) else { throw VamosError("\(latest): checkpoint has no trainer.json") }
            guard let state = try JSONCodec.parse(bytes: &stateBytes, what: statePath).objectValue else {
                throw VamosError("\(statePath): expected a JSON object")
            }
            try trainer.restore(state: state, optimizerFile: try SafeTensorsFile(path: latest + "/optimizer.safetensors"),
                                file: statePath)
            return
        }
        let marian = try MarianExport.applies(setup.architecture)
        let specials = [TrainingRun.eos, TrainingRun.unk] + (marian ? [MarianExport.pad] : [])
        let sv = setup.sourceVocabulary ?? ParallelCorpus.buildVocabulary(setup.corpus.pairs.map(\.source), specials: specials)
        let tv = setup.targetVocabulary ?? ParallelCorpus.buildVocabulary(setup.corpus.pairs.map(\.target), specials: specials)
        guard let eos = sv.first(where: { $0.0 == TrainingRun.eos })?.1, tv.first(where: { $0.0 == TrainingRun.eos })?.1 == eos else {
            throw VamosError("the source and target vocabularies must both hold \(TrainingRun.eos), at the same id")
        }
        var c = setup.architecture
        var extra: [(String, [UInt8])] = []
        if marian {
            guard let pad = sv.first(where: { $0.0 == MarianExport.pad })?.1, tv.first(where: { $0.0 == MarianExport.pad })?.1 == pad else {
                throw VamosError("a Marian model (the config is one transformers can load) needs \(MarianExport.pad) in both vocabularies, at the same id; add it to --source-vocab and --target-vocab, or set \"model_type\": \"vamos\"")
            }
            c["model_type"] = .string("marian")
            c["architectures"] = .array([.string("MarianMTModel")])
            c["pad_token_id"] = .int(pad)
            c["decoder_start_token_id"] = c["decoder_start_token_id"] ?? .int(pad)  // Marian starts from <pad>
            extra.append(("generation_config.json", try MarianExport.generationConfig(c, pad: pad, eos: eos)))
        }
        extraModelFiles = extra
        c["model_type"] = c["model_type"] ?? .string("vamos")
        c["vocab_size"] = .int(sv.count)
        c["decoder_vocab_size"] = .int(tv.count)
        c["share_encoder_decoder_embeddings"] = c["share_encoder_decoder_embeddings"] ?? .bool(false)
        c["eos_token_id"] = .int(eos)
        c["decoder_start_token_id"] = c["decoder_start_token_id"] ?? .int(eos)  // the explainer starts from <EOS>
        config = c
        modelConfig = try ModelConfig(json: .object(c), file: "architecture")
        var total = 0
        for (name, shape) in ParameterTree(modelConfig).parameters {
            total += try Tensor.checkedCount(shape, what: "architecture: \(name)")
        }
        guard total <= TrainingRun.maxParameters else {
            throw VamosError("architecture: \(total) parameters; the trainer holds at most \(TrainingRun.maxParameters) (weights, gradients and two Adam moments each)")
        }
        sourceVocabulary = sv
        targetVocabulary = tv
        let data = try TrainingRun.encode(setup.corpus, sv, tv, eos: eos)
        try TrainingRun.checkLengths(data, setup.corpus, modelConfig)
        var rng = SeededRandom(seed: o.seed)
        trainer = Trainer(parameters: Parameters<Float>.initialized(config: modelConfig, rng: &rng), data: data, options: o)
    }

    /// Every pair fits the model's positions (with its end-of-sentence; the decoder reads the start
    /// token and the target), checked before the first step; the error names the corpus line.
    static func checkLengths(_ data: [(source: [Int], target: [Int])], _ corpus: ParallelCorpus, _ c: ModelConfig) throws {
        for (i, d) in data.enumerated() where max(d.source.count, d.target.count) > c.maxPositionEmbeddings {
            let line = i < corpus.lines.count ? "line \(corpus.lines[i])" : "pair \(i + 1)"
            throw VamosError("corpus \(line): \(max(d.source.count, d.target.count)) tokens with the end-of-sentence, more than the \(c.maxPositionEmbeddings) positions the model allows (max_position_embeddings)")
        }
    }

    /// The trainer keeps four float32 copies of every parameter (weights, gradients, Adam's m and v).
    public static let maxParameters = 500_000_000

    /// A checkpoint's vocabulary as (token, id) pairs; every id must be named.
    static func complete(_ v: Vocabulary, _ file: String) throws -> [(String, Int)] {
        let named = Set(v.ids.values)
        if let gap = (0..<v.count).first(where: { !named.contains($0) }) {
            throw VamosError("\(file): id \(gap) has no token; a checkpoint's vocabulary must name every id")
        }
        return v.tokens.enumerated().map { ($0.element, $0.offset) }
    }

    /// Word ids of every pair, `<EOS>` appended on both sides (unknown words → `<unk>` when the
    /// vocabulary has it, else an error naming the word).
    public static func encode(_ corpus: ParallelCorpus, _ sv: [(String, Int)], _ tv: [(String, Int)], eos: Int) throws
        -> [(source: [Int], target: [Int])] {
        let s = Dictionary(uniqueKeysWithValues: sv), t = Dictionary(uniqueKeysWithValues: tv)
        func ids(_ words: [String], _ v: [String: Int], _ side: String) throws -> [Int] {
            try words.map { w in
                guard let id = v[w] ?? v[TrainingRun.unk] else {
                    throw VamosError("corpus: '\(w)' is not in the \(side) vocabulary, which has no \(TrainingRun.unk)")
                }
                return id
            } + [eos]
        }
        return try corpus.pairs.map { (try ids($0.source, s, "source"), try ids($0.target, t, "target")) }
    }

    /// Runs steps until `options.steps`, checkpointing every `checkpointEvery` steps.
    public func run(report: (StepReport) throws -> Void) throws {
        while trainer.step < setup.options.steps {
            let r = try trainer.trainStep()
            try report(r)
            if setup.checkpointEvery > 0 && trainer.step % setup.checkpointEvery == 0 && trainer.step < setup.options.steps {
                try writeCheckpoint()
            }
        }
    }

    /// The final model directory (atomic).
    public func writeModel() throws {
        try ModelWriter.write(to: setup.output, config: config, parameters: trainer.parameters,
                              sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary, extraFiles: extraModelFiles)
    }

    /// `<dir>/step-NNNNNNNN/` (a loadable model directory plus trainer.json and optimizer.safetensors),
    /// then `<dir>/latest` names it; older checkpoints but the previous one are removed.
    public func writeCheckpoint() throws {
        let dir = setup.checkpointDirectory
        if !isDirectory(dir) { mkdir(dir, 0o755) }
        let name = "step-" + String(trainer.step).leftPadded(8)
        try ModelWriter.write(to: "\(dir)/\(name)", config: config, parameters: trainer.parameters,
                              sourceVocabulary: sourceVocabulary, targetVocabulary: targetVocabulary,
                              extraFiles: extraModelFiles + [("trainer.json", Array((JSONCodec.serialize(.object(trainer.state), pretty: true) + "\n").utf8))],
                              extraTensors: [("optimizer.safetensors", trainer.optimizerTensors)])
        let previous = TrainingRun.latestCheckpoint(dir)
        try writeFileAtomically(Array((name + "\n").utf8), to: "\(dir)/latest")
        // Keep the newest two.
        if let entries = ModelWriter.entries(dir) {
            let names = entries.filter { ModelWriter.isCheckpointName($0) && isDirectory("\(dir)/\($0)") }
            let keep = Set([name, previous.map { String($0.split(separator: "/").last!) } ?? name])
            for n in names where !keep.contains(n) { ModelWriter.removeTree("\(dir)/\(n)") }
        }
    }

    /// The directory `latest` names, if any.
    public static func latestCheckpoint(_ dir: String) -> String? {
        guard let bytes = readFile("\(dir)/latest") else { return nil }
        let name = String(decoding: bytes, as: UTF8.self).trimmingWhiteSpace()
        return name.isEmpty ? nil : "\(dir)/\(name)"
    }
}
