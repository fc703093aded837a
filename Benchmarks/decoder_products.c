// The products of one opus-mt-shaped decoding step at batch 1 (6 layers × [6 × 512², 2048×512,
// 512×2048] + the 58101×512 output layer), each matrix read once from memory, best of 12 tokens.
// Build and run (clang, as SwiftPM builds the kernels; gcc keeps the accumulators in memory): clang -O2 -ffp-contract=off -ISources/CKernels/include -ISources/CKernels \
//   Benchmarks/decoder_products.c Sources/CKernels/*.c -o /tmp/dp -lpthread -lm && /tmp/dp THREADS DTYPE
// (DTYPE 0 = float32, 1 = bfloat16).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "vamos_kernels.h"
static double now(){struct timespec t; clock_gettime(CLOCK_MONOTONIC,&t); return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int th=atoi(argv[1]), dt=atoi(argv[2]); vamos_threads_set(th);
  int es = dt?2:4;
  // per layer: 6 x [512,512], fc1 [2048,512], fc2 [512,2048]; 6 layers; output [58101,512]
  int L=6; void* W[6*8+1]; int N[6*8+1], K[6*8+1]; int n=0;
  for(int l=0;l<L;l++){ for(int i=0;i<6;i++){N[n]=512;K[n]=512;n++;} N[n]=2048;K[n]=512;n++; N[n]=512;K[n]=2048;n++; }
  N[n]=58101;K[n]=512;n++;
  for(int i=0;i<n;i++){ W[i]=malloc((size_t)N[i]*K[i]*es); for(size_t j=0;j<(size_t)N[i]*K[i]*es/2;j++) ((short*)W[i])[j]=(short)(j*13+1)&0x3fff; }
  float* x=malloc(4*2048); for(int i=0;i<2048;i++) x[i]=0.001f*i; float* y=malloc(4*58101);
  double best=1e9; for(int r=0;r<12;r++){ double t0=now(); for(int i=0;i<n;i++) vamos_sgemm_nt(1,N[i],K[i],x,K[i],W[i],dt,K[i],NULL,y,N[i],0); double t=now()-t0; if(t<best)best=t; }
  double bytes=0; for(int i=0;i<n;i++) bytes+=(double)N[i]*K[i]*es;
  printf("th%d dt%d: %.2f ms/token  %.1f GB/s  (%.0f MB)\n", th, dt, best*1e3, bytes/best/1e9, bytes/1e6);
}
