// What the kernel files share: the arguments of one product and each variant's block function.
#ifndef VAMOS_KERNELS_INTERNAL_H
#define VAMOS_KERNELS_INTERNAL_H
#include "vamos_kernels.h"

typedef struct {
    int64_t M, N, K;
    const float *A; int64_t lda;      // [M, K]
    const void *B; int dtype; int64_t ldb;  // [N, K]
    const float *bias;                // [N] or NULL
    float *C; int64_t ldc;            // [M, N]
    int accumulate;
} vamos_gemm_args;

/// Computes C[i0..i1, j0..j1) of `g`, every element in the canonical order.
typedef void (*vamos_block_fn)(const vamos_gemm_args *g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);

void vamos_block_scalar(const vamos_gemm_args *g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);
#if defined(__x86_64__)
void vamos_block_avx2(const vamos_gemm_args *g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);
void vamos_block_avx512(const vamos_gemm_args *g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);
#endif
#if defined(__aarch64__)
void vamos_block_neon(const vamos_gemm_args *g, int64_t i0, int64_t i1, int64_t j0, int64_t j1);
#endif

/// One tile of C (+)= Aᵀ·B from packed panels (tn_template.h, gemm_tn.c): ap [16][kb][mr],
/// bp [16][kb][nb]; rows ≤ mr and cols ≤ nb of C are written.
typedef void (*vamos_tn_fn)(const float *ap, const float *bp, int64_t kb, float *C, int64_t ldc, int rows, int cols,
                            int accumulate, const float *bias);
#if defined(__x86_64__)
void vamos_tn_tile_avx2(const float *ap, const float *bp, int64_t kb, float *C, int64_t ldc, int rows, int cols,
                        int accumulate, const float *bias);
void vamos_tn_tile_avx512(const float *ap, const float *bp, int64_t kb, float *C, int64_t ldc, int rows, int cols,
                          int accumulate, const float *bias);
#endif
/// C (+)= op(A)·op(B) (+ bias[N] when not accumulating) by lanes, no transposes (gemm_tn.c): A
/// stored [K, M] when transA, else [M, K]; B stored [N, K] when transB, else [K, N]. Returns 0, or
/// -1 when the variant in use has no such kernel or bias is asked with accumulate (then the caller
/// transposes and calls vamos_sgemm_nt).
int vamos_sgemm_lanes(int transA, int transB, int64_t M, int64_t N, int64_t K, const float *A, int64_t lda,
                      const float *B, int64_t ldb, const float *bias, float *C, int64_t ldc, int accumulate);

/// Per-thread scratch of at least `bytes` (gemm.c): grown by doubling, never freed, 64-byte aligned.
enum { VAMOS_SCRATCH_TRANSPOSE = 0, VAMOS_SCRATCH_TRANSPOSE_F64 = 2, VAMOS_SCRATCH_LANES = 4, VAMOS_SCRATCH_PANEL = 5, VAMOS_SCRATCH_SLOTS = 6 };
void *vamos_scratch(int slot, size_t bytes);

/// Runs task(ctx, t) for t in 0..<ntasks on the worker threads and the caller; returns when all are done.
void vamos_parallel_run(int ntasks, void (*task)(void *ctx, int t), void *ctx);

extern int vamos_nonfinite_flag;
static inline void vamos_note_nonfinite(void) { __atomic_store_n(&vamos_nonfinite_flag, 1, __ATOMIC_RELAXED); }

/// Bytes per element of a weight dtype.
static inline int vamos_dtype_size(int dtype) { return dtype == VAMOS_DTYPE_F32 ? 4 : 2; }
#endif
