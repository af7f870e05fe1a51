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
    CB_RESIDUAL_POINT_TO_PLANE = 1, /**< blocks: q_xyzw[4], t[3]; data: p_s[3], q_t[3], n_t[3]; 1 residual */
    CB_RESIDUAL_PHOTOMETRIC = 2,    /**< blocks: q_xyzw[4], t[3]; data: p_s[3], I_s, fx, fy, cx, cy, 8×8 image
                                         (row-major, 64 values) of the target; 1 residual (residuals/photometric.hpp) */
    CB_RESIDUAL_POSE_GRAPH_EDGE = 3, /**< blocks: p_a[3], q_a_xyzw[4], p_b[3], q_b_xyzw[4]; data: p_ab[3],
                                         q_ab_xyzw[4], sqrt_information[36] row-major; 6 residuals
                                         (residuals/pose_graph_edge.hpp) */
    CB_RESIDUAL_PAIR_POINT_TO_PLANE = 4, /**< blocks: p_a[3], q_a_xyzw[4], p_b[3], q_b_xyzw[4] (world_from_a,
                                         world_from_b); data: p[3] (camera b), v[3], n[3] (camera a); 1 residual
                                         nᵀ(a_from_b·p − v) (residuals/pair_point_to_plane.hpp) */
    CB_RESIDUAL_POINT_TO_PLANE_CLOSED_FORM = 5, /**< CB_RESIDUAL_POINT_TO_PLANE with its closed-form Jacobian (the one
                                         the odometry uses) in the autodiff slot */
    CB_RESIDUAL_PHOTOMETRIC_CLOSED_FORM = 6 /**< CB_RESIDUAL_PHOTOMETRIC likewise */
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

/* ------------------------------------------------------------------------------------------------
 * TSDF fusion on voxel hashing (tsdf_volume.cpp) and mesh extraction by marching
 * tetrahedra (tsdf_mesh.cpp). The volume is sparse: 8×8×8-voxel blocks allocated around observed surfaces.
 * ------------------------------------------------------------------------------------------------ */

typedef struct cb_tsdf_volume cb_tsdf_volume; /**< opaque; create with cb_tsdf_create, free with cb_tsdf_destroy */
typedef struct cb_mesh cb_mesh;               /**< opaque triangle mesh; free with cb_mesh_destroy */

/** Volume parameters (metres). */
typedef struct {
    double voxel_size;   /**< > 0: voxel edge, e.g. 0.01 */
    double truncation;   /**< > voxel_size: TSDF truncation distance, e.g. 4 × voxel_size */
    double min_depth;    /**< >= 0: depths below are ignored */
    double max_depth;    /**< > min_depth: depths above are ignored */
    double max_weight;   /**< > 0: cap of the running weight (keeps old data revisable) */
    int num_threads;     /**< >= 1: threads for voxel updates (deterministic for any count) */
} cb_tsdf_options;

/** One RGB-D frame for integration or odometry. Pixel centres at integer coordinates. */
typedef struct {
    int width, height;
    double fx, fy, cx, cy;
    const float *depth;          /**< [height·width] metres along the optical axis; 0 or non-finite = no depth */
    const unsigned char *rgb;    /**< [height·width·3] 8-bit RGB, or NULL (integration: grey; odometry: unused) */
    const float *intensity;      /**< [height·width] grey level in [0, 1], or NULL (odometry: no photometric term) */
} cb_rgbd_frame;

int cb_tsdf_create(const cb_tsdf_options *options, cb_tsdf_volume **out);
void cb_tsdf_destroy(cb_tsdf_volume *volume);

/** Fuses one frame seen from world_from_camera. */
int cb_tsdf_integrate(cb_tsdf_volume *volume, const cb_rgbd_frame *frame, const cb_pose *world_from_camera);

/** Allocated blocks and the bytes they use. */
int cb_tsdf_stats(const cb_tsdf_volume *volume, long *blocks, long *bytes);

/** Extracts the zero level set as a triangle mesh with per-vertex colour and normal (unit, pointing to free
 *  space). min_weight: voxels with a smaller weight count as unobserved. */
int cb_tsdf_extract_mesh(const cb_tsdf_volume *volume, double min_weight, cb_mesh **out);

/** Renders the surface (the zero crossing) seen from world_from_camera through a pinhole camera of
 *  width × height pixels (tsdf_raycast.cpp): depth[h·w] receives camera z in metres (0 = no surface within the
 *  volume's depth range), rgb[h·w·3] the surface colour (may be NULL). Voxels with weight below min_weight count
 *  as unobserved. */
