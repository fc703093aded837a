#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How to train (the `train` command's options).
public struct TrainingOptions: Sendable {
    public var steps = 1000
    public var batchSize = 32
    public var learningRate: Float = 1e-3
    public var warmup = 100
    public var labelSmoothing: Float = 0
    public var clipNorm: Float = 1
    public var weightDecay: Float = 0
    public var seed: UInt64 = 1
    public init() {}
}

/// One step's numbers, for the log.
public struct StepReport: Sendable {
    public var step: Int
    public var loss: Double
    public var learningRate: Float
    public var gradientNorm: Float
    public var tokens: Int
    public var epoch: Int
}

/// Teacher-forced training with Adam(W), warmup, clipping and seeded shuffling. Everything that
/// decides the next step — weights, optimizer moments, step, epoch and position in the epoch — is
/// in the checkpoint, and the batch order is a pure function of (seed, epoch), so a resumed run
/// continues exactly as an uninterrupted one.
public final class Trainer {
    public let options: TrainingOptions
    public let parameters: Parameters<Float>
    public let optimizer: AdamW
    public let model: TrainingModel<Float>
    public let data: [(source: [Int], target: [Int])]
    public private(set) var step = 0
    public private(set) var epoch = 0
    public private(set) var cursor = 0
    private var order: [Int] = []

    public init(parameters: Parameters<Float>, data: [(source: [Int], target: [Int])], options: TrainingOptions) {
        self.parameters = parameters
        self.data = data
        self.options = options
        optimizer = AdamW(parameters: parameters, weightDecay: options.weightDecay)
        model = TrainingModel<Float>(parameters: parameters)
        order = Trainer.order(epoch: 0, count: data.count, seed: options.seed)
    }

    /// The shuffled order of an epoch.
    static func order(epoch: Int, count: Int, seed: UInt64) -> [Int] {
        var rng = SeededRandom(seed: seed &+ UInt64(epoch) &* 0xD1B5_4A32_D192_ED03)
        return rng.permutation(count)
    }

    /// The next minibatch (the last one of an epoch may be smaller).
    func nextBatch() -> Batch {
        let end = min(cursor + options.batchSize, data.count)
        let pairs = order[cursor..<end].map { data[$0] }
        cursor = end
        if cursor >= data.count {
            epoch += 1
            cursor = 0
            order = Trainer.order(epoch: epoch, count: data.count, seed: options.seed)
        }
        let c = parameters.config
        return Batch(pairs: pairs, startID: c.decoderStartTokenID)
    }

    /// One optimizer step.
    public func trainStep() throws -> StepReport {
        let batch = nextBatch()
        let epochOfBatch = cursor == 0 ? epoch - 1 : epoch
        parameters.zeroGrads()
        let loss = try model.loss(batch, labelSmoothing: options.labelSmoothing)
        let norm = clipGradients(parameters, maxNorm: options.clipNorm)
        guard loss.isFinite, norm.isFinite else {
            throw VamosError("step \(step + 1): the loss or the gradient is not finite (training diverged); lower --lr or clip harder")
        }
        let lr = learningRate(step: step + 1, peak: options.learningRate, warmup: options.warmup)
        optimizer.update(parameters, lr: lr)
        step += 1
        return StepReport(step: step, loss: loss, learningRate: lr, gradientNorm: norm, tokens: batch.tokens, epoch: epochOfBatch)
    }

    /// Mean loss over pairs, without touching the gradients.
    public func evaluationLoss(_ pairs: [(source: [Int], target: [Int])]) throws -> Double {
        var total = 0.0, tokens = 0
        let c = parameters.config
        for start in stride(from: 0, to: pairs.count, by: options.batchSize) {
            let batch = Batch(pairs: Array(pairs[start..<min(start + options.batchSize, pairs.count)]),
                              startID: c.decoderStartTokenID)
            total += try model.loss(batch, backward: false) * Double(batch.tokens)
            tokens += batch.tokens
        }
        return tokens > 0 ? total / Double(tokens) : 0
    }

    // MARK: checkpoints

