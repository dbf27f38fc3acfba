// The one place where the platform's BLAS is chosen.
#if defined(__APPLE__)
#define ACCELERATE_NEW_LAPACK
#include <Accelerate/Accelerate.h>
static inline void dl_blas_set_threads(int n) { (void)n; }
static inline int dl_blas_get_threads(void) { return 1; }
#else
#include <cblas.h>
static inline void dl_blas_set_threads(int n) { openblas_set_num_threads(n); }
static inline int dl_blas_get_threads(void) { return openblas_get_num_threads(); }
#endif
