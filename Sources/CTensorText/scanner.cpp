// The strict reader in front of json-c: RFC 8259 grammar and UTF-8, checked byte by byte as the
// document arrives; `tensors.NAME.data` arrays parsed straight into float32 (docs/FORMAT.md §10).
//
// json-c then parses the reduced text (the document without white space, each data array and
// each string json-c would change replaced by a placeholder), so json-c still builds every object,
// array and string, while the numbers — nearly all of a document's bytes — never become objects.
#include "tensor_text.h"
#include "utf8.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

namespace {

// A growing float32 buffer. Big ones are mapped pages of their own, so that handing the values
// over (vt_entry_take_floats) can give each page back as soon as it is copied.
struct Floats {
    float *p = nullptr;
    size_t n = 0, cap = 0;
    bool mapped = false;

    static constexpr size_t mapFrom = 1 << 18;  // values (1 MiB)

    bool reserve(size_t want) {
        if (want <= cap) return true;
        size_t bytes = want * sizeof(float);
        if (want >= mapFrom) {
            void *q;
            if (mapped) {
#ifdef __linux__
                q = mremap(p, cap * sizeof(float), bytes, MREMAP_MAYMOVE);
#else
                q = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
                if (q != MAP_FAILED) { std::memcpy(q, p, n * sizeof(float)); munmap(p, cap * sizeof(float)); }
#endif
            } else {
                q = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANON, -1, 0);
                if (q != MAP_FAILED && p) { std::memcpy(q, p, n * sizeof(float)); std::free(p); }
            }
            if (q == MAP_FAILED) return false;
            p = static_cast<float *>(q);
            mapped = true;
        } else {
            void *q = std::realloc(p, bytes);
            if (!q) return false;
            p = static_cast<float *>(q);
        }
        cap = want;
        return true;
    }
    void release() {
        if (mapped) munmap(p, cap * sizeof(float)); else std::free(p);
        p = nullptr;
        n = cap = 0;
        mapped = false;
    }
};

struct Entry {
    int kind;
    Floats floats;
    std::string text;
};

enum Container : uint8_t { OBJECT, ARRAY, TOP };
enum State : uint8_t {
    KEY_OR_END, KEY, COLON, VALUE, COMMA_OR_END,  // objects
    A_VALUE_OR_END, A_VALUE, A_COMMA_OR_END,      // arrays
    T_VALUE, T_AFTER_NUMBER, T_DONE,              // the top level
};
// What a container is in a Vamos document.
enum Role : uint8_t { PLAIN, DOCUMENT, TENSORS, TENSOR, SHAPE, DATA };
// Which member of interest an object is at.
enum Key : uint8_t { K_OTHER, K_TENSORS, K_SHAPE, K_DATA };

struct Level {
    Container container;
    State state;
    Role role;
    Key key;
    // Arrays: where the text starts in `out`, values so far, whether all are scalars that json-c
    // would write back with the same bytes (such a long array becomes one text entry).
    size_t outStart = 0;
    uint64_t count = 0;
    bool flat = true;
};

enum Mode : uint8_t { M_NONE, M_STRING, M_NUMBER, M_LITERAL };

}  // namespace

