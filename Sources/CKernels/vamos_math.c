/*
 * vamos_math.c: Vamos' own elementary functions, bit-reproducible everywhere.
 *
 * The algorithms are those of fdlibm (Sun Microsystems), rewritten in C99:
 * e_exp.c, s_expm1.c, e_log.c, s_tanh.c, s_erf.c, k_sin.c, k_cos.c, s_sin.c,
 * s_cos.c and the medium-size Cody-Waite branch of e_rem_pio2.c (as revised in
 * FreeBSD msun by Bruce D. Evans). Their notices, which this file preserves as
 * their license asks (s_expm1.c, s_tanh.c, s_erf.c; e_log.c, k_sin.c, k_cos.c,
 * s_sin.c, s_cos.c, e_rem_pio2.c; e_exp.c):
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunPro, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * ====================================================
 * Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
 *
 * Developed at SunSoft, a Sun Microsystems, Inc. business.
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * ====================================================
 * Copyright (C) 2004 by Sun Microsystems, Inc. All rights reserved.
 *
 * Permission to use, copy, modify, and distribute this
 * software is freely granted, provided that this notice
 * is preserved.
 * ====================================================
 *
 * Departures from fdlibm (all made for reproducibility or for the accuracy
 * bound of < 1 ulp; see vamos_math.h for the measured errors):
 *   - Bits are read and written through memcpy into uint64_t, never through
 *     unions or endian-dependent __HI/__LO macros.
 *   - Nothing from libm is called. Only IEEE-754 +, -, *, / on double (and
 *     exact conversions between integers below 2^53 and double, truncating
 *     double->int) are used: no fma, no sqrt, no long double, no
 *     floating-point exception tricks (fdlibm's "raise inexact" code is gone).
 *   - NaN results are deterministic: a NaN argument comes back quieted with
 *     its sign and payload kept; a NaN created here (log(-1), sin(inf)) is
 *     always the positive quiet NaN 0x7ff8000000000000 (hardware 0/0 gives a
 *     negative NaN on x86 and a positive one on arm64).
 *   - erf on |x| < 0.84375: x + x*R(x^2) is summed with the exact product
 *     (Dekker), 0.93 -> 0.89 ulp measured.
 *   - tanh: fdlibm's -t/(t+2) with t = expm1(-2|x|) errs by up to ~2 ulp.
 *     Here t = expm1(2|x|) is formed in double-double (fdlibm's reduction
 *     x = k ln2 + r, a Taylor polynomial for the tail) and tanh = t/(t+2) is
 *     divided in double-double, so the result is rounded once.
 *   - sin/cos beyond |x| >= 2^20 pi/2: instead of fdlibm's __kernel_rem_pio2
 *     this file uses its own Payne-Hanek reduction (a 1216-bit table of 2/pi
 *     and integer arithmetic), valid for every finite double.
 *
 * Floating-point contract: this file must be compiled with round-to-nearest,
 * no flush-to-zero, no fast-math, and with a*b+c never contracted into an
 * fma. The pragmas below enforce the last point for clang and GCC even when
 * -ffp-contract=off is forgotten (but clang's -ffp-contract=fast overrides
 * them: never use it here); the build also passes -ffp-contract=off.
 */
#if defined(__clang__) || !defined(__GNUC__)
#pragma STDC FP_CONTRACT OFF
#endif
#ifdef __clang__
#pragma clang fp contract(off)
#elif defined(__GNUC__)
/* GCC ignores (and warns about) the STDC pragma; this is its equivalent. */
#pragma GCC optimize ("fp-contract=off")
#endif

#include "vamos_math.h"

#include <stdint.h>
#include <string.h>

#if defined(__FLT_EVAL_METHOD__) && __FLT_EVAL_METHOD__ != 0
#error "vamos_math.c needs FLT_EVAL_METHOD == 0 (SSE2 on x86, not x87)"
#endif
#if defined(__FAST_MATH__)
#error "vamos_math.c must not be compiled with -ffast-math"
#endif

/* ------------------------------------------------------------------------ */
/* Bit access and tiny helpers                                              */
/* ------------------------------------------------------------------------ */

static inline uint64_t vm_bits(double x) { uint64_t u; memcpy(&u, &x, sizeof u); return u; }
static inline double vm_double(uint64_t u) { double x; memcpy(&x, &u, sizeof x); return x; }
/* The high 32 bits (sign, exponent, top 20 fraction bits), as fdlibm's GET_HIGH_WORD. */
static inline uint32_t vm_hi(double x) { return (uint32_t)(vm_bits(x) >> 32); }
static inline uint32_t vm_lo(double x) { return (uint32_t)vm_bits(x); }
static inline double vm_words(uint32_t hi, uint32_t lo) { return vm_double(((uint64_t)hi << 32) | lo); }
static inline double vm_fabs(double x) { return vm_double(vm_bits(x) & 0x7fffffffffffffffULL); }
/* 2^k for -1022 <= k <= 1023. */
static inline double vm_pow2(int k) { return vm_double((uint64_t)(k + 1023) << 52); }

#define VM_ABS_MASK 0x7fffffffffffffffULL
#define VM_INF_BITS 0x7ff0000000000000ULL
#define VM_QNAN_BITS 0x7ff8000000000000ULL
static inline double vm_inf(void) { return vm_double(VM_INF_BITS); }
static inline double vm_nan(void) { return vm_double(VM_QNAN_BITS); }
/* A NaN argument, quieted, sign and payload kept. */
static inline double vm_quiet(double x) { return vm_double(vm_bits(x) | 0x0008000000000000ULL); }

