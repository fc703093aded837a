// Elementwise activations on whole rows. swish(x) = x / (1 + exp(-x)), each element exactly as
// the scalar expression `x / (1.0f + vamos_expf(-x))` computes it: the AVX2 variant runs
// fdlibm's exp (vamos_math.c) four doubles at a time with the same operations in the same order
// (its branches become per-lane selects; lanes outside the plain range -- |x| >= 709.78, NaN, a
// subnormal or overflowing result -- go through the scalar function), so every variant gives the
// same bits (KernelTests.testSwishVariantsAgreeBitForBit).
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include "kernels_internal.h"
#include "vamos_math.h"

static void swish_scalar(float *x, int64_t n) {
    for (int64_t i = 0; i < n; i++) x[i] = x[i] / (1.0f + vamos_expf(-x[i]));
}

// x[i] = (float)exp(x[i] − m) in place, returning their sum added one after another onto `sum`
// (softmax's and log-softmax's normalizer).
static float exp_shifted_scalar(float *x, int64_t n, float m, float sum) {
    for (int64_t i = 0; i < n; i++) {
        const float e = vamos_expf(x[i] - m);
        x[i] = e;
        sum += e;
    }
    return sum;
}

static double ce_exp_sum_scalar(const float *x, int64_t n, float m, double sum) {
    for (int64_t j = 0; j < n; j++) sum += vamos_exp((double)(x[j] - m));
    return sum;
}

static void ce_grad_scalar(const float *x, int64_t j0, int64_t j1, int64_t n, double lse, int64_t label, float eps,
                           float inv, float *d) {
    for (int64_t j = j0; j < j1; j++) {
        const float p = (float)vamos_exp((double)x[j] - lse);
        const float q = (j == label ? 1 - eps : 0) + eps / (float)n;
        d[j] = (p - q) * inv;
    }
}

#if defined(__x86_64__)
#include <immintrin.h>
#ifdef __clang__
#pragma clang attribute push(__attribute__((target("avx2"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2")
#endif

// fdlibm e_exp.c's constants (vamos_math.c).
#define EX_LN2_HI 6.93147180369123816490e-01
#define EX_LN2_LO 1.90821492927058770002e-10
#define EX_INVLN2 1.44269504088896338700e+00
#define EX_P1 1.66666666666666019037e-01
#define EX_P2 -2.77777777770155933842e-03
#define EX_P3 6.61375632143793436117e-05
#define EX_P4 -1.65339022054652515390e-06
#define EX_P5 4.13813679705723846039e-08

