// Products by lanes: C[M, N] (=, or += when accumulating) op(A)·op(B), each operand stored either
// way — A as [K, M] (Aᵀ·B: the weight gradients dW = dYᵀ·X, whose k runs over the tokens) or as
// [M, K] (dX = dY·W, the forward x·Wᵀ, attention's products); B as [K, N] or [N, K]. Instead of
// transposing operands for vamos_sgemm_nt and reducing every output's 16 lanes across a register,
// each operand is packed once into panels where lane l = k mod 16 of the canonical order is
// contiguous (tn_template.h computes the lanes one after the other, then the fixed tree vertically):
//   A panel p (rows m = p·mr … p·mr+mr−1): Ap[p][l][q][r] = A(p·mr + r, 16q + l)
//   B panel p (columns n = p·nb …):        Bp[p][l][q][c] = B(16q + l, p·nb + c)
// zero where 16q + l ≥ K (the canonical zero-padded tail: fma(0, 0, acc)) or the row or column is
// past the matrix (never stored). A bias (C = dot + b, not accumulating) is added in the tile's
// epilogue, the same addition as vamos_sgemm_nt's. The smaller operand is packed first, split over
// the threads, into panels every thread reads; then each thread packs its share of the larger
// operand's panels one at a time into its own scratch and multiplies each at once against every
// shared panel (its copy stays in that core's cache: on 2 threads x·Wᵀ and dY·W at 1088 tokens ran
// 1.3–1.6× faster than with both operands packed in shared memory, the weight gradients about the
// same; Benchmarks/README.md, session 14). Work is split by panels, never over k: no bit depends
// on the split, the variant, the tile or the layout.
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include <stdlib.h>
#include "kernels_internal.h"

typedef struct { vamos_tn_fn tile; int mr, nb; } tn_kernel;

static int tn_kernel_for_current(tn_kernel *k) {
    switch (vamos_isa_current()) {
#if defined(__x86_64__)
    case VAMOS_ISA_AVX2: *k = (tn_kernel){vamos_tn_tile_avx2, 6, 16}; return 1;
    case VAMOS_ISA_AVX512: *k = (tn_kernel){vamos_tn_tile_avx512, 8, 32}; return 1;
#endif
    default: return 0;
    }
}


