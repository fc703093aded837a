// The matrix products: split over output rows or columns across the worker threads (never over k),
// each block computed by the variant dispatch.c chose. Every element is the canonical dot product
// of vamos_kernels.h, so neither the split, the tile, nor the variant changes a bit.
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include <stdlib.h>
#include <string.h>
#include "kernels_internal.h"

vamos_block_fn vamos_block_for_current(void);

int vamos_nonfinite_flag = 0;

int vamos_nonfinite_take(void) { return __atomic_exchange_n(&vamos_nonfinite_flag, 0, __ATOMIC_RELAXED); }

typedef struct {
    const vamos_gemm_args *g;
    vamos_block_fn block;
    int ntasks;
    int split_columns;
} split_t;

static void split_task(void *ctx, int t) {
    const split_t *s = ctx;
    const vamos_gemm_args *g = s->g;
    if (s->split_columns) {
        // Column ranges in multiples of 8 (whole tiles), the last one takes the rest.
        int64_t per = ((g->N + s->ntasks - 1) / s->ntasks + 7) & ~(int64_t)7;
        int64_t j0 = per * t, j1 = j0 + per < g->N ? j0 + per : g->N;
        if (j0 < j1) s->block(g, 0, g->M, j0, j1);
    } else {
        int64_t per = (g->M + s->ntasks - 1) / s->ntasks;
        int64_t i0 = per * t, i1 = i0 + per < g->M ? i0 + per : g->M;
        if (i0 < i1) s->block(g, i0, i1, 0, g->N);
    }
}

void vamos_sgemm_nt(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const void *B, int b_dtype,
                    int64_t ldb, const float *bias, float *C, int64_t ldc, int accumulate) {
    if (M <= 0 || N <= 0) return;
    vamos_gemm_args g = {M, N, K, A, lda, B, b_dtype, ldb, bias, C, ldc, accumulate};
    vamos_block_fn block = vamos_block_for_current();
    const int threads = vamos_threads_get();
    // A parallel job pays only when the work saved exceeds the hand-off. Workers watch for the
    // next job for 100 µs after one (pool.c), so back-to-back products hand off in ~1 µs; a blocked
    // worker takes 5–60 µs to wake. Products below 128 Ki multiply-adds whose weights are under
    // 256 KiB run on the caller alone; the decoder's 512×512 matrix–vector products (256 Ki) split
    // (Benchmarks/README.md, "Threads"). The split never changes a bit.
    const double work = (double)M * (double)N * (double)(K > 0 ? K : 1);
    const double weight_bytes = (double)N * (double)K * (double)vamos_dtype_size(b_dtype);
    const double min_work = (double)vamos_parallel_min_get();
    if (threads <= 1 || (work < min_work && weight_bytes < 2.0 * min_work)) {
        block(&g, 0, M, 0, N);
        return;
    }
    split_t s = {&g, block, threads, 0};
    if (N >= 16 * threads) s.split_columns = 1;
    else if (M >= threads) s.split_columns = 0;
    else { block(&g, 0, M, 0, N); return; }
    vamos_parallel_run(threads, split_task, &s);
}

// Scratch for packed operands: per thread, grown by doubling (a key cache that grows a row per
// decoding step reallocates rarely), never freed, 64-byte aligned. Slots (VAMOS_SCRATCH_*): each
// product uses its own pair, and no product runs inside another on the same thread.
static _Thread_local void *scratch[VAMOS_SCRATCH_SLOTS];
static _Thread_local size_t scratch_size[VAMOS_SCRATCH_SLOTS];

void *vamos_scratch(int slot, size_t bytes) {
    if (scratch_size[slot] < bytes) {
        if (bytes < 2 * scratch_size[slot]) bytes = 2 * scratch_size[slot];
        bytes = (bytes + 63) & ~(size_t)63;
        free(scratch[slot]);
        scratch[slot] = aligned_alloc(64, bytes);
        scratch_size[slot] = scratch[slot] ? bytes : 0;
        if (!scratch[slot]) abort();
    }
    return scratch[slot];
}

