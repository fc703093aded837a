import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Beam search as transformers' `generate(num_beams=N, do_sample=False)` does it
/// (`GenerationMixin._beam_search`, transformers 5), step for step, in float32:
///
///     running beams b = 1…N with scores r_b (r_1 = 0, the others −1e9 so the first step expands one beam)
///     each step, for every beam:  s[b, v] = r_b + processors(inputIDs_b, log_softmax(logits_b))[v]
///     the K = 2N best (b, v) overall are the candidates; a candidate is done when v = </s> or the
///     sequence reaches max_length;
///     next running beams = the N best candidates that are not done;
///     a done candidate among the first N enters the N finished hypotheses with score
///         s / (generated length)^length_penalty
///     (unless early_stopping = true and N are finished already, or the early-stop heuristic said stop);
///     stop when no candidate can continue, when early_stopping = true and N hypotheses are finished,
///     or when the best running score, scored as if it finished now (early_stopping false) or at
///     max_length (early_stopping "never" with length_penalty > 0), cannot beat the worst finished one.
///
/// The answer is the best finished hypothesis. Each beam keeps its own decoder cache (keys and
/// values so far); when beams are re-chosen the caches are re-ordered with them, so a step feeds
/// only the one new id per beam, all beams through the decoder together (`Decoder.step`) and the
/// output layer once for all of them.
public struct BeamSearch {
    public var beams: Int
    /// Most ids generated (transformers' `max_length − 1`).
    public var maxLength: Int
    public var lengthPenalty: Double
    public var earlyStopping: GenerationConfig.EarlyStopping
    public var processors: LogitsProcessors

    public init(beams: Int, maxLength: Int, lengthPenalty: Double, earlyStopping: GenerationConfig.EarlyStopping,
                processors: LogitsProcessors) {
        self.beams = beams
        self.maxLength = maxLength
        self.lengthPenalty = lengthPenalty
        self.earlyStopping = earlyStopping
        self.processors = processors
    }

    /// A finished hypothesis: the generated ids (`</s>` included when generated) and its score.
    public struct Hypothesis: Sendable, Equatable {
        public var ids: [Int]
        public var score: Float
        public var finished: Bool
    }

    /// The N finished hypotheses, best first (`hypotheses[0]` is the translation).
    public func run(decoder: Decoder, output: OutputProjection, memory: [Float], startID: Int, eosID: Int) throws -> [Hypothesis] {
        let N = beams, K = 2 * N
        let V = output.vocabSize
        let penalty: Float = -1.0e9
        let maxLengthTotal = maxLength + 1                 // transformers' max_length: start token included
        var running = [[Int]](repeating: [], count: N)
        var runningScores = [Float](repeating: penalty, count: N)
        runningScores[0] = 0
        var states = [Decoder.State](repeating: decoder.start(memory: memory), count: N)
        // Each beam's self-attention caches reserved up front, storage of its own (the encoder's
        // keys and values stay shared). A parent picked by two beams is still copied (step c).
        for b in states.indices { states[b].reserve(positions: Decoder.cachePositions(maxLength: maxLength), dModel: decoder.embedding.dModel) }
        var finished = [Hypothesis](repeating: Hypothesis(ids: [], score: penalty, finished: false), count: N)
        var improvementPossible = true                     // is_early_stop_heuristic_unsatisfied
        var curLen = 1                                     // decoder input length: start + generated

        while true {
            // a. the next-token log-probabilities of every beam, processed, plus the beam's score
            let hidden = try decoder.step(running.map { $0.last ?? startID }, states: &states)  // all beams in one pass
            let logits = output.forward(hidden)                                  // [N, V]
            var candidates = TopK(k: K)
            for b in 0..<N {
                var scores = logSoftmax(Array(logits[(b * V)..<((b + 1) * V)]))
                processors.apply(&scores, inputIDs: [startID] + running[b])
                for v in 0..<V { candidates.offer(scores[v] + runningScores[b], index: b * V + v) }
            }
            // b. the K best continuations; which of them are done
            let top = candidates.items                                           // best first
            let beamOf = top.map { $0.index / V }
            let sequences = top.map { running[$0.index / V] + [$0.index % V] }
            let done = sequences.map { $0.last! == eosID || curLen + 1 >= maxLengthTotal }
            // c. the N best unfinished continue, each with its parent's decoder cache
            var next = TopK(k: N)
            for i in top.indices { next.offer(top[i].value + (done[i] ? penalty : 0), index: i) }
            running = next.items.map { sequences[$0.index] }
            runningScores = next.items.map(\.value)
            let parents = states
            states = next.items.map { parents[beamOf[$0.index]] }
            // d. the finished among the first N join the hypotheses (length-penalized)
            let allFinished = finished.allSatisfy(\.finished)
            let length = Float(power(Double(curLen + 1 - 1), lengthPenalty))
            var pool = finished
            for i in top.indices {
                var s = top[i].value / length
                s += (earlyStopping == .whenDone && allFinished) ? penalty : 0
                s += improvementPossible ? 0 : penalty
                let justFinished = done[i] && i < N
                s += justFinished ? 0 : penalty
                pool.append(Hypothesis(ids: sequences[i], score: s, finished: justFinished))
            }
            var best = TopK(k: N)
            for (i, h) in pool.enumerated() { best.offer(h.score, index: i) }
            finished = best.items.map { pool[$0.index] }
            curLen += 1
            // e. can a running beam still beat the worst finished hypothesis?
            let hypotheticalLength = earlyStopping == .never && lengthPenalty > 0 ? maxLengthTotal - 1 : curLen - 1
            let bestPossible = runningScores[0] / Float(power(Double(hypotheticalLength), lengthPenalty))
            let worst = finished.map(\.score).min()!
            improvementPossible = improvementPossible
                && finished.contains { bestPossible > ($0.finished ? worst : penalty) }
            let openBeam = !(finished.allSatisfy(\.finished) && earlyStopping == .whenDone)
            if !(improvementPossible && openBeam && !done.allSatisfy { $0 }) { break }
        }
        return finished
    }
}

/// The K largest values offered, largest first; among equal values the one offered first comes first
/// (indices are offered in increasing order, as `torch.topk` lists ties on the CPU).
struct TopK {
    let k: Int
    private(set) var items: [(value: Float, index: Int)] = []

    init(k: Int) {
        self.k = k
        items.reserveCapacity(min(k, 4096) + 1)
    }

    mutating func offer(_ value: Float, index: Int) {
        if items.count == k, !(value > items[k - 1].value) { return }
        var lo = 0, hi = items.count                     // first position whose value is < value
        while lo < hi {
            let mid = (lo + hi) / 2
            if items[mid].value >= value { lo = mid + 1 } else { hi = mid }
        }
        items.insert((value, index), at: lo)
        if items.count > k { items.removeLast() }
    }
}

/// x^p for a length x ≥ 1: exact for whole p in 0…4 (x^4 of a length below 2^13 is exact in double) (length_penalty is 1.0 almost always, as in
/// Python's `**`), else exp(p · ln x) with Vamos' own functions (the same bits on every machine).
func power(_ x: Double, _ p: Double) -> Double {
    if p == p.rounded(), p >= 0, p <= 4 {
        var r = 1.0
        for _ in 0..<Int(p) { r *= x }
        return r
    }
    return x == 0 ? (p > 0 ? 0 : 1) : vamos_exp(p * vamos_log(x))
}
