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

/* ------------------------------------------------------------------------------------------------
 * Poses. Quaternion element order is x, y, z, w (Eigen's coeffs() order, Hamilton convention);
 * Ceres' own rotation.h and QuaternionManifold use w, x, y, z instead, so never pass these arrays to them.
 * ------------------------------------------------------------------------------------------------ */

/** A rigid transform x -> R(q) x + t. q need not be exactly unit on input; outputs are unit. Metres. */
typedef struct {
    double q_xyzw[4];
    double t[3];
} cb_pose;

/* ------------------------------------------------------------------------------------------------
 * Point-to-plane alignment (align_point_to_plane.cpp).
 * ------------------------------------------------------------------------------------------------ */

/** Solver options. Every field must be set; cb_align_options_default() gives sensible values. */
typedef struct {
    int max_iterations;          /**< >= 1: Levenberg–Marquardt iterations */
    int num_threads;             /**< >= 1: threads for Jacobian evaluation */
    double huber_delta;          /**< > 0: Huber loss scale in metres; 0: plain least squares */
    double function_tolerance;   /**< > 0: stop when |Δcost| / cost falls below this */
    double gradient_tolerance;   /**< > 0 */
    double parameter_tolerance;  /**< > 0 */
} cb_align_options;

/** Termination reasons, mirroring ceres::TerminationType. */
enum {
    CB_TERMINATION_CONVERGED = 0,
    CB_TERMINATION_MAX_ITERATIONS = 1,
    CB_TERMINATION_FAILURE = 2
};

/** The outcome of a solve; non-convergence is reported here, not as a failing status. */
typedef struct {
    cb_pose pose;                /**< target_from_source after the solve (unit quaternion) */
    double initial_cost;         /**< Ceres cost ½ Σ ρ(r²) at the initial pose; lower is better */
    double final_cost;           /**< the same at the returned pose; lower is better */
    int iterations;              /**< LM iterations performed (successful and unsuccessful) */
    int termination;             /**< CB_TERMINATION_* */
    char message[256];           /**< Ceres' termination message, NUL-terminated */
} cb_align_result;

/** max_iterations 50, 1 thread, no Huber, tolerances 1e-12 / 1e-12 / 1e-12. */
cb_align_options cb_align_options_default(void);

/** Finds target_from_source minimising Σ ρ((n_t · (R p_s + t − q_t))²) over n correspondences.
 *  source_xyz, target_xyz, target_normals: [n, 3] row-major, finite; normals unit length.
 *  Returns CB_OK (see out->termination), or CB_INVALID_ARGUMENT for n <= 0, NULL pointers,
 *  non-finite values, a zero quaternion or invalid options. */
int cb_align_point_to_plane(const double *source_xyz, const double *target_xyz, const double *target_normals,
                            int n, const cb_pose *initial, const cb_align_options *options,
                            cb_align_result *out);

/* ------------------------------------------------------------------------------------------------
 * Residual checks (residual_check.cpp): every residual family is registered here so that tests can compare
 * its AutoDiff Jacobian with a central-difference NumericDiff Jacobian of the same functor.
 * ------------------------------------------------------------------------------------------------ */

/** Registered residual families. */
enum {
    CB_RESIDUAL_POINT_TO_PLANE = 1  /**< blocks: q_xyzw[4], t[3]; data: p_s[3], q_t[3], n_t[3]; 1 residual */
};

enum { CB_MAX_RESIDUAL_BLOCKS = 8 };

/** The shape of a residual family. */
typedef struct {
    int num_residuals;
    int num_blocks;
    int block_sizes[CB_MAX_RESIDUAL_BLOCKS];
    int data_length;             /**< doubles of per-residual constant data (points, normals, ...) */
} cb_residual_shape;

/** Fills *out with the shape of `kind`; CB_INVALID_ARGUMENT for an unknown kind. */
int cb_residual_shape_of(int kind, cb_residual_shape *out);

/** Evaluates residual family `kind` twice, with ceres::AutoDiffCostFunction and with
 *  ceres::NumericDiffCostFunction (CENTRAL), at `parameters` (the blocks concatenated, Σ block_sizes doubles)
 *  for the constant `data` (data_length doubles).
 *  Outputs (caller-owned): residuals_* [num_residuals]; jacobian_* [Σ_b num_residuals × block_sizes[b]]: block
 *  by block, each row-major, with respect to the raw (ambient) parameters. */
int cb_evaluate_residual(int kind, const double *parameters, const double *data,
                         double *residuals_autodiff, double *jacobian_autodiff,
                         double *residuals_numeric, double *jacobian_numeric);

#ifdef __cplusplus
}
#endif

#endif /* CBRIDGE_H */
