// Layer normalization over the last axis (LayerNorm.swift states the formulas and calls these).
// Each row's sums run left to right, one row's chain of additions after another's in the order
// the formula gives; eight rows are carried side by side only so that eight independent chains
// keep the adder busy (a single chain waits ~4 cycles per addition). Every row sees exactly the
// operations of the one-row loop, so neither the grouping nor the row range changes a bit.
// Plain C (no dispatch): -ffp-contract=off keeps each multiply and add separately rounded.
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include "vamos_kernels.h"

#define LN_GROUP 8

// Forward on rows [r0, r1) of x [rows, C]:  mean = Σ x / C,  var = Σ (x − mean)² / C  (float64),
// inv = 1/√(var + ε),  x̂ = T((x − mean)·inv),  y = x̂·γ + β  (in T), rstd = T(inv).
#define DEFINE_LN_FORWARD(T, NAME)                                                                  \
    void NAME(const T *x, const T *gamma, const T *beta, T eps, int64_t C, int64_t r0, int64_t r1,   \
              T *y, T *xhat, T *rstd) {                                                             \
        int64_t r = r0;                                                                             \
        while (r < r1) {                                                                            \
            const int n = r1 - r >= LN_GROUP ? LN_GROUP : (int)(r1 - r);                            \
            double mean[LN_GROUP], var[LN_GROUP], inv[LN_GROUP];                                    \
            for (int g = 0; g < n; g++) mean[g] = 0, var[g] = 0;                                    \
            for (int64_t j = 0; j < C; j++)                                                         \
                for (int g = 0; g < n; g++) mean[g] += (double)x[(r + g) * C + j];                  \
            for (int g = 0; g < n; g++) mean[g] /= (double)C;                                       \
            for (int64_t j = 0; j < C; j++)                                                         \
                for (int g = 0; g < n; g++) {                                                       \
                    const double d = (double)x[(r + g) * C + j] - mean[g];                          \
                    var[g] += d * d;                                                                \
                }                                                                                   \
            for (int g = 0; g < n; g++) {                                                           \
                var[g] /= (double)C;                                                                \
                inv[g] = 1 / __builtin_sqrt(var[g] + (double)eps);                                  \
                rstd[r + g] = (T)inv[g];                                                            \
            }                                                                                       \
            for (int g = 0; g < n; g++) {                                                           \
                const int64_t base = (r + g) * C;                                                   \
                for (int64_t j = 0; j < C; j++) {                                                   \
                    const T v = (T)(((double)x[base + j] - mean[g]) * inv[g]);                      \
                    xhat[base + j] = v;                                                             \
                    y[base + j] = v * gamma[j] + beta[j];                                           \
                }                                                                                   \
            }                                                                                       \
            r += n;                                                                                 \
        }                                                                                           \
    }

// Backward, dx on rows [r0, r1):  g = dy·γ,  mean(g) = (Σ g)/C,  mean(g·x̂) = (Σ g·x̂)/C  (in T,
// left to right),  dx = rstd·((g − mean(g)) − x̂·mean(g·x̂)).
#define DEFINE_LN_BACKWARD(T, NAME)                                                                 \
    void NAME(const T *dy, const T *xhat, const T *rstd, const T *gamma, int64_t C, int64_t r0,      \
              int64_t r1, T *dx) {                                                                  \
        int64_t r = r0;                                                                             \
        while (r < r1) {                                                                            \
            const int n = r1 - r >= LN_GROUP ? LN_GROUP : (int)(r1 - r);                            \
            T mg[LN_GROUP], mgx[LN_GROUP];                                                          \
            for (int g = 0; g < n; g++) mg[g] = 0, mgx[g] = 0;                                      \
            for (int64_t j = 0; j < C; j++)                                                         \
                for (int g = 0; g < n; g++) {                                                       \
                    const T v = dy[(r + g) * C + j] * gamma[j];                                     \
                    mg[g] += v;                                                                     \
                    mgx[g] += v * xhat[(r + g) * C + j];                                            \
                }                                                                                   \
            for (int g = 0; g < n; g++) {                                                           \
                mg[g] /= (T)C;                                                                      \
                mgx[g] /= (T)C;                                                                     \
                const int64_t base = (r + g) * C;                                                   \
                for (int64_t j = 0; j < C; j++) {                                                   \
                    const T v = dy[base + j] * gamma[j];                                            \
                    dx[base + j] = rstd[r + g] * ((v - mg[g]) - xhat[base + j] * mgx[g]);           \
                }                                                                                   \
            }                                                                                       \
            r += n;                                                                                 \
        }                                                                                           \
    }

// dγ[j] += Σ_rows dy·x̂,  dβ[j] += Σ_rows dy, for columns [j0, j1): each column's sum in row order.
#define DEFINE_LN_PARAMS(T, NAME)                                                                   \
    void NAME(const T *dy, const T *xhat, int64_t rows, int64_t C, int64_t j0, int64_t j1,           \
              T *dgamma, T *dbeta) {                                                                \
        for (int64_t r = 0; r < rows; r++)                                                          \
            for (int64_t j = j0; j < j1; j++) {                                                     \
                dgamma[j] += dy[r * C + j] * xhat[r * C + j];                                       \
                dbeta[j] += dy[r * C + j];                                                          \
            }                                                                                       \
    }

DEFINE_LN_FORWARD(float, vamos_layernorm_forward_f32)
DEFINE_LN_FORWARD(double, vamos_layernorm_forward_f64)
DEFINE_LN_BACKWARD(float, vamos_layernorm_backward_f32)
DEFINE_LN_BACKWARD(double, vamos_layernorm_backward_f64)
DEFINE_LN_PARAMS(float, vamos_layernorm_params_f32)
DEFINE_LN_PARAMS(double, vamos_layernorm_params_f64)
