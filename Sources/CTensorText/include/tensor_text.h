// Tensor text: the fast path for big numeric arrays in Vamos documents, and the strict reader
// in front of json-c (docs/FORMAT.md §4 and §10).
//
// - vt_format_float / vt_parse_float: float32 ⇄ its JSON text, exactly (shortest round-trip digits
//   laid out as Swift's Float.description; text rounded once, correctly, to float32).
// - vt_scanner: reads a document from chunks of bytes as they arrive, checks it against RFC 8259
//   and UTF-8 (strictly: what json-c lets through is refused here), parses every
//   `tensors.NAME.data` array straight into float32, and hands json-c a reduced text where each
//   such array (and each rare string json-c cannot keep intact) is a placeholder.
#ifndef VAMOS_TENSOR_TEXT_H
#define VAMOS_TENSOR_TEXT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Longest text vt_format_float writes ("-1.2345678e-38" is 14 bytes).
#define VT_FLOAT_TEXT_MAX 16

/// Writes the shortest text that reads back as `v` (finite), laid out as Swift's
/// `Float.description`: "0.1", "100000.0", "1e-05", "3.4028235e+38". Returns its length.
int vt_format_float(float v, char *out);

/// Writes `n` floats separated by `sep` (`seplen` bytes); `out` holds at least
/// n * (VT_FLOAT_TEXT_MAX + seplen) bytes. Returns the bytes written.
size_t vt_format_floats(const float *x, size_t n, const char *sep, size_t seplen, char *out);

/// Pieces of float arrays to format at once on the kernels' worker threads (each job writes its
/// own buffer, so the text never depends on the threads): `count` values from `values`,
/// separated by `sep`, into `out` (room for count * (VT_FLOAT_TEXT_MAX + seplen) bytes); the
/// length written goes to `length`.
typedef struct {
    const float *values;
    size_t count;
    const char *sep;
    size_t seplen;
    char *out;
    size_t length;
} vt_format_job;
void vt_format_jobs(vt_format_job *jobs, int n);

/// Reads the text of a JSON number (already checked against JSON's grammar) as float32, rounding
/// once. Returns 0 when finite (underflow gives ±0 or a subnormal), 1 when beyond float32's range,
/// -1 when the text is not a number.
int vt_parse_float(const char *text, size_t n, float *out);

/// Writes `n` bytes as a JSON string, quotes included, escaped exactly as json-c escapes them
/// (so text written this way is the text json-c would write). `out` holds 6n + 2 bytes.
size_t vt_escape_string(const uint8_t *p, size_t n, char *out);

/// Checks that `n` bytes are UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
/// Returns -1 when they are, else the offset of the first bad byte and a reason in `why`.
long vt_check_utf8(const uint8_t *p, size_t n, char *why, size_t whylen);

typedef struct vt_scanner vt_scanner;

enum {
    VT_MORE = 0,    // every byte consumed, the document goes on
    VT_DONE = 1,    // the document is complete; *consumed says where it ended
    VT_ERROR = 2,   // vt_error_message / vt_error_offset say what and where
};

/// `documents`: 1 for Vamos documents (tensors.NAME.data arrays become float32), 0 for any JSON
/// (configs, vocabularies). Limits: bytes of one document, values of one tensor, nesting depth.
vt_scanner *vt_scanner_new(int documents, uint64_t max_bytes, uint64_t max_tensor_values, int max_depth);
void vt_scanner_free(vt_scanner *s);
/// Forgets the last document (keeps small buffers for the next one).
void vt_scanner_reset(vt_scanner *s);

/// Feeds the next bytes of the current document; `consumed` says how many were used.
int vt_scanner_feed(vt_scanner *s, const uint8_t *p, size_t n, size_t *consumed);
/// The input ended: completes a top-level number, or reports the truncation.
int vt_scanner_finish(vt_scanner *s);

const char *vt_error_message(const vt_scanner *s);
/// Offset of the offending byte from the document's first byte, and newlines before it.
uint64_t vt_error_offset(const vt_scanner *s);
uint64_t vt_error_newlines(const vt_scanner *s);
/// Newlines inside the document so far.
uint64_t vt_newlines(const vt_scanner *s);

/// The reduced text for json-c (valid JSON; white space outside strings dropped).
const uint8_t *vt_reduced_text(const vt_scanner *s, size_t *length);

/// Placeholders: a JSON string (key or value) whose text starts with the byte 0x01 followed by
/// the decimal index of an entry. 0x01 cannot start a string of a checked document (a raw control
/// character is refused, and a string whose first character is the escape \u0001 is itself made
/// an entry), so a placeholder is never mistaken for the document's own text.
size_t vt_entry_count(const vt_scanner *s);
enum { VT_ENTRY_FLOATS = 0, VT_ENTRY_STRING = 1, VT_ENTRY_ARRAY = 2, VT_ENTRY_NUMBER = 3 };
int vt_entry_kind(const vt_scanner *s, size_t i);
/// A string entry: the string's own JSON text, quotes and escapes included (json-c decodes it).
/// A number entry: an integer json-c would not print back as written ("-0", 19 digits or more).
/// An array entry (documents only): a long flat array of scalars, as JSON text without white
/// space, whose strings use only the escapes json-c writes (so it can be written back as it is).
const uint8_t *vt_entry_text(const vt_scanner *s, size_t i, size_t *length);
/// A float entry: how many values.
size_t vt_entry_float_count(const vt_scanner *s, size_t i);
/// Moves a float entry's values into `dst` (vt_entry_float_count of them), releasing the
/// scanner's memory as it goes so that the values are never held twice.
void vt_entry_take_floats(vt_scanner *s, size_t i, float *dst);

#ifdef __cplusplus
}
#endif

#endif