/* Error-free transformations (Knuth, Dekker), exact with round-to-nearest. */
static inline void vm_two_sum(double a, double b, double *s, double *e)
{
    double ss = a + b;
    double bb = ss - a;
    *e = (a - (ss - bb)) + (b - bb);
    *s = ss;
}
/* Requires |a| >= |b| (or a == 0). */
static inline void vm_fast_two_sum(double a, double b, double *s, double *e)
{
    double ss = a + b;
    *e = b - (ss - a);
    *s = ss;
}
/* a*b = *p + *e exactly (Veltkamp split; |a|,|b| < 2^995). */
static inline void vm_two_prod(double a, double b, double *p, double *e)
{
    const double split = 134217729.0; /* 2^27 + 1 */
    double ca = split * a, cb = split * b;
    double ah = ca - (ca - a), al = a - ah;
    double bh = cb - (cb - b), bl = b - bh;
    double pp = a * b;
    *e = ((ah * bh - pp) + ah * bl + al * bh) + al * bl;
    *p = pp;
}

/* Shared constants. */
static const double
    vm_ln2_hi  = 6.93147180369123816490e-01, /* 0x3fe62e42 0xfee00000 */
    vm_ln2_lo  = 1.90821492927058770002e-10, /* 0x3dea39ef 0x35793c76 */
    vm_invln2  = 1.44269504088896338700e+00, /* 0x3ff71547 0x652b82fe */
    vm_o_threshold = 7.09782712893383973096e+02,  /* 0x40862E42 0xFEFA39EF */
    vm_u_threshold = -7.45133219101941108420e+02, /* 0xc0874910 0xD52D3051 */
    vm_twom1000 = 9.33263618503218878990e-302;    /* 2^-1000 */

/* ------------------------------------------------------------------------ */
/* exp (fdlibm e_exp.c)                                                      */
/* ------------------------------------------------------------------------ */

static const double
    ex_P1 =  1.66666666666666019037e-01, /* 0x3FC55555 0x5555553E */
    ex_P2 = -2.77777777770155933842e-03, /* 0xBF66C16C 0x16BEBD93 */
    ex_P3 =  6.61375632143793436117e-05, /* 0x3F11566A 0xAF25DE2C */
    ex_P4 = -1.65339022054652515390e-06, /* 0xBEBBBD41 0xC5D26BF1 */
    ex_P5 =  4.13813679705723846039e-08; /* 0x3E663769 0x72BEA4D0 */

double vamos_exp(double x)
{
    double hi = 0.0, lo = 0.0, c, t, y;
    int k = 0;
    uint32_t hx = vm_hi(x);
    int xsb = (int)(hx >> 31);
    hx &= 0x7fffffffU;

    if (hx >= 0x40862E42U) {                    /* |x| >= 709.78..., inf, NaN */
        if (hx >= 0x7ff00000U) {
            if (((hx & 0xfffffU) | vm_lo(x)) != 0) return vm_quiet(x);
            return xsb == 0 ? x : 0.0;          /* exp(+inf) = inf, exp(-inf) = 0 */
        }
        if (x > vm_o_threshold) return vm_inf();
        if (x < vm_u_threshold) return 0.0;
    }
    if (x == 1.0) return 2.718281828459045235360; /* correctly rounded e */

    if (hx > 0x3fd62e42U) {                     /* |x| > 0.5 ln2 */
        if (hx < 0x3FF0A2B2U) {                 /* and |x| < 1.5 ln2 */
            if (xsb == 0) { hi = x - vm_ln2_hi; lo = vm_ln2_lo; k = 1; }
            else          { hi = x + vm_ln2_hi; lo = -vm_ln2_lo; k = -1; }
        } else {
            k = (int)(vm_invln2 * x + (xsb == 0 ? 0.5 : -0.5));
            t = (double)k;
            hi = x - t * vm_ln2_hi;             /* exact */
            lo = t * vm_ln2_lo;
        }
        x = hi - lo;
    } else if (hx < 0x3e300000U) {              /* |x| < 2^-28 */
        return 1.0 + x;
    }

    /* x is now in [-0.5 ln2, 0.5 ln2] */
    t = x * x;
    c = x - t * (ex_P1 + t * (ex_P2 + t * (ex_P3 + t * (ex_P4 + t * ex_P5))));
    if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
    y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
    if (k >= -1021) {
        if (k == 1024) return y * 2.0 * 0x1p1023;
        return y * vm_pow2(k);
    }
    return y * vm_pow2(k + 1000) * vm_twom1000; /* subnormal result: one rounding */
}

/* ------------------------------------------------------------------------ */
/* expm1 (fdlibm s_expm1.c)                                                  */
/* ------------------------------------------------------------------------ */

static const double
    em_Q1 = -3.33333333333331316428e-02, /* BFA11111 111110F4 */
    em_Q2 =  1.58730158725481460165e-03, /* 3F5A01A0 19FE5585 */
    em_Q3 = -7.93650757867487942473e-05, /* BF14CE19 9EAADBB7 */
    em_Q4 =  4.00821782732936239552e-06, /* 3ED0CFCA 86E65239 */
    em_Q5 = -2.01099218183624371326e-07; /* BE8AFDB7 6E09C32D */

