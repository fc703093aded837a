// The x86-64 variants: AVX2 (+FMA, F16C) with the 16 lanes in two ymm registers, and AVX-512 with
// them in one zmm. The ISA is raised per function (target attributes), never for the whole binary,
// so the same binary runs on any x86-64 CPU; dispatch.c picks the variant at run time.
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#if defined(__x86_64__)
#include <immintrin.h>
#include "kernels_internal.h"

// ---- AVX2 -----------------------------------------------------------------------------------
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma,f16c")
#endif

typedef __m256 VT;
#define VLANES 8
#define NV 2
#define VZERO() _mm256_setzero_ps()
#define VLOADA(p) _mm256_loadu_ps(p)
#define VLOADB_F32(p) _mm256_loadu_ps(p)
#define VLOADB_BF16(p) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(p))), 16))
#define VLOADB_F16(p) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(p)))
#define VFMA(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))

static inline __attribute__((always_inline)) float reduce8_avx(__m256 s8) {
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));  // i + (i+4)
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));                                  // i + (i+2)
    __m128 s1 = _mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1));                              // 0 + 1
    return _mm_cvtss_f32(s1);
}
#define REDUCE16(acc) reduce8_avx(_mm256_add_ps((acc)[0], (acc)[1]))  // i + (i+8)
// The tile loops' prefetch of the next tile's rows: `step` bytes per block of k from *pf (NULL: none).
static inline __attribute__((always_inline)) void prefetch_next(const char **pf, int64_t step) {
    if (!*pf) return;
    for (int64_t l = 0; l < step; l += 64) __builtin_prefetch(*pf + l);
    *pf += step;
}

// tile_block over the whole blocks of k for a 2 × 3 float32 tile (as tile_loop4x4_f32_avx512 below):
// the same fused multiply-adds in the same order, row pointers and the 12 accumulators in registers.
static inline __attribute__((always_inline)) void tile_loop2x3_f32_avx2(__m256 acc[4][8][2], const float *const *ap,
        const void *const *bp, int64_t kfull, const char *pf, int64_t lines) {
    const float *a0 = ap[0], *a1 = ap[1];
    const float *b0 = bp[0], *b1 = bp[1], *b2 = bp[2];
    __m256 c000 = acc[0][0][0], c001 = acc[0][0][1], c010 = acc[0][1][0], c011 = acc[0][1][1];
    __m256 c020 = acc[0][2][0], c021 = acc[0][2][1], c100 = acc[1][0][0], c101 = acc[1][0][1];
    __m256 c110 = acc[1][1][0], c111 = acc[1][1][1], c120 = acc[1][2][0], c121 = acc[1][2][1];
    const int64_t step = lines * 64;
    for (int64_t k = 0; k < kfull; k += 16) {
        prefetch_next(&pf, step);
        __m256 x0 = _mm256_loadu_ps(a0 + k), x1 = _mm256_loadu_ps(a1 + k), y;  // v = 0: k … k+7
        y = _mm256_loadu_ps(b0 + k); c000 = _mm256_fmadd_ps(x0, y, c000); c100 = _mm256_fmadd_ps(x1, y, c100);
        y = _mm256_loadu_ps(b1 + k); c010 = _mm256_fmadd_ps(x0, y, c010); c110 = _mm256_fmadd_ps(x1, y, c110);
        y = _mm256_loadu_ps(b2 + k); c020 = _mm256_fmadd_ps(x0, y, c020); c120 = _mm256_fmadd_ps(x1, y, c120);
        x0 = _mm256_loadu_ps(a0 + k + 8); x1 = _mm256_loadu_ps(a1 + k + 8);    // v = 1: k+8 … k+15
        y = _mm256_loadu_ps(b0 + k + 8); c001 = _mm256_fmadd_ps(x0, y, c001); c101 = _mm256_fmadd_ps(x1, y, c101);
        y = _mm256_loadu_ps(b1 + k + 8); c011 = _mm256_fmadd_ps(x0, y, c011); c111 = _mm256_fmadd_ps(x1, y, c111);
        y = _mm256_loadu_ps(b2 + k + 8); c021 = _mm256_fmadd_ps(x0, y, c021); c121 = _mm256_fmadd_ps(x1, y, c121);
    }
    acc[0][0][0] = c000; acc[0][0][1] = c001; acc[0][1][0] = c010; acc[0][1][1] = c011;
    acc[0][2][0] = c020; acc[0][2][1] = c021; acc[1][0][0] = c100; acc[1][0][1] = c101;
    acc[1][1][0] = c110; acc[1][1][1] = c111; acc[1][2][0] = c120; acc[1][2][1] = c121;
}
#define TILE_LOOP_F32(acc, ap, bp, kfull, pf, lines) tile_loop2x3_f32_avx2((acc), (ap), (bp), (kfull), (pf), (lines))
#define TILE_MR 2
#define TILE_NR 3
#define GEMV_NR 3  // one row of A: three weight rows at a time stream ~2 % faster here than six (Benchmarks harness, 2 threads)
#define BLOCK_NAME vamos_block_avx2
#define load_b load_b_avx2
#define tile_block tile_block_avx2
#define tile tile_avx2
#define block_dt block_dt_avx2
#include "tile_template.h"
#undef TILE_LOOP_F32
#undef VLANES
#undef NV
#undef VZERO
#undef VLOADA
#undef VLOADB_F32
#undef VLOADB_BF16
#undef VLOADB_F16
#undef VFMA
#undef REDUCE16
#undef TILE_MR
#undef TILE_NR
#undef GEMV_NR
#undef BLOCK_NAME
#undef load_b
#undef tile_block
#undef tile
#undef block_dt
#undef TILE_MAX_R
#undef TILE_MAX_C
#undef BLOCK_ROWS