// Panel p of X [K, cols] (row stride ld), w columns wide, into out [16][kb][w]. Instantiated per
// tile width (pack_width): the pieces are 6 to 32 floats, which a call to memcpy costs more than.
// On x86-64 pack_cols_avx2 does the same with AVX loads and stores (unused there).
static inline __attribute__((always_inline, unused)) void pack_panel(float *restrict out, const float *restrict X, int64_t ld, int64_t K, int64_t cols, int64_t kb,
                       int64_t p, int w) {
    const int64_t c0 = p * w;
    const int cn = (int)(cols - c0 < w ? cols - c0 : w);
    for (int64_t k = 0; k < 16 * kb; k++) {
        float *restrict dst = out + ((k & 15) * kb + (k >> 4)) * w;
        const float *restrict src = X + k * ld + c0;
        if (k < K && cn == w) {
            for (int c = 0; c < w; c++) dst[c] = src[c];
        } else {
            const int n = k < K ? cn : 0;
            for (int c = 0; c < n; c++) dst[c] = src[c];
            for (int c = n; c < w; c++) dst[c] = 0;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
// Panel p of X stored [rows, K] (row stride ld), w rows, into out [16][kb][w]:
//   out[l][q][r] = X[p·w + r, 16q + l], zero past the rows or K.
// Whole blocks of 16 k by 8 × 8 transposes in AVX registers (the lanes path runs only on AVX2 and
// AVX-512 variants, so the CPU has AVX2). Only copies: no bit can change. Rows past the matrix are
// zeros; a group of fewer than 8 rows (w = 6) is stored masked.
__attribute__((target("avx2"))) static void pack_rows_avx2(float *restrict out, const float *restrict X, int64_t ld,
                                                           int64_t K, int64_t rows, int64_t kb, int64_t p, int w) {
    const int64_t r0 = p * w;
    const int rn = (int)(rows - r0 < w ? rows - r0 : w);
    const int64_t qfull = K / 16;
    for (int g = 0; g < w; g += 8) {
        const int cnt = w - g < 8 ? w - g : 8;
        const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(cnt), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        for (int64_t q = 0; q < qfull; q++) {
            for (int h = 0; h < 2; h++) {
                __m256 r[8];
                for (int i = 0; i < 8; i++)
                    r[i] = g + i < rn ? _mm256_loadu_ps(X + (r0 + g + i) * ld + 16 * q + 8 * h) : _mm256_setzero_ps();
                const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
                const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
                const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
                const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
                const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0)), s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
                const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0)), s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
                const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0)), s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
                const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0)), s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
                __m256 o[8];  // o[l] = (row 0 … row 7)[8h + l]
                o[0] = _mm256_permute2f128_ps(s0, s4, 0x20); o[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
                o[2] = _mm256_permute2f128_ps(s2, s6, 0x20); o[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
                o[4] = _mm256_permute2f128_ps(s0, s4, 0x31); o[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
                o[6] = _mm256_permute2f128_ps(s2, s6, 0x31); o[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
                for (int l = 0; l < 8; l++) {
                    float *dst = out + ((int64_t)(8 * h + l) * kb + q) * w + g;
                    if (cnt == 8) _mm256_storeu_ps(dst, o[l]);
                    else _mm256_maskstore_ps(dst, mask, o[l]);
                }
            }
        }
    }
    if (qfull < kb) {  // the last, partial block of k: one row at a time, zero-padded
        for (int r = 0; r < w; r++) {
            const int n = r < rn ? (int)(K - 16 * qfull) : 0;
            for (int l = 0; l < 16; l++)
                out[((int64_t)l * kb + qfull) * w + r] = l < n ? X[(r0 + r) * ld + 16 * qfull + l] : 0.0f;
        }
    }
}
// Panel p of X stored [K, cols] (row stride ld), w columns, into out [16][kb][w] (pack_panel's
// layout): each k's w floats moved by 8-float AVX loads and stores, masked at the matrix's last
// columns and for w = 6. Only copies: no bit can change.
__attribute__((target("avx2"))) static inline __attribute__((always_inline)) void pack_cols_avx2_w(float *restrict out,
        const float *restrict X, int64_t ld, int64_t K, int64_t cols, int64_t kb, int64_t p, const int w) {
    const int64_t c0 = p * w;
    const int cn = (int)(cols - c0 < w ? cols - c0 : w);
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i in_mask[4], out_mask[4];
    for (int g = 0; g < 4; g++) {
        in_mask[g] = _mm256_cmpgt_epi32(_mm256_set1_epi32(cn - 8 * g), iota);
        out_mask[g] = _mm256_cmpgt_epi32(_mm256_set1_epi32(w - 8 * g), iota);
    }
    for (int64_t k = 0; k < 16 * kb; k++) {
        float *restrict dst = out + ((k & 15) * kb + (k >> 4)) * w;
        const float *restrict src = X + k * ld + c0;
        for (int g = 0; g < w; g += 8) {
            __m256 v;
            if (k >= K) v = _mm256_setzero_ps();
            else if (cn >= g + 8) v = _mm256_loadu_ps(src + g);
            else v = _mm256_maskload_ps(src + g, in_mask[g / 8]);  // masked lanes read nothing, give 0
            if (w >= g + 8) _mm256_storeu_ps(dst + g, v);
            else _mm256_maskstore_ps(dst + g, out_mask[g / 8], v);
        }
    }
}

