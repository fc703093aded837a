// The arm64 variant: the 16 canonical lanes in four q registers, vfmaq_f32 per step.
#pragma STDC FP_CONTRACT OFF
#ifdef __clang__
#pragma clang fp contract(off)
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#include "kernels_internal.h"

typedef float32x4_t VT;
#define VLANES 4
#define NV 4
#define VZERO() vdupq_n_f32(0.0f)
#define VLOADA(p) vld1q_f32(p)
#define VLOADB_F32(p) vld1q_f32(p)
#define VLOADB_BF16(p) vreinterpretq_f32_u32(vshlq_n_u32(vmovl_u16(vld1_u16(p)), 16))
#define VLOADB_F16(p) vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p)))
#define VFMA(acc, a, b) vfmaq_f32((acc), (a), (b))

static inline __attribute__((always_inline)) float reduce16_neon(const float32x4_t *acc) {
    float32x4_t t8a = vaddq_f32(acc[0], acc[2]);  // lanes 0..3:  i + (i+8)
    float32x4_t t8b = vaddq_f32(acc[1], acc[3]);  // lanes 4..7:  i + (i+8)
    float32x4_t t4 = vaddq_f32(t8a, t8b);         // i + (i+4)
    float32x2_t t2 = vadd_f32(vget_low_f32(t4), vget_high_f32(t4));  // i + (i+2)
    return vget_lane_f32(t2, 0) + vget_lane_f32(t2, 1);
}
#define REDUCE16(acc) reduce16_neon(acc)
#define TILE_MR 2
#define TILE_NR 3
#define GEMV_NR 6
#define BLOCK_NAME vamos_block_neon
#include "tile_template.h"
#endif