// out[r, c] = in[c, r]: `in` has `cols` rows of stride ld and at least `rows` columns; out is
// [rows, cols]. Sixteen rows of `in` are read side by side (sixteen sequential streams), so every
// write fills a whole 64-byte line of `out`.
// (TRANSPOSE_TO: `out` with row stride ldo, for a block of out's columns.)
#define TRANSPOSE_TO(T, out, ldo, in, ld, rows, cols)                                  \
    for (int64_t c0 = 0; c0 < (cols); c0 += 16) {                                      \
        const int64_t cn = (cols) - c0 < 16 ? (cols) - c0 : 16;                        \
        for (int64_t r = 0; r < (rows); r++) {                                         \
            const T *src = (in) + c0 * (ld) + r;                                        \
            T *dst = (out) + r * (ldo) + c0;                                           \
            for (int64_t c = 0; c < cn; c++) dst[c] = src[c * (ld)];                   \
        }                                                                              \
    }
#define TRANSPOSE(T, out, in, ld, rows, cols) TRANSPOSE_TO(T, out, cols, in, ld, rows, cols)

// The same for float32, 4 × 4 blocks in registers (SSE and NEON are in every x86-64 and arm64
// CPU: no dispatch): per block of 16 columns of `out`, 16 rows of `in` are read side by side,
// and every 4 rows of `out` get whole 64-byte lines. Only copies: the bits cannot change.
#if defined(__x86_64__)
#include <emmintrin.h>
static inline void transpose4(float *out, int64_t ldo, const float *in, int64_t ld) {
    __m128 r0 = _mm_loadu_ps(in), r1 = _mm_loadu_ps(in + ld), r2 = _mm_loadu_ps(in + 2 * ld), r3 = _mm_loadu_ps(in + 3 * ld);
    _MM_TRANSPOSE4_PS(r0, r1, r2, r3);
    _mm_storeu_ps(out, r0); _mm_storeu_ps(out + ldo, r1); _mm_storeu_ps(out + 2 * ldo, r2); _mm_storeu_ps(out + 3 * ldo, r3);
}
#define HAVE_TRANSPOSE4 1
#elif defined(__aarch64__)
#include <arm_neon.h>
static inline void transpose4(float *out, int64_t ldo, const float *in, int64_t ld) {
    float32x4x4_t m = {{vld1q_f32(in), vld1q_f32(in + ld), vld1q_f32(in + 2 * ld), vld1q_f32(in + 3 * ld)}};
    float32x4x2_t a = vtrnq_f32(m.val[0], m.val[1]), b = vtrnq_f32(m.val[2], m.val[3]);
    vst1q_f32(out, vcombine_f32(vget_low_f32(a.val[0]), vget_low_f32(b.val[0])));
    vst1q_f32(out + ldo, vcombine_f32(vget_low_f32(a.val[1]), vget_low_f32(b.val[1])));
    vst1q_f32(out + 2 * ldo, vcombine_f32(vget_high_f32(a.val[0]), vget_high_f32(b.val[0])));
    vst1q_f32(out + 3 * ldo, vcombine_f32(vget_high_f32(a.val[1]), vget_high_f32(b.val[1])));
}
#define HAVE_TRANSPOSE4 1
#endif

static void transpose_f32_to(float *out, int64_t ldo, const float *in, int64_t ld, int64_t rows, int64_t cols) {
#ifdef HAVE_TRANSPOSE4
    const int64_t rows4 = rows & ~(int64_t)3;
    for (int64_t c0 = 0; c0 < cols; c0 += 16) {
        const int64_t cn = cols - c0 < 16 ? cols - c0 : 16, cn4 = cn & ~(int64_t)3;
        for (int64_t r = 0; r < rows4; r += 4) {
            for (int64_t c = 0; c < cn4; c += 4) transpose4(out + r * ldo + c0 + c, ldo, in + (c0 + c) * ld + r, ld);
            for (int64_t c = cn4; c < cn; c++)
                for (int64_t q = 0; q < 4; q++) out[(r + q) * ldo + c0 + c] = in[(c0 + c) * ld + r + q];
        }
        for (int64_t r = rows4; r < rows; r++)
            for (int64_t c = 0; c < cn; c++) out[r * ldo + c0 + c] = in[(c0 + c) * ld + r];
    }
#else
    TRANSPOSE_TO(float, out, ldo, in, ld, rows, cols);
#endif
}

// The packing of a large operand is split over the threads too: by blocks of 16 columns of `out`
// (each task writes columns of its own; a copy, so no bit can depend on the split).
typedef struct { float *out; const float *in; int64_t ld, rows, cols, per; } transpose_t;

static void transpose_task(void *ctx, int t) {
    const transpose_t *x = ctx;
    const int64_t c_begin = x->per * t, c_end = c_begin + x->per < x->cols ? c_begin + x->per : x->cols;
    if (c_begin >= c_end) return;
    transpose_f32_to(x->out + c_begin, x->cols, x->in + c_begin * x->ld, x->ld, x->rows, c_end - c_begin);
}

