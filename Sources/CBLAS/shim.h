// The one place where the platform's BLAS is chosen.
#if defined(__APPLE__)
#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
static inline void dl_blas_set_threads(int n) { (void)n; }
static inline int dl_blas_get_threads(void) { return 1; }
static inline void dl_blas_select_kernels(void) {}
#else
#include <cblas.h>
static inline void dl_blas_set_threads(int n) { openblas_set_num_threads(n); }
static inline int dl_blas_get_threads(void) { return openblas_get_num_threads(); }

#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif
// Only in OpenBLAS builds with DYNAMIC_ARCH (Debian's); weak so that other builds still link.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

// OpenBLAS chooses its kernels by CPU model number. 0.3.21 (Debian 12) does not know recent Xeons (e.g.
// family 6 model 207) and falls back to its Prescott (SSE3) kernels: sgemm 3-5x slower than with its
// AVX-512 ones. When that happened and the user set no OPENBLAS_CORETYPE, choose by the CPU's features
// instead (what later OpenBLAS versions do) and reload the kernel table. Call before any other BLAS call.
static inline void dl_blas_select_kernels(void) {
#if defined(__x86_64__)
    if (getenv("OPENBLAS_CORETYPE") || !gotoblas_dynamic_init || !gotoblas_dynamic_quit) return;
    if (strcmp(openblas_get_corename(), "Prescott") != 0) return;
    unsigned a, b, c, d, xcr0, xcr0High;
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX) || !(c & bit_FMA)) return;
    __asm__("xgetbv" : "=a"(xcr0), "=d"(xcr0High) : "c"(0));
    if ((xcr0 & 0x6) != 0x6 || !__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;  // the OS saves YMM state
    const unsigned avx512 = bit_AVX512F | bit_AVX512DQ | bit_AVX512BW | bit_AVX512VL;
    const char *core = (b & avx512) == avx512 && (xcr0 & 0xE6) == 0xE6 ? "SkylakeX" : (b & bit_AVX2) ? "Haswell" : NULL;
    if (!core) return;
    setenv("OPENBLAS_CORETYPE", core, 1);
    gotoblas_dynamic_quit();
    gotoblas_dynamic_init();
#endif
}
#endif
