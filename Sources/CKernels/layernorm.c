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
    static inline __attribute__((always_inline)) void NAME##_group(const T *restrict x, const T *restrict gamma, \
            const T *restrict beta, T eps, int64_t C, int64_t r, const int n, T *restrict y,             \
            T *restrict xhat, T *restrict rstd) {                                                       \
        double mean[LN_GROUP], var[LN_GROUP], inv[LN_GROUP];                                        \
        for (int g = 0; g < n; g++) mean[g] = 0, var[g] = 0;                                        \
        for (int64_t j = 0; j < C; j++)                                                             \
            for (int g = 0; g < n; g++) mean[g] += (double)x[(r + g) * C + j];                      \
        for (int g = 0; g < n; g++) mean[g] /= (double)C;                                           \
        for (int64_t j = 0; j < C; j++)                                                             \
            for (int g = 0; g < n; g++) {                                                           \
                const double d = (double)x[(r + g) * C + j] - mean[g];                              \
                var[g] += d * d;                                                                    \
            }                                                                                       \
        for (int g = 0; g < n; g++) {                                                               \
            var[g] /= (double)C;                                                                    \
            inv[g] = 1 / __builtin_sqrt(var[g] + (double)eps);                                      \
            rstd[r + g] = (T)inv[g];                                                                \
        }                                                                                           \
        for (int g = 0; g < n; g++) {                                                               \
            const T *restrict xr = x + (r + g) * C;                                                 \
            T *restrict xh = xhat + (r + g) * C, *restrict yr = y + (r + g) * C;                    \
            const double m = mean[g], s = inv[g];                                                   \
            for (int64_t j = 0; j < C; j++) {                                                       \
                const T v = (T)(((double)xr[j] - m) * s);                                           \
                xh[j] = v;                                                                          \
                yr[j] = v * gamma[j] + beta[j];                                                     \
            }                                                                                       \
        }                                                                                           \
    }                                                                                               \
    void NAME(const T *x, const T *gamma, const T *beta, T eps, int64_t C, int64_t r0, int64_t r1,   \
              T *y, T *xhat, T *rstd) {                                                             \
        int64_t r = r0;                                                                             \
        for (; r + LN_GROUP <= r1; r += LN_GROUP) NAME##_group(x, gamma, beta, eps, C, r, LN_GROUP, y, xhat, rstd); \
        for (; r < r1; r++) NAME##_group(x, gamma, beta, eps, C, r, 1, y, xhat, rstd);               \
    }

// Backward, dx on rows [r0, r1):  g = dy·γ,  mean(g) = (Σ g)/C,  mean(g·x̂) = (Σ g·x̂)/C  (in T,
// left to right),  dx = rstd·((g − mean(g)) − x̂·mean(g·x̂)).
#define DEFINE_LN_BACKWARD(T, NAME)                                                                 \
    static inline __attribute__((always_inline)) void NAME##_group(const T *restrict dy, const T *restrict xhat, \
            const T *restrict rstd, const T *restrict gamma, int64_t C, int64_t r, const int n,          \
            T *restrict dx) {                                                                       \
        T mg[LN_GROUP], mgx[LN_GROUP];                                                              \
        for (int g = 0; g < n; g++) mg[g] = 0, mgx[g] = 0;                                          \
        for (int64_t j = 0; j < C; j++)                                                             \
            for (int g = 0; g < n; g++) {                                                           \
                const T v = dy[(r + g) * C + j] * gamma[j];                                         \
                mg[g] += v;                                                                         \
                mgx[g] += v * xhat[(r + g) * C + j];                                                \
            }                                                                                       \
        for (int g = 0; g < n; g++) {                                                               \
            const T a = mg[g] / (T)C, b = mgx[g] / (T)C, s = rstd[r + g];                           \
            const T *restrict dyr = dy + (r + g) * C, *restrict xh = xhat + (r + g) * C;            \
            T *restrict dxr = dx + (r + g) * C;                                                     \
            for (int64_t j = 0; j < C; j++) dxr[j] = s * ((dyr[j] * gamma[j] - a) - xh[j] * b);      \
        }                                                                                           \
    }                                                                                               \
    void NAME(const T *dy, const T *xhat, const T *rstd, const T *gamma, int64_t C, int64_t r0,      \
              int64_t r1, T *dx) {                                                                  \
        int64_t r = r0;                                                                             \
        for (; r + LN_GROUP <= r1; r += LN_GROUP) NAME##_group(dy, xhat, rstd, gamma, C, r, LN_GROUP, dx); \
        for (; r < r1; r++) NAME##_group(dy, xhat, rstd, gamma, C, r, 1, dx);                        \
    }