static void transpose_f32(float *out, const float *in, int64_t ld, int64_t rows, int64_t cols) {
    const int threads = vamos_threads_get();
    if (threads <= 1 || rows * cols < 65536) {
        transpose_f32_to(out, cols, in, ld, rows, cols);
        return;
    }
    transpose_t x = {out, in, ld, rows, cols, ((cols + threads - 1) / threads + 15) & ~(int64_t)15};
    vamos_parallel_run(threads, transpose_task, &x);
}

// Whether the lanes path (packing both operands) beats the nt kernel. It always does for Aᵀ·B (the
// nt path would transpose both), for K not a multiple of 16 (the nt kernel pads every tile's last
// block of k through a copy) and for large products (1.2–1.6× at 1088 × 128 × 128 and up, AVX-512
// and AVX2, 2 threads). It does not for one row of A (a decoding step's query: the nt kernel reads B
// once, unpacked) nor for small outputs with whole blocks of k (one attention head's q·kᵀ, e.g.
// 25 × 25 × 64: 0.4–0.8×). Benchmarks/gemm_layouts.c measures both; the choice never changes a bit.
static int lanes_pay(int transA, int64_t M, int64_t N, int64_t K) {
    if (transA) return 1;
    if (M <= 1) return 0;
    return K % 16 != 0 || M * N >= 8192;
}

void vamos_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                 const float *B, int64_t ldb, float *C, int64_t ldc, int accumulate) {
    if (M <= 0 || N <= 0) return;
    // Packed by lanes of k instead of transposed, where the variant can (gemm_tn.c) and it pays.
    if (lanes_pay(transA, M, N, K) && vamos_sgemm_lanes(transA, transB, M, N, K, A, lda, B, ldb, NULL, C, ldc, accumulate) == 0) return;
    const float *a = A, *b = B;
    int64_t la = lda, lb = ldb;
    if (transA) {  // A stored [K, M] → [M, K]
        float *p = vamos_scratch(VAMOS_SCRATCH_TRANSPOSE, (size_t)(M * K > 0 ? M * K : 1) * sizeof(float));
        transpose_f32(p, A, lda, M, K);
        a = p; la = K;
    }
    if (!transB) {  // B stored [K, N] → [N, K]
        float *p = vamos_scratch(VAMOS_SCRATCH_TRANSPOSE + 1, (size_t)(N * K > 0 ? N * K : 1) * sizeof(float));
        transpose_f32(p, B, ldb, N, K);
        b = p; lb = K;
    }
    vamos_sgemm_nt(M, N, K, a, la, b, VAMOS_DTYPE_F32, lb, NULL, C, ldc, accumulate);
}

void vamos_linear_f32(int64_t M, int64_t N, int64_t K, const float *A, const float *W, const float *bias, float *C) {
    if (M <= 0 || N <= 0) return;
    if (lanes_pay(0, M, N, K) && vamos_sgemm_lanes(0, 1, M, N, K, A, K, W, K, bias, C, N, 0) == 0) return;
    vamos_sgemm_nt(M, N, K, A, K, W, VAMOS_DTYPE_F32, K, bias, C, N, 0);
}

void vamos_dgemm_nt(int64_t M, int64_t N, int64_t K, const double *A, int64_t lda, const double *B, int64_t ldb,
                    double *C, int64_t ldc, int accumulate);

void vamos_dgemm(int transA, int transB, int64_t M, int64_t N, int64_t K, const double *A, int64_t lda,
                 const double *B, int64_t ldb, double *C, int64_t ldc, int accumulate) {
    if (M <= 0 || N <= 0) return;
    const double *a = A, *b = B;
    int64_t la = lda, lb = ldb;
    if (transA) {
        double *p = vamos_scratch(VAMOS_SCRATCH_TRANSPOSE_F64, (size_t)(M * K > 0 ? M * K : 1) * sizeof(double));
        TRANSPOSE(double, p, A, lda, M, K);
        a = p; la = K;
    }
    if (!transB) {
        double *p = vamos_scratch(VAMOS_SCRATCH_TRANSPOSE_F64 + 1, (size_t)(N * K > 0 ? N * K : 1) * sizeof(double));
        TRANSPOSE(double, p, B, ldb, N, K);
        b = p; lb = K;
    }
    vamos_dgemm_nt(M, N, K, a, la, b, lb, C, ldc, accumulate);
}

