// Vamos' own compute kernels: one canonical order for every dot product, so that the output bytes
// are the same on every machine, SIMD variant, thread count and batch size (docs/NUMERICS.md).
//
// The canonical dot product of a[0..K) and b[0..K) (float32):
//     acc[l] = 0 for the 16 lanes l = 0..15
//     for k = 0, 1, …:  acc[k mod 16] = fma(a[k], b[k], acc[k mod 16])     (one rounding per step)
//     the last block is padded with zeros to a multiple of 16 (fma(0, 0, acc) for the missing k)
//     t8[i] = acc[i] + acc[i+8];  t4[i] = t8[i] + t8[i+4];  t2[i] = t4[i] + t4[i+2];  dot = t2[0] + t2[1]
// then  v = dot;  v = v + bias[j] (when a bias is given);  C = C + v (when accumulating) or C = v.
// AVX-512 holds the 16 lanes in one register, AVX2 in two, NEON in four, the scalar variant in an
// array: every variant computes exactly these operations, whatever the tile, the rows or the split.
#ifndef VAMOS_KERNELS_H
#define VAMOS_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The SIMD variants. `vamos_isa_select` picks the best one the machine runs (CPUID + XGETBV on
/// x86-64, HWCAP on arm64) unless the environment variable VAMOS_ISA names one.
enum {
    VAMOS_ISA_SCALAR = 0,
    VAMOS_ISA_AVX2 = 1,    // AVX2 + FMA + F16C
    VAMOS_ISA_AVX512 = 2,  // AVX-512 F + BW + VL
    VAMOS_ISA_NEON = 3,    // arm64 Advanced SIMD (always FMA)
    VAMOS_ISA_COUNT = 4
};

/// Weight element types the products read as stored (widened to float32 in registers, exactly).
enum {
    VAMOS_DTYPE_F32 = 0,
    VAMOS_DTYPE_BF16 = 1,
    VAMOS_DTYPE_F16 = 2
};

/// 1 when this machine (and this build) can run `isa`.
int vamos_isa_supported(int isa);
/// The variant in use (chosen on first use from VAMOS_ISA or the machine).
int vamos_isa_current(void);
/// Forces a variant; returns 0, or -1 (and changes nothing) when the machine cannot run it.
int vamos_isa_set(int isa);
/// Back to the default choice (VAMOS_ISA, else the best this machine runs).
void vamos_isa_reset(void);
/// "scalar", "avx2", "avx512", "neon".
const char *vamos_isa_name(int isa);
/// The variant VAMOS_ISA names: -1 when unset, -2 when it names no known variant, -3 when the
/// machine cannot run it (the kernels then use the best supported one).
int vamos_isa_from_environment(void);

/// Worker threads for the kernels (the calling thread counts as one). n < 1 means 1.
/// Runs task(ctx, 0..ntasks-1) on the worker threads and the caller; returns when all are done.
/// Tasks are independent (each writes outputs of its own), so results never depend on the threads.
void vamos_parallel_run(int ntasks, void (*task)(void *ctx, int t), void *ctx);
void vamos_threads_set(int n);
int vamos_threads_get(void);
/// The cores this process may run on (sched_getaffinity), at least 1.
int vamos_threads_available(void);
/// A product is split over the threads only when it has at least `fmas` multiply-adds or its
/// B operand at least 2·`fmas` bytes (default 128 Ki, VAMOS_PARALLEL_MIN overrides; 0 splits every
/// product). Below that a hand-off costs more than it saves. It never changes a bit.
void vamos_parallel_min_set(int64_t fmas);
int64_t vamos_parallel_min_get(void);

/// C[i, j] (=, or += when `accumulate`) dot(A[i, 0..K), B[j, 0..K)) (+ bias[j])
/// for i < M, j < N. A is float32 with row stride lda; B has element type `b_dtype`, row stride ldb
/// (elements); C row stride ldc. `bias` may be NULL. Work is split over j (or i), never over k.
void vamos_sgemm_nt(int64_t M, int64_t N, int64_t K,
                    const float *A, int64_t lda,
                    const void *B, int b_dtype, int64_t ldb,
                    const float *bias, float *C, int64_t ldc, int accumulate);

/// The BLAS-shaped product on float32: C = op(A)·op(B) (+ C when `accumulate`), row-major;
/// op(A) is A [M, K] or, with transA, Aᵀ of A stored [K, M]; op(B) is B [K, N] or, with transB,
/// Bᵀ of B stored [N, K]. On AVX2 and AVX-512, where it pays (gemm.c `lanes_pay`: never for one
/// row of A), both operands are packed by lanes of k (gemm_tn.c); otherwise transposed operands are
/// packed into [M, K] / [N, K] scratch and `vamos_sgemm_nt` computes every element. Either way, in
/// the canonical order.
void vamos_sgemm(int transA, int transB, int64_t M, int64_t N, int64_t K,
                 const float *A, int64_t lda, const float *B, int64_t ldb,
                 float *C, int64_t ldc, int accumulate);

/// A linear layer on float32 parameters (training): C[M, N] = A[M, K] · W[N, K]ᵀ + bias[N], each
/// element the canonical dot product, then + bias — the bits of vamos_sgemm_nt with that bias,
/// computed by lanes where the variant can and it pays.
void vamos_linear_f32(int64_t M, int64_t N, int64_t K, const float *A, const float *W, const float *bias, float *C);