struct vt_scanner {
    // settings
    bool documents;
    uint64_t maxBytes, maxValues;
    int maxDepth;
    // position
    uint64_t offset = 0, newlines = 0;
    // grammar
    std::vector<Level> levels;
    Mode mode = M_NONE;
    // the string being read
    bool strKey = false;
    size_t strStart = 0;     // its opening quote in `out`
    size_t strChars = 0;     // characters so far (to spot \u0001 first)
    bool strEntry = false;   // becomes a string entry (json-c cannot keep it)
    bool strEscaped = false;
    bool strCanonical = true;  // escapes only as json-c writes them (so the text passes through)
    bool hexUpper = false;
    uint8_t esc = 0;         // 0 none, 1 after '\', 2..5 hex digits read + 2
    uint32_t unit = 0;       // \u code unit being read
    uint8_t wantLow = 0;     // after a high surrogate: 1 expect '\', 2 expect 'u', 3 in its hex
    Utf8State utf8;
    uint64_t utf8At = 0;     // the lead byte of the sequence being read
    std::string keyText;     // the key's raw bytes (to spot "tensors", "shape", "data")
    // the number or literal being read
    std::string token;
    uint64_t numberAt = 0;   // where the number began (errors point there)
    const char *literal = nullptr;
    size_t literalAt = 0;
    // tensors
    std::string tensorName;  // raw text of the current tensor's key
    std::vector<uint64_t> shape;
    bool shapeKnown = false;
    bool shapeGood = false;  // the shape array being read holds only small integers so far
    size_t dataEntry = 0;
    uint64_t dataIndex = 0, dataExpected = 0;
    bool dataBounded = false;
    // output
    std::string out;
    std::vector<Entry> entries;
    // error
    char message[512] = {0};
    uint64_t errorOffset = 0, errorNewlines = 0;
};

