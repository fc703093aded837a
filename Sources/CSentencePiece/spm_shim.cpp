// The C interface of spm_shim.h over sentencepiece::SentencePieceProcessor.
#include "spm_shim.h"

#include <sentencepiece_processor.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

struct spm_processor {
    sentencepiece::SentencePieceProcessor processor;
    std::vector<std::string> pieces;  // IdToPiece(id) for every id, so the C strings stay valid
};

static void set_error(char *error, size_t size, const std::string &message) {
    if (error == nullptr || size == 0) return;
    size_t n = message.size() < size - 1 ? message.size() : size - 1;
    std::memcpy(error, message.data(), n);
    error[n] = 0;
}

extern "C" spm_processor *spm_load(const char *path, char *error, size_t error_size) {
    auto *p = new (std::nothrow) spm_processor();
    if (p == nullptr) {
        set_error(error, error_size, "out of memory");
        return nullptr;
    }
    const auto status = p->processor.Load(path);
    if (!status.ok()) {
        set_error(error, error_size, status.ToString());
        delete p;
        return nullptr;
    }
    const int n = p->processor.GetPieceSize();
    p->pieces.reserve(n);
    for (int i = 0; i < n; ++i) p->pieces.push_back(p->processor.IdToPiece(i));
    return p;
}

extern "C" void spm_free(spm_processor *p) { delete p; }

extern "C" int spm_encode_pieces(const spm_processor *p, const char *text, size_t length, spm_pieces *out,
                                 char *error, size_t error_size) {
    std::vector<std::string> pieces;
    const auto status = p->processor.Encode(std::string_view(text, length), &pieces);
    if (!status.ok()) {
        set_error(error, error_size, status.ToString());
        return -1;
    }
    size_t total = 0;
    for (const auto &s : pieces) total += s.size();
    out->count = pieces.size();
    out->bytes = static_cast<char *>(std::malloc(total + 1));
    out->offsets = static_cast<size_t *>(std::malloc((pieces.size() + 1) * sizeof(size_t)));
    if (out->bytes == nullptr || out->offsets == nullptr) {
        std::free(out->bytes);
        std::free(out->offsets);
        set_error(error, error_size, "out of memory");
        return -1;
    }
    size_t at = 0;
    for (size_t i = 0; i < pieces.size(); ++i) {
        out->offsets[i] = at;
        std::memcpy(out->bytes + at, pieces[i].data(), pieces[i].size());
        at += pieces[i].size();
    }
    out->offsets[pieces.size()] = at;
    out->bytes[at] = 0;
    return 0;
}

extern "C" void spm_pieces_free(spm_pieces *pieces) {
    std::free(pieces->bytes);
    std::free(pieces->offsets);
    pieces->bytes = nullptr;
    pieces->offsets = nullptr;
    pieces->count = 0;
}

extern "C" int spm_decode_pieces(const spm_processor *p, const char *const *pieces, const size_t *lengths,
                                 size_t count, char **text, size_t *text_length, char *error, size_t error_size) {
    std::vector<std::string> input;
    input.reserve(count);
    for (size_t i = 0; i < count; ++i) input.emplace_back(pieces[i], lengths[i]);
    std::string decoded;
    const auto status = p->processor.Decode(input, &decoded);
    if (!status.ok()) {
        set_error(error, error_size, status.ToString());
        return -1;
    }
    *text = static_cast<char *>(std::malloc(decoded.size() + 1));
    if (*text == nullptr) {
        set_error(error, error_size, "out of memory");
        return -1;
    }
    std::memcpy(*text, decoded.data(), decoded.size());
    (*text)[decoded.size()] = 0;
    *text_length = decoded.size();
    return 0;
}

extern "C" void spm_string_free(char *text) { std::free(text); }

extern "C" int spm_piece_size(const spm_processor *p) { return static_cast<int>(p->pieces.size()); }

extern "C" const char *spm_id_to_piece(const spm_processor *p, int id) {
    if (id < 0 || static_cast<size_t>(id) >= p->pieces.size()) return nullptr;
    return p->pieces[id].c_str();
}

extern "C" int spm_is_normal(const spm_processor *p, int id) {
    if (id < 0 || static_cast<size_t>(id) >= p->pieces.size()) return 0;
    const auto &sp = p->processor;
    return !(sp.IsUnknown(id) || sp.IsControl(id) || sp.IsUnused(id) || sp.IsByte(id));
}