// Column sums keep COL_BLOCK columns' running sums in local variables (registers) over all the
// rows, then store them: each column still adds its rows one after another onto its starting value,
// as the one-row-at-a-time loop does, without reloading and storing the sums for every row.
#define COL_BLOCK 16

// dγ[j] += Σ_rows dy·x̂,  dβ[j] += Σ_rows dy, for columns [j0, j1): each column's sum in row order.
#define DEFINE_LN_PARAMS(T, NAME)                                                                   \
    void NAME(const T *restrict dy, const T *restrict xhat, int64_t rows, int64_t C, int64_t j0,      \
              int64_t j1, T *restrict dgamma, T *restrict dbeta) {                                  \
        int64_t j = j0;                                                                             \
        for (; j + COL_BLOCK <= j1; j += COL_BLOCK) {                                               \
            T g[COL_BLOCK], b[COL_BLOCK];                                                           \
            for (int c = 0; c < COL_BLOCK; c++) g[c] = dgamma[j + c], b[c] = dbeta[j + c];          \
            for (int64_t r = 0; r < rows; r++)                                                      \
                for (int c = 0; c < COL_BLOCK; c++) {                                               \
                    g[c] += dy[r * C + j + c] * xhat[r * C + j + c];                                \
                    b[c] += dy[r * C + j + c];                                                      \
                }                                                                                   \
            for (int c = 0; c < COL_BLOCK; c++) dgamma[j + c] = g[c], dbeta[j + c] = b[c];          \
        }                                                                                           \
        for (int64_t r = 0; r < rows; r++)                                                          \
            for (int64_t k = j; k < j1; k++) {                                                      \
                dgamma[k] += dy[r * C + k] * xhat[r * C + k];                                       \
                dbeta[k] += dy[r * C + k];                                                          \
            }                                                                                       \
    }

// out[j] += Σ_rows x[r, j] for columns [j0, j1), each sum in row order (a linear layer's dbias).
#define DEFINE_COLUMN_SUMS(T, NAME)                                                                 \
    void NAME(const T *restrict x, int64_t rows, int64_t C, int64_t j0, int64_t j1, T *restrict out) { \
        int64_t j = j0;                                                                             \
        for (; j + 2 * COL_BLOCK <= j1; j += 2 * COL_BLOCK) {                                       \
            T s[2 * COL_BLOCK];                                                                     \
            for (int c = 0; c < 2 * COL_BLOCK; c++) s[c] = out[j + c];                              \
            for (int64_t r = 0; r < rows; r++)                                                      \
                for (int c = 0; c < 2 * COL_BLOCK; c++) s[c] += x[r * C + j + c];                   \
            for (int c = 0; c < 2 * COL_BLOCK; c++) out[j + c] = s[c];                              \
        }                                                                                           \
        for (; j + COL_BLOCK <= j1; j += COL_BLOCK) { /* the threads' blocks are often 16 wide */    \
            T s[COL_BLOCK];                                                                         \
            for (int c = 0; c < COL_BLOCK; c++) s[c] = out[j + c];                                  \
            for (int64_t r = 0; r < rows; r++)                                                      \
                for (int c = 0; c < COL_BLOCK; c++) s[c] += x[r * C + j + c];                       \
            for (int c = 0; c < COL_BLOCK; c++) out[j + c] = s[c];                                  \
        }                                                                                           \
        for (int64_t r = 0; r < rows; r++)                                                          \
            for (int64_t k = j; k < j1; k++) out[k] += x[r * C + k];                                \
    }

DEFINE_COLUMN_SUMS(float, vamos_column_sums_f32)
DEFINE_COLUMN_SUMS(double, vamos_column_sums_f64)
DEFINE_LN_FORWARD(float, vamos_layernorm_forward_f32)
DEFINE_LN_FORWARD(double, vamos_layernorm_forward_f64)
DEFINE_LN_BACKWARD(float, vamos_layernorm_backward_f32)
DEFINE_LN_BACKWARD(double, vamos_layernorm_backward_f64)
DEFINE_LN_PARAMS(float, vamos_layernorm_params_f32)
DEFINE_LN_PARAMS(double, vamos_layernorm_params_f64)