/// exp of four doubles as vamos_exp computes each; returns 0 (and leaves *out alone) when a lane
/// needs one of vamos_exp's rare paths.
static inline int exp4(__m256d x, __m256d *out) {
    const __m256i bits = _mm256_castpd_si256(x);
    const __m256i hx = _mm256_and_si256(_mm256_srli_epi64(bits, 32), _mm256_set1_epi64x(0x7fffffff));
    const __m256i special = _mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(0x40862E41));     // |x| >= 709.78.., inf, NaN
    if (!_mm256_testz_si256(special, special)) return 0;
    const __m256d neg = _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_setzero_si256(), bits));  // sign bit set
    const __m256d tiny = _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_set1_epi64x(0x3e300000), hx));   // |x| < 2^-28
    const __m256d reduce = _mm256_castsi256_pd(_mm256_cmpgt_epi64(hx, _mm256_set1_epi64x(0x3fd62e42)));  // |x| > 0.5 ln2
    const __m256d mid = _mm256_and_pd(reduce, _mm256_castsi256_pd(_mm256_cmpgt_epi64(_mm256_set1_epi64x(0x3FF0A2B2), hx)));
    // k: ±1 below 1.5 ln2, else (int)(invln2·x ± 0.5); 0 where there is no reduction.
    const __m256d half = _mm256_blendv_pd(_mm256_set1_pd(0.5), _mm256_set1_pd(-0.5), neg);
    __m256d t = _mm256_round_pd(_mm256_add_pd(_mm256_mul_pd(_mm256_set1_pd(EX_INVLN2), x), half),
                                _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
    t = _mm256_blendv_pd(t, _mm256_blendv_pd(_mm256_set1_pd(1.0), _mm256_set1_pd(-1.0), neg), mid);
    t = _mm256_and_pd(t, reduce);
    const __m256d hi = _mm256_sub_pd(x, _mm256_mul_pd(t, _mm256_set1_pd(EX_LN2_HI)));   // exact
    const __m256d lo = _mm256_mul_pd(t, _mm256_set1_pd(EX_LN2_LO));
    const __m256d r = _mm256_sub_pd(hi, lo);                                            // x where k = 0
    const __m256d r2 = _mm256_mul_pd(r, r);
    __m256d p = _mm256_add_pd(_mm256_set1_pd(EX_P4), _mm256_mul_pd(r2, _mm256_set1_pd(EX_P5)));
    p = _mm256_add_pd(_mm256_set1_pd(EX_P3), _mm256_mul_pd(r2, p));
    p = _mm256_add_pd(_mm256_set1_pd(EX_P2), _mm256_mul_pd(r2, p));
    p = _mm256_add_pd(_mm256_set1_pd(EX_P1), _mm256_mul_pd(r2, p));
    const __m256d c = _mm256_sub_pd(r, _mm256_mul_pd(r2, p));
    const __m256d one = _mm256_set1_pd(1.0);
    // (r·c)/(2 − c); for k = 0 fdlibm divides by (c − 2): the same quotient with the sign flipped.
    const __m256d q = _mm256_div_pd(_mm256_mul_pd(r, c), _mm256_sub_pd(_mm256_set1_pd(2.0), c));
    const __m256d y0 = _mm256_sub_pd(one, _mm256_sub_pd(_mm256_xor_pd(q, _mm256_set1_pd(-0.0)), r));
    const __m256d y1 = _mm256_sub_pd(one, _mm256_sub_pd(_mm256_sub_pd(lo, q), hi));
    const __m128i k = _mm256_cvttpd_epi32(t);
    const __m128i kbad = _mm_or_si128(_mm_cmpgt_epi32(_mm_set1_epi32(-1021), k), _mm_cmpgt_epi32(k, _mm_set1_epi32(1023)));
    if (!_mm_testz_si128(kbad, kbad)) return 0;                                          // subnormal or 2^1024 scaling
    const __m256d scale = _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(_mm256_cvtepi32_epi64(k), _mm256_set1_epi64x(1023)), 52));
    __m256d y = _mm256_blendv_pd(y0, _mm256_mul_pd(y1, scale), reduce);
    y = _mm256_blendv_pd(y, _mm256_add_pd(one, x), tiny);
    y = _mm256_blendv_pd(y, _mm256_set1_pd(2.718281828459045235360), _mm256_cmp_pd(x, one, _CMP_EQ_OQ));
    *out = y;
    return 1;
}

static void swish_avx2(float *x, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m128 v = _mm_loadu_ps(x + i);
        __m256d e;
        if (!exp4(_mm256_cvtps_pd(_mm_xor_ps(v, _mm_set1_ps(-0.0f))), &e)) { swish_scalar(x + i, 4); continue; }
        const __m128 ef = _mm256_cvtpd_ps(e);                                            // (float)exp(-x)
        _mm_storeu_ps(x + i, _mm_div_ps(v, _mm_add_ps(_mm_set1_ps(1.0f), ef)));
    }
    swish_scalar(x + i, n - i);
}

// The exps four at a time, the sum still one element after another (the same order, so the same
// bits as the scalar loop).
static float exp_shifted_avx2(float *x, int64_t n, float m) {
    float sum = 0.0f;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m128 d = _mm_sub_ps(_mm_loadu_ps(x + i), _mm_set1_ps(m));
        __m256d e;
        if (!exp4(_mm256_cvtps_pd(d), &e)) { sum = exp_shifted_scalar(x + i, 4, m, sum); continue; }
        _mm_storeu_ps(x + i, _mm256_cvtpd_ps(e));
        sum += x[i]; sum += x[i + 1]; sum += x[i + 2]; sum += x[i + 3];
    }
    return exp_shifted_scalar(x + i, n - i, m, sum);
}

