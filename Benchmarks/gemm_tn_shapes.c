// Aᵀ·B (A stored [K, M], B [K, N]: training's weight gradients dW = dyᵀ·x and attention's
// dk, dv) through vamos_sgemm(1, 0, …): first every variant this machine runs, 1–3 threads, C = and
// C +=, against the scalar variant bit for bit (odd edges, K = 0, −0 among the values); then
// GFLOP/s on the demo config's shapes (T = 1088 tokens; 17 × 32 × 17 one attention head), best of
// 30 (2000 for the small one), operands in cache, on 1 and 2 threads. Build and run:
//   clang -O2 -ffp-contract=off -ISources/CKernels/include -ISources/CKernels \
//     Benchmarks/gemm_tn_shapes.c Sources/CKernels/*.c -o /tmp/gemm_tn_shapes -lpthread -lm && /tmp/gemm_tn_shapes
// Against an earlier commit's kernels (e.g. 8759409, before gemm_tn.c: transposes + vamos_sgemm_nt):
//   mkdir /tmp/old && git archive 8759409 Sources/CKernels | tar -x -C /tmp/old && clang … -I/tmp/old/Sources/CKernels/include \
//     -I/tmp/old/Sources/CKernels Benchmarks/gemm_tn_shapes.c /tmp/old/Sources/CKernels/*.c …
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>
#include "vamos_kernels.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static unsigned long long st = 1;
static float rnd(void) { st = st * 6364136223846793005ULL + 1442695040888963407ULL; int v = (int)(st >> 40) - (1 << 23); float x = v / 1048576.0f; if ((st >> 20 & 63) == 0) x = -0.0f; if ((st>>30 & 127)==0) x = 0; return x; }
int main(int argc, char **argv) {
  int shapes[][3] = {{128,128,1088},{128,512,1088},{512,128,1088},{17,32,17},{16,32,20},{1,1,1},{7,33,15},{13,40,16},{9,5,0},{33,65,47}};
  int bad = 0;
  for (int s = 0; s < 10; s++) {
    int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
    float *A = malloc(4L*(K*M+1)), *B = malloc(4L*(K*N+1)), *C0 = malloc(4L*M*N), *C1 = malloc(4L*M*N), *C2 = malloc(4L*M*N);
    for (long i = 0; i < (long)K*M; i++) A[i] = rnd();
    for (long i = 0; i < (long)K*N; i++) B[i] = rnd();
    for (long i = 0; i < (long)M*N; i++) C0[i] = C1[i] = C2[i] = rnd();
    for (int acc = 0; acc < 2; acc++) {
      // reference: scalar ISA, old path (transposes + nt)
      vamos_isa_set(VAMOS_ISA_SCALAR); vamos_threads_set(1);
      vamos_sgemm(1, 0, M, N, K, A, M, B, N, C0, N, acc);
      for (int isa = VAMOS_ISA_AVX2; isa <= VAMOS_ISA_AVX512; isa++) for (int th = 1; th <= 3; th++) {
        if (vamos_isa_set(isa) != 0) continue;
        vamos_threads_set(th); vamos_parallel_min_set(th > 1 ? 0 : 131072);
        memcpy(C1, C2, 4L*M*N);
        if (acc) { memcpy(C1, C2, 4L*M*N); }
        vamos_sgemm(1, 0, M, N, K, A, M, B, N, C1, N, acc);
        // compare against reference computed from the same initial C
        int diff = 0;
        for (long i = 0; i < (long)M*N; i++) { unsigned a, b; memcpy(&a, &C0[i], 4); memcpy(&b, &C1[i], 4); if (a != b) diff++; }
        if (diff) { printf("M=%d N=%d K=%d acc=%d isa=%d th=%d: %d differ\n", M, N, K, acc, isa, th, diff); bad++; }
      }
      memcpy(C0, C2, 4L*M*N);
      vamos_isa_set(VAMOS_ISA_SCALAR); vamos_threads_set(1);
      // reset C0 for the next acc mode
    }
    free(A); free(B); free(C0); free(C1); free(C2);
  }
  printf("%s\n", bad ? "MISMATCH" : "all identical");
  if (bad) return 1;
  // timing
  vamos_isa_reset(); vamos_parallel_min_set(131072);
  int ts[][3] = {{128,128,1088},{128,512,1088},{512,128,1088},{17,32,17}};
  for (int th = 1; th <= 2; th++) for (int s = 0; s < 4; s++) {
    int M = ts[s][0], N = ts[s][1], K = ts[s][2];
    float *A = malloc(4L*K*M), *B = malloc(4L*K*N), *C = malloc(4L*M*N);
    for (long i = 0; i < (long)K*M; i++) A[i] = rnd(); for (long i = 0; i < (long)K*N; i++) B[i] = rnd();
    vamos_threads_set(th);
    double best = 1e9; int reps = M*N*K < 100000 ? 2000 : 30;
    for (int r = 0; r < reps; r++) { double t0 = now(); vamos_sgemm(1, 0, M, N, K, A, M, B, N, C, N, 0); double t = now() - t0; if (t < best) best = t; }
    printf("threads %d  M=%d N=%d K=%d  %.1f us  %.1f GFLOP/s\n", th, M, N, K, best*1e6, 2.0*M*N*K/best/1e9);
  }
}
