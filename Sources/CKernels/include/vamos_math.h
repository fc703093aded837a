/*
 * vamos_math.h: elementary functions that give the same bits on every machine.
 *
 * glibc's libm (and Apple's) picks different code paths per CPU (FMA or not) and
 * per version, so exp/log/tanh/... can differ in the last bit between machines.
 * These functions are ports of fdlibm (Sun Microsystems; see vamos_math.c for
 * the notice) written in portable C99 with only IEEE-754 + - * / on doubles and
 * integer bit manipulation: no libm, no fma, no long double. Given
 * round-to-nearest, no flush-to-zero, no fast-math and no fma contraction
 * (vamos_math.c carries pragmas for the last, and is built with
 * -ffp-contract=off), every function returns the same bits on x86-64 with or
 * without FMA and on arm64, whichever of gcc or clang built it. Never build it
 * with -ffast-math (refused by an #error) or clang's -ffp-contract=fast (which
 * overrides the pragmas); -ffp-contract=on (clang's default) and off are fine.
 *
 * Errors below are the largest measured by scripts/check-math.py against
 * mpmath at 60 digits (about 200k random arguments per function plus edge and
 * hard cases), in ulps of the exact result; "CR" = fraction of arguments whose
 * result is the correctly rounded one. Every double function is below 1 ulp.
 *
 * NaN: a NaN argument returns that NaN, quieted (sign and payload kept). A NaN
 * made here (log of a negative number, sin/cos of an infinity) is always
 * 0x7ff8000000000000 (positive quiet NaN).
 *
 * The float wrappers return (float) of the double function at (double)x, so
 * their error is at most 0.5 ulp(float) + 2^-29 * (the double error in ulps),
 * i.e. < 0.5000000019 ulp: always within 1 ulp, and correctly rounded except
 * in the rare double-rounding case (the double result lands within the double
 * error of a midpoint between two floats).
 */
#ifndef VAMOS_MATH_H
#define VAMOS_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

/* e^x. Domain: all doubles. x > 709.782712893383973096 gives +inf,
 * x < -745.133219101941108420 gives +0, results below 2^-1022 are subnormal
 * (rounded once). exp(+inf) = +inf, exp(-inf) = +0, exp(1) = e correctly rounded.
 * Measured max error 0.875 ulp (x in [-745, 709.78]), 92.6% correctly rounded. */
double vamos_exp(double x);

/* e^x - 1, accurate near 0 (|x| < 2^-54 returns x, keeping -0).
 * Domain: all doubles; x > 709.78... gives +inf, x < -56 ln2 gives -1.
 * Measured max error 0.749 ulp (x in [-40, 709.78], dense near 0), 95.8% CR. */
double vamos_expm1(double x);

/* Natural logarithm. Domain: x >= 0 (subnormals included). log(+-0) = -inf,
 * log(x < 0) = NaN, log(-inf) = NaN, log(+inf) = +inf, log(1) = +0.
 * Measured max error 0.896 ulp (positive doubles of every exponent, dense
 * near 1), 98.7% CR. */
double vamos_log(double x);

/* Hyperbolic tangent. Domain: all doubles; tanh(+-inf) = +-1, |x| >= 22 gives
 * +-1, |x| < 2^-28 returns x (keeping -0). fdlibm's algorithm except that
 * expm1(2|x|) and the quotient t/(t+2) are carried in double-double, so the
 * result is rounded once: measured max error 0.535 ulp (fdlibm's: ~2 ulp),
 * 99.97% CR (x in [-20, 20], dense near 0). */
double vamos_tanh(double x);

/* Error function. Domain: all doubles; erf(+-inf) = +-1, |x| >= 6 gives +-1.
 * Measured max error 0.887 ulp (x in [-20, 20], dense near 0), 95.5% CR. */
double vamos_erf(double x);

/* Sine and cosine of x radians. Domain: all finite doubles; sin/cos(+-inf)
 * = NaN. |x| < 2^20 pi/2 (~1.647e6) is reduced with fdlibm's 3-part
 * Cody-Waite pi/2 (33+33+33 bits); larger |x| with a Payne-Hanek reduction
 * (1216 bits of 2/pi), so the result is accurate for every finite x.
 * sin keeps -0. Measured max error 0.752 ulp (sin and cos; x in [0, 1.6e6],
 * dense [-2pi, 2pi], near multiples of pi/2, huge x), 97.1% CR. Callers
 * need no range limit; the Payne-Hanek path (|x| >= 1.647e6) is slower. */
double vamos_sin(double x);
double vamos_cos(double x);

/* float versions: (float)vamos_f((double)x). Same domains and special values
 * (expf overflows to +inf for x > 88.7228..., underflows through the float
 * subnormals). Measured max error 0.49999997 ulp(float). Scanning every float
 * argument (scripts/check-math.py --exhaustive-float): expf, tanhf and erff are
 * correctly rounded for all floats; logf for all but 5 of the 2^31 positive
 * floats (double rounding; those are off by < 0.5 + 2^-29 ulp). */
float vamos_expf(float x);
float vamos_logf(float x);
float vamos_tanhf(float x);
float vamos_erff(float x);

#ifdef __cplusplus
}
#endif

#endif /* VAMOS_MATH_H */