int cb_tsdf_raycast(const cb_tsdf_volume *volume, const cb_pose *world_from_camera, int width, int height, double fx,
                    double fy, double cx, double cy, double min_weight, float *depth, unsigned char *rgb);

int cb_mesh_counts(const cb_mesh *mesh, long *vertices, long *triangles);
/** Copies the mesh out: positions/normals [V,3] float, colors [V,3] uint8, triangles [T,3] int32. */
int cb_mesh_copy(const cb_mesh *mesh, float *positions, float *normals, unsigned char *colors, int *triangles);
void cb_mesh_destroy(cb_mesh *mesh);

/* ------------------------------------------------------------------------------------------------
 * RGB-D odometry (rgbd_odometry.cpp): point-to-plane with projective association plus a photometric term
 * on an image pyramid, robust (Huber) losses, solved by Ceres per pyramid level and association round.
 * ------------------------------------------------------------------------------------------------ */

enum { CB_MAX_PYRAMID_LEVELS = 4 };

typedef struct {
    int levels;                                   /**< 1..CB_MAX_PYRAMID_LEVELS, coarsest first at levels−1 */
    int iterations[CB_MAX_PYRAMID_LEVELS];        /**< association rounds per level, finest first (>= 1) */
    int solver_iterations;                        /**< LM iterations per round (>= 1) */
    int max_points;                               /**< >= 16: source samples at the finest level (halved per coarser level, >= 200) */
    double max_correspondence_distance;           /**< > 0 metres at the finest level (doubles per level) */
    double min_depth, max_depth;                  /**< metres */
    double huber_geometric;                       /**< > 0 metres */
    double photometric_weight;                    /**< >= 0: metres per unit intensity difference (0 = off) */
    double huber_photometric;                     /**< > 0 (after weighting, metres) */
    int num_threads;                              /**< >= 1 */
    double prior_translation_weight;              /**< >= 0: pulls the estimate towards `initial` (residual weight per
                                                       metre of departure, in the units of the geometric residuals);
                                                       0 = none. For an initial guess that is already good, e.g. a
                                                       device's relative motion, where the surfaces leave a direction free */
    double prior_rotation_weight;                 /**< >= 0: the same per radian of rotation */
} cb_odometry_options;

typedef struct {
    cb_pose target_from_source;   /**< the estimate */
    double inlier_ratio;          /**< finest level: source samples with a geometric match / samples; higher is better */
    double rmse_geometric;        /**< finest level point-to-plane RMSE over matches, metres; lower is better */
    double rmse_photometric;      /**< finest level intensity RMSE over matches; lower is better */
    int correspondences;          /**< matches at the finest level */
    int samples;                  /**< valid source samples at the finest level */
    int termination;              /**< CB_TERMINATION_* of the last solve */
    double information[36];       /**< 6×6 row-major Σ JᵀJ / matches over [δt, δθ] (J = [I, −[p]ₓ]), for pose graphs */
} cb_odometry_result;

cb_odometry_options cb_odometry_options_default(void);

/** Estimates target_from_source starting at `initial`. Source needs depth (+ intensity for the photometric term);
 *  target needs depth (+ intensity). Returns CB_OK with a result even when the match is poor (check inlier_ratio). */
int cb_rgbd_odometry(const cb_rgbd_frame *source, const cb_rgbd_frame *target, const cb_pose *initial,
                     const cb_odometry_options *options, cb_odometry_result *out);

typedef struct cb_rgbd_pyramid cb_rgbd_pyramid; /**< opaque; a frame's odometry pyramid, built once */

/** Builds the image pyramid that cb_rgbd_odometry builds for a frame on every call (`levels` levels, depth outside
 *  [min_depth, max_depth] dropped, with vertex and normal maps), so that a frame aligned several times, as source
 *  and as target, pays for it once. The frame's buffers are copied; free with cb_rgbd_pyramid_destroy. */
int cb_rgbd_pyramid_create(const cb_rgbd_frame *frame, int levels, double min_depth, double max_depth,
                           cb_rgbd_pyramid **out);
void cb_rgbd_pyramid_destroy(cb_rgbd_pyramid *pyramid);

/** cb_rgbd_odometry on pyramids built beforehand: the same result as on their frames. Each pyramid needs at least
 *  options->levels levels (the first ones are used) and options' depth range. */
int cb_rgbd_odometry_pyramids(const cb_rgbd_pyramid *source, const cb_rgbd_pyramid *target, const cb_pose *initial,
                              const cb_odometry_options *options, cb_odometry_result *out);

