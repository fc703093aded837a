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
