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
/// values so far) in a slot of `DecoderSteps`; when beams are re-chosen, a beam continuing a
/// parent nobody else continues keeps the parent's slot, and each further child of a parent takes
/// the slot of a parent no beam continues, the parent's positions copied in. A step feeds only the
/// one new id per beam, all beams through the decoder together and the output layer once for all
/// of them, on buffers reserved before the first step: a step allocates nothing but the ids of a
/// hypothesis entering the finished ones.
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
        precondition(N >= 1, "beam search needs a beam")
        let V = output.vocabSize
        let penalty: Float = -1.0e9
        let maxLengthTotal = maxLength + 1                 // transformers' max_length: start token included
        let positions = Decoder.cachePositions(maxLength: maxLength)
        // Each beam's decoder input so far (the start id, then the ids generated), and the next step's.
        var inputs = [[Int]](repeating: [startID], count: N), nextInputs = inputs
        for b in 0..<N { inputs[b].reserveCapacity(positions + 2); nextInputs[b].reserveCapacity(positions + 2) }
        var runningScores = [Float](repeating: penalty, count: N), nextScores = runningScores
        runningScores[0] = 0
        // Every beam's slot: one sentence's encoder keys and values, shared; room for every position.
        let steps = DecoderSteps(decoder: decoder)
        var slotOf = [steps.add(memory: memory, reserving: positions)]
        for _ in 1..<N { slotOf.append(steps.fork(slotOf[0], reserving: positions)) }
        var nextSlot = slotOf, parentOf = [Int](repeating: 0, count: N), claimed = [Bool](repeating: false, count: N)
        var ids = [Int](repeating: startID, count: N)
        let logits = Reserved(), scores = Reserved()
        logits.reserve(N * V)
        scores.reserve(2 * V)
        var finished = [Hypothesis](repeating: Hypothesis(ids: [], score: penalty, finished: false), count: N)
        var nextFinished = finished
        var candidates = TopK(k: K), next = TopK(k: N), best = TopK(k: N)
        var improvementPossible = true                     // is_early_stop_heuristic_unsatisfied
        var curLen = 1                                     // decoder input length: start + generated

        while true {
            // a. the next-token log-probabilities of every beam, processed, plus the beam's score
            for b in 0..<N { ids[b] = inputs[b].last! }
            let hidden = try steps.step(ids, slots: slotOf)                      // all beams in one pass
            output.linear.forward(hidden, rows: N, into: logits.p)               // [N, V]
            candidates.reset()
            for b in 0..<N {
                logSoftmax(logits.p + b * V, count: V, into: scores.p)
                processors.apply(UnsafeMutableBufferPointer(start: scores.p, count: V), inputIDs: inputs[b],
                                 scratch: scores.p + V)
                let r = runningScores[b]
                for v in 0..<V { candidates.offer(scores.p[v] + r, index: b * V + v) }
            }
            // b. the K best continuations (best first): candidate i continues beam top[i].index / V
            //    with id top[i].index % V; done when that id is </s> or the sequence reaches max_length
            let top = candidates.items
            func isDone(_ i: Int) -> Bool { top[i].index % V == eosID || curLen + 1 >= maxLengthTotal }
            // d. the finished among the first N join the hypotheses (length-penalized): the N best of
            //    the finished ones, then the candidates in order (a tie keeps the one offered first)
            let allFinished = finished.allSatisfy(\.finished)
            let length = Float(power(Double(curLen + 1 - 1), lengthPenalty))
            best.reset()
            for (i, h) in finished.enumerated() { best.offer(h.score, index: i) }
            for i in top.indices {
                var s = top[i].value / length
                s += (earlyStopping == .whenDone && allFinished) ? penalty : 0
                s += improvementPossible ? 0 : penalty
                s += isDone(i) && i < N ? 0 : penalty
                best.offer(s, index: N + i)
            }
            nextFinished.removeAll(keepingCapacity: true)
            for item in best.items {
                if item.index < N { nextFinished.append(finished[item.index]); continue }
                let i = item.index - N, b = top[i].index / V                     // a candidate enters: its ids
                nextFinished.append(Hypothesis(ids: Array(inputs[b].dropFirst()) + [top[i].index % V], score: item.value,
                                               finished: isDone(i) && i < N))
            }
            swap(&finished, &nextFinished)
            // c. the N best unfinished continue, each with its parent's decoder cache
            next.reset()
            for i in top.indices { next.offer(top[i].value + (isDone(i) ? penalty : 0), index: i) }
            for (j, item) in next.items.enumerated() {
                let b = top[item.index].index / V
                nextInputs[j].removeAll(keepingCapacity: true)
                nextInputs[j].append(contentsOf: inputs[b])
                nextInputs[j].append(top[item.index].index % V)
                nextScores[j] = item.value
                parentOf[j] = b
            }
            swap(&inputs, &nextInputs)
            swap(&runningScores, &nextScores)
            reassignSlots(&slotOf, parents: parentOf, scratch: &nextSlot, claimed: &claimed, steps: steps)
            let allDone = top.indices.allSatisfy(isDone)   // (at this step's length)
            curLen += 1
            // e. can a running beam still beat the worst finished hypothesis?
            let hypotheticalLength = earlyStopping == .never && lengthPenalty > 0 ? maxLengthTotal - 1 : curLen - 1
            let bestPossible = runningScores[0] / Float(power(Double(hypotheticalLength), lengthPenalty))
            var worst = finished[0].score
            for h in finished where h.score < worst { worst = h.score }
            improvementPossible = improvementPossible
                && finished.contains { bestPossible > ($0.finished ? worst : penalty) }
            let openBeam = !(finished.allSatisfy(\.finished) && earlyStopping == .whenDone)
            if !(improvementPossible && openBeam && !allDone) { break }
        }
        return finished
    }

    /// Beam j now continues beam parents[j]: the first child of a parent keeps the parent's slot;
    /// each further child takes the slot of a parent no beam continues, the parent's cache copied in.
    private func reassignSlots(_ slotOf: inout [Int], parents: [Int], scratch next: inout [Int], claimed: inout [Bool],
                               steps: DecoderSteps) {
        let N = slotOf.count
        for b in 0..<N { claimed[b] = false }
        for j in 0..<N {
            let p = parents[j]
            next[j] = claimed[p] ? -1 : slotOf[p]
            claimed[p] = true
        }
        var free = 0
        for j in 0..<N where next[j] < 0 {
            while claimed[free] { free += 1 }
            claimed[free] = true                           // beam `free` has no child: its slot is taken
            next[j] = slotOf[free]
            steps.copy(slotOf[parents[j]], into: next[j])  // the parent's slot is its first child's, still unchanged
        }
        swap(&slotOf, &next)
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

    /// Empties it for the next round, keeping its storage.
    mutating func reset() { items.removeAll(keepingCapacity: true) }

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