/* ------------------------------------------------------------------------------------------------
 * Pose graph (pose_graph.cpp): nodes world_from_node, edges measuring a_from_b, residual
 * [p_ab_est − p_ab_meas; 2·vec(q_ab_meas · q_ab_est⁻¹)] weighted by sqrt_information, Cauchy loss on robust edges.
 * ------------------------------------------------------------------------------------------------ */

typedef struct {
    int a, b;                      /**< node indices */
    cb_pose a_from_b;              /**< the measurement */
    double sqrt_information[36];   /**< 6×6 row-major, order [translation, rotation] */
    int robust;                    /**< 1: Cauchy loss (loop closures); 0: plain least squares (odometry) */
} cb_pose_graph_edge;

typedef struct {
    int max_iterations;            /**< >= 1 */
    double cauchy_scale;           /**< > 0: scale of the Cauchy loss on robust edges (whitened units) */
    int num_threads;               /**< >= 1 */
} cb_pose_graph_options;

typedef struct {
    double initial_cost;           /**< lower is better */
    double final_cost;             /**< lower is better */
    int iterations;
    int termination;               /**< CB_TERMINATION_* */
    char message[256];
} cb_pose_graph_result;

/** Optimises world_from_node[n] in place; node `fixed` is held constant (gauge). edge_squared_norms (optional,
 *  [m]): |whitened residual|² of each edge after the solve. */
int cb_optimize_pose_graph(cb_pose *world_from_node, int n, const cb_pose_graph_edge *edges, int m, int fixed,
                           const cb_pose_graph_options *options, cb_pose_graph_result *out,
                           double *edge_squared_norms);

/* ------------------------------------------------------------------------------------------------
 * Global dense refinement (dense_refine.cpp): all keyframe poses (world_from_keyframe) jointly, by point-to-plane
 * residuals between the given overlapping keyframe pairs (both directions, projective association re-done every
 * outer round, Huber IRLS), optionally with pose-graph edges as a prior; node `fixed` is held constant.
 * ------------------------------------------------------------------------------------------------ */

typedef struct {
    int a, b;                      /**< two distinct keyframe indices */
} cb_keyframe_pair;

typedef struct {
    int samples_per_pair;          /**< >= 16: depth samples per keyframe and pair direction (regular lattice) */
    int outer_iterations;          /**< >= 1: association + reweighting rounds */
    int solver_iterations;         /**< >= 1: LM iterations per round */
    double max_distance;           /**< > 0 metres: a match's point must lie this close to the target vertex */
    double huber;                  /**< > 0 metres: Huber threshold of the point-to-plane residual */
    double max_normal_angle_degrees; /**< > 0: source and target normals must agree within this angle */
    double min_depth, max_depth;   /**< metres: depths outside are ignored */
    int min_matches;               /**< >= 1: a pair direction with fewer matches in a round is left out */
    int normal_radius;             /**< 0..8 pixels: normals are averaged over a (2r+1)² window (noisy depth) */
    int num_threads;               /**< >= 1: Ceres threads */
} cb_dense_refine_options;

typedef struct {
    int pairs_used;                /**< pair directions with enough matches in the last round */
    int matches;                   /**< matches in the last round */
    double initial_rmse;           /**< point-to-plane RMSE (metres) of the first round's matches before solving */
    double final_rmse;             /**< the same over a fresh association at the returned poses; lower is better */
    int iterations;                /**< LM iterations over all rounds */
    int termination;               /**< CB_TERMINATION_* of the last solve */
    char message[256];
} cb_dense_refine_result;

/** samples 600, 4 rounds × 8 LM iterations, 5 cm gate, 1 cm Huber, 30°, depth 0.1–4 m, 50 matches, normal radius 2,
 *  1 thread. */
cb_dense_refine_options cb_dense_refine_options_default(void);

/** Refines world_from_keyframe[n] in place. frames[n]: the keyframes (depth needed; colour unused; any resolution
 *  per frame, with its own intrinsics). pairs[m]: which keyframes overlap. edges[edge_count] (optional): pose-graph
 *  edges added as they are (robust edges with a Cauchy loss of scale 1). Returns CB_INVALID_ARGUMENT for NULL
 *  pointers, bad indices, non-finite poses or invalid options. */
int cb_dense_refine(cb_pose *world_from_keyframe, int n, const cb_rgbd_frame *frames, const cb_keyframe_pair *pairs,
                    int m, const cb_pose_graph_edge *edges, int edge_count, int fixed,
                    const cb_dense_refine_options *options, cb_dense_refine_result *out);

#ifdef __cplusplus
}
#endif

#endif /* CBRIDGE_H */
