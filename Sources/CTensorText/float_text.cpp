// float32 ⇄ JSON text. Writing: the shortest digits that read back as the same float32, the
// closest of them to the value (Ryu, below: the digits of std::to_chars); reading: std::from_chars,
// one correct rounding. Laid out as Swift's Float.description, which Vamos wrote before this fast path and
// still writes everywhere else: scripts/check-float-text.swift compares the two on all 2^32 bit
// patterns, FloatTextTests on a million random ones.
#include "tensor_text.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

// The shortest digits: Ryu (Ulf Adams, "Ryū: fast float-to-string conversion", PLDI 2018), its
// float32 path (f2s) — the digits std::to_chars gives, about four times faster. The two tables
// are computed once, exactly, with 128-bit integers.
namespace {

constexpr int kPow5InvBits = 59, kPow5Bits = 61;
uint64_t pow5InvSplit[31], pow5Split[48];

int32_t pow5bits(int32_t e) { return int32_t((uint32_t(e) * 1217359) >> 19) + 1; }
uint32_t log10Pow2(int32_t e) { return (uint32_t(e) * 78913) >> 18; }
uint32_t log10Pow5(int32_t e) { return (uint32_t(e) * 732923) >> 20; }

bool tables() {
    unsigned __int128 p = 1;
    for (int i = 0; i < 48; i++) {
        int bits = pow5bits(i);
        pow5Split[i] = uint64_t(bits >= kPow5Bits ? p >> (bits - kPow5Bits) : p << (kPow5Bits - bits));
        if (i < 31) {
            int k = bits - 1 + kPow5InvBits;  // ≤ 128
            unsigned __int128 q = k < 128 ? ((unsigned __int128)1 << k) / p : ~(unsigned __int128)0 / p;
            pow5InvSplit[i] = uint64_t(q) + 1;
        }
        p *= 5;
    }
    return true;
}
const bool tablesReady = tables();

uint32_t mulShift32(uint32_t m, uint64_t factor, int32_t shift) {
    uint64_t bits0 = uint64_t(m) * uint32_t(factor);
    uint64_t bits1 = uint64_t(m) * uint32_t(factor >> 32);
    uint64_t sum = (bits0 >> 32) + bits1;
    return uint32_t(sum >> (shift - 32));
}

uint32_t pow5Factor(uint32_t v) {
    uint32_t count = 0;
    while (v % 5 == 0) { v /= 5; count++; }
    return count;
}

// value = mantissa × 10^exponent, the shortest such that reads back as the float.
void shortest(uint32_t ieeeMantissa, uint32_t ieeeExponent, uint32_t *mantissa, int32_t *exponent) {
    int32_t e2;
    uint32_t m2;
    if (ieeeExponent == 0) {
        e2 = 1 - 127 - 23 - 2;
        m2 = ieeeMantissa;
    } else {
        e2 = int32_t(ieeeExponent) - 127 - 23 - 2;
        m2 = (1u << 23) | ieeeMantissa;
    }
    const bool acceptBounds = (m2 & 1) == 0;
    const uint32_t mv = 4 * m2, mp = 4 * m2 + 2;
    const uint32_t mmShift = ieeeMantissa != 0 || ieeeExponent <= 1;
    const uint32_t mm = 4 * m2 - 1 - mmShift;
    uint32_t vr, vp, vm;
    int32_t e10;
    bool vmIsTrailingZeros = false, vrIsTrailingZeros = false;
    uint8_t lastRemovedDigit = 0;
    if (e2 >= 0) {
        const uint32_t q = log10Pow2(e2);
        e10 = int32_t(q);
        const int32_t k = kPow5InvBits + pow5bits(int32_t(q)) - 1;
        const int32_t i = -e2 + int32_t(q) + k;
        vr = mulShift32(mv, pow5InvSplit[q], i);
        vp = mulShift32(mp, pow5InvSplit[q], i);
        vm = mulShift32(mm, pow5InvSplit[q], i);
        if (q != 0 && (vp - 1) / 10 <= vm / 10) {
            const int32_t l = kPow5InvBits + pow5bits(int32_t(q - 1)) - 1;
            lastRemovedDigit = uint8_t(mulShift32(mv, pow5InvSplit[q - 1], -e2 + int32_t(q) - 1 + l) % 10);
        }
        if (q <= 9) {
            if (mv % 5 == 0) vrIsTrailingZeros = pow5Factor(mv) >= q;
            else if (acceptBounds) vmIsTrailingZeros = pow5Factor(mm) >= q;
            else vp -= pow5Factor(mp) >= q;
        }
    } else {
        const uint32_t q = log10Pow5(-e2);
        e10 = int32_t(q) + e2;
        const int32_t i = -e2 - int32_t(q);
        const int32_t k = pow5bits(i) - kPow5Bits;
        int32_t j = int32_t(q) - k;
        vr = mulShift32(mv, pow5Split[i], j);
        vp = mulShift32(mp, pow5Split[i], j);
        vm = mulShift32(mm, pow5Split[i], j);
        if (q != 0 && (vp - 1) / 10 <= vm / 10) {
            j = int32_t(q) - 1 - (pow5bits(i + 1) - kPow5Bits);
            lastRemovedDigit = uint8_t(mulShift32(mv, pow5Split[i + 1], j) % 10);
        }
        if (q <= 1) {
            vrIsTrailingZeros = true;
            if (acceptBounds) vmIsTrailingZeros = mmShift == 1;
            else --vp;
        } else if (q < 31) {
            vrIsTrailingZeros = (mv & ((1u << (q - 1)) - 1)) == 0;
        }
    }
    int32_t removed = 0;
    uint32_t output;
    if (vmIsTrailingZeros || vrIsTrailingZeros) {
        while (vp / 10 > vm / 10) {
            vmIsTrailingZeros &= vm % 10 == 0;
            vrIsTrailingZeros &= lastRemovedDigit == 0;
            lastRemovedDigit = uint8_t(vr % 10);
            vr /= 10; vp /= 10; vm /= 10;
            ++removed;
        }
        if (vmIsTrailingZeros) {
            while (vm % 10 == 0) {
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = uint8_t(vr % 10);
                vr /= 10; vp /= 10; vm /= 10;
                ++removed;
            }
        }
        if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0) lastRemovedDigit = 4;  // round half to even
        output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5);
    } else {
        while (vp / 10 > vm / 10) {
            lastRemovedDigit = uint8_t(vr % 10);
            vr /= 10; vp /= 10; vm /= 10;
            ++removed;
        }
        output = vr + (vr == vm || lastRemovedDigit >= 5);
    }
    *mantissa = output;
    *exponent = e10 + removed;
}

}  // namespace

