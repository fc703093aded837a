// A small C interface to the SentencePiece C++ library (Debian's libsentencepiece-dev), so that
// Swift can call it: load a model, encode text to pieces, decode pieces to text, read the piece table.
// Every function has C linkage; strings are UTF-8 byte ranges (pointer + length, not NUL-terminated).
#ifndef VAMOS_SPM_SHIM_H
#define VAMOS_SPM_SHIM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct spm_processor spm_processor;

/// A list of pieces: `count` byte strings laid end to end in `bytes`; piece i is
/// `bytes[offsets[i] ..< offsets[i + 1]]` (`offsets` has count + 1 entries).
typedef struct {
    char *bytes;
    size_t *offsets;
    size_t count;
} spm_pieces;

/// Loads a model file (`source.spm`). NULL on failure, with the library's message in `error`.
spm_processor *spm_load(const char *path, char *error, size_t error_size);
void spm_free(spm_processor *p);

/// `SentencePieceProcessor::Encode(text, &pieces)`: the pieces of `text`, as `encode(text, out_type=str)`
/// gives them in Python. Returns 0 on success (free `out` with `spm_pieces_free`), -1 with a message.
int spm_encode_pieces(const spm_processor *p, const char *text, size_t length, spm_pieces *out,
                      char *error, size_t error_size);
void spm_pieces_free(spm_pieces *pieces);

/// `SentencePieceProcessor::Decode(pieces, &text)`, as `decode_pieces(pieces)` in Python. Returns 0 on
/// success with a malloc'ed (NUL-terminated) `*text` of `*text_length` bytes (free with `spm_string_free`).
int spm_decode_pieces(const spm_processor *p, const char *const *pieces, const size_t *lengths, size_t count,
                      char **text, size_t *text_length, char *error, size_t error_size);
void spm_string_free(char *text);

/// The number of pieces in the model.
int spm_piece_size(const spm_processor *p);
/// Piece `id` (0 ≤ id < spm_piece_size), NUL-terminated, owned by the processor; NULL when out of range.
const char *spm_id_to_piece(const spm_processor *p, int id);
/// 1 for a normal piece (not unknown, control, unused or byte), 0 otherwise.
int spm_is_normal(const spm_processor *p, int id);

#ifdef __cplusplus
}
#endif

#endif
