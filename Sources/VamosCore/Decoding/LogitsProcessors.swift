/// What transformers' `generate` does to the next-token scores before choosing, in its order
/// (`GenerationMixin._get_logits_processor`). `inputIDs` is the decoder input so far — the start token
/// and every id generated — so `inputIDs.count` is transformers' `cur_len`. Greedy search applies them
/// to the logits, beam search to the log-probabilities.
///
///   1. `no_repeat_ngram_size` n: an id that would complete an n-gram already in `inputIDs` → −∞
///   2. `bad_words_ids`: the last id of a listed sequence whose other ids end `inputIDs` → −∞
///      (a one-id sequence always; the sequence `[eos]` is dropped from the list, as transformers does)
///   3. `min_length`: `</s>` → −∞ while `inputIDs.count < min_length`
///   4. `min_new_tokens`: `</s>` → −∞ while `inputIDs.count − 1 < min_new_tokens`
///   5. `forced_eos_token_id`: when `inputIDs.count == max_length − 1` every score → −∞ but that id's → 0
///   6. `renormalize_logits`: log softmax again
public struct LogitsProcessors: Sendable {
    public var noRepeatNgramSize = 0
    public var badWords: [[Int]] = []
    public var minLength = 0
    public var minNewTokens = 0
    public var eosID: Int
    public var forcedEOS: Int?
    /// transformers' `max_length`: the start token plus the most ids generated.
    public var maxLength: Int
    public var renormalize = false

    public init(_ g: GenerationConfig, eosID: Int, maxGenerated: Int) {
        noRepeatNgramSize = g.noRepeatNgramSize
        badWords = g.badWordsIDs.filter { $0 != [eosID] }
        minLength = g.minLength
        minNewTokens = g.minNewTokens
        self.eosID = eosID
        forcedEOS = g.forcedEOSTokenID
        maxLength = maxGenerated + 1
        renormalize = g.renormalizeLogits
    }

    public func apply(_ scores: inout [Float], inputIDs: [Int]) {
        scores.withUnsafeMutableBufferPointer { apply($0, inputIDs: inputIDs, scratch: nil) }
    }

    /// The same on a row of a reserved buffer; `renormalize` uses `scratch` (V values) when given.
    public func apply(_ scores: UnsafeMutableBufferPointer<Float>, inputIDs: [Int], scratch: UnsafeMutablePointer<Float>?) {
        let V = scores.count
        let curLen = inputIDs.count
        let n = noRepeatNgramSize
        if n > 0 && curLen >= n {
            // windows w = inputIDs[s ..< s+n]; w's first n−1 ids equal the last n−1 ids → ban w's last id
            let prefix = inputIDs[(curLen + 1 - n)...]
            for s in 0...(curLen - n) where inputIDs[s..<(s + n - 1)].elementsEqual(prefix) {
                let banned = inputIDs[s + n - 1]
                if banned < V { scores[banned] = -.infinity }
            }
        }
        for seq in badWords {
            let head = seq.dropLast()
            if head.count <= curLen && inputIDs.suffix(head.count).elementsEqual(head), seq.last! < V {
                scores[seq.last!] = -.infinity
            }
        }
        if curLen < minLength || curLen - 1 < minNewTokens { scores[eosID] = -.infinity }
        if let forcedEOS, curLen == maxLength - 1 {
            for i in 0..<V { scores[i] = -.infinity }
            scores[forcedEOS] = 0
        }
        if renormalize, V > 0 {
            let tmp = scratch ?? .allocate(capacity: V)
            defer { if scratch == nil { tmp.deallocate() } }
            logSoftmax(UnsafePointer(scores.baseAddress!), count: V, into: tmp)
            scores.baseAddress!.update(from: tmp, count: V)
        }
    }
}
