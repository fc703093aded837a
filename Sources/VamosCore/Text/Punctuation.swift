/// Punctuation for word-level models (no SentencePiece): what `tokenize` splits off a word and how
/// `detokenize` writes it back.
///
/// **Splitting.** A word the vocabulary knows whole stays whole (`let's`, `p.m.`). Otherwise
/// punctuation characters (Unicode's P* categories) that the vocabulary knows as tokens of their
/// own are peeled off the word's start (`¿`, `¡`, `(`, `"`) and end (`.`, `,`, `!`, `?`, `)`), one
/// at a time, until what is left is known or has no known punctuation at its ends: `fish.` →
/// `fish` `.`, `¿come?` → `¿` `come` `?`, `meat!!` → `meat` `!` `!`. Punctuation the vocabulary
/// lacks stays attached (the word is then unknown, as before).
///
/// **Joining.** Words are joined by one space, except that a closing mark (`.` `,` `;` `:` `!` `?`
/// `…` `%` and the closing brackets and quotes `)` `]` `}` `»` `”` `’`) attaches to the word before
/// it, and an opening one (`¿` `¡` `(` `[` `{` `«` `“` `‘`) to the word after it: `¿ el hombre come
/// ?` → `¿el hombre come?`. Straight quotes `"` and `'` stay spaced (they open and close alike).
public enum Punctuation {
    static let closing: Set<Character> = [".", ",", ";", ":", "!", "?", "…", "%", ")", "]", "}", "»", "”", "’"]
    static let opening: Set<Character> = ["¿", "¡", "(", "[", "{", "«", "“", "‘"]

    /// `word` as tokens: whole if `known(word)`, else with known punctuation peeled off its ends.
    public static func split(_ word: String, known: (String) -> Bool) -> [String] {
        if known(word) { return [word] }
        var lead: [String] = [], trail: [String] = []
        var core = Substring(word)
        while core.count > 1, let f = core.first, f.isPunctuation, known(String(f)) {
            lead.append(String(f))
            core = core.dropFirst()
            if known(String(core)) { break }
        }
        while !known(String(core)), core.count > 1, let l = core.last, l.isPunctuation, known(String(l)) {
            trail.insert(String(l), at: 0)
            core = core.dropLast()
        }
        return lead + [String(core)] + trail
    }

    /// Words joined as the language writes them (see above).
    public static func join(_ words: [String]) -> String {
        var out = ""
        var glueNext = false
        for w in words {
            let attachesLeft = !w.isEmpty && w.allSatisfy { closing.contains($0) }
            if !out.isEmpty && !glueNext && !attachesLeft { out += " " }
            out += w
            glueNext = !w.isEmpty && w.allSatisfy { opening.contains($0) }
        }
        return out
    }
}
