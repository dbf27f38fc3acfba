// Open MPI's C API (Debian: libopenmpi-dev, pkg-config ompi-c). Its handles (MPI_COMM_WORLD, MPI_FLOAT,
// MPI_SUM, …) are macros over addresses of globals, which Swift cannot import: these functions return them.
#include <mpi.h>

static inline MPI_Comm dl_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype dl_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype dl_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype dl_mpi_byte(void) { return MPI_BYTE; }
static inline MPI_Op dl_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op dl_mpi_max(void) { return MPI_MAX; }
static inline void *dl_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline int dl_mpi_thread_funneled(void) { return MPI_THREAD_FUNNELED; }
