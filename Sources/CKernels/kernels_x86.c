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
#define TILE_MR 2
#define TILE_NR 3
#define GEMV_NR 3  // one row of A: three weight rows at a time stream ~2 % faster here than six (Benchmarks harness, 2 threads)
#define BLOCK_NAME vamos_block_avx2
#define load_b load_b_avx2
#define tile_block tile_block_avx2
#define tile tile_avx2
#define block_dt block_dt_avx2
#include "tile_template.h"
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
#define TILE_MR 4
#define TILE_NR 4
#define GEMV_NR 8
#define BLOCK_NAME vamos_block_avx512
#define load_b load_b_avx512
#define tile_block tile_block_avx512
#define tile tile_avx512
#define block_dt block_dt_avx512
#include "tile_template.h"

#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