extern "C" int vt_format_float(float v, char *out) {
    uint32_t bits;
    std::memcpy(&bits, &v, 4);
    char *o = out;
    if (bits >> 31) *o++ = '-';
    const uint32_t ieeeMantissa = bits & ((1u << 23) - 1), ieeeExponent = (bits >> 23) & 0xFF;
    if (ieeeMantissa == 0 && ieeeExponent == 0) {  // ±0
        std::memcpy(o, "0.0", 3);
        return int(o - out) + 3;
    }
    uint32_t m;
    int32_t e;
    shortest(ieeeMantissa, ieeeExponent, &m, &e);
    // The digits, two at a time (at most 9 for float32).
    static const char pairs[] =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
        "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    char digits[12];
    int count = 0;
    char *end = digits + 12, *q = end;
    uint32_t t = m;
    while (t >= 100) {
        uint32_t r = t % 100;
        t /= 100;
        q -= 2;
        q[0] = pairs[2 * r];
        q[1] = pairs[2 * r + 1];
    }
    if (t >= 10) {
        q -= 2;
        q[0] = pairs[2 * t];
        q[1] = pairs[2 * t + 1];
    } else {
        *--q = char('0' + t);
    }
    count = int(end - q);
    const char *d = q;
    // Swift: value = 0.ddd × 10^exponent; exponential when exponent < -3 or |v| > 2^24.
    const int exponent = e + count;
    const int e10 = exponent - 1;  // value = d.ddd × 10^e10
    if (exponent < -3 || (ieeeExponent > 127 + 24) || (ieeeExponent == 127 + 24 && ieeeMantissa != 0)) {
        *o++ = d[0];
        if (count > 1) {
            *o++ = '.';
            for (int i = 1; i < count; i++) *o++ = d[i];
        }
        *o++ = 'e';
        int x = e10;
        *o++ = x < 0 ? '-' : '+';
        if (x < 0) x = -x;
        *o++ = pairs[2 * x];
        *o++ = pairs[2 * x + 1];
    } else if (exponent <= 0) {  // 0.000ddd
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -exponent; i++) *o++ = '0';
        for (int i = 0; i < count; i++) *o++ = d[i];
    } else if (exponent < count) {  // dd.ddd
        for (int i = 0; i < exponent; i++) *o++ = d[i];
        *o++ = '.';
        for (int i = exponent; i < count; i++) *o++ = d[i];
    } else {  // ddd000.0
        for (int i = 0; i < count; i++) *o++ = d[i];
        for (int i = count; i < exponent; i++) *o++ = '0';
        *o++ = '.';
        *o++ = '0';
    }
    return int(o - out);
}

extern "C" size_t vt_format_floats(const float *x, size_t n, const char *sep, size_t seplen, char *out) {
    char *o = out;
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            if (seplen == 1) *o++ = sep[0];
            else { std::memcpy(o, sep, seplen); o += seplen; }
        }
        o += vt_format_float(x[i], o);
    }
    return size_t(o - out);
}

extern "C" int vt_parse_float(const char *text, size_t n, float *out) {
    float v = 0;
    auto r = std::from_chars(text, text + n, v);
    if (r.ec == std::errc() && r.ptr == text + n) {
        *out = v;
        return 0;
    }
    if (r.ec != std::errc::result_out_of_range || r.ptr != text + n) return -1;
    // Out of range: the C library says which way (±0 or a subnormal for underflow, ±HUGE_VALF
    // when the text rounds past float32's largest value); it rounds correctly too, only slower.
    char small[64];
    char *copy = n < sizeof small ? small : static_cast<char *>(std::malloc(n + 1));
    if (!copy) return 1;
    std::memcpy(copy, text, n);
    copy[n] = 0;
    v = std::strtof(copy, nullptr);
    if (copy != small) std::free(copy);
    if (v - v != 0) return 1;  // ±inf
    *out = v;
    return 0;
}

extern "C" size_t vt_escape_string(const uint8_t *p, size_t n, char *out) {
    // As json-c's json_escape_str with JSON_C_TO_STRING_NOSLASHESCAPE: the short escapes, \u00xx
    // (lower-case hex) for the other control characters, every other byte as it is.
    static const char hex[] = "0123456789abcdef";
    char *o = out;
    *o++ = '"';
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        switch (c) {
        case '"': *o++ = '\\'; *o++ = '"'; break;
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\b': *o++ = '\\'; *o++ = 'b'; break;
        case '\f': *o++ = '\\'; *o++ = 'f'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        default:
            if (c < 0x20) {
                std::memcpy(o, "\\u00", 4);
                o[4] = hex[c >> 4];
                o[5] = hex[c & 15];
                o += 6;
            } else {
                *o++ = char(c);
            }
        }
    }
    *o++ = '"';
    return size_t(o - out);
}

