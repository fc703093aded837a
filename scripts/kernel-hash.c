// One hash over products (f32 and bf16 weights, transposed operands, bias and accumulation, 1-3
// threads), the AdamW step and elementary functions: the same
// value on every variant and machine. scripts/check-kernels-cross.sh builds it for x86-64 and
// arm64 (under qemu-user) and compares.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vamos_kernels.h"
#include "vamos_math.h"
static unsigned long long s = 88172645463325252ULL;
static float rnd(void){ s ^= s<<13; s^= s>>7; s^= s<<17; return ((s>>40) / (float)(1<<24)) * 2 - 1; }
int main(void){
  unsigned long long h = 1469598103934665603ULL;
  #define MIX(u) do { h ^= (u); h *= 1099511628211ULL; } while (0)
  int M=7,N=300,K=517; float *A=malloc(4*M*K),*B=malloc(4*N*K),*C=malloc(4*M*N); uint16_t* Bh=malloc(2*N*K);
  for(int i=0;i<M*K;i++) A[i]=rnd(); for(int i=0;i<N*K;i++){B[i]=rnd(); Bh[i]=vamos_f32_to_bf16(B[i]);}
  for (int th=1; th<=3; th++) { vamos_threads_set(th);
    vamos_sgemm_nt(M,N,K,A,K,B,0,K,NULL,C,N,0); for(int i=0;i<M*N;i++){unsigned u; memcpy(&u,&C[i],4); MIX(u);}
    vamos_sgemm_nt(M,N,K,A,K,Bh,1,K,NULL,C,N,0); for(int i=0;i<M*N;i++){unsigned u; memcpy(&u,&C[i],4); MIX(u);} }
  // Transposed operands (training's products: packing, in 4x4 register blocks and over the threads),
  // bias and accumulation, and the AdamW step.
  { float *At=malloc(4*M*K), *Bt=malloc(4*N*K), *D=malloc(4*M*N), *bias=malloc(4*N);
    for(int i=0;i<M*K;i++) At[i]=rnd(); for(int i=0;i<N*K;i++) Bt[i]=rnd(); for(int j=0;j<N;j++) bias[j]=rnd();
    for (int th=1; th<=3; th++) { vamos_threads_set(th);
      for(int i=0;i<M*N;i++) D[i]=0.5f;
      vamos_sgemm(1,0,M,N,K,At,M,Bt,N,D,N,1); for(int i=0;i<M*N;i++){unsigned u; memcpy(&u,&D[i],4); MIX(u);}
      vamos_sgemm_nt(M,N,K,A,K,B,0,K,bias,D,N,1); for(int i=0;i<M*N;i++){unsigned u; memcpy(&u,&D[i],4); MIX(u);} }
    float *w=malloc(4*N*K), *m=calloc(N*K,4), *v=calloc(N*K,4);
    for(int i=0;i<N*K;i++) w[i]=rnd();
    for (int step=1; step<=3; step++) vamos_adamw_f32(w,Bt,m,v,N*K,1e-3f,0.9f,0.98f,1-0.9f*step/3,1-0.98f*step/3,1e-9f,step==2?0.01f:0.0f);
    for(int i=0;i<N*K;i++){unsigned u; memcpy(&u,&w[i],4); MIX(u);}
    free(At); free(Bt); free(D); free(bias); free(w); free(m); free(v); }
  for (int i=0;i<100000;i++){ double x = (rnd())*50; double r[4]={vamos_exp(x),vamos_log(x*x+1e-300),vamos_sin(x*1000),vamos_erf(x/10)}; for(int k=0;k<4;k++){unsigned long long u; memcpy(&u,&r[k],8); MIX(u);} float f=vamos_tanhf((float)x/10); unsigned uf; memcpy(&uf,&f,4); MIX(uf);}
  printf("isa %s hash %016llx\n", vamos_isa_name(vamos_isa_current()), h);
}