namespace {

bool isDigit(uint8_t c) { return c >= '0' && c <= '9'; }
bool isNumberByte(uint8_t c) { return isDigit(c) || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'; }
bool isSpace(uint8_t c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

int fail(vt_scanner *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fail(vt_scanner *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->message, sizeof s->message, fmt, ap);
    va_end(ap);
    s->errorOffset = s->offset;
    s->errorNewlines = s->newlines;
    return VT_ERROR;
}

// "'x'" for printable ASCII, else "byte 0xNN".
const char *describe(uint8_t c, char *buf) {
    if (c >= 0x21 && c < 0x7F) snprintf(buf, 16, "'%c'", c);
    else if (c == ' ') snprintf(buf, 16, "a space");
    else snprintf(buf, 16, "byte 0x%02X", c);
    return buf;
}

// JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
const char *numberProblem(const char *p, size_t n) {
    size_t i = 0;
    if (p[i] == '-') i++;
    if (i == n || !isDigit(p[i])) return "a minus sign must be followed by digits; NaN and Infinity are not JSON";
    if (p[i] == '0') {
        i++;
        if (i < n && isDigit(p[i])) return "leading zeros are not allowed";
    } else {
        while (i < n && isDigit(p[i])) i++;
    }
    if (i < n && p[i] == '.') {
        i++;
        if (i == n || !isDigit(p[i])) return "a decimal point must be followed by digits";
        while (i < n && isDigit(p[i])) i++;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-')) i++;
        if (i == n || !isDigit(p[i])) return "an exponent must have digits";
        while (i < n && isDigit(p[i])) i++;
    }
    if (i != n) return "unexpected characters in a number";
    return nullptr;
}

const char *kindOf(uint8_t c) {
    switch (c) {
    case '"': return "a string";
    case '{': return "an object";
    case '[': return "an array";
    case 't': case 'f': return "a boolean";
    case 'n': return "null";
    default: return "not a value";
    }
}

std::string shapeText(const std::vector<uint64_t> &shape) {
    std::string t = "[";
    for (size_t i = 0; i < shape.size(); i++) {
        if (i) t += ", ";
        t += std::to_string(shape[i]);
    }
    return t + "]";
}

void placeholder(vt_scanner *s, size_t index) {
    s->out += '"';
    s->out += '\x01';
    s->out += std::to_string(index);
    s->out += '"';
}

// A value ended: the container around it moves on.
void valueEnded(vt_scanner *s) {
    Level &l = s->levels.back();
    if (l.container == ARRAY) l.count++;
    switch (l.state) {
    case VALUE: l.state = COMMA_OR_END; break;
    case A_VALUE_OR_END: case A_VALUE: l.state = A_COMMA_OR_END; break;
    case T_VALUE: l.state = T_DONE; break;
    default: break;
    }
}

// A number's text is complete (`p`, `n`).
int numberEnded(vt_scanner *s, const char *p, size_t n) {
    Level &l = s->levels.back();
    if (const char *why = numberProblem(p, n)) {
        fail(s, "'%.*s' is not a JSON number (%s)", int(n < 40 ? n : 40), p, why);
        s->errorOffset = s->numberAt;
        return VT_ERROR;
    }
    if (l.role == DATA) {
        if (s->dataBounded && s->dataIndex >= s->dataExpected) {
            return fail(s, "tensor '%s': shape %s needs %llu values in 'data', found more",
                        s->tensorName.c_str(), shapeText(s->shape).c_str(), (unsigned long long)s->dataExpected);
        }
        if (s->dataIndex >= s->maxValues) {
            return fail(s, "tensor '%s': 'data' holds more than %llu values, the limit (raise it with --max-tensor-elements)",
                        s->tensorName.c_str(), (unsigned long long)s->maxValues);
        }
        Floats &f = s->entries[s->dataEntry].floats;
        if (f.n == f.cap && !f.reserve(f.cap < 1024 ? 1024 : f.cap * 2)) {
            return fail(s, "tensor '%s': out of memory after %llu values", s->tensorName.c_str(), (unsigned long long)f.n);
        }
        if (vt_parse_float(p, n, &f.p[f.n]) != 0) {
            fail(s, "tensor '%s': data[%llu] = %.*s is not a finite float32", s->tensorName.c_str(),
                 (unsigned long long)s->dataIndex, int(n < 40 ? n : 40), p);
            s->errorOffset = s->numberAt;
            return VT_ERROR;
        }
        f.n++;
        s->dataIndex++;
    } else {
        // json-c reads integers as 64-bit numbers and prints them afresh: "-0" would become "0",
        // longer ones would be clamped. Their text goes to json-c as an entry of its own.
        bool integer = true;
        for (size_t i = 0; i < n && integer; i++) integer = p[i] != '.' && p[i] != 'e' && p[i] != 'E';
        if (integer && (n >= 19 || (n == 2 && p[0] == '-' && p[1] == '0'))) {
            if (l.role == SHAPE) s->shapeGood = false;
            if (l.container == ARRAY) l.flat = false;
            size_t index = s->entries.size();
            s->entries.push_back(Entry{VT_ENTRY_NUMBER, {}, std::string(p, n)});
            placeholder(s, index);
            valueEnded(s);
            return VT_MORE;
        }
        if (l.role == SHAPE) {
            bool integer = n <= 18;
            for (size_t i = 0; i < n && integer; i++) integer = isDigit(p[i]);
            if (integer && s->shapeGood && s->shape.size() < 32) s->shape.push_back(std::strtoull(std::string(p, n).c_str(), nullptr, 10));
            else s->shapeGood = false;
        }
        s->out.append(p, n);
    }
    valueEnded(s);
    return VT_MORE;
}

// A container starts with `c` ('{' or '[') as the value expected at the current level.
int open(vt_scanner *s, uint8_t c) {
    if (int(s->levels.size()) > s->maxDepth) {
        return fail(s, "nested deeper than %d levels, the limit", s->maxDepth);
    }
    Level &parent = s->levels.back();
    Role role = PLAIN;
    if (s->documents) {
        if (parent.container == TOP && c == '{') role = DOCUMENT;
        else if (parent.role == DOCUMENT && parent.key == K_TENSORS && c == '{') role = TENSORS;
        else if (parent.role == TENSORS && c == '{') role = TENSOR;
        else if (parent.role == TENSOR && parent.key == K_SHAPE && c == '[') role = SHAPE;
        else if (parent.role == TENSOR && parent.key == K_DATA && c == '[') role = DATA;
    }
    if (parent.container == ARRAY) parent.flat = false;
    size_t outStart = s->out.size();
    if (role == TENSOR) { s->shape.clear(); s->shapeKnown = false; }
    if (role == SHAPE) { s->shape.clear(); s->shapeKnown = false; s->shapeGood = true; }
    if (role == DATA) {
        s->dataEntry = s->entries.size();
        s->entries.push_back(Entry{VT_ENTRY_FLOATS, {}, {}});
        s->dataIndex = 0;
        s->dataBounded = false;
        if (s->shapeKnown) {
            // The shape came first (as Vamos writes it): the count is known before any value.
            uint64_t count = 1;
            bool overflow = false;
            for (uint64_t d : s->shape) {
                if (d != 0 && count > UINT64_MAX / d) overflow = true;
                count *= d;
            }
            if (overflow || count > s->maxValues) {
                if (overflow) {
                    return fail(s, "tensor '%s': shape %s has more values than 64 bits can count", s->tensorName.c_str(), shapeText(s->shape).c_str());
                }
                return fail(s, "tensor '%s': shape %s has %llu values, more than the limit of %llu (raise it with --max-tensor-elements)",
                            s->tensorName.c_str(), shapeText(s->shape).c_str(), (unsigned long long)count, (unsigned long long)s->maxValues);
            }
            s->dataExpected = count;
            s->dataBounded = true;
            if (count > 0 && !s->entries.back().floats.reserve(count)) {
                return fail(s, "tensor '%s': out of memory for %llu values", s->tensorName.c_str(), (unsigned long long)count);
            }
        }
        placeholder(s, s->dataEntry);
    } else {
        s->out += char(c);
    }
    s->levels.push_back(Level{c == '{' ? OBJECT : ARRAY, c == '{' ? KEY_OR_END : A_VALUE_OR_END, role, K_OTHER, outStart, 0, true});
    return VT_MORE;
}

int close(vt_scanner *s, uint8_t c) {
    Level l = s->levels.back();
    s->levels.pop_back();
    if (l.role == DATA) {
        if (s->dataBounded && s->dataIndex < s->dataExpected) {
            // Left for the document's own check, which names both counts.
        }
    } else {
        s->out += char(c);
        if (s->documents && l.container == ARRAY && l.role == PLAIN && l.flat && l.count >= 64) {
            // A long array of scalars (ids, tokens): one text entry, not a json-c object per value.
            size_t index = s->entries.size();
            s->entries.push_back(Entry{VT_ENTRY_ARRAY, {}, s->out.substr(l.outStart)});
            s->out.resize(l.outStart);
            placeholder(s, index);
        }
    }
    if (l.role == SHAPE) s->shapeKnown = s->shapeGood;
    valueEnded(s);
    return VT_MORE;
}

// A string (a key, or a value) starts at its opening quote.
int startString(vt_scanner *s, bool key) {
    s->mode = M_STRING;
    s->strKey = key;
    s->strStart = s->out.size();
    s->strChars = 0;
    s->strEntry = false;
    s->strEscaped = false;
    s->strCanonical = true;
    s->esc = 0;
    s->wantLow = 0;
    if (key) s->keyText.clear();
    s->out += '"';
    return VT_MORE;
}

// A value starts with byte `c` where one is expected.
int valueStart(vt_scanner *s, uint8_t c) {
    Level &l = s->levels.back();
    char d[16];
    if (l.role == SHAPE && !(c == '-' || isDigit(c))) s->shapeGood = false;
    if (l.role == DATA && !(c == '-' || isDigit(c))) {
        if (c == '"' || c == '{' || c == '[' || c == 't' || c == 'f' || c == 'n') {
            return fail(s, "tensor '%s': data[%llu] must be a number, got %s", s->tensorName.c_str(),
                        (unsigned long long)s->dataIndex, kindOf(c));
        }
    }
    switch (c) {
    case '{': case '[':
        return open(s, c);
    case '"':
        return startString(s, false);
    case 't': s->literal = "true"; break;
    case 'f': s->literal = "false"; break;
    case 'n': s->literal = "null"; break;
    default:
        if (c == '-' || isDigit(c)) {
            s->mode = M_NUMBER;
            s->numberAt = s->offset;
            s->token.clear();
            return VT_MORE;
        }
        if (c == '\'') return fail(s, "single quotes are not JSON: strings take double quotes");
        if (c == ']' && l.state == A_VALUE) return fail(s, "a comma before ']' is not JSON (no trailing commas)");
        if (c == 'N' || c == 'I') return fail(s, "expected a value, found %s (NaN and Infinity are not JSON)", describe(c, d));
        if (c == 0xEF && s->offset == 0) {
            return fail(s, "the input starts with a byte order mark (EF BB BF): JSON text must not have one");
        }
        return fail(s, "expected a value, found %s", describe(c, d));
    }
    s->mode = M_LITERAL;
    s->literalAt = 1;
    return VT_MORE;
}

// The string ended at its closing quote (already in `out`).
void stringEnded(vt_scanner *s) {
    Level &l = s->levels.back();
    if ((s->strEntry || !s->strCanonical) && l.container == ARRAY) l.flat = false;
    if (s->strEntry) {
        size_t index = s->entries.size();
        s->entries.push_back(Entry{VT_ENTRY_STRING, {}, s->out.substr(s->strStart)});
        s->out.resize(s->strStart);
        placeholder(s, index);
    }
    if (s->strKey) {
        l.key = K_OTHER;
        if (!s->strEscaped) {
            const std::string &k = s->keyText;
            if (l.role == DOCUMENT && k == "tensors") l.key = K_TENSORS;
            else if (l.role == TENSOR && k == "shape") l.key = K_SHAPE;
            else if (l.role == TENSOR && k == "data") l.key = K_DATA;
        }
        if (l.role == TENSORS) s->tensorName = s->keyText;
        l.state = COLON;
    } else {
        valueEnded(s);
    }
}

// One byte inside a string (after the opening quote).
int stringByte(vt_scanner *s, uint8_t c) {
    char why[160];
    if (s->utf8.need > 0 || c >= 0x80) {
        if (s->esc || s->wantLow == 1 || s->wantLow == 2) {
            // falls through to the escape checks below (a non-ASCII byte there is an error)
        } else {
            bool lead = s->utf8.need == 0;
            if (lead) s->utf8At = s->offset;
            if (utf8_step(s->utf8, c, why, sizeof why)) {
                fail(s, "%s", why);
                s->errorOffset = s->utf8At;  // the sequence, from its first byte
                return VT_ERROR;
            }
            if (s->utf8.need == 0) s->strChars++;
            s->out += char(c);
            if (s->strKey && s->keyText.size() < 256) s->keyText += char(c);
            return VT_MORE;
        }
    }
    if (s->esc == 1) {
        switch (c) {
        case '/':
            s->strCanonical = false;  // json-c writes '/' itself
            [[fallthrough]];
        case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't':
            s->esc = 0;
            s->strChars++;
            break;
        case 'u':
            s->esc = 2;
            s->unit = 0;
            s->hexUpper = false;
            break;
        default: {
            char d[16];
            return fail(s, "invalid escape: '\\' followed by %s (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)", describe(c, d));
        }
        }
        s->out += char(c);
        if (s->strKey && s->keyText.size() < 256) s->keyText += char(c);
        return VT_MORE;
    }
    if (s->esc >= 2) {
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) return fail(s, "invalid \\u escape: four hexadecimal digits expected");
        if (c >= 'A' && c <= 'F') s->hexUpper = true;
        s->unit = s->unit * 16 + uint32_t(v);
        s->out += char(c);
        if (s->strKey && s->keyText.size() < 256) s->keyText += char(c);
        if (++s->esc < 6) return VT_MORE;
        s->esc = 0;
        uint32_t u = s->unit;
        // json-c writes \u00xx (lower-case hex) only for control characters without a short escape.
        if (u >= 0x20 || u == 8 || u == 9 || u == 10 || u == 12 || u == 13 || s->hexUpper) s->strCanonical = false;
        if (s->wantLow == 3) {
            if (u < 0xDC00 || u > 0xDFFF) return fail(s, "unpaired surrogate escape: a high surrogate (\\uD800–\\uDBFF) must be followed by a low one (\\uDC00–\\uDFFF), found \\u%04X", u);
            s->wantLow = 0;
            s->strChars++;
            return VT_MORE;
        }
        if (u >= 0xDC00 && u <= 0xDFFF) return fail(s, "unpaired surrogate escape \\u%04X: a low surrogate must follow a high one", u);
        if (u >= 0xD800 && u <= 0xDBFF) { s->wantLow = 1; return VT_MORE; }
        // json-c keeps U+0000 in values but cuts keys there; a string starting with U+0001 could be
        // taken for a placeholder. Both go to json-c as entries of their own.
        if ((u == 0 && s->strKey) || (u == 1 && s->strChars == 0)) s->strEntry = true;
        s->strChars++;
        return VT_MORE;
    }
    if (s->wantLow == 1 || s->wantLow == 2) {
        if ((s->wantLow == 1 && c != '\\') || (s->wantLow == 2 && c != 'u')) {
            return fail(s, "unpaired surrogate escape: a high surrogate (\\uD800–\\uDBFF) must be followed by a low one (\\uDC00–\\uDFFF)");
        }
        s->out += char(c);
        if (s->strKey && s->keyText.size() < 256) s->keyText += char(c);
        if (s->wantLow == 1) { s->wantLow = 2; return VT_MORE; }
        s->wantLow = 3;
        s->esc = 2;
        s->unit = 0;
        return VT_MORE;
    }
    if (c == '"') {
        s->out += '"';
        s->mode = M_NONE;
        stringEnded(s);
        return VT_MORE;
    }
    if (c == '\\') {
        s->esc = 1;
        s->strEscaped = true;
        s->out += '\\';
        if (s->strKey && s->keyText.size() < 256) s->keyText += '\\';
        return VT_MORE;
    }
    if (c < 0x20) {
        if (c == '\n') { return fail(s, "a raw line break inside a string (write it as \\n); is a closing quote missing?"); }
        if (c == '\t') return fail(s, "a raw tab inside a string (write it as \\t)");
        return fail(s, "a raw control character U+%04X inside a string (write it as \\u%04X)", c, c);
    }
    s->strChars++;
    s->out += char(c);
    if (s->strKey && s->keyText.size() < 256) s->keyText += char(c);
    return VT_MORE;
}

// One byte between tokens.
int structural(vt_scanner *s, uint8_t c) {
    Level &l = s->levels.back();
    char d[16];
    switch (l.state) {
    case KEY_OR_END: case KEY:
        if (c == '"') return startString(s, true);
        if (c == '}' && l.state == KEY_OR_END) return close(s, c);
        if (c == '}') return fail(s, "a comma before '}' is not JSON (no trailing commas)");
        if (c == '\'') return fail(s, "single quotes are not JSON: keys take double quotes");
        return fail(s, "expected a key (a string in double quotes), found %s", describe(c, d));
    case COLON:
        if (c == ':') { s->out += ':'; l.state = VALUE; return VT_MORE; }
        return fail(s, "expected ':' after an object's key, found %s", describe(c, d));
    case COMMA_OR_END:
        if (c == ',') { s->out += ','; l.state = KEY; return VT_MORE; }
        if (c == '}') return close(s, c);
        return fail(s, "expected ',' or '}' after a value in an object, found %s", describe(c, d));
    case A_COMMA_OR_END:
        if (c == ',') { if (l.role != DATA) s->out += ','; l.state = A_VALUE; return VT_MORE; }
        if (c == ']') return close(s, c);
        return fail(s, "expected ',' or ']' after a value in an array, found %s", describe(c, d));
    case A_VALUE_OR_END:
        if (c == ']') return close(s, c);
        return valueStart(s, c);
    case VALUE: case A_VALUE: case T_VALUE:
        return valueStart(s, c);
    default:
        return fail(s, "internal error: no value expected");
    }
}

// The hot loop of a data array: numbers and commas, as long as they are whole in this chunk.
size_t dataRun(vt_scanner *s, const uint8_t *p, size_t n, size_t i, int *rc) {
    Level &l = s->levels.back();
    Floats &f = s->entries[s->dataEntry].floats;
    while (i < n) {
        uint8_t c = p[i];
        if (l.state == A_COMMA_OR_END) {
            if (c == ',') { l.state = A_VALUE; i++; s->offset++; continue; }
            if (c == ']' || !isSpace(c)) return i;
            if (c == '\n') s->newlines++;
            i++; s->offset++;
            continue;
        }
        if (isSpace(c)) {
            if (c == '\n') s->newlines++;
            i++; s->offset++;
            continue;
        }
        if (!(c == '-' || isDigit(c))) return i;
        size_t j = i;
        while (j < n && isNumberByte(p[j])) j++;
        if (j == n) return i;  // may go on in the next chunk
        const char *t = reinterpret_cast<const char *>(p + i);
        size_t len = j - i;
        // The common case in one go; anything unusual goes the general way (numberEnded).
        if (f.n < f.cap && s->dataIndex < s->maxValues && (!s->dataBounded || s->dataIndex < s->dataExpected)
            && !numberProblem(t, len) && vt_parse_float(t, len, &f.p[f.n]) == 0) {
            f.n++;
            s->dataIndex++;
            l.state = A_COMMA_OR_END;
            s->offset += len;
            i = j;
            continue;
        }
        s->token.assign(t, len);
        s->numberAt = s->offset;
        *rc = numberEnded(s, s->token.data(), len);
        if (*rc == VT_ERROR) return i;
        s->offset += len;
        i = j;
    }
    return i;
}

}  // namespace

extern "C" {

vt_scanner *vt_scanner_new(int documents, uint64_t maxBytes, uint64_t maxValues, int maxDepth) {
    vt_scanner *s = new (std::nothrow) vt_scanner();
    if (!s) return nullptr;
    s->documents = documents != 0;
    s->maxBytes = maxBytes;
    s->maxValues = maxValues;
    s->maxDepth = maxDepth;
    vt_scanner_reset(s);
    return s;
}

void vt_scanner_free(vt_scanner *s) {
    if (!s) return;
    vt_scanner_reset(s);
    delete s;
}

void vt_scanner_reset(vt_scanner *s) {
    for (Entry &e : s->entries) e.floats.release();
    s->entries.clear();
    if (s->out.capacity() > (1 << 20)) std::string().swap(s->out); else s->out.clear();
    s->levels.clear();
    s->levels.push_back(Level{TOP, T_VALUE, PLAIN, K_OTHER});
    s->mode = M_NONE;
    s->offset = 0;
    s->newlines = 0;
    s->shape.clear();
    s->shapeKnown = false;
    s->tensorName.clear();
    s->message[0] = 0;
}

int vt_scanner_feed(vt_scanner *s, const uint8_t *p, size_t n, size_t *consumed) {
    size_t i = 0;
    int rc = VT_MORE;
    size_t limit = n;
    bool capped = false;
    if (s->offset + n > s->maxBytes) {
        limit = s->offset < s->maxBytes ? size_t(s->maxBytes - s->offset) : 0;
        capped = true;
    }
    while (i < limit) {
        Level &l = s->levels.back();
        if (s->mode == M_NONE && l.role == DATA) {
            i = dataRun(s, p, limit, i, &rc);
            if (rc == VT_ERROR) break;
            if (i == limit) break;
        }
        uint8_t c = p[i];
        switch (s->mode) {
        case M_STRING:
            rc = stringByte(s, c);
            break;
        case M_NUMBER:
            if (isNumberByte(c)) {
                if (s->token.size() >= (1 << 20)) { rc = fail(s, "a number longer than 1 MiB"); break; }
                s->token += char(c);
                s->offset++;
                i++;
                continue;
            }
            s->mode = M_NONE;
            rc = numberEnded(s, s->token.data(), s->token.size());
            if (rc == VT_ERROR) break;
            if (s->levels.back().state == T_DONE) { *consumed = i; return VT_DONE; }
            continue;  // the byte that ended the number is read again
        case M_LITERAL:
            if (c != uint8_t(s->literal[s->literalAt])) {
                rc = fail(s, "invalid literal: expected '%s'", s->literal);
                break;
            }
            if (s->literal[++s->literalAt] == 0) {
                s->mode = M_NONE;
                if (l.role == DATA) { rc = fail(s, "internal error: literal in data"); break; }
                s->out += s->literal;
                valueEnded(s);
            }
            break;
        case M_NONE:
            if (isSpace(c)) {
                if (c == '\n') s->newlines++;
                break;
            }
            if (s->levels.back().state == T_DONE) { *consumed = i; return VT_DONE; }
            rc = structural(s, c);
            if (s->mode == M_NUMBER && rc != VT_ERROR) s->token += char(c);
            break;
        }
        if (rc == VT_ERROR) break;
        s->offset++;
        i++;
        if (s->mode == M_NONE && s->levels.size() == 1 && s->levels.back().state == T_DONE) {
            *consumed = i;
            return VT_DONE;
        }
    }
    *consumed = i;
    if (rc == VT_ERROR) return VT_ERROR;
    if (capped && i == limit) {
        return fail(s, "the document is longer than %llu bytes, the limit (raise it with --max-document-bytes)",
                    (unsigned long long)s->maxBytes);
    }
    return VT_MORE;
}

int vt_scanner_finish(vt_scanner *s) {
    if (s->mode == M_NUMBER && s->levels.size() == 1) {
        s->mode = M_NONE;
        if (numberEnded(s, s->token.data(), s->token.size()) == VT_ERROR) return VT_ERROR;
    }
    if (s->levels.size() == 1 && s->levels.back().state == T_DONE) return VT_DONE;
    return fail(s, "truncated JSON: the input ends inside a document");
}

const char *vt_error_message(const vt_scanner *s) { return s->message; }
uint64_t vt_error_offset(const vt_scanner *s) { return s->errorOffset; }
uint64_t vt_error_newlines(const vt_scanner *s) { return s->errorNewlines; }
uint64_t vt_newlines(const vt_scanner *s) { return s->newlines; }

const uint8_t *vt_reduced_text(const vt_scanner *s, size_t *length) {
    *length = s->out.size();
    return reinterpret_cast<const uint8_t *>(s->out.data());
}

size_t vt_entry_count(const vt_scanner *s) { return s->entries.size(); }
int vt_entry_kind(const vt_scanner *s, size_t i) { return s->entries[i].kind; }
const uint8_t *vt_entry_text(const vt_scanner *s, size_t i, size_t *length) {
    *length = s->entries[i].text.size();
    return reinterpret_cast<const uint8_t *>(s->entries[i].text.data());
}
size_t vt_entry_float_count(const vt_scanner *s, size_t i) { return s->entries[i].floats.n; }

void vt_entry_take_floats(vt_scanner *s, size_t i, float *dst) {
    Floats &f = s->entries[i].floats;
    if (!f.mapped) {
        if (f.n) std::memcpy(dst, f.p, f.n * sizeof(float));
    } else {
        // Copy a chunk, give its pages back, go on: the values are never in memory twice.
        const size_t page = size_t(sysconf(_SC_PAGESIZE));
        const size_t chunk = (1 << 20) / sizeof(float);
        char *base = reinterpret_cast<char *>(f.p);
        size_t released = 0;
        for (size_t at = 0; at < f.n; at += chunk) {
            size_t m = f.n - at < chunk ? f.n - at : chunk;
            std::memcpy(dst + at, f.p + at, m * sizeof(float));
            size_t done = ((at + m) * sizeof(float)) / page * page;
            if (done > released) {
                madvise(base + released, done - released, MADV_DONTNEED);
                released = done;
            }
        }
    }
    f.release();
}

long vt_check_utf8(const uint8_t *p, size_t n, char *why, size_t whylen) {
    Utf8State u;
    size_t lead = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80 && u.need == 0) continue;
        if (u.need == 0) lead = i;
        if (utf8_step(u, p[i], why, whylen)) return long(lead);
    }
    if (u.need > 0) {
        snprintf(why, whylen, "invalid UTF-8: the sequence started by %02X is cut short by the end of the text", u.lead);
        return long(n);
    }
    return -1;
}

}  // extern "C"
