// float32 ⇄ JSON text. Digits from the C++ library (std::to_chars: the shortest digits that read
// back as the same float32, the closest of them to the value; std::from_chars: one correct
// rounding), laid out as Swift's Float.description, which Vamos wrote before this fast path and
// still writes everywhere else: scripts/check-float-text.swift compares the two on all 2^32 bit
// patterns, FloatTextTests on a million random ones.
#include "tensor_text.h"

#include <charconv>
#include <cstdlib>
#include <cstring>

extern "C" int vt_format_float(float v, char *out) {
    // d.ddddde±XX: the digits and the decimal exponent.
    char sci[32];
    auto r = std::to_chars(sci, sci + sizeof sci, v, std::chars_format::scientific);
    *r.ptr = 0;
    const char *p = sci, *end = r.ptr;
    char *o = out;
    bool negative = *p == '-';
    if (negative) p++;
    char digits[12];
    int count = 0;
    while (p < end && *p != 'e') {
        if (*p != '.') digits[count++] = *p;
        p++;
    }
    int e10 = std::atoi(p + 1);  // value = d.ddd × 10^e10
    if (negative) *o++ = '-';
    if (count == 1 && digits[0] == '0') {  // ±0
        std::memcpy(o, "0.0", 3);
        return int(o - out) + 3;
    }
    // Swift: value = 0.ddd × 10^exponent; exponential when exponent < -3 or |v| > 2^24.
    int exponent = e10 + 1;
    float magnitude = v < 0 ? -v : v;
    if (exponent < -3 || magnitude > 16777216.0f) {
        *o++ = digits[0];
        if (count > 1) {
            *o++ = '.';
            std::memcpy(o, digits + 1, count - 1);
            o += count - 1;
        }
        *o++ = 'e';
        int x = e10;
        *o++ = x < 0 ? '-' : '+';
        if (x < 0) x = -x;
        if (x >= 100) { *o++ = char('0' + x / 100); x %= 100; *o++ = char('0' + x / 10); *o++ = char('0' + x % 10); }
        else { *o++ = char('0' + x / 10); *o++ = char('0' + x % 10); }
    } else if (exponent <= 0) {  // 0.000ddd
        *o++ = '0';
        *o++ = '.';
        for (int i = 0; i < -exponent; i++) *o++ = '0';
        std::memcpy(o, digits, count);
        o += count;
    } else if (exponent < count) {  // dd.ddd
        std::memcpy(o, digits, exponent);
        o += exponent;
        *o++ = '.';
        std::memcpy(o, digits + exponent, count - exponent);
        o += count - exponent;
    } else {  // ddd000.0
        std::memcpy(o, digits, count);
        o += count;
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
            std::memcpy(o, sep, seplen);
            o += seplen;
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
