// The micro-kernel and block loop of one SIMD variant, instantiated by kernels_<isa>.c after it
// defines: VT (a vector of VLANES floats), NV (= 16 / VLANES vectors hold the 16 canonical lanes),
// VZERO(), VLOADA(p), VLOADB_F32(p), VLOADB_BF16(p), VLOADB_F16(p), VFMA(acc, a, b) (= fma(a, b, acc)
// per lane), REDUCE16(acc) (the fixed tree over acc[NV]), TILE_MR × TILE_NR (the tile for many rows),
// GEMV_NR (the tile for one row) and BLOCK_NAME; optionally STORE_TILE_4x4(g, acc, i, j), which
// finishes a full 4 × 4 tile with the same operations as REDUCE16 and the scalar epilogue below.
#include <string.h>


#define TILE_MAX_R 4
#define TILE_MAX_C 8

static inline __attribute__((always_inline)) VT load_b(const void *B, const int dt, int64_t off) {
    if (dt == VAMOS_DTYPE_F32) return VLOADB_F32((const float *)B + off);
    if (dt == VAMOS_DTYPE_BF16) return VLOADB_BF16((const uint16_t *)B + off);
    return VLOADB_F16((const uint16_t *)B + off);
}

// One 16-element block of k for an mr × nr tile: acc[a][b][v] = fma(A_a[k + v·VLANES…], B_b[…], acc).
static inline __attribute__((always_inline)) void tile_block(VT acc[TILE_MAX_R][TILE_MAX_C][NV],
        const float *const *ap, const void *const *bp, int64_t k, const int mr, const int nr, const int dt) {
    for (int v = 0; v < NV; v++) {
        VT av[TILE_MAX_R];
        for (int a = 0; a < mr; a++) av[a] = VLOADA(ap[a] + k + v * VLANES);
        for (int b = 0; b < nr; b++) {
            VT bv = load_b(bp[b], dt, k + v * VLANES);
            for (int a = 0; a < mr; a++) acc[a][b][v] = VFMA(acc[a][b][v], av[a], bv);
        }
    }
}

static inline __attribute__((always_inline)) void tile(const vamos_gemm_args *g, int64_t i, int64_t j,
                                                       const int mr, const int nr, const int dt, const int prefetch) {
    VT acc[TILE_MAX_R][TILE_MAX_C][NV];
    for (int a = 0; a < mr; a++)
        for (int b = 0; b < nr; b++)
            for (int v = 0; v < NV; v++) acc[a][b][v] = VZERO();
    const float *ap[TILE_MAX_R];
    const void *bp[TILE_MAX_C];
    const int es = vamos_dtype_size(dt);
    for (int a = 0; a < mr; a++) ap[a] = g->A + (i + a) * g->lda;
    for (int b = 0; b < nr; b++) bp[b] = (const char *)g->B + (j + b) * g->ldb * es;
    const int64_t K = g->K, kfull = K & ~(int64_t)15;
    // Weights stream from memory once per product. When B's rows are contiguous (weights are),
    // the next tile's rows are the bytes right after this tile's: while this tile runs, ask for
    // them, a few lines per block of k, so the memory system always has the next ones in flight.
    const char *next = (const char *)bp[0] + (int64_t)nr * K * es;
    const char *end = (const char *)g->B + g->N * g->ldb * es;
    const int64_t span = prefetch && g->ldb == K ? (int64_t)nr * K * es : 0;
    const int64_t blocks = kfull / 16 > 0 ? kfull / 16 : 1;
    const int64_t lines = (span / 64 + blocks - 1) / blocks;
#ifdef TILE_LOOP_F32
    if (mr == TILE_MR && nr == TILE_NR && dt == VAMOS_DTYPE_F32) {
        TILE_LOOP_F32(acc, ap, bp, kfull, span ? next : NULL, lines);
    } else
#endif
    for (int64_t k = 0, kb = 0; k < kfull; k += 16, kb++) {
        for (int64_t l = 0; l < lines; l++) {
            const char *p = next + (kb * lines + l) * 64;
            if (p < end && p < next + span) __builtin_prefetch(p);
        }
        tile_block(acc, ap, bp, k, mr, nr, dt);
    }
    if (kfull < K) {  // the last block, zero-padded to 16
        float at[TILE_MAX_R][16];
        uint32_t bt32[TILE_MAX_C][16];  // room for 16 elements of any dtype
        const float *tap[TILE_MAX_R];
        const void *tbp[TILE_MAX_C];
        const int64_t rest = K - kfull;
        for (int a = 0; a < mr; a++) {
            memset(at[a], 0, sizeof at[a]);
            memcpy(at[a], ap[a] + kfull, (size_t)rest * sizeof(float));
            tap[a] = at[a];
        }
        for (int b = 0; b < nr; b++) {
            memset(bt32[b], 0, sizeof bt32[b]);
            memcpy(bt32[b], (const char *)bp[b] + kfull * es, (size_t)(rest * es));
            tbp[b] = bt32[b];
        }
        tile_block(acc, tap, tbp, 0, mr, nr, dt);
    }
#ifdef STORE_TILE_4x4
    if (mr == 4 && nr == 4) { STORE_TILE_4x4(g, acc, i, j); return; }
#endif
    for (int a = 0; a < mr; a++) {
        float *c = g->C + (i + a) * g->ldc + j;
        for (int b = 0; b < nr; b++) {
            float v = REDUCE16(acc[a][b]);
            if (g->bias) v = v + g->bias[j + b];
            v = g->accumulate ? c[b] + v : v;
            if (!(v - v == 0.0f)) vamos_note_nonfinite();  // ±inf or NaN: float32 overflowed
            c[b] = v;
        }
    }
}

