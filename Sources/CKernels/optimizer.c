// The AdamW step on one float32 tensor, each operation correctly rounded, in the order Optimizer.swift
// states (no contraction: -ffp-contract=off; IEEE division and square root, which SIMD registers
// compute with the same bits as scalar code, so the compiler may vectorize the loop freely).
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include "kernels_internal.h"

#if defined(__clang__)
#define SQRT(x) __builtin_elementwise_sqrt(x)  // sqrtss/sqrtps without libm's errno path
#else
#include <math.h>
#define SQRT(x) sqrtf(x)
#endif

void vamos_adamw_f32(float *restrict w, const float *restrict g, float *restrict m, float *restrict v, int64_t n,
                     float lr, float beta1, float beta2, float c1, float c2, float eps, float decay) {
    const float ob1 = 1.0f - beta1, ob2 = 1.0f - beta2;
    const int decays = decay != 0.0f;  // loop-invariant: the compiler makes two loops of this one
    for (int64_t i = 0; i < n; i++) {
        const float mi = beta1 * m[i] + ob1 * g[i];
        const float vi = beta2 * v[i] + ob2 * g[i] * g[i];
        const float update = (mi / c1) / (SQRT(vi / c2) + eps);
        m[i] = mi;
        v[i] = vi;
        // Without decay, u + 0 (not u + 0·θ, which is NaN for θ = ±inf and keeps a −0 update −0).
        w[i] = w[i] - lr * (update + (decays ? decay * w[i] : 0.0f));
    }
}