/// The same in float64 (training's gradient checks): the same 16-lane order, scalar code, fma().
void vamos_dgemm(int transA, int transB, int64_t M, int64_t N, int64_t K,
                 const double *A, int64_t lda, const double *B, int64_t ldb,
                 double *C, int64_t ldc, int accumulate);

/// The canonical dot product of two float32 vectors (the scalar definition above), for tests and
/// for the few sums outside the products.
float vamos_sdot(const float *a, const float *b, int64_t K);

/// x[i] = x[i] / (1 + vamos_expf(-x[i])) (swish), in place: the same bits in every variant.
void vamos_swish(float *x, int64_t n);
/// x[i] = vamos_expf(x[i] − m) in place; returns their sum in float, added in order i = 0, 1, …
/// (softmax, log-softmax): the same bits in every variant (AVX2 computes the exps four at a time).
float vamos_exp_shifted(float *x, int64_t n, float m);
// Cross-entropy's two passes over a row of n float32 logits x (CrossEntropy.swift): the sum
// Σ exp((double)(x[j] − m)) in float64, left to right; and d[j] = ((float)exp((double)x[j] − lse) − q_j)·inv
// with q_j = (j == label ? 1 − eps : 0) + eps / n in float32. Each exp is vamos_exp's (several at a time).
double vamos_ce_exp_sum(const float *x, int64_t n, float m);
void vamos_ce_grad(const float *x, int64_t n, double lse, int64_t label, float eps, float inv, float *d);
/// x[i] = x[i] < 0 ? 0 : x[i] (relu; −0 stays −0), in place.
void vamos_relu_f32(float *x, int64_t n);
void vamos_relu_f64(double *x, int64_t n);
/// dx[i] = x[i] <= 0 ? 0 : dx[i] (relu's backward at the pre-activation values x), in place.
void vamos_relu_backward_f32(float *dx, const float *x, int64_t n);
void vamos_relu_backward_f64(double *dx, const double *x, int64_t n);

/// One AdamW step on n float32 parameters (Optimizer.swift states the formula and the order):
/// m = β1·m + (1 − β1)·g;  v = β2·v + (1 − β2)·g·g;  u = (m / c1) / (√(v / c2) + ε);
/// w = w − lr·(u + λ·w), with λ = `decay` (0: no weight decay, u + 0).
void vamos_adamw_f32(float *w, const float *g, float *m, float *v, int64_t n,
                     float lr, float beta1, float beta2, float c1, float c2, float eps, float decay);

/// Layer normalization of rows [r0, r1) of x [rows, C] (layernorm.c; LayerNorm.swift states the
/// formulas): y, x̂ [rows, C] and rstd [rows]. Each row's sums left to right, whatever the range.
void vamos_layernorm_forward_f32(const float *x, const float *gamma, const float *beta, float eps, int64_t C,
                                 int64_t r0, int64_t r1, float *y, float *xhat, float *rstd);
void vamos_layernorm_forward_f64(const double *x, const double *gamma, const double *beta, double eps, int64_t C,
                                 int64_t r0, int64_t r1, double *y, double *xhat, double *rstd);
/// Its backward pass: dx on rows [r0, r1) from dy, x̂, rstd and γ.
void vamos_layernorm_backward_f32(const float *dy, const float *xhat, const float *rstd, const float *gamma,
                                  int64_t C, int64_t r0, int64_t r1, float *dx);
void vamos_layernorm_backward_f64(const double *dy, const double *xhat, const double *rstd, const double *gamma,
                                  int64_t C, int64_t r0, int64_t r1, double *dx);
/// dγ[j] += Σ_rows dy·x̂ and dβ[j] += Σ_rows dy for columns [j0, j1), each sum in row order.
void vamos_layernorm_params_f32(const float *dy, const float *xhat, int64_t rows, int64_t C, int64_t j0, int64_t j1,
                                float *dgamma, float *dbeta);
void vamos_layernorm_params_f64(const double *dy, const double *xhat, int64_t rows, int64_t C, int64_t j0, int64_t j1,
                                double *dgamma, double *dbeta);

/// out[j] += Σ_rows x[r, j] for columns [j0, j1) of x [rows, C], each sum in row order.
void vamos_column_sums_f32(const float *x, int64_t rows, int64_t C, int64_t j0, int64_t j1, float *out);
void vamos_column_sums_f64(const double *x, int64_t rows, int64_t C, int64_t j0, int64_t j1, double *out);

/// Row `row` of a [rows, cols] matrix of element type `dtype`, widened to float32 into `out`.
void vamos_widen_row(const void *matrix, int dtype, int64_t cols, int64_t row, float *out);

/// 1 if any product gave ±inf or NaN (float32 overflowed) since the last call, and clears the flag.
int vamos_nonfinite_take(void);

/// The index of the first NaN or infinity among `count` elements of type `dtype`, or -1.
int64_t vamos_first_nonfinite(const void *data, int dtype, int64_t count);

/// float32 → bfloat16 / float16, rounded to nearest, ties to even (NaN stays NaN; overflow → ±inf).
uint16_t vamos_f32_to_bf16(float x);
uint16_t vamos_f32_to_f16(float x);
float vamos_bf16_to_f32(uint16_t h);
float vamos_f16_to_f32(uint16_t h);

#ifdef __cplusplus
}
#endif
#endif
