/* CBridge: the project's only C++ code (Ceres 2.1 + Eigen 3.4), behind a plain C interface.
 *
 * Rules of this header:
 *  - extern "C" only: POD structs, pointers, caller-owned buffers.
 *  - Every fallible function returns an int status (CB_OK = 0); on failure the message is
 *    available from cb_last_error() (thread-local, valid until the next failing call).
 *  - No C++ type or exception crosses this boundary.
 */
#ifndef CBRIDGE_H
#define CBRIDGE_H

#ifdef __cplusplus
extern "C" {
#endif

enum {
    CB_OK = 0,
    CB_INVALID_ARGUMENT = 1,
    CB_SOLVER_FAILURE = 2,
    CB_INTERNAL_ERROR = 3
};

/** The message of the last failing call on this thread ("" if none). */
const char *cb_last_error(void);

/** The Ceres version string, e.g. "2.1.0". */
const char *cb_ceres_version(void);

#ifdef __cplusplus
}
#endif

#endif /* CBRIDGE_H */