    /// The trainer's own state, as trainer.json holds it.
    public var state: JSONObject {
        var s = JSONObject([
            ("step", .int(step)), ("epoch", .int(epoch)), ("cursor", .int(cursor)),
            ("optimizer_step", .int(optimizer.step)), ("seed", .string(String(options.seed))),
            ("data_size", .int(data.count)), ("data_sha256", .string(dataHash)),
        ])
        for (key, _, value) in resumeOptions { s[key] = .string(value) }
        return s
    }

    /// What a resumed run must share with the one it continues to compute the same steps (the
    /// number of steps may grow): trainer.json key, option, value as text.
    var resumeOptions: [(String, String, String)] {
        [("batch_size", "--batch-size", String(options.batchSize)), ("lr", "--lr", formatFloat(options.learningRate)),
         ("warmup", "--warmup", String(options.warmup)), ("label_smoothing", "--label-smoothing", formatFloat(options.labelSmoothing)),
         ("clip", "--clip", formatFloat(options.clipNorm)), ("weight_decay", "--weight-decay", formatFloat(options.weightDecay))]
    }

    /// SHA-256 of the encoded pairs in corpus order: a reordered or edited corpus of the same size differs.
    var dataHash: String {
        var bytes: [UInt8] = []
        for (s, t) in data {
            for side in [s, t] {
                for id in side { withUnsafeBytes(of: Int64(id).littleEndian) { bytes.append(contentsOf: $0) } }
                bytes.append(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
            }
        }
        return SHA256.hex(bytes)
    }

    /// Adam's moments, as optimizer.safetensors holds them.
    public var optimizerTensors: [(String, Tensor)] {
        parameters.names.flatMap { n in
            [("m.\(n)", Tensor(shape: parameters.shapes[n]!, data: optimizer.m[n]!)),
             ("v.\(n)", Tensor(shape: parameters.shapes[n]!, data: optimizer.v[n]!))]
        }
    }

    /// Continues from a checkpoint directory's trainer.json and optimizer.safetensors (the weights
    /// were loaded into `parameters` already).
    public func restore(state: JSONObject, optimizerFile: SafeTensorsFile, file: String) throws {
        let d = ConfigDecoder(state, file: file)
        guard try d.int("data_size") == data.count else {
            throw VamosError("\(file): the checkpoint was trained on \(try d.int("data_size")) pairs, this corpus has \(data.count)")
        }
        guard try d.string("seed", default: "") == String(options.seed) else {
            throw VamosError("\(file): the checkpoint was trained with seed \(try d.string("seed", default: "?")), not \(options.seed)")
        }
        // Resuming continues exactly, or not at all: what changed is named.
        var changed: [String] = []
        for (key, option, value) in resumeOptions {
            if let was = state[key]?.stringValue, was != value { changed.append("\(option) was \(was), now \(value)") }
        }
        if !changed.isEmpty {
            throw VamosError("\(file): --resume would not continue the run exactly: \(changed.joined(separator: "; ")) (resume with the options it was started with, or train afresh)")
        }
        if let was = state["data_sha256"]?.stringValue, was != dataHash {
            throw VamosError("\(file): the corpus is not the one the checkpoint was trained on (same number of pairs, other pairs or another order); --resume needs the same corpus")
        }
        step = try d.int("step", min: 0, max: 1 << 40)
        optimizer.step = try d.int("optimizer_step", min: 0, max: step)
        cursor = try d.int("cursor", min: 0)
        guard cursor < max(1, data.count) else { throw VamosError("\(file): 'cursor' \(cursor) is past the corpus") }
        // Every epoch but the current one took at least one step of `batchSize` pairs.
        let maxEpoch = step * options.batchSize / max(1, data.count) + 1
        epoch = try d.int("epoch", min: 0, max: maxEpoch)
        for n in parameters.names {
            optimizer.m[n] = try optimizerFile.tensor("m.\(n)", expectedShape: parameters.shapes[n]!).data
            optimizer.v[n] = try optimizerFile.tensor("v.\(n)", expectedShape: parameters.shapes[n]!).data
        }
        order = Trainer.order(epoch: epoch, count: data.count, seed: options.seed)
    }
}
