// GFLOP/s of vamos_sgemm_nt on training's and decoding's shapes, float32, operands in cache, best
// of 30, on N threads (argument; default 1; every product split: VAMOS_PARALLEL_MIN 0). Build and run:
//   clang -O2 -ffp-contract=off -ISources/CKernels/include -ISources/CKernels \
//     Benchmarks/gemm_shapes.c Sources/CKernels/*.c -o /tmp/gemm_shapes -lpthread -lm && /tmp/gemm_shapes 1
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "vamos_kernels.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
int main(int argc, char **argv) {
    int th = argc > 1 ? atoi(argv[1]) : 1;
    vamos_parallel_min_set(0); vamos_threads_set(th);
    int shapes[][3] = {{768,128,128},{768,512,128},{768,128,512},{128,128,768},{512,128,768},{768,630,128},{64,128,128}};
    for (int s = 0; s < 7; s++) {
        int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        float *A = malloc(4L*M*K), *B = malloc(4L*N*K), *C = malloc(4L*M*N);
        for (long i = 0; i < (long)M*K; i++) A[i] = (i%97)*0.01f;
        for (long i = 0; i < (long)N*K; i++) B[i] = (i%89)*0.01f;
        double best = 1e9;
        for (int r = 0; r < 30; r++) { double t0 = now(); vamos_sgemm_nt(M,N,K,A,K,B,0,K,NULL,C,N,0); double t = now()-t0; if (t<best) best=t; }
        printf("M=%4d N=%4d K=%4d  %7.1f us  %6.1f GFLOP/s  c=%g\n", M,N,K,best*1e6, 2.0*M*N*K/best/1e9, C[7]);
        free(A); free(B); free(C);
    }
}
