// op(A)·op(B) in the four layouts vamos_sgemm takes (A stored [M, K] or [K, M], B [K, N] or
// [N, K]) and the training linear layer x·Wᵀ + b (vamos_linear_f32): first every variant this
// machine runs, 1–3 threads, C = and C +=, against the scalar variant bit for bit (edges, K = 0,
// −0 among the values); then GFLOP/s of nn (dX = dY·W), nt (x·Wᵀ, q·kᵀ) and linear on training's
// shapes (T = 1088 tokens of the demo config) and one attention head's, best of 60 (3000 for the
// small ones), operands in cache, on THREADS threads (argument, default 2) and the variant in use
// (VAMOS_ISA forces one). Build and run (clang, as SwiftPM builds the kernels):
//   clang -O2 -ffp-contract=off -ISources/CKernels/include -ISources/CKernels \
//     Benchmarks/gemm_layouts.c Sources/CKernels/*.c -o /tmp/gemm_layouts -lpthread -lm && /tmp/gemm_layouts 2
// Against an earlier commit's kernels (e.g. d88fdd6, before the lanes path took nn and nt): build the
// same file against `git archive d88fdd6 Sources/CKernels` (vamos_linear_f32 did not exist then:
// add -DNO_LINEAR, which times vamos_sgemm_nt with the bias instead) and run the two alternately.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "vamos_kernels.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static unsigned long long st = 1;
static float rnd(void) {
  st = st * 6364136223846793005ULL + 1442695040888963407ULL;
  float x = ((int)(st >> 40) - (1 << 23)) / 1048576.0f;
  if ((st >> 20 & 63) == 0) x = -0.0f;
  if ((st >> 30 & 127) == 0) x = 0;
  return x;
}
static void linear(int64_t M, int64_t N, int64_t K, const float *A, const float *W, const float *b, float *C) {
#ifdef NO_LINEAR
  vamos_sgemm_nt(M, N, K, A, K, W, VAMOS_DTYPE_F32, K, b, C, N, 0);
#else
  vamos_linear_f32(M, N, K, A, W, b, C);
#endif
}
static int check(void) {
  int sh[][3] = {{2,1,1},{1,40,33},{17,32,17},{16,32,20},{7,33,15},{13,40,16},{9,5,0},{33,65,47},{100,96,64},{130,70,300},{3,1,17}};
  int bad = 0, n = 0;
  for (int s = 0; s < 11; s++) for (int tA = 0; tA < 2; tA++) for (int tB = 0; tB < 2; tB++) for (int acc = 0; acc < 2; acc++) {
    int M = sh[s][0], N = sh[s][1], K = sh[s][2];
    long la = tA ? M + 3 : K + 5, lb = tB ? K + 2 : N + 1, lc = N + 4;  // strides wider than the matrices
    float *A = malloc(4L * ((tA ? K : M) * la + 1)), *B = malloc(4L * ((tB ? N : K) * lb + 1));
    float *C0 = malloc(4L * M * lc), *C1 = malloc(4L * M * lc), *Cs = malloc(4L * M * lc);
    for (long i = 0; i < (tA ? K : M) * la; i++) A[i] = rnd();
    for (long i = 0; i < (tB ? N : K) * lb; i++) B[i] = rnd();
    for (long i = 0; i < (long)M * lc; i++) Cs[i] = rnd();
    vamos_isa_set(VAMOS_ISA_SCALAR); vamos_threads_set(1);
    memcpy(C0, Cs, 4L * M * lc);
    vamos_sgemm(tA, tB, M, N, K, A, la, B, lb, C0, lc, acc);
    for (int isa = 0; isa < VAMOS_ISA_COUNT; isa++) for (int th = 1; th <= 3; th++) {
      if (isa == VAMOS_ISA_SCALAR || vamos_isa_set(isa) != 0) continue;
      vamos_threads_set(th); vamos_parallel_min_set(th > 1 ? 0 : 131072);
      memcpy(C1, Cs, 4L * M * lc);
      vamos_sgemm(tA, tB, M, N, K, A, la, B, lb, C1, lc, acc);
      n++;
      if (memcmp(C0, C1, 4L * M * lc)) { printf("differ: %d×%d×%d transA %d transB %d += %d, %s, %d threads\n", M, N, K, tA, tB, acc, vamos_isa_name(isa), th); bad++; }
    }
    if (!tA && tB && !acc) {  // the linear layer with a bias, against vamos_sgemm_nt's epilogue
      float *X = malloc(4L * M * K + 4), *W = malloc(4L * N * K + 4), *b = malloc(4L * N), *L0 = malloc(4L * M * N), *L1 = malloc(4L * M * N);
      for (long i = 0; i < (long)M * K; i++) X[i] = rnd();
      for (long i = 0; i < (long)N * K; i++) W[i] = rnd();
      for (int i = 0; i < N; i++) b[i] = rnd();
      vamos_isa_set(VAMOS_ISA_SCALAR); vamos_threads_set(1);
      vamos_sgemm_nt(M, N, K, X, K, W, VAMOS_DTYPE_F32, K, b, L0, N, 0);
      for (int isa = 0; isa < VAMOS_ISA_COUNT; isa++) for (int th = 1; th <= 3; th++) {
        if (isa == VAMOS_ISA_SCALAR || vamos_isa_set(isa) != 0) continue;
        vamos_threads_set(th); vamos_parallel_min_set(th > 1 ? 0 : 131072);
        linear(M, N, K, X, W, b, L1); n++;
        if (memcmp(L0, L1, 4L * M * N)) { printf("differ: linear %d×%d×%d, %s, %d threads\n", M, N, K, vamos_isa_name(isa), th); bad++; }
      }
      free(X); free(W); free(b); free(L0); free(L1);
    }
    free(A); free(B); free(C0); free(C1); free(Cs);
  }
  printf("%d products against the scalar variant: %s\n", n, bad ? "MISMATCH" : "all identical");
  return bad;
}
int main(int argc, char **argv) {
  if (check()) return 1;
  vamos_isa_reset(); vamos_parallel_min_set(131072);
  vamos_threads_set(argc > 1 ? atoi(argv[1]) : 2);
  int sh[][3] = {{1088,128,128},{1088,512,128},{1088,128,512},{17,32,17},{17,17,32},{25,25,64},{25,64,25},{48,48,32}};
  for (int s = 0; s < 8; s++) {
    int M = sh[s][0], N = sh[s][1], K = sh[s][2];
    float *A = malloc(4L * M * K), *B = malloc(4L * K * N), *C = malloc(4L * M * N), *b = malloc(4L * N);
    for (long i = 0; i < (long)M * K; i++) A[i] = rnd();
    for (long i = 0; i < (long)K * N; i++) B[i] = rnd();
    for (int i = 0; i < N; i++) b[i] = rnd();
    int reps = (long)M * N * K < 100000 ? 3000 : 60;
    double t_nn = 1e9, t_nt = 1e9, t_lin = 1e9;
    for (int r = 0; r < reps; r++) {
      double t = now(); vamos_sgemm(0, 0, M, N, K, A, K, B, N, C, N, 0); t = now() - t; if (t < t_nn) t_nn = t;
      t = now(); vamos_sgemm(0, 1, M, N, K, A, K, B, K, C, N, 0); t = now() - t; if (t < t_nt) t_nt = t;
      t = now(); linear(M, N, K, A, B, b, C); t = now() - t; if (t < t_lin) t_lin = t;
    }
    const double g = 2.0 * M * N * K / 1e9;
    printf("%s, %d threads, M=%d N=%d K=%d: nn %.1f  nt %.1f  linear %.1f GFLOP/s\n", vamos_isa_name(vamos_isa_current()),
           vamos_threads_get(), M, N, K, g / t_nn, g / t_nt, g / t_lin);
    free(A); free(B); free(C); free(b);
  }
  return 0;
}
