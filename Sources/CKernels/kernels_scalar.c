// The scalar variant: the 16 canonical lanes in an array, fmaf per step (correctly rounded on every
// machine; libm's fmaf uses the FMA instruction where there is one and exact software elsewhere).
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#include <math.h>
#include "kernels_internal.h"

typedef float VT;
#define VLANES 1
#define NV 16
#define VZERO() 0.0f
#define VLOADA(p) (*(p))
#define VLOADB_F32(p) (*(p))
#define VLOADB_BF16(p) vamos_bf16_to_f32(*(p))
#define VLOADB_F16(p) vamos_f16_to_f32(*(p))
#define VFMA(acc, a, b) fmaf((a), (b), (acc))

static inline float reduce16_scalar(const float *acc) {
    float t8[8], t4[4], t2[2];
    for (int i = 0; i < 8; i++) t8[i] = acc[i] + acc[i + 8];
    for (int i = 0; i < 4; i++) t4[i] = t8[i] + t8[i + 4];
    for (int i = 0; i < 2; i++) t2[i] = t4[i] + t4[i + 2];
    return t2[0] + t2[1];
}
#define REDUCE16(acc) reduce16_scalar(acc)
#define TILE_MR 2
#define TILE_NR 2
#define GEMV_NR 2
#define BLOCK_NAME vamos_block_scalar
#include "tile_template.h"

float vamos_sdot(const float *a, const float *b, int64_t K) {
    float c = 0;
    vamos_gemm_args g = {1, 1, K, a, K, b, VAMOS_DTYPE_F32, K, NULL, &c, 1, 0};
    vamos_block_scalar(&g, 0, 1, 0, 1);
    return c;
}

// float64: the same lanes and tree, fma() per step. Operands [M, K] · [N, K]ᵀ.
void vamos_dgemm_nt(int64_t M, int64_t N, int64_t K, const double *A, int64_t lda, const double *B, int64_t ldb,
                    double *C, int64_t ldc, int accumulate) {
    for (int64_t i = 0; i < M; i++) {
        for (int64_t j = 0; j < N; j++) {
            const double *a = A + i * lda, *b = B + j * ldb;
            double acc[16] = {0};
            int64_t k = 0;
            for (; k + 16 <= K; k += 16)
                for (int l = 0; l < 16; l++) acc[l] = fma(a[k + l], b[k + l], acc[l]);
            if (k < K)
                for (int l = 0; l < 16; l++) acc[l] = k + l < K ? fma(a[k + l], b[k + l], acc[l]) : fma(0.0, 0.0, acc[l]);
            double t8[8], t4[4], t2[2];
            for (int l = 0; l < 8; l++) t8[l] = acc[l] + acc[l + 8];
            for (int l = 0; l < 4; l++) t4[l] = t8[l] + t8[l + 4];
            for (int l = 0; l < 2; l++) t2[l] = t4[l] + t4[l + 2];
            double v = t2[0] + t2[1];
            C[i * ldc + j] = accumulate ? C[i * ldc + j] + v : v;
        }
    }
}