__attribute__((target("avx2"))) static void pack_cols_avx2(float *out, const float *X, int64_t ld, int64_t K, int64_t cols,
                                                           int64_t kb, int64_t p, int w) {
    switch (w) {
    case 6: pack_cols_avx2_w(out, X, ld, K, cols, kb, p, 6); break;
    case 8: pack_cols_avx2_w(out, X, ld, K, cols, kb, p, 8); break;
    case 16: pack_cols_avx2_w(out, X, ld, K, cols, kb, p, 16); break;
    case 32: pack_cols_avx2_w(out, X, ld, K, cols, kb, p, 32); break;
    default: pack_cols_avx2_w(out, X, ld, K, cols, kb, p, w); break;
    }
}
#endif

// The lanes kernels exist for AVX2 and AVX-512 only (tn_kernel_for_current); elsewhere this is the
// plain definition above, never reached.
static void pack_rows_width(float *out, const float *X, int64_t ld, int64_t K, int64_t rows, int64_t kb, int64_t p, int w) {
#if defined(__x86_64__)
    pack_rows_avx2(out, X, ld, K, rows, kb, p, w);
#else
    for (int r = 0; r < w; r++)
        for (int64_t k = 0; k < 16 * kb; k++)
            out[((k & 15) * kb + (k >> 4)) * w + r] = p * w + r < rows && k < K ? X[(p * w + r) * ld + k] : 0.0f;
#endif
}

static void pack_width(float *out, const float *X, int64_t ld, int64_t K, int64_t cols, int64_t kb, int64_t p, int w) {
#if defined(__x86_64__)
    pack_cols_avx2(out, X, ld, K, cols, kb, p, w);
#else
    pack_panel(out, X, ld, K, cols, kb, p, w);
#endif
}

typedef struct {
    tn_kernel k;
    int64_t M, N, K, kb, mp, np, lda, ldb, ldc;
    int a_rows, b_rows;  // A stored [M, K] (1) or [K, M] (0); B stored [N, K] (1) or [K, N] (0)
    const float *A, *B, *bias;
    float *C;
    float *shared;       // the panels of the operand every task reads (B when split_rows, else A)
    int split_rows;      // tasks take A panels (1) or B panels (0)
    int accumulate, ntasks;
} tn_job;

static int64_t a_panel_floats(const tn_job *j) { return 16 * (j->kb > 0 ? j->kb : 1) * j->k.mr; }
static int64_t b_panel_floats(const tn_job *j) { return 16 * (j->kb > 0 ? j->kb : 1) * j->k.nb; }

static void pack_a(const tn_job *j, float *out, int64_t p) {
    if (j->a_rows) pack_rows_width(out, j->A, j->lda, j->K, j->M, j->kb, p, j->k.mr);
    else pack_width(out, j->A, j->lda, j->K, j->M, j->kb, p, j->k.mr);
}

static void pack_b(const tn_job *j, float *out, int64_t q) {
    if (j->b_rows) pack_rows_width(out, j->B, j->ldb, j->K, j->N, j->kb, q, j->k.nb);
    else pack_width(out, j->B, j->ldb, j->K, j->N, j->kb, q, j->k.nb);
}

// Phase 1: panels t, t + ntasks, … of the shared operand.
static void pack_shared_task(void *ctx, int t) {
    const tn_job *j = ctx;
    if (j->split_rows)
        for (int64_t q = t; q < j->np; q += j->ntasks) pack_b(j, j->shared + q * b_panel_floats(j), q);
    else
        for (int64_t p = t; p < j->mp; p += j->ntasks) pack_a(j, j->shared + p * a_panel_floats(j), p);
}

// A panel p (packed at ap) against B panel q (at bp).
static void tile(const tn_job *j, const float *ap, const float *bp, int64_t p, int64_t q) {
    const int64_t m0 = p * j->k.mr, n0 = q * j->k.nb;
    const int rows = (int)(j->M - m0 < j->k.mr ? j->M - m0 : j->k.mr);
    const int cols = (int)(j->N - n0 < j->k.nb ? j->N - n0 : j->k.nb);
    j->k.tile(ap, bp, j->kb, j->C + m0 * j->ldc + n0, j->ldc, rows, cols, j->accumulate, j->bias ? j->bias + n0 : NULL);
}