// C (+)= Aᵀ·B, the lanes one after the other (tn_template.h): 6 rows × 16 columns, 12 accumulators.
#define VW 8
#define VZERO() _mm256_setzero_ps()
#define VFMA(acc, a, b) _mm256_fmadd_ps((a), (b), (acc))
#define VLOAD(p) _mm256_loadu_ps(p)
#define VSTORE(p, v) _mm256_storeu_ps((p), (v))
#define VBCAST(p) _mm256_broadcast_ss(p)
#define VADD(a, b) _mm256_add_ps((a), (b))
#define VNONFINITE(v) (_mm256_movemask_ps(_mm256_cmp_ps(_mm256_sub_ps((v), (v)), _mm256_setzero_ps(), _CMP_EQ_OQ)) != 0xff)
#define TN_MR 6
#define TN_NV 2
#define TN_NAME vamos_tn_tile_avx2
#include "tn_template.h"
#undef VW
#undef VZERO
#undef VFMA
#undef VLOAD
#undef VSTORE
#undef VBCAST
#undef VADD
#undef VNONFINITE
#undef TN_MR
#undef TN_NV
#undef TN_NAME

#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

// ---- AVX-512 --------------------------------------------------------------------------------
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx2,fma,f16c"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512bw,avx512vl,avx2,fma,f16c")
#endif

#define VT __m512
#define VLANES 16
#define NV 1
#define VZERO() _mm512_setzero_ps()
#define VLOADA(p) _mm512_loadu_ps(p)
#define VLOADB_F32(p) _mm512_loadu_ps(p)
#define VLOADB_BF16(p) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(p))), 16))
#define VLOADB_F16(p) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(p)))
#define VFMA(acc, a, b) _mm512_fmadd_ps((a), (b), (acc))

static inline __attribute__((always_inline)) float reduce16_avx512(__m512 a) {
    __m256 lo = _mm512_castps512_ps256(a);
    __m256 hi = _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1));
    __m256 s8 = _mm256_add_ps(lo, hi);                                                  // i + (i+8)
    __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));  // i + (i+4)
    __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));                                  // i + (i+2)
    __m128 s1 = _mm_add_ss(s2, _mm_shuffle_ps(s2, s2, 1));                              // 0 + 1
    return _mm_cvtss_f32(s1);
}
#define REDUCE16(acc) reduce16_avx512((acc)[0])