double vamos_expm1(double x)
{
    double y, hi, lo, c = 0.0, t, e, hxs, hfx, r1;
    int k;
    uint32_t hx = vm_hi(x);
    uint32_t xsb = hx & 0x80000000U;
    hx &= 0x7fffffffU;

    if (hx >= 0x4043687AU) {                    /* |x| >= 56 ln2 */
        if (hx >= 0x40862E42U) {                /* |x| >= 709.78... */
            if (hx >= 0x7ff00000U) {
                if (((hx & 0xfffffU) | vm_lo(x)) != 0) return vm_quiet(x);
                return xsb == 0 ? x : -1.0;     /* expm1(+-inf) = {inf, -1} */
            }
            if (x > vm_o_threshold) return vm_inf();
        }
        if (xsb != 0) return -1.0;              /* x < -56 ln2 */
    }

    if (hx > 0x3fd62e42U) {                     /* |x| > 0.5 ln2 */
        if (hx < 0x3FF0A2B2U) {                 /* and |x| < 1.5 ln2 */
            if (xsb == 0) { hi = x - vm_ln2_hi; lo = vm_ln2_lo; k = 1; }
            else          { hi = x + vm_ln2_hi; lo = -vm_ln2_lo; k = -1; }
        } else {
            k = (int)(vm_invln2 * x + (xsb == 0 ? 0.5 : -0.5));
            t = (double)k;
            hi = x - t * vm_ln2_hi;             /* exact */
            lo = t * vm_ln2_lo;
        }
        x = hi - lo;
        c = (hi - x) - lo;
    } else if (hx < 0x3c900000U) {              /* |x| < 2^-54 */
        return x;
    } else {
        k = 0;
    }

    /* x is now in the primary range */
    hfx = 0.5 * x;
    hxs = x * hfx;
    r1 = 1.0 + hxs * (em_Q1 + hxs * (em_Q2 + hxs * (em_Q3 + hxs * (em_Q4 + hxs * em_Q5))));
    t = 3.0 - r1 * hfx;
    e = hxs * ((r1 - t) / (6.0 - x * t));
    if (k == 0) return x - (x * e - hxs);       /* c is 0 */
    e = (x * (e - c) - c);
    e -= hxs;
    if (k == -1) return 0.5 * (x - e) - 0.5;
    if (k == 1) {
        if (x < -0.25) return -2.0 * (e - (x + 0.5));
        return 1.0 + 2.0 * (x - e);
    }
    if (k <= -2 || k > 56) {                    /* exp(x) - 1 suffices */
        y = 1.0 - (e - x);
        if (k == 1024) y = y * 2.0 * 0x1p1023;
        else y = y * vm_pow2(k);
        return y - 1.0;
    }
    if (k < 20) {
        t = vm_words(0x3ff00000U - (0x200000U >> k), 0); /* 1 - 2^-k */
        y = t - (e - x);
        y = y * vm_pow2(k);
    } else {
        t = vm_pow2(-k);                        /* 2^-k */
        y = x - (e + t);
        y += 1.0;
        y = y * vm_pow2(k);
    }
    return y;
}

/* ------------------------------------------------------------------------ */
/* log (fdlibm e_log.c)                                                      */
/* ------------------------------------------------------------------------ */

static const double
    lg_two54 = 1.80143985094819840000e+16, /* 2^54 */
    lg_Lg1 = 6.666666666666735130e-01,     /* 3FE55555 55555593 */
    lg_Lg2 = 3.999999999940941908e-01,     /* 3FD99999 9997FA04 */
    lg_Lg3 = 2.857142874366239149e-01,     /* 3FD24924 94229359 */
    lg_Lg4 = 2.222219843214978396e-01,     /* 3FCC71C5 1D8E78AF */
    lg_Lg5 = 1.818357216161805012e-01,     /* 3FC74664 96CB03DE */
    lg_Lg6 = 1.531383769920937332e-01,     /* 3FC39A09 D078C69F */
    lg_Lg7 = 1.479819860511658591e-01;     /* 3FC2F112 DF3E5244 */

double vamos_log(double x)
{
    double hfsq, f, s, z, R, w, t1, t2, dk;
    int32_t k = 0, i, j;
    uint64_t ux = vm_bits(x);
    uint32_t hx = (uint32_t)(ux >> 32);

    if ((ux & VM_ABS_MASK) > VM_INF_BITS) return vm_quiet(x);  /* NaN */
    if (hx < 0x00100000U || (hx >> 31) != 0) {  /* x < 2^-1022, or sign set */
        if ((ux & VM_ABS_MASK) == 0) return -vm_inf();         /* log(+-0) = -inf */
        if ((hx >> 31) != 0) return vm_nan();                  /* log(x<0) = NaN */
        k -= 54;                                /* subnormal: scale up */
        x *= lg_two54;
        hx = vm_hi(x);
    }
    if (hx >= 0x7ff00000U) return x;            /* +inf */
    k += (int32_t)(hx >> 20) - 1023;
    hx &= 0x000fffffU;
    i = (int32_t)((hx + 0x95f64U) & 0x100000U);
    x = vm_words(hx | ((uint32_t)i ^ 0x3ff00000U), vm_lo(x)); /* normalize x or x/2 */
    k += (i >> 20);
    f = x - 1.0;
    if ((0x000fffffU & (2 + hx)) < 3) {         /* -2^-20 <= f < 2^-20 */
        if (f == 0.0) {
            if (k == 0) return 0.0;
            dk = (double)k;
            return dk * vm_ln2_hi + dk * vm_ln2_lo;
        }
        R = f * f * (0.5 - 0.33333333333333333 * f);
        if (k == 0) return f - R;
        dk = (double)k;
        return dk * vm_ln2_hi - ((R - dk * vm_ln2_lo) - f);
    }
    s = f / (2.0 + f);
    dk = (double)k;
    z = s * s;
    i = (int32_t)hx - 0x6147a;
    w = z * z;
    j = 0x6b851 - (int32_t)hx;
    t1 = w * (lg_Lg2 + w * (lg_Lg4 + w * lg_Lg6));
    t2 = z * (lg_Lg1 + w * (lg_Lg3 + w * (lg_Lg5 + w * lg_Lg7)));
    i |= j;
    R = t2 + t1;
    if (i > 0) {
        hfsq = 0.5 * f * f;
        if (k == 0) return f - (hfsq - s * (hfsq + R));
        return dk * vm_ln2_hi - ((hfsq - (s * (hfsq + R) + dk * vm_ln2_lo)) - f);
    }
    if (k == 0) return f - s * (f - R);
    return dk * vm_ln2_hi - ((s * (f - R) - dk * vm_ln2_lo) - f);
}

