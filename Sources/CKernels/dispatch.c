// Which variant runs: chosen once, at run time, from what the CPU and the OS support
// (CPUID + XGETBV on x86-64, HWCAP on arm64), unless VAMOS_ISA names one.
#include <stdlib.h>
#include <string.h>
#include "kernels_internal.h"
#if defined(__x86_64__)
#include <cpuid.h>
#endif
#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

static const char *const isa_names[VAMOS_ISA_COUNT] = {"scalar", "avx2", "avx512", "neon"};

const char *vamos_isa_name(int isa) { return isa >= 0 && isa < VAMOS_ISA_COUNT ? isa_names[isa] : "unknown"; }

#if defined(__x86_64__)
static uint64_t xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#endif

int vamos_isa_supported(int isa) {
    if (isa == VAMOS_ISA_SCALAR) return 1;
#if defined(__x86_64__)
    if (isa != VAMOS_ISA_AVX2 && isa != VAMOS_ISA_AVX512) return 0;
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    const int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, f16c = (c >> 29) & 1;
    if (!(fma && osxsave && avx && f16c)) return 0;
    const uint64_t xcr0 = xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0;  // the OS saves xmm and ymm
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    const int avx2 = (b >> 5) & 1;
    if (isa == VAMOS_ISA_AVX2) return avx2;
    const int f = (b >> 16) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    return avx2 && f && bw && vl && (xcr0 & 0xE6) == 0xE6;  // and opmask, zmm state
#elif defined(__aarch64__)
    if (isa != VAMOS_ISA_NEON) return 0;
#if defined(__linux__)
    return (getauxval(AT_HWCAP) & (1UL << 1)) != 0;  // HWCAP_ASIMD
#else
    return 1;
#endif
#else
    return 0;
#endif
}

int vamos_isa_from_environment(void) {
    const char *e = getenv("VAMOS_ISA");
    if (!e || !*e) return -1;
    for (int i = 0; i < VAMOS_ISA_COUNT; i++)
        if (strcmp(e, isa_names[i]) == 0) return vamos_isa_supported(i) ? i : -3;
    return -2;
}

static int best_isa(void) {
    const int order[] = {VAMOS_ISA_AVX512, VAMOS_ISA_AVX2, VAMOS_ISA_NEON};
    for (int i = 0; i < 3; i++)
        if (vamos_isa_supported(order[i])) return order[i];
    return VAMOS_ISA_SCALAR;
}

static int current = -1;

int vamos_isa_current(void) {
    int c = __atomic_load_n(&current, __ATOMIC_ACQUIRE);
    if (c >= 0) return c;
    const int env = vamos_isa_from_environment();
    c = env >= 0 ? env : best_isa();
    __atomic_store_n(&current, c, __ATOMIC_RELEASE);
    return c;
}

int vamos_isa_set(int isa) {
    if (isa < 0 || isa >= VAMOS_ISA_COUNT || !vamos_isa_supported(isa)) return -1;
    __atomic_store_n(&current, isa, __ATOMIC_RELEASE);
    return 0;
}

void vamos_isa_reset(void) { __atomic_store_n(&current, -1, __ATOMIC_RELEASE); }

vamos_block_fn vamos_block_for_current(void) {
    switch (vamos_isa_current()) {
#if defined(__x86_64__)
    case VAMOS_ISA_AVX2: return vamos_block_avx2;
    case VAMOS_ISA_AVX512: return vamos_block_avx512;
#endif
#if defined(__aarch64__)
    case VAMOS_ISA_NEON: return vamos_block_neon;
#endif
    default: return vamos_block_scalar;
    }
}
