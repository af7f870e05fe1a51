// The toolkit's only contact with MPI: OpenMPI's libmpi loaded at run time (dlopen), so the `ovseg3r` binary
// builds without MPI headers and runs where OpenMPI is absent. Only what data-parallel training needs:
// start-up, rank and size, all-gather of bytes, abort, finalize. Every function returns 0 on success;
// on failure `mpishim_last_error()` says why.
//
// OpenMPI-specific: MPI handles are pointers to the library's predefined objects (`ompi_mpi_comm_world`,
// `ompi_mpi_byte`), looked up by name; MPICH's integer handles are not supported.
#ifndef CMPISHIM_H
#define CMPISHIM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Loads libmpi (libmpi.so.40, else libmpi.so) and resolves the calls below. Idempotent.
int mpishim_load(void);
/// MPI_Init (no arguments) then the rank and size in MPI_COMM_WORLD.
int mpishim_init(int *rank, int *size);
/// MPI_Allgather of `count` bytes from every rank into `recv` (size × count bytes, rank order).
int mpishim_allgather(const void *send, int count, void *recv);
/// MPI_Allgatherv of bytes: rank r's `counts[r]` bytes land at `recv + displacements[r]`.
int mpishim_allgatherv(const void *send, int count, void *recv, const int *counts, const int *displacements);
/// MPI_Abort(MPI_COMM_WORLD, code): stops every rank of the job. Returns only if MPI is not loaded.
void mpishim_abort(int code);
/// MPI_Finalize.
int mpishim_finalize(void);
/// Why the last call failed (a static buffer).
const char *mpishim_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