// Cross-entropy's passes, the exps four at a time, the sum and every float32 operation as the scalar loops.
static double ce_exp_sum_avx2(const float *x, int64_t n, float m) {
    double sum = 0;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d e;
        if (!exp4(_mm256_cvtps_pd(_mm_sub_ps(_mm_loadu_ps(x + j), _mm_set1_ps(m))), &e)) {
            sum = ce_exp_sum_scalar(x + j, 4, m, sum);
            continue;
        }
        double v[4];
        _mm256_storeu_pd(v, e);
        sum += v[0]; sum += v[1]; sum += v[2]; sum += v[3];
    }
    return ce_exp_sum_scalar(x + j, n - j, m, sum);
}

static void ce_grad_avx2(const float *x, int64_t n, double lse, int64_t label, float eps, float inv, float *d) {
    const __m128 smooth = _mm_set1_ps(eps / (float)n), invv = _mm_set1_ps(inv);
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d e;
        if (label >= j && label < j + 4) { ce_grad_scalar(x, j, j + 4, n, lse, label, eps, inv, d); continue; }
        if (!exp4(_mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(x + j)), _mm256_set1_pd(lse)), &e)) {
            ce_grad_scalar(x, j, j + 4, n, lse, label, eps, inv, d);
            continue;
        }
        const __m128 q = _mm_add_ps(_mm_setzero_ps(), smooth);  // 0 + eps/n, as the scalar expression
        _mm_storeu_ps(d + j, _mm_mul_ps(_mm_sub_ps(_mm256_cvtpd_ps(e), q), invv));
    }
    ce_grad_scalar(x, j, n, n, lse, label, eps, inv, d);
}

#ifdef __clang__
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif

double vamos_ce_exp_sum(const float *x, int64_t n, float m) {
#if defined(__x86_64__)
    const int isa = vamos_isa_current();
    if (isa == VAMOS_ISA_AVX2 || isa == VAMOS_ISA_AVX512) return ce_exp_sum_avx2(x, n, m);
#endif
    return ce_exp_sum_scalar(x, n, m, 0.0);
}

void vamos_ce_grad(const float *x, int64_t n, double lse, int64_t label, float eps, float inv, float *d) {
#if defined(__x86_64__)
    const int isa = vamos_isa_current();
    if (isa == VAMOS_ISA_AVX2 || isa == VAMOS_ISA_AVX512) { ce_grad_avx2(x, n, lse, label, eps, inv, d); return; }
#endif
    ce_grad_scalar(x, 0, n, n, lse, label, eps, inv, d);
}

float vamos_exp_shifted(float *x, int64_t n, float m) {
#if defined(__x86_64__)
    const int isa = vamos_isa_current();
    if (isa == VAMOS_ISA_AVX2 || isa == VAMOS_ISA_AVX512) return exp_shifted_avx2(x, n, m);
#endif
    return exp_shifted_scalar(x, n, m, 0.0f);
}

void vamos_swish(float *x, int64_t n) {
#if defined(__x86_64__)
    const int isa = vamos_isa_current();
    if (isa == VAMOS_ISA_AVX2 || isa == VAMOS_ISA_AVX512) { swish_avx2(x, n); return; }
#endif
    swish_scalar(x, n);
}

// relu and its backward: comparisons and selects only (no rounding), so any vectorization gives
// the same bits. Written as a mask ANDed with the bits (the selected value is +0, as `? 0 :`
// gives), which clang vectorizes; the plain `?:` it compiles to a branch per element, which
// mispredicts on half of them.
#include <string.h>

// out[i] = keep(x[i]) ? out[i] : +0, for a float type T whose bits are the unsigned type U.
#define MASKED_ZERO(T, U, out, x, n, zero_when)                      \
    for (int64_t i = 0; i < (n); i++) {                              \
        U u;                                                         \
        memcpy(&u, &(out)[i], sizeof u);                             \
        u &= (U)0 - (U)!((x)[i] zero_when (T)0);                     \
        memcpy(&(out)[i], &u, sizeof u);                             \
    }

void vamos_relu_f32(float *restrict x, int64_t n) { MASKED_ZERO(float, uint32_t, x, x, n, <) }
void vamos_relu_f64(double *restrict x, int64_t n) { MASKED_ZERO(double, uint64_t, x, x, n, <) }
void vamos_relu_backward_f32(float *restrict dx, const float *restrict x, int64_t n) { MASKED_ZERO(float, uint32_t, dx, x, n, <=) }
void vamos_relu_backward_f64(double *restrict dx, const double *restrict x, int64_t n) { MASKED_ZERO(double, uint64_t, dx, x, n, <=) }