/* ------------------------------------------------------------------------ */
/* tanh (fdlibm s_tanh.c structure; t = expm1(2|x|) in double-double)        */
/* ------------------------------------------------------------------------ */

/* 1/n! for n = 3..15, the tail of expm1(r) = r + r^2/2 + r^3 (1/3! + r/4! + ...). */
static const double th_c[13] = {
    1.66666666666666666667e-01, 4.16666666666666666667e-02, 8.33333333333333333333e-03,
    1.38888888888888888889e-03, 1.98412698412698412698e-04, 2.48015873015873015873e-05,
    2.75573192239858906526e-06, 2.75573192239858906526e-07, 2.50521083854417187751e-08,
    2.08767569878680989792e-09, 1.60590438368216145994e-10, 1.14707455977297247139e-11,
    7.64716373181981647590e-13,
};

double vamos_tanh(double x)
{
    uint64_t ux = vm_bits(x);
    uint32_t ix = (uint32_t)(ux >> 32) & 0x7fffffffU;
    int neg = (int)(ux >> 63);
    double a, y, rh, rl, sh, sl, u, ue, tail, q, lo, ph, pl, th, tl, dh, dl, pq, eq, r;
    int k;

    if (ix >= 0x7ff00000U) {                    /* inf or NaN */
        if ((ux & VM_ABS_MASK) > VM_INF_BITS) return vm_quiet(x);
        return neg ? -1.0 : 1.0;
    }
    if (ix < 0x3e300000U) return x;             /* |x| < 2^-28: tanh x = x (and -0 stays -0) */
    if (ix >= 0x40360000U) return neg ? -1.0 : 1.0; /* |x| >= 22 */

    a = vm_fabs(x);
    y = a + a;                                  /* exact; t = e^y - 1, tanh = t/(t+2) */
    if (y < 0.34657359027997264) {              /* y <= 0.5 ln2: no reduction */
        k = 0; rh = y; rl = 0.0;
    } else {                                    /* y = k ln2 + r, |r| <= 0.5 ln2 */
        double kd, hi, lo2;
        k = (int)(vm_invln2 * y + 0.5);
        kd = (double)k;
        hi = y - kd * vm_ln2_hi;                /* exact */
        lo2 = kd * vm_ln2_lo;
        vm_two_sum(hi, -lo2, &rh, &rl);
    }
    /* p = e^(rh+rl) - 1 as ph + pl, relative error ~2^-58 */
    vm_two_prod(rh, rh, &sh, &sl);
    sh *= 0.5; sl *= 0.5;                       /* r^2/2 exactly */
    {                                           /* 1/3! + r/4! + ... + r^12/15!, Estrin's scheme */
        double r2 = rh * rh, r4 = r2 * r2, r8 = r4 * r4;
        double a0 = th_c[0] + th_c[1] * rh, a1 = th_c[2] + th_c[3] * rh;
        double a2 = th_c[4] + th_c[5] * rh, a3 = th_c[6] + th_c[7] * rh;
        double a4 = th_c[8] + th_c[9] * rh, a5 = th_c[10] + th_c[11] * rh;
        double b0 = a0 + a1 * r2, b1 = a2 + a3 * r2, b2 = a4 + a5 * r2;
        tail = (b0 + b1 * r4) + (b2 + th_c[12] * r4) * r8;
    }
    tail = (sh * rh) * 2.0 * tail;              /* r^3 (1/3! + r/4! + ...) */
    vm_two_sum(rh, sh, &u, &ue);
    lo = ue + (sl + (tail + rl * (1.0 + u)));
    vm_fast_two_sum(u, lo, &ph, &pl);

    if (k == 0) {
        th = ph; tl = pl;
    } else {                                    /* t = 2^k (1 + p) - 1 */
        double a1, a2, s2, t1, t2;
        vm_two_sum(1.0, ph, &a1, &a2);
        a2 += pl;
        s2 = vm_pow2(k);
        a1 *= s2; a2 *= s2;
        vm_two_sum(a1, -1.0, &t1, &t2);
        t2 += a2;
        vm_fast_two_sum(t1, t2, &th, &tl);
    }
    /* tanh = t / (t + 2), in double-double, rounded once at the end */
    vm_two_sum(th, 2.0, &dh, &dl);
    dl += tl;
    q = th / dh;
    vm_two_prod(q, dh, &pq, &eq);
    r = (((th - pq) - eq) + tl) - q * dl;
    q = q + r / dh;
    return neg ? -q : q;
}

/* ------------------------------------------------------------------------ */
/* erf (fdlibm s_erf.c)                                                      */
/* ------------------------------------------------------------------------ */

