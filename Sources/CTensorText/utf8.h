// UTF-8 as Unicode defines it (Table 3-7): no overlong forms, no surrogates (U+D800–DFFF), nothing
// above U+10FFFF. One byte at a time, so that a sequence may be split across reads.
#ifndef VAMOS_UTF8_H
#define VAMOS_UTF8_H

#include <stdint.h>
#include <stdio.h>

struct Utf8State {
    uint8_t need = 0;        // continuation bytes still to come
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the next one
    uint8_t lead = 0;        // the sequence's first byte, for messages
};

/// Feeds one byte ≥ 0x80 (or any byte while a sequence is open). Returns nullptr when fine, else
/// writes a reason to `why`.
static inline const char *utf8_step(Utf8State &u, uint8_t c, char *why, size_t whylen) {
    if (u.need > 0) {
        if (c < u.lo || c > u.hi) {
            if (u.lead == 0xED && c >= 0xA0 && c <= 0xBF)
                snprintf(why, whylen, "invalid UTF-8: ED %02X is a UTF-16 surrogate encoded as bytes", c);
            else if ((u.lead == 0xE0 && c < 0xA0) || (u.lead == 0xF0 && c < 0x90))
                snprintf(why, whylen, "invalid UTF-8: %02X %02X is an overlong encoding", u.lead, c);
            else if (u.lead == 0xF4 && c >= 0x90)
                snprintf(why, whylen, "invalid UTF-8: F4 %02X is beyond U+10FFFF", c);
            else
                snprintf(why, whylen, "invalid UTF-8: the sequence started by %02X is cut short by %02X", u.lead, c);
            return why;
        }
        u.need--;
        u.lo = 0x80;
        u.hi = 0xBF;
        return nullptr;
    }
    u.lead = c;
    u.lo = 0x80;
    u.hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) u.need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        u.need = 2;
        if (c == 0xE0) u.lo = 0xA0;
        if (c == 0xED) u.hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        u.need = 3;
        if (c == 0xF0) u.lo = 0x90;
        if (c == 0xF4) u.hi = 0x8F;
    } else {
        if (c == 0xC0 || c == 0xC1) snprintf(why, whylen, "invalid UTF-8: %02X starts an overlong encoding", c);
        else if (c >= 0xF5) snprintf(why, whylen, "invalid UTF-8: byte %02X never occurs in UTF-8", c);
        else snprintf(why, whylen, "invalid UTF-8: continuation byte %02X without a lead byte", c);
        return why;
    }
    return nullptr;
}

#endif
