// What a parallel job costs and what it saves, on this machine: (1) the hand-off — two tasks of
// W µs each on 2 threads, per job minus W; (2) matrix products [M, K]·[N, K]ᵀ on 1 and 2 threads,
// float32 weights, each from its own copy (read from memory, not cache), every product split
// (VAMOS_PARALLEL_MIN 0). Build and run:
//   clang -O2 -ffp-contract=off -ISources/CKernels/include -ISources/CKernels \
//     Benchmarks/threads.c Sources/CKernels/*.c -o /tmp/threads -lpthread -lm && /tmp/threads
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "vamos_kernels.h"
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static volatile int sink;
static void busy(void *c, int t) { double t0 = now(); while (now() - t0 < *(double *)c) {} sink = t; }

static double product_us(int threads, int M, int N, int K) {
    vamos_threads_set(threads);
    const int copies = (int)(256e6 / ((double)N * K * 4)) + 1;  // 256 MB of weights: past any cache
    void **W = malloc(sizeof(void *) * copies);
    for (int c = 0; c < copies; c++) {
        W[c] = malloc((size_t)N * K * 4);
        for (size_t j = 0; j < (size_t)N * K * 2; j++) ((short *)W[c])[j] = (short)(j * 13 + 1) & 0x3fff;
    }
    float *x = malloc(4 * (size_t)K * M), *y = malloc(4 * (size_t)N * M);
    for (int i = 0; i < K * M; i++) x[i] = 0.001f * (i % 1000);
    double best = 1e9;
    for (int r = 0; r < 5; r++) {
        double t0 = now();
        for (int c = 0; c < copies; c++) vamos_sgemm_nt(M, N, K, x, K, W[c], 0, K, NULL, y, N, 0);
        double t = (now() - t0) / copies;
        if (t < best) best = t;
    }
    for (int c = 0; c < copies; c++) free(W[c]);
    free(W); free(x); free(y);
    return best * 1e6;
}

int main(void) {
    vamos_parallel_min_set(0);
    vamos_threads_set(2);
    printf("hand-off, 2 threads (per job − task):");
    for (double w = 10; w <= 100; w *= 10) {
        double s = w * 1e-6;
        vamos_parallel_run(2, busy, &s);
        const int n = 1000;
        double t0 = now();
        for (int i = 0; i < n; i++) vamos_parallel_run(2, busy, &s);
        printf("  %.0f µs tasks: %.1f µs", w, (now() - t0) / n * 1e6 - w);
    }
    printf("\n");
    const int shapes[][3] = {{1, 512, 512}, {1, 2048, 512}, {1, 58101, 512}, {4, 512, 512}, {4, 2048, 512}, {16, 512, 512},
                             {16, 2048, 512}, {64, 512, 512}, {64, 2048, 512}, {768, 128, 128}, {768, 512, 128}};
    for (int s = 0; s < (int)(sizeof shapes / sizeof shapes[0]); s++) {
        const int M = shapes[s][0], N = shapes[s][1], K = shapes[s][2];
        double one = product_us(1, M, N, K), two = product_us(2, M, N, K);
        printf("[%2d, %d]·[%5d, %d]ᵀ  %4.1f M multiply-adds  1 thread %7.1f µs  2 threads %7.1f µs  (%s)\n", M, K, N, K,
               (double)M * N * K / 1048576.0, one, two, two < one ? "split" : "whole");
    }
}