static const double
    erx  =  8.45062911510467529297e-01, /* 0x3FEB0AC1 0x60000000 */
    efx  =  1.28379167095512586316e-01, /* 0x3FC06EBA 0x8214DB69 */
    efx8 =  1.02703333676410069053e+00, /* 0x3FF06EBA 0x8214DB69 */
    pp0  =  1.28379167095512558561e-01, /* 0x3FC06EBA 0x8214DB68 */
    pp1  = -3.25042107247001499370e-01, /* 0xBFD4CD7D 0x691CB913 */
    pp2  = -2.84817495755985104766e-02, /* 0xBF9D2A51 0xDBD7194F */
    pp3  = -5.77027029648944159157e-03, /* 0xBF77A291 0x236668E4 */
    pp4  = -2.37630166566501626084e-05, /* 0xBEF8EAD6 0x120016AC */
    qq1  =  3.97917223959155352819e-01, /* 0x3FD97779 0xCDDADC09 */
    qq2  =  6.50222499887672944485e-02, /* 0x3FB0A54C 0x5536CEBA */
    qq3  =  5.08130628187576562776e-03, /* 0x3F74D022 0xC4D36B0F */
    qq4  =  1.32494738004321644526e-04, /* 0x3F215DC9 0x221C1A10 */
    qq5  = -3.96022827877536812320e-06, /* 0xBED09C43 0x42A26120 */
    pa0  = -2.36211856075265944077e-03, /* 0xBF6359B8 0xBEF77538 */
    pa1  =  4.14856118683748331666e-01, /* 0x3FDA8D00 0xAD92B34D */
    pa2  = -3.72207876035701323847e-01, /* 0xBFD7D240 0xFBB8C3F1 */
    pa3  =  3.18346619901161753674e-01, /* 0x3FD45FCA 0x805120E4 */
    pa4  = -1.10894694282396677476e-01, /* 0xBFBC6398 0x3D3E28EC */
    pa5  =  3.54783043256182359371e-02, /* 0x3FA22A36 0x599795EB */
    pa6  = -2.16637559486879084300e-03, /* 0xBF61BF38 0x0A96073F */
    qa1  =  1.06420880400844228286e-01, /* 0x3FBB3E66 0x18EEE323 */
    qa2  =  5.40397917702171048937e-01, /* 0x3FE14AF0 0x92EB6F33 */
    qa3  =  7.18286544141962662868e-02, /* 0x3FB2635C 0xD99FE9A7 */
    qa4  =  1.26171219808761642112e-01, /* 0x3FC02660 0xE763351F */
    qa5  =  1.36370839120290507362e-02, /* 0x3F8BEDC2 0x6B51DD1C */
    qa6  =  1.19844998467991074170e-02, /* 0x3F888B54 0x5735151D */
    ra0  = -9.86494403484714822705e-03, /* 0xBF843412 0x600D6435 */
    ra1  = -6.93858572707181764372e-01, /* 0xBFE63416 0xE4BA7360 */
    ra2  = -1.05586262253232909814e+01, /* 0xC0251E04 0x41B0E726 */
    ra3  = -6.23753324503260060396e+01, /* 0xC04F300A 0xE4CBA38D */
    ra4  = -1.62396669462573470355e+02, /* 0xC0644CB1 0x84282266 */
    ra5  = -1.84605092906711035994e+02, /* 0xC067135C 0xEBCCABB2 */
    ra6  = -8.12874355063065934246e+01, /* 0xC0545265 0x57E4D2F2 */
    ra7  = -9.81432934416914548592e+00, /* 0xC023A0EF 0xC69AC25C */
    sa1  =  1.96512716674392571292e+01, /* 0x4033A6B9 0xBD707687 */
    sa2  =  1.37657754143519042600e+02, /* 0x4061350C 0x526AE721 */
    sa3  =  4.34565877475229228821e+02, /* 0x407B290D 0xD58A1A71 */
    sa4  =  6.45387271733267880336e+02, /* 0x40842B19 0x21EC2868 */
    sa5  =  4.29008140027567833386e+02, /* 0x407AD021 0x57700314 */
    sa6  =  1.08635005541779435134e+02, /* 0x405B28A3 0xEE48AE2C */
    sa7  =  6.57024977031928170135e+00, /* 0x401A47EF 0x8E484A93 */
    sa8  = -6.04244152148580987438e-02, /* 0xBFAEEFF2 0xEE749A62 */
    rb0  = -9.86494292470009928597e-03, /* 0xBF843412 0x39E86F4A */
    rb1  = -7.99283237680523006574e-01, /* 0xBFE993BA 0x70C285DE */
    rb2  = -1.77579549177547519889e+01, /* 0xC031C209 0x555F995A */
    rb3  = -1.60636384855821916062e+02, /* 0xC064145D 0x43C5ED98 */
    rb4  = -6.37566443368389627722e+02, /* 0xC083EC88 0x1375F228 */
    rb5  = -1.02509513161107724954e+03, /* 0xC0900461 0x6A2E5992 */
    rb6  = -4.83519191608651397019e+02, /* 0xC07E384E 0x9BDC383F */
    sb1  =  3.03380607434824582924e+01, /* 0x403E568B 0x261D5190 */
    sb2  =  3.25792512996573918826e+02, /* 0x40745CAE 0x221B9F0A */
    sb3  =  1.53672958608443695994e+03, /* 0x409802EB 0x189D5118 */
    sb4  =  3.19985821950859553908e+03, /* 0x40A8FFB7 0x688C246A */
    sb5  =  2.55305040643316442583e+03, /* 0x40A3F219 0xCEDF3BE6 */
    sb6  =  4.74528541206955367215e+02, /* 0x407DA874 0xE79FE763 */
    sb7  = -2.24409524465858183362e+01; /* 0xC03670E2 0x42712D62 */

