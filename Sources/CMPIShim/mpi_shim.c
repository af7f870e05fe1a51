#include "CMPIShim.h"

#include <dlfcn.h>
#include <stdio.h>

// Opaque OpenMPI handles (MPI_Comm, MPI_Datatype are pointers in OpenMPI).
typedef void *handle_t;

static void *library;
static handle_t comm_world, byte_type;
static int (*fn_init)(int *, char ***);
static int (*fn_comm_rank)(handle_t, int *);
static int (*fn_comm_size)(handle_t, int *);
static int (*fn_allgather)(const void *, int, handle_t, void *, int, handle_t, handle_t);
static int (*fn_allgatherv)(const void *, int, handle_t, void *, const int *, const int *, handle_t, handle_t);
static int (*fn_abort)(handle_t, int);
static int (*fn_finalize)(void);
static char last_error[512];

const char *mpishim_last_error(void) { return last_error; }

static void *resolve(const char *name, int *missing) {
    void *symbol = dlsym(library, name);
    if (symbol == NULL && *missing == 0) {
        snprintf(last_error, sizeof last_error, "libmpi has no symbol %s (this build supports OpenMPI only)", name);
        *missing = 1;
    }
    return symbol;
}

int mpishim_load(void) {
    if (library != NULL) return 0;
    // RTLD_GLOBAL: OpenMPI's own plugins (dlopened by libmpi) resolve libmpi's symbols globally.
    void *lib = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (lib == NULL) lib = dlopen("libmpi.so", RTLD_NOW | RTLD_GLOBAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(last_error, sizeof last_error, "cannot load OpenMPI's libmpi.so.40: %s (install openmpi-bin)",
                 why ? why : "unknown reason");
        return 1;
    }
    library = lib;
    int missing = 0;
    comm_world = resolve("ompi_mpi_comm_world", &missing);
    byte_type = resolve("ompi_mpi_byte", &missing);
    *(void **)&fn_init = resolve("MPI_Init", &missing);
    *(void **)&fn_comm_rank = resolve("MPI_Comm_rank", &missing);
    *(void **)&fn_comm_size = resolve("MPI_Comm_size", &missing);
    *(void **)&fn_allgather = resolve("MPI_Allgather", &missing);
    *(void **)&fn_allgatherv = resolve("MPI_Allgatherv", &missing);
    *(void **)&fn_abort = resolve("MPI_Abort", &missing);
    *(void **)&fn_finalize = resolve("MPI_Finalize", &missing);
    if (missing) {
        library = NULL;
        return 1;
    }
    return 0;
}

static int check(int code, const char *call) {
    if (code != 0) snprintf(last_error, sizeof last_error, "%s returned MPI error %d", call, code);
    return code;
}

int mpishim_init(int *rank, int *size) {
    if (mpishim_load() != 0) return 1;
    if (check(fn_init(NULL, NULL), "MPI_Init")) return 1;
    if (check(fn_comm_rank(comm_world, rank), "MPI_Comm_rank")) return 1;
    return check(fn_comm_size(comm_world, size), "MPI_Comm_size");
}

int mpishim_allgather(const void *send, int count, void *recv) {
    if (library == NULL) { snprintf(last_error, sizeof last_error, "MPI is not loaded"); return 1; }
    return check(fn_allgather(send, count, byte_type, recv, count, byte_type, comm_world), "MPI_Allgather");
}

int mpishim_allgatherv(const void *send, int count, void *recv, const int *counts, const int *displacements) {
    if (library == NULL) { snprintf(last_error, sizeof last_error, "MPI is not loaded"); return 1; }
    return check(fn_allgatherv(send, count, byte_type, recv, counts, displacements, byte_type, comm_world),
                 "MPI_Allgatherv");
}

void mpishim_abort(int code) {
    if (library != NULL) fn_abort(comm_world, code);
}

int mpishim_finalize(void) {
    if (library == NULL) return 0;
    return check(fn_finalize(), "MPI_Finalize");
}
