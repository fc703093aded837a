import CKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Corpus BLEU as sacrebleu computes it (Papineni et al.): tokenizer `13a`, n-grams up to 4, one
/// reference per sentence, brevity penalty, sacrebleu's default `exp` smoothing when a precision is
/// 0 — and its **effective order** (`BLEU(effective_order=True)`): the geometric mean runs over the
/// n-gram orders the hypotheses have at all, so a dev set of one-word sentences translated exactly
/// scores 100, not 0 (without it no 2-, 3- or 4-grams exist and sacrebleu's default gives 0.0).
/// On any corpus with a 4-gram in its hypotheses this is exactly sacrebleu's default score.
/// Returns a score in 0…100.
public func corpusBLEU(hypotheses: [String], references: [String]) -> Double {
    var matches = [Int](repeating: 0, count: 4), totals = [Int](repeating: 0, count: 4)
    var hypLength = 0, refLength = 0
    for (h, r) in zip(hypotheses, references) {
        let ht = tokenize13a(h), rt = tokenize13a(r)
        hypLength += ht.count
        refLength += rt.count
        for n in 1...4 {
            let hc = ngramCounts(ht, n), rc = ngramCounts(rt, n)
            totals[n - 1] += max(0, ht.count - n + 1)
            for (g, c) in hc { matches[n - 1] += min(c, rc[g] ?? 0) }
        }
    }
    guard hypLength > 0, matches.contains(where: { $0 > 0 }) else { return 0 }
    var logSum = 0.0
    var smooth = 1.0
    var order = 0  // the effective order: the orders with at least one n-gram in the hypotheses
    for n in 0..<4 {
        guard totals[n] > 0 else { break }
        order = n + 1
        var p = Double(matches[n]) / Double(totals[n])
        if matches[n] == 0 {  // sacrebleu 'exp' smoothing
            smooth *= 2
            p = 1 / (smooth * Double(totals[n]))
        }
        logSum += vamos_log(p)
    }
    let bp = hypLength < refLength ? vamos_exp(1 - Double(refLength) / Double(hypLength)) : 1
    return 100 * bp * vamos_exp(logSum / Double(order))
}

func ngramCounts(_ tokens: [String], _ n: Int) -> [[String]: Int] {
    var out: [[String]: Int] = [:]
    if tokens.count >= n { for i in 0...(tokens.count - n) { out[Array(tokens[i..<(i + n)]), default: 0] += 1 } }
    return out
}

/// sacrebleu's `13a` tokenizer (mteval-v13a): separates punctuation and symbols from words; a period
/// or comma is split off unless it sits between digits; a dash after a digit is split off.
public func tokenize13a(_ line: String) -> [String] {
    var s = line.replacing("<skipped>", with: "").replacing("-\n", with: "")
        .replacing("\n", with: " ")
    if s.contains("&") {
        s = s.replacing("&quot;", with: "\"").replacing("&amp;", with: "&")
            .replacing("&lt;", with: "<").replacing("&gt;", with: ">")
    }
    s = " \(s) "
    var out = ""
    let chars = Array(s.unicodeScalars)
    func isDigit(_ c: Unicode.Scalar?) -> Bool { c.map { $0.value >= 48 && $0.value <= 57 } ?? false }
    for (i, c) in chars.enumerated() {
        let v = c.value
        let prev = i > 0 ? chars[i - 1] : nil, next = i + 1 < chars.count ? chars[i + 1] : nil
        // [\{-\~\[-\` -\&\(-\+\:-\@\/]  → surrounded by spaces
        let symbol = (v >= 0x7B && v <= 0x7E) || (v >= 0x5B && v <= 0x60) || (v >= 0x20 && v <= 0x26) && v != 0x20
            || (v >= 0x28 && v <= 0x2B) || (v >= 0x3A && v <= 0x40) || v == 0x2F
        if symbol {
            out += " \(c) "
        } else if (c == "." || c == ",") && !(isDigit(prev) && isDigit(next)) && !isDigit(next) {
            out += " \(c) "  // ([^0-9])([\.,]) and ([\.,])([^0-9])
        } else if (c == "." || c == ",") && !isDigit(prev) {
            out += " \(c) "
        } else if c == "-" && isDigit(prev) {
            out += " \(c) "
        } else {
            out.unicodeScalars.append(c)
        }
    }
    return out.split(separator: " ").map(String.init)
}