double vamos_erf(double x)
{
    double R, S, P, Q, s, y, z, r, ax;
    uint64_t ux = vm_bits(x);
    uint32_t hx = (uint32_t)(ux >> 32);
    uint32_t ix = hx & 0x7fffffffU;
    int neg = (int)(hx >> 31);

    if (ix >= 0x7ff00000U) {                    /* erf(nan) = nan, erf(+-inf) = +-1 */
        if ((ux & VM_ABS_MASK) > VM_INF_BITS) return vm_quiet(x);
        return neg ? -1.0 : 1.0;
    }
    if (ix < 0x3feb0000U) {                     /* |x| < 0.84375 */
        if (ix < 0x3e300000U) {                 /* |x| < 2^-28 */
            if (ix < 0x00800000U) return 0.125 * (8.0 * x + efx8 * x); /* avoid underflow */
            return x + efx * x;
        }
        z = x * x;
        r = pp0 + z * (pp1 + z * (pp2 + z * (pp3 + z * pp4)));
        s = 1.0 + z * (qq1 + z * (qq2 + z * (qq3 + z * (qq4 + z * qq5))));
        y = r / s;
        /* fdlibm returns x + x*y; summing the exact product x*y = p + pe
         * compensated keeps the error near 0.5 ulp + |x| err(y) */
        {
            double p, pe, sum, se;
            vm_two_prod(x, y, &p, &pe);
            vm_fast_two_sum(x, p, &sum, &se);
            return sum + (se + pe);
        }
    }
    if (ix < 0x3ff40000U) {                     /* 0.84375 <= |x| < 1.25 */
        s = vm_fabs(x) - 1.0;
        P = pa0 + s * (pa1 + s * (pa2 + s * (pa3 + s * (pa4 + s * (pa5 + s * pa6)))));
        Q = 1.0 + s * (qa1 + s * (qa2 + s * (qa3 + s * (qa4 + s * (qa5 + s * qa6)))));
        return neg ? -erx - P / Q : erx + P / Q;
    }
    if (ix >= 0x40180000U) return neg ? -1.0 : 1.0; /* |x| >= 6 */
    ax = vm_fabs(x);
    s = 1.0 / (ax * ax);
    if (ix < 0x4006DB6EU) {                     /* |x| < 1/0.35 */
        R = ra0 + s * (ra1 + s * (ra2 + s * (ra3 + s * (ra4 + s * (ra5 + s * (ra6 + s * ra7))))));
        S = 1.0 + s * (sa1 + s * (sa2 + s * (sa3 + s * (sa4 + s * (sa5 + s * (sa6 + s * (sa7 + s * sa8)))))));
    } else {                                    /* 1/0.35 <= |x| < 6 */
        R = rb0 + s * (rb1 + s * (rb2 + s * (rb3 + s * (rb4 + s * (rb5 + s * rb6)))));
        S = 1.0 + s * (sb1 + s * (sb2 + s * (sb3 + s * (sb4 + s * (sb5 + s * (sb6 + s * sb7))))));
    }
    z = vm_double(vm_bits(ax) & 0xffffffff00000000ULL); /* ax with its low word cleared */
    r = vamos_exp(-z * z - 0.5625) * vamos_exp((z - ax) * (z + ax) + R / S);
    return neg ? r / ax - 1.0 : 1.0 - r / ax;
}

/* ------------------------------------------------------------------------ */
/* sin, cos kernels (fdlibm k_sin.c, k_cos.c) on [-pi/4, pi/4]               */
/* ------------------------------------------------------------------------ */

static const double
    S1 = -1.66666666666666324348e-01, /* 0xBFC55555 0x55555549 */
    S2 =  8.33333333332248946124e-03, /* 0x3F811111 0x1110F8A6 */
    S3 = -1.98412698298579493134e-04, /* 0xBF2A01A0 0x19C161D5 */
    S4 =  2.75573137070700676789e-06, /* 0x3EC71DE3 0x57B1FE7D */
    S5 = -2.50507602534068634195e-08, /* 0xBE5AE5E6 0x8A2B9CEB */
    S6 =  1.58969099521155010221e-10, /* 0x3DE5D93A 0x5ACFD57C */
    C1 =  4.16666666666666019037e-02, /* 0x3FA55555 0x5555554C */
    C2 = -1.38888888888741095749e-03, /* 0xBF56C16C 0x16C15177 */
    C3 =  2.48015872894767294178e-05, /* 0x3EFA01A0 0x19CB1590 */
    C4 = -2.75573143513906633035e-07, /* 0xBE927E4F 0x809C52AD */
    C5 =  2.08757232129817482790e-09, /* 0x3E21EE9E 0xBDB4B1C4 */
    C6 = -1.13596475577881948265e-11; /* 0xBDA8FAE9 0xBE8838D4 */

/* sin(x + y), |x + y| <= ~pi/4, y the tail of x; iy == 0 means y == 0. */
static inline double vm_kernel_sin(double x, double y, int iy)
{
    double z = x * x;
    double w = z * z;
    double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
    double v = z * x;
    if (iy == 0) return x + v * (S1 + z * r);
    return x - ((z * (0.5 * y - v * r) - y) - v * S1);
}

/* cos(x + y), |x + y| <= ~pi/4, y the tail of x. */
static inline double vm_kernel_cos(double x, double y)
{
    double z = x * x;
    double w = z * z;
    double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
    double hz = 0.5 * z;
    w = 1.0 - hz;
    return w + (((1.0 - w) - hz) + (z * r - x * y));
}

/* ------------------------------------------------------------------------ */
/* Argument reduction x = n pi/2 + (y[0] + y[1]), |y[0] + y[1]| <= ~pi/4     */
/* ------------------------------------------------------------------------ */

static const double
    invpio2 = 6.36619772367581382433e-01, /* 0x3FE45F30 0x6DC9C883 */
    pio2_1  = 1.57079632673412561417e+00, /* 0x3FF921FB 0x54400000: first 33 bits of pi/2 */
    pio2_1t = 6.07710050650619224932e-11, /* 0x3DD0B461 0x1A626331: pi/2 - pio2_1 */
    pio2_2  = 6.07710050630396597660e-11, /* 0x3DD0B461 0x1A600000: second 33 bits */
    pio2_2t = 2.02226624879595063154e-21, /* 0x3BA3198A 0x2E037073: pi/2 - (pio2_1 + pio2_2) */
    pio2_3  = 2.02226624871116645580e-21, /* 0x3BA3198A 0x2E000000: third 33 bits */
    pio2_3t = 8.47842766036889956997e-32, /* 0x397B839A 0x252049C1 */
    pio2_hi = 1.57079632679489655800e+00, /* 0x3FF921FB 0x54442D18: pi/2 rounded */
    pio2_lo = 6.12323399573676603587e-17; /* 0x3C91A626 0x33145C07: pi/2 - pio2_hi */

/* 2/pi = 0.a2f9836e 4e441529 ... (hex), 1216 bits, preceded by 64 zero bits (the
 * integer part and room for exponents below the table) -- see vm_rem_pio2_large. */