#define BLOCK_ROWS 32  // rows of A kept hot while a tile of B is reused

static inline __attribute__((always_inline)) void block_dt(const vamos_gemm_args *g, int64_t i0, int64_t i1,
                                                           int64_t j0, int64_t j1, const int dt) {
    if (i1 - i0 == 1) {
        int64_t j = j0;
        for (; j + GEMV_NR <= j1; j += GEMV_NR) tile(g, i0, j, 1, GEMV_NR, dt, 1);
        for (; j < j1; j++) tile(g, i0, j, 1, 1, dt, 1);
        return;
    }
    for (int64_t ib = i0; ib < i1; ib += BLOCK_ROWS) {
        const int64_t ie = ib + BLOCK_ROWS < i1 ? ib + BLOCK_ROWS : i1;
        int64_t j = j0;
        for (; j + TILE_NR <= j1; j += TILE_NR) {
            // The B tile stays in L1 for the rows after the first: only the first prefetches.
            int64_t i = ib;
            for (; i + TILE_MR <= ie; i += TILE_MR) tile(g, i, j, TILE_MR, TILE_NR, dt, i == ib);
            for (; i < ie; i++) tile(g, i, j, 1, TILE_NR, dt, i == ib);
        }
        for (; j < j1; j++) {
            int64_t i = ib;
            for (; i + TILE_MR <= ie; i += TILE_MR) tile(g, i, j, TILE_MR, 1, dt, 0);
            for (; i < ie; i++) tile(g, i, j, 1, 1, dt, 0);
        }
    }
}

void BLOCK_NAME(const vamos_gemm_args *g, int64_t i0, int64_t i1, int64_t j0, int64_t j1) {
    switch (g->dtype) {
    case VAMOS_DTYPE_F32: block_dt(g, i0, i1, j0, j1, VAMOS_DTYPE_F32); break;
    case VAMOS_DTYPE_BF16: block_dt(g, i0, i1, j0, j1, VAMOS_DTYPE_BF16); break;
    default: block_dt(g, i0, i1, j0, j1, VAMOS_DTYPE_F16); break;
    }
}