// ---- element types ----------------------------------------------------------------------------

static inline uint32_t f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline float u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }

float vamos_bf16_to_f32(uint16_t h) { return u2f((uint32_t)h << 16); }

float vamos_f16_to_f32(uint16_t h) {
    const uint32_t sign = (uint32_t)(h & 0x8000) << 16;
    const uint32_t e = (h >> 10) & 0x1f, m = h & 0x3ff;
    if (e == 0) {  // zero or subnormal: m · 2^-24, exact in float32
        float v = (float)m * 5.9604644775390625e-8f;
        return sign ? -v : v;
    }
    if (e == 31) return u2f(sign | 0x7f800000u | (m << 13));
    return u2f(sign | ((e + 112) << 23) | (m << 13));
}

uint16_t vamos_f32_to_bf16(float x) {
    uint32_t u = f2u(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);  // NaN stays NaN (quiet)
    u += 0x7fffu + ((u >> 16) & 1);  // round to nearest, ties to even; overflow rounds to ±inf
    return (uint16_t)(u >> 16);
}

uint16_t vamos_f32_to_f16(float x) {
    uint32_t u = f2u(x);
    const uint16_t sign = (uint16_t)((u >> 16) & 0x8000);
    u &= 0x7fffffffu;
    if (u > 0x7f800000u) return sign | 0x7e00;   // NaN
    if (u >= 0x477ff000u) return sign | 0x7c00;  // ≥ 65520 rounds to ±inf
    if (u >= 0x38800000u) {                      // a normal half: rebias, round the 13 dropped bits
        u += 0xfffu + ((u >> 13) & 1);
        u -= 112u << 23;
        return sign | (uint16_t)(u >> 13);
    }
    // subnormal or zero: |x| + 0.5 rounds |x| to a multiple of 2^-24 (nearest, ties to even)
    const float r = u2f(u) + 0.5f;
    return sign | (uint16_t)(f2u(r) - f2u(0.5f));
}

void vamos_widen_row(const void *matrix, int dtype, int64_t cols, int64_t row, float *out) {
    if (dtype == VAMOS_DTYPE_F32) {
        memcpy(out, (const float *)matrix + row * cols, (size_t)cols * sizeof(float));
    } else if (dtype == VAMOS_DTYPE_BF16) {
        const uint16_t *p = (const uint16_t *)matrix + row * cols;
        for (int64_t c = 0; c < cols; c++) out[c] = vamos_bf16_to_f32(p[c]);
    } else {
        const uint16_t *p = (const uint16_t *)matrix + row * cols;
        for (int64_t c = 0; c < cols; c++) out[c] = vamos_f16_to_f32(p[c]);
    }
}

// Blocks of 1024 elements, read in place (no copy: a weight file is scanned once, at memory
// speed): an OR over the block (vectorizes; memcpy of one element is an unaligned load), then the
// index only in a block that has one.
static inline uint32_t load_u32(const unsigned char *p) { uint32_t u; memcpy(&u, p, 4); return u; }
static inline uint16_t load_u16(const unsigned char *p) { uint16_t h; memcpy(&h, p, 2); return h; }

int64_t vamos_first_nonfinite(const void *data, int dtype, int64_t count) {
    const unsigned char *p = data;
    const uint16_t mask16 = dtype == VAMOS_DTYPE_BF16 ? 0x7f80 : 0x7c00;
    for (int64_t b = 0; b < count; b += 1024) {
        const int64_t n = count - b < 1024 ? count - b : 1024;
        uint32_t bad = 0;
        if (dtype == VAMOS_DTYPE_F32) {
            const unsigned char *q = p + b * 4;
            for (int64_t i = 0; i < n; i++) bad |= (uint32_t)((load_u32(q + 4 * i) & 0x7f800000u) == 0x7f800000u);
        } else {
            const unsigned char *q = p + b * 2;
            for (int64_t i = 0; i < n; i++) bad |= (uint32_t)((load_u16(q + 2 * i) & mask16) == mask16);
        }
        if (!bad) continue;
        for (int64_t i = b; i < b + n; i++) {
            if (dtype == VAMOS_DTYPE_F32 ? (load_u32(p + 4 * i) & 0x7f800000u) == 0x7f800000u
                                         : (load_u16(p + 2 * i) & mask16) == mask16) return i;
        }
    }
    return -1;
}