static const uint64_t two_over_pi[20] = {
    0x0000000000000000ULL,
    0xa2f9836e4e441529ULL, 0xfc2757d1f534ddc0ULL, 0xdb6295993c439041ULL,
    0xfe5163abdebbc561ULL, 0xb7246e3a424dd2e0ULL, 0x06492eea09d1921cULL,
    0xfe1deb1cb129a73eULL, 0xe88235f52ebb4484ULL, 0xe99c7026b45f7e41ULL,
    0x3991d639835339f4ULL, 0x9c845f8bbdf9283bULL, 0x1ff897ffde05980fULL,
    0xef2f118b5a0a6d1fULL, 0x6d367ecf27cb09b7ULL, 0x4f463f669e5fea2dULL,
    0x7527bac7ebe5f17bULL, 0x3d0739f78a5292eaULL, 0x6bfb5fb11f8d5d08ULL,
    0x56033046fc7b6babULL,
};

/* 64x64 -> 128-bit product, portable (no __int128). */
static inline void vm_mul64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = a & 0xffffffffULL, a1 = a >> 32;
    uint64_t b0 = b & 0xffffffffULL, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffULL) + (p10 & 0xffffffffULL);
    *lo = (mid << 32) | (p00 & 0xffffffffULL);
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/*
 * Payne-Hanek reduction for finite |x| >= 2^20 pi/2. Writes |x| = m 2^e with m a
 * 53-bit integer (e >= -32). Bits of 2/pi of weight 2^-j contribute m 2^(e-j), a
 * multiple of 4 when j <= e - 2, so only the 192 bits from j = e - 1 on matter:
 * their product with m, taken mod 2^192, holds n mod 4 in its top two bits and
 * 190 fraction bits below; the dropped tail of 2/pi is < 2^-137 quadrants, while
 * the remainder of any double is >= 2^-62 quadrants away from 0.
 */
static int vm_rem_pio2_large(double x, double *y)
{
    uint64_t ux = vm_bits(x);
    int e = (int)((ux >> 52) & 0x7ff) - 1075;
    uint64_t m = (ux & 0x000fffffffffffffULL) | 0x0010000000000000ULL;
    int g0 = e + 62;            /* bit index of j = e - 1 in two_over_pi (bit 0 = MSB of word 0 = j - 63) */
    int w = g0 >> 6, sh = g0 & 63;
    uint64_t v[3], p[3], h0, l0, h1, l1, h2, l2, f1, f0, neg;
    int i, n, lz;
    double fh, fl, ph, pl;

    for (i = 0; i < 3; i++) {   /* v[0] most significant */
        uint64_t a = two_over_pi[w + i], b = two_over_pi[w + i + 1];
        v[i] = sh == 0 ? a : (a << sh) | (b >> (64 - sh));
    }
    /* p = m * v mod 2^192; p[0] most significant */
    vm_mul64(m, v[2], &h2, &l2);
    vm_mul64(m, v[1], &h1, &l1);
    vm_mul64(m, v[0], &h0, &l0);
    (void)h0;
    p[2] = l2;
    p[1] = l1 + h2;
    p[0] = l0 + h1 + (p[1] < l1 ? 1 : 0);
    n = (int)(p[0] >> 62);
    /* fraction as signed 0.192-bit fixed point in [-1/2, 1/2): shift out the 2 integer bits */
    p[0] = (p[0] << 2) | (p[1] >> 62);
    p[1] = (p[1] << 2) | (p[2] >> 62);
    p[2] = p[2] << 2;
    neg = p[0] >> 63;
    n += (int)neg;
    if (neg) {                  /* two's complement negate: |fraction| */
        p[0] = ~p[0]; p[1] = ~p[1]; p[2] = ~p[2];
        p[2] += 1;
        if (p[2] == 0) { p[1] += 1; if (p[1] == 0) p[0] += 1; }
    }
    /* normalize so that bit 63 of p[0] is set (|fraction| >= 2^-64 always, see above) */
    lz = 0;
    while ((p[0] >> 63) == 0 && lz < 128) {
        p[0] = (p[0] << 1) | (p[1] >> 63);
        p[1] = (p[1] << 1) | (p[2] >> 63);
        p[2] <<= 1;
        lz++;
    }
    /* |fraction| = (p[0] + p[1] 2^-64) 2^-(64 + lz); take 53 + 53 bits (exact conversions) */
    f1 = p[0] >> 11;
    f0 = ((p[0] & 0x7ffULL) << 42) | (p[1] >> 22);
    fh = (double)(int64_t)f1 * vm_pow2(-53 - lz);
    fl = (double)(int64_t)f0 * vm_pow2(-106 - lz);
    /* r = fraction * pi/2 in double-double */
    vm_two_prod(fh, pio2_hi, &ph, &pl);
    pl += fh * pio2_lo + fl * pio2_hi;
    vm_fast_two_sum(ph, pl, &y[0], &y[1]);
    if (neg) { y[0] = -y[0]; y[1] = -y[1]; }
    if ((ux >> 63) != 0) { y[0] = -y[0]; y[1] = -y[1]; n = -n; }
    return n;
}

