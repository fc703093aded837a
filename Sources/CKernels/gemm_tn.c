// C[M, N] (=, or += when accumulating) Aᵀ·B with A stored [K, M] and B [K, N]: the weight
// gradients dW = dYᵀ·X, whose k runs over the tokens. Instead of transposing both operands for
// vamos_sgemm_nt, each is packed once into panels where lane l = k mod 16 of the canonical order
// is contiguous (tn_template.h computes the lanes one after the other, then the fixed tree):
//   A panel p (rows m = p·mr … p·mr+mr−1): Ap[p][l][q][r] = A[16q + l, p·mr + r]
//   B panel p (columns n = p·nb …):        Bp[p][l][q][c] = B[16q + l, p·nb + c]
// zero where 16q + l ≥ K (the canonical zero-padded tail: fma(0, 0, acc)) or the row or column is
// past the matrix (never stored). Packing and tiles are split over the threads by panels, never
// over k: no bit depends on the split, the variant or the tile.
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

// Packed panels: per thread that calls a product, grown as needed, never freed.
static _Thread_local float *packed[2];
static _Thread_local size_t packed_size[2];

static float *packed_for(int slot, size_t floats) {
    if (packed_size[slot] < floats) {
        free(packed[slot]);
        packed[slot] = aligned_alloc(64, (floats * sizeof(float) + 63) & ~(size_t)63);
        packed_size[slot] = packed[slot] ? floats : 0;
        if (!packed[slot]) abort();
    }
    return packed[slot];
}

// Panel p of X [K, cols] (row stride ld), w columns wide, into out [16][kb][w]. Instantiated per
// tile width (pack_width): the pieces are 6 to 32 floats, which a call to memcpy costs more than.
static inline __attribute__((always_inline)) void pack_panel(float *restrict out, const float *restrict X, int64_t ld, int64_t K, int64_t cols, int64_t kb,
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

static void pack_width(float *out, const float *X, int64_t ld, int64_t K, int64_t cols, int64_t kb, int64_t p, int w) {
    switch (w) {
    case 6: pack_panel(out, X, ld, K, cols, kb, p, 6); break;
    case 8: pack_panel(out, X, ld, K, cols, kb, p, 8); break;
    case 16: pack_panel(out, X, ld, K, cols, kb, p, 16); break;
    case 32: pack_panel(out, X, ld, K, cols, kb, p, 32); break;
    default: pack_panel(out, X, ld, K, cols, kb, p, w); break;
    }
}

typedef struct {
    tn_kernel k;
    int64_t M, N, K, kb, mp, np, lda, ldb, ldc;
    const float *A, *B;
    float *C, *Ap, *Bp;
    int accumulate, ntasks;
} tn_job;

static void pack_task(void *ctx, int t) {  // panels t, t + ntasks, … of A, then of B
    const tn_job *j = ctx;
    for (int64_t p = t; p < j->mp + j->np; p += j->ntasks) {
        if (p < j->mp) pack_width(j->Ap + p * 16 * j->kb * j->k.mr, j->A, j->lda, j->K, j->M, j->kb, p, j->k.mr);
        else pack_width(j->Bp + (p - j->mp) * 16 * j->kb * j->k.nb, j->B, j->ldb, j->K, j->N, j->kb, p - j->mp, j->k.nb);
    }
}

static void tile(const tn_job *j, int64_t p, int64_t q) {  // A panel p against B panel q
    const int64_t m0 = p * j->k.mr, n0 = q * j->k.nb;
    const int rows = (int)(j->M - m0 < j->k.mr ? j->M - m0 : j->k.mr);
    const int cols = (int)(j->N - n0 < j->k.nb ? j->N - n0 : j->k.nb);
    j->k.tile(j->Ap + p * 16 * j->kb * j->k.mr, j->Bp + q * 16 * j->kb * j->k.nb, j->kb, j->C + m0 * j->ldc + n0,
              j->ldc, rows, cols, j->accumulate);
}

static void columns_task(void *ctx, int t) {  // B panels t, t + ntasks, …, each against every A panel
    const tn_job *j = ctx;
    for (int64_t q = t; q < j->np; q += j->ntasks)
        for (int64_t p = 0; p < j->mp; p++) tile(j, p, q);
}

static void rows_task(void *ctx, int t) {  // A panels t, t + ntasks, …, each against every B panel
    const tn_job *j = ctx;
    for (int64_t p = t; p < j->mp; p += j->ntasks)
        for (int64_t q = 0; q < j->np; q++) tile(j, p, q);
}

int vamos_sgemm_tn(int64_t M, int64_t N, int64_t K, const float *A, int64_t lda, const float *B, int64_t ldb,
                   float *C, int64_t ldc, int accumulate) {
    tn_job j;
    if (!tn_kernel_for_current(&j.k)) return -1;
    if (M <= 0 || N <= 0) return 0;
    j.M = M; j.N = N; j.K = K > 0 ? K : 0; j.kb = (j.K + 15) / 16;
    j.mp = (M + j.k.mr - 1) / j.k.mr; j.np = (N + j.k.nb - 1) / j.k.nb;
    j.lda = lda; j.ldb = ldb; j.ldc = ldc; j.A = A; j.B = B; j.C = C; j.accumulate = accumulate;
    j.Ap = packed_for(0, (size_t)(j.mp * 16 * (j.kb > 0 ? j.kb : 1) * j.k.mr));
    j.Bp = packed_for(1, (size_t)(j.np * 16 * (j.kb > 0 ? j.kb : 1) * j.k.nb));
    const int threads = vamos_threads_get();
    const double work = (double)M * (double)N * (double)(K > 0 ? K : 1);
    j.ntasks = threads > 1 && work >= (double)vamos_parallel_min_get() ? threads : 1;
    if (j.ntasks == 1) {
        pack_task(&j, 0);
        columns_task(&j, 0);
        return 0;
    }
    vamos_parallel_run(j.ntasks, pack_task, &j);
    vamos_parallel_run(j.ntasks, j.np >= 2 * j.ntasks ? columns_task : rows_task, &j);
    return 0;
}