// REDUCE16 of 16 accumulators at once: each level adds the same pairs of lanes as reduce16_avx512
// (i + (i+8), then i + (i+4), i + (i+2), 0 + 1), only packed from two registers into one, so every
// dot product is bit for bit the same; 15 additions instead of 64. Fed x[4b + a] = acc[a][b], the
// last level holds acc[a][b] in lane 4a + b: the 4 × 4 tile in row order.
static inline __attribute__((always_inline)) __m512 reduce16x16_avx512(const __m512 x[16]) {
    __m512 y[8], z[4], w[2];
    for (int m = 0; m < 8; m++)  // lanes i + (i+8): quads [x_2m q0+q2, q1+q3, x_2m+1 q0+q2, q1+q3]
        y[m] = _mm512_add_ps(_mm512_shuffle_f32x4(x[2 * m], x[2 * m + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_f32x4(x[2 * m], x[2 * m + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    for (int p = 0; p < 4; p++)  // i + (i+4): quad c holds accumulator 4p + c
        z[p] = _mm512_add_ps(_mm512_shuffle_f32x4(y[2 * p], y[2 * p + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                             _mm512_shuffle_f32x4(y[2 * p], y[2 * p + 1], _MM_SHUFFLE(3, 1, 3, 1)));
    for (int r = 0; r < 2; r++)  // i + (i+2), within each quad
        w[r] = _mm512_add_ps(_mm512_shuffle_ps(z[2 * r], z[2 * r + 1], _MM_SHUFFLE(1, 0, 1, 0)),
                             _mm512_shuffle_ps(z[2 * r], z[2 * r + 1], _MM_SHUFFLE(3, 2, 3, 2)));
    return _mm512_add_ps(_mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(2, 0, 2, 0)),  // 0 + 1
                         _mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

// The scalar epilogue of tile() (v = dot; v = v + bias; v = c + v), four lanes per row of C.
static inline __attribute__((always_inline)) void store_tile4x4_avx512(const vamos_gemm_args *g,
                                                                     __m512 acc[4][8][1], int64_t i, int64_t j) {
    __m512 x[16];
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) x[4 * b + a] = acc[a][b][0];
    __m512 v = reduce16x16_avx512(x);
    if (g->bias) v = _mm512_add_ps(v, _mm512_broadcast_f32x4(_mm_loadu_ps(g->bias + j)));
    float *c = g->C + i * g->ldc + j;
    const int64_t ldc = g->ldc;
    if (g->accumulate) {
        __m512 old = _mm512_castps128_ps512(_mm_loadu_ps(c));
        old = _mm512_insertf32x4(old, _mm_loadu_ps(c + ldc), 1);
        old = _mm512_insertf32x4(old, _mm_loadu_ps(c + 2 * ldc), 2);
        old = _mm512_insertf32x4(old, _mm_loadu_ps(c + 3 * ldc), 3);
        v = _mm512_add_ps(old, v);
    }
    if (_mm512_cmp_ps_mask(_mm512_sub_ps(v, v), _mm512_setzero_ps(), _CMP_EQ_OQ) != 0xffff) vamos_note_nonfinite();
    _mm_storeu_ps(c, _mm512_castps512_ps128(v));
    _mm_storeu_ps(c + ldc, _mm512_extractf32x4_ps(v, 1));
    _mm_storeu_ps(c + 2 * ldc, _mm512_extractf32x4_ps(v, 2));
    _mm_storeu_ps(c + 3 * ldc, _mm512_extractf32x4_ps(v, 3));
}
#define STORE_TILE_4x4(g, acc, i, j) store_tile4x4_avx512((g), (acc), (i), (j))

// tile_block over the whole blocks of k for a 4 × 4 float32 tile: the same fused multiply-adds in
// the same order (acc[a][b] = fma(A_a[k…k+15], B_b[k…k+15], acc[a][b]), k ascending), written so
// that the eight row pointers and the 16 accumulators stay in registers. `pf` (or NULL): the next
// tile's rows, `lines` cache lines of them asked for per block of k (prefetches cannot change a bit,
// and on x86-64 one past the end of B cannot fault).
static inline __attribute__((always_inline)) void tile_loop4x4_f32_avx512(__m512 acc[4][8][1], const float *const *ap,
        const void *const *bp, int64_t kfull, const char *pf, int64_t lines) {
    const float *a0 = ap[0], *a1 = ap[1], *a2 = ap[2], *a3 = ap[3];
    const float *b0 = bp[0], *b1 = bp[1], *b2 = bp[2], *b3 = bp[3];
    __m512 c00 = acc[0][0][0], c01 = acc[0][1][0], c02 = acc[0][2][0], c03 = acc[0][3][0];
    __m512 c10 = acc[1][0][0], c11 = acc[1][1][0], c12 = acc[1][2][0], c13 = acc[1][3][0];
    __m512 c20 = acc[2][0][0], c21 = acc[2][1][0], c22 = acc[2][2][0], c23 = acc[2][3][0];
    __m512 c30 = acc[3][0][0], c31 = acc[3][1][0], c32 = acc[3][2][0], c33 = acc[3][3][0];
    const int64_t step = lines * 64;
    for (int64_t k = 0; k < kfull; k += 16) {
        prefetch_next(&pf, step);
        const __m512 x0 = _mm512_loadu_ps(a0 + k), x1 = _mm512_loadu_ps(a1 + k);
        const __m512 x2 = _mm512_loadu_ps(a2 + k), x3 = _mm512_loadu_ps(a3 + k);
        __m512 y = _mm512_loadu_ps(b0 + k);
        c00 = _mm512_fmadd_ps(x0, y, c00); c10 = _mm512_fmadd_ps(x1, y, c10);
        c20 = _mm512_fmadd_ps(x2, y, c20); c30 = _mm512_fmadd_ps(x3, y, c30);
        y = _mm512_loadu_ps(b1 + k);
        c01 = _mm512_fmadd_ps(x0, y, c01); c11 = _mm512_fmadd_ps(x1, y, c11);
        c21 = _mm512_fmadd_ps(x2, y, c21); c31 = _mm512_fmadd_ps(x3, y, c31);
        y = _mm512_loadu_ps(b2 + k);
        c02 = _mm512_fmadd_ps(x0, y, c02); c12 = _mm512_fmadd_ps(x1, y, c12);
        c22 = _mm512_fmadd_ps(x2, y, c22); c32 = _mm512_fmadd_ps(x3, y, c32);
        y = _mm512_loadu_ps(b3 + k);
        c03 = _mm512_fmadd_ps(x0, y, c03); c13 = _mm512_fmadd_ps(x1, y, c13);
        c23 = _mm512_fmadd_ps(x2, y, c23); c33 = _mm512_fmadd_ps(x3, y, c33);
    }
    acc[0][0][0] = c00; acc[0][1][0] = c01; acc[0][2][0] = c02; acc[0][3][0] = c03;
    acc[1][0][0] = c10; acc[1][1][0] = c11; acc[1][2][0] = c12; acc[1][3][0] = c13;
    acc[2][0][0] = c20; acc[2][1][0] = c21; acc[2][2][0] = c22; acc[2][3][0] = c23;
    acc[3][0][0] = c30; acc[3][1][0] = c31; acc[3][2][0] = c32; acc[3][3][0] = c33;
}
#define TILE_LOOP_F32(acc, ap, bp, kfull, pf, lines) tile_loop4x4_f32_avx512((acc), (ap), (bp), (kfull), (pf), (lines))
#define TILE_MR 4
#define TILE_NR 4
#define GEMV_NR 8
#define BLOCK_NAME vamos_block_avx512
#define load_b load_b_avx512
#define tile_block tile_block_avx512
#define tile tile_avx512
#define block_dt block_dt_avx512
#include "tile_template.h"
#undef TILE_LOOP_F32

// C (+)= Aᵀ·B (tn_template.h): 8 rows × 32 columns, 16 accumulators.
#define VW 16
#define VLOAD(p) _mm512_loadu_ps(p)
#define VSTORE(p, v) _mm512_storeu_ps((p), (v))
#define VBCAST(p) _mm512_set1_ps(*(p))
#define VADD(a, b) _mm512_add_ps((a), (b))
#define VNONFINITE(v) (_mm512_cmp_ps_mask(_mm512_sub_ps((v), (v)), _mm512_setzero_ps(), _CMP_EQ_OQ) != 0xffff)
#define TN_MR 8
#define TN_NV 2
#define TN_NAME vamos_tn_tile_avx512
#include "tn_template.h"

#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