/* fdlibm e_rem_pio2.c, FreeBSD revision: small multiples and the medium case. */
static int vm_rem_pio2(double x, double *y)
{
    double z, w, t, r, fn;
    int32_t i, j, n;
    uint32_t hx = vm_hi(x);
    uint32_t ix = hx & 0x7fffffffU;
    int pos = (hx >> 31) == 0;

    if (ix <= 0x400f6a7aU) {                    /* |x| ~<= 5pi/4 */
        if ((ix & 0xfffffU) == 0x921fbU)        /* |x| ~= pi/2 or 2pi/2: cancellation */
            goto medium;
        if (ix <= 0x4002d97cU) {                /* |x| ~<= 3pi/4 */
            if (pos) {
                z = x - pio2_1;                 /* one round good to 85 bits */
                y[0] = z - pio2_1t;
                y[1] = (z - y[0]) - pio2_1t;
                return 1;
            }
            z = x + pio2_1;
            y[0] = z + pio2_1t;
            y[1] = (z - y[0]) + pio2_1t;
            return -1;
        }
        if (pos) {
            z = x - 2 * pio2_1;
            y[0] = z - 2 * pio2_1t;
            y[1] = (z - y[0]) - 2 * pio2_1t;
            return 2;
        }
        z = x + 2 * pio2_1;
        y[0] = z + 2 * pio2_1t;
        y[1] = (z - y[0]) + 2 * pio2_1t;
        return -2;
    }
    if (ix <= 0x401c463bU) {                    /* |x| ~<= 9pi/4 */
        if (ix <= 0x4015fdbcU) {                /* |x| ~<= 7pi/4 */
            if (ix == 0x4012d97cU)              /* |x| ~= 3pi/2 */
                goto medium;
            if (pos) {
                z = x - 3 * pio2_1;
                y[0] = z - 3 * pio2_1t;
                y[1] = (z - y[0]) - 3 * pio2_1t;
                return 3;
            }
            z = x + 3 * pio2_1;
            y[0] = z + 3 * pio2_1t;
            y[1] = (z - y[0]) + 3 * pio2_1t;
            return -3;
        }
        if (ix == 0x401921fbU)                  /* |x| ~= 4pi/2 */
            goto medium;
        if (pos) {
            z = x - 4 * pio2_1;
            y[0] = z - 4 * pio2_1t;
            y[1] = (z - y[0]) - 4 * pio2_1t;
            return 4;
        }
        z = x + 4 * pio2_1;
        y[0] = z + 4 * pio2_1t;
        y[1] = (z - y[0]) + 4 * pio2_1t;
        return -4;
    }
    if (ix < 0x413921fbU) {                     /* |x| ~< 2^20 pi/2: medium size */
medium:
        fn = x * invpio2 + 0x1.8p52;            /* rint(x * 2/pi), round-to-nearest */
        fn = fn - 0x1.8p52;
        n = (int32_t)fn;
        r = x - fn * pio2_1;
        w = fn * pio2_1t;                       /* 1st round, good to 85 bits */
        j = (int32_t)(ix >> 20);
        y[0] = r - w;
        i = j - (int32_t)((vm_hi(y[0]) >> 20) & 0x7ff);
        if (i > 16) {                           /* 2nd round, good to 118 bits */
            t = r;
            w = fn * pio2_2;
            r = t - w;
            w = fn * pio2_2t - ((t - r) - w);
            y[0] = r - w;
            i = j - (int32_t)((vm_hi(y[0]) >> 20) & 0x7ff);
            if (i > 49) {                       /* 3rd round, 151 bits: covers all cases */
                t = r;
                w = fn * pio2_3;
                r = t - w;
                w = fn * pio2_3t - ((t - r) - w);
                y[0] = r - w;
            }
        }
        y[1] = (r - y[0]) - w;
        return n;
    }
    return vm_rem_pio2_large(x, y);             /* finite |x| >= 2^20 pi/2 */
}

double vamos_sin(double x)
{
    double y[2];
    uint64_t ux = vm_bits(x);
    uint32_t ix = (uint32_t)(ux >> 32) & 0x7fffffffU;
    int n;

    if (ix <= 0x3fe921fbU) {                    /* |x| ~<= pi/4 */
        if (ix < 0x3e500000U) return x;         /* |x| < 2^-26 (keeps -0) */
        return vm_kernel_sin(x, 0.0, 0);
    }
    if (ix >= 0x7ff00000U)                      /* sin(inf) = sin(NaN) = NaN */
        return (ux & VM_ABS_MASK) > VM_INF_BITS ? vm_quiet(x) : vm_nan();
    n = vm_rem_pio2(x, y);
    switch (n & 3) {
    case 0:  return  vm_kernel_sin(y[0], y[1], 1);
    case 1:  return  vm_kernel_cos(y[0], y[1]);
    case 2:  return -vm_kernel_sin(y[0], y[1], 1);
    default: return -vm_kernel_cos(y[0], y[1]);
    }
}

double vamos_cos(double x)
{
    double y[2];
    uint64_t ux = vm_bits(x);
    uint32_t ix = (uint32_t)(ux >> 32) & 0x7fffffffU;
    int n;

    if (ix <= 0x3fe921fbU) {                    /* |x| ~<= pi/4 */
        if (ix < 0x3e46a09eU) return 1.0;       /* |x| < 2^-27 sqrt(2) */
        return vm_kernel_cos(x, 0.0);
    }
    if (ix >= 0x7ff00000U)                      /* cos(inf) = cos(NaN) = NaN */
        return (ux & VM_ABS_MASK) > VM_INF_BITS ? vm_quiet(x) : vm_nan();
    n = vm_rem_pio2(x, y);
    switch (n & 3) {
    case 0:  return  vm_kernel_cos(y[0], y[1]);
    case 1:  return -vm_kernel_sin(y[0], y[1], 1);
    case 2:  return -vm_kernel_cos(y[0], y[1]);
    default: return  vm_kernel_sin(y[0], y[1], 1);
    }
}

/* ------------------------------------------------------------------------ */
/* float wrappers: the double function, rounded once to float                */
/* ------------------------------------------------------------------------ */

float vamos_expf(float x) { return (float)vamos_exp((double)x); }
float vamos_logf(float x) { return (float)vamos_log((double)x); }
float vamos_tanhf(float x) { return (float)vamos_tanh((double)x); }
float vamos_erff(float x) { return (float)vamos_erf((double)x); }