// Phase 2: groups t, t + ntasks, … of the split operand's panels, each packed by the thread that
// uses it (into its own scratch: the group stays in that core's caches) just before its tiles
// against every panel of the shared operand. A group spans 16 columns of an operand stored
// [K, M] (two panels of 8 rows: every cache line read whole while it is in the cache), else one panel.
static void split_task(void *ctx, int t) {
    const tn_job *j = ctx;
    if (j->split_rows) {
        const int64_t g = !j->a_rows && j->k.mr < 16 ? 2 : 1, n = a_panel_floats(j);
        float *ap = vamos_scratch(VAMOS_SCRATCH_PANEL, (size_t)(g * n) * sizeof(float));
        for (int64_t p0 = t * g; p0 < j->mp; p0 += j->ntasks * g) {
            const int64_t p1 = p0 + g < j->mp ? p0 + g : j->mp;
            for (int64_t p = p0; p < p1; p++) pack_a(j, ap + (p - p0) * n, p);
            for (int64_t q = 0; q < j->np; q++)
                for (int64_t p = p0; p < p1; p++) tile(j, ap + (p - p0) * n, j->shared + q * b_panel_floats(j), p, q);
        }
    } else {
        float *bp = vamos_scratch(VAMOS_SCRATCH_PANEL, (size_t)b_panel_floats(j) * sizeof(float));
        for (int64_t q = t; q < j->np; q += j->ntasks) {
            pack_b(j, bp, q);
            for (int64_t p = 0; p < j->mp; p++) tile(j, j->shared + p * a_panel_floats(j), bp, p, q);
        }
    }
}

int vamos_sgemm_lanes(int transA, int transB, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                      const float *B, int64_t ldb, const float *bias, float *C, int64_t ldc, int accumulate) {
    tn_job j;
    if (!tn_kernel_for_current(&j.k) || (bias && accumulate)) return -1;
    if (M <= 0 || N <= 0) return 0;
    j.a_rows = !transA; j.b_rows = transB != 0; j.bias = bias;
    j.M = M; j.N = N; j.K = K > 0 ? K : 0; j.kb = (j.K + 15) / 16;
    j.mp = (M + j.k.mr - 1) / j.k.mr; j.np = (N + j.k.nb - 1) / j.k.nb;
    j.lda = lda; j.ldb = ldb; j.ldc = ldc; j.A = A; j.B = B; j.C = C; j.accumulate = accumulate;
    // The larger operand is split over the tasks by panels, each packed where it is used; the
    // smaller one is packed once into shared panels that every task reads. Neither the split nor
    // the order of the tiles can change a bit (every element is its own canonical dot product).
    const int threads = vamos_threads_get();
    const double work = (double)M * (double)N * (double)(K > 0 ? K : 1);
    j.ntasks = threads > 1 && work >= (double)vamos_parallel_min_get() ? threads : 1;
    // (the other one when the larger has fewer panels than there are tasks and the smaller more)
    j.split_rows = M >= N ? j.mp >= j.ntasks || j.mp >= j.np : !(j.np >= j.ntasks || j.np >= j.mp);
    j.shared = vamos_scratch(VAMOS_SCRATCH_LANES, (size_t)(j.split_rows ? j.np * b_panel_floats(&j) : j.mp * a_panel_floats(&j)) * sizeof(float));
    if (j.ntasks == 1) {
        pack_shared_task(&j, 0);
        split_task(&j, 0);
        return 0;
    }
    vamos_parallel_run(j.ntasks, pack_shared_task, &j);
    vamos_parallel_run(j.ntasks, split_task, &j);
    return 0;
}
