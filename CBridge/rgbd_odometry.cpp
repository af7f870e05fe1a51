// RGB-D odometry: target_from_source by point-to-plane ICP with projective data association plus a direct
// photometric term, coarse to fine on an image pyramid. One Ceres problem per (level, association round).
//
// Per level l (coarsest first): sample at most max_points source pixels with depth on a regular lattice; then
// repeat `iterations[l]` times: move the samples with the current pose, project them into the target, keep the
// pairs whose target vertex lies within max_correspondence_distance·2^l and has a normal, and solve
//     Σ ρ_g((n_tᵀ (R p_s + t − v_t))²) + Σ ρ_p((w (I_t(π(R p_s + t)) − I_s))²)
// (Huber ρ by IRLS, residuals/point_to_plane.hpp and residuals/photometric.hpp batched in
// residuals/odometry_batch.hpp, closed-form Jacobians) with a few LM iterations on the quaternion manifold. The
// statistics and the information matrix are measured at the finest level at the end.
//
// cb_rgbd_odometry builds both pyramids per call. A caller that aligns the same frame several times (tracking: each
// frame once as source, each keyframe as the target of the frames that follow it) builds each frame's pyramid once
// with cb_rgbd_pyramid_create and aligns with cb_rgbd_odometry_pyramids; the result is the same.
#include "CBridge.h"
#include "ceres_support.hpp"
#include "internal.hpp"
#include "residuals/odometry_batch.hpp"
#include "residuals/photometric.hpp"
#include "residuals/point_to_plane.hpp"
#include "residuals/pose_graph_edge.hpp"
#include "rgbd_pyramid.hpp"

#include <ceres/ceres.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using cbridge::PyramidLevel;

struct Sample {
    Eigen::Vector3d point;   // source camera, metres
    double intensity;
};

struct Match {
    int sample;
    Eigen::Vector3d target;
    Eigen::Vector3d normal;
};

std::vector<Sample> sampleSource(const PyramidLevel &level, int maxPoints) {
    int valid = 0;
    for (float d : level.depth) valid += d > 0;
    const int stride = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(valid) / maxPoints))));
    std::vector<Sample> samples;
    for (int v = stride / 2; v < level.height; v += stride) {
        for (int u = stride / 2; u < level.width; u += stride) {
            const float d = level.depth[v * level.width + u];
            if (d <= 0) continue;
            const double grey = level.intensity.empty() ? 0.0 : level.intensity[v * level.width + u];
            samples.push_back({level.unproject(u, v, d).cast<double>(), grey});
        }
    }
    return samples;
}

std::vector<Match> associate(const std::vector<Sample> &samples, const PyramidLevel &target,
                             const Eigen::Quaterniond &q, const Eigen::Vector3d &t, double maxDistance) {
    std::vector<Match> matches;
    const Eigen::Matrix3d r = q.toRotationMatrix();
    for (int i = 0; i < static_cast<int>(samples.size()); ++i) {
        const Eigen::Vector3d p = r * samples[i].point + t;
        if (p.z() <= 1e-6) continue;
        const long u = std::lround(target.fx * p.x() / p.z() + target.cx);
        const long v = std::lround(target.fy * p.y() / p.z() + target.cy);
        if (u < 0 || v < 0 || u >= target.width || v >= target.height) continue;
        const std::size_t pixel = static_cast<std::size_t>(v) * target.width + u;
        const Eigen::Vector3f &n = target.normals[pixel];
        if (n.squaredNorm() < 0.5f) continue;
        const Eigen::Vector3d vt = target.vertices[pixel].cast<double>();
        if ((p - vt).norm() > maxDistance) continue;
        matches.push_back({i, vt, n.cast<double>()});
    }
    return matches;
}

/// The checks of an alignment that do not depend on how the frames are given (raw or as pyramids).
int validateRun(int width, int height, const cb_pose *initial, const cb_odometry_options *o, const std::string &where) {
    if (cbridge::firstNonFinite(initial->q_xyzw, 4) >= 0 || cbridge::firstNonFinite(initial->t, 3) >= 0) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "non-finite initial pose");
    }
    if (o->levels < 1 || o->levels > CB_MAX_PYRAMID_LEVELS || o->solver_iterations < 1 || o->max_points < 16 ||
        !(o->max_correspondence_distance > 0) || !(o->huber_geometric > 0) || !(o->photometric_weight >= 0) ||
        !(o->huber_photometric > 0) || o->num_threads < 1 || !(o->max_depth > o->min_depth) ||
        !(o->prior_translation_weight >= 0) || !(o->prior_rotation_weight >= 0)) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "invalid options");
    }
    for (int l = 0; l < o->levels; ++l) {
        if (o->iterations[l] < 1) return cbridge::fail(CB_INVALID_ARGUMENT, where + "iterations must be >= 1");
    }
    // The coarsest level must still have some pixels.
    if ((width >> (o->levels - 1)) < 4 || (height >> (o->levels - 1)) < 4) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "too many pyramid levels for the image size");
    }
    return CB_OK;
}

int validateFrame(const cb_rgbd_frame &f, const std::string &where) {
    if (f.depth == nullptr) return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL depth");
    if (f.width < 8 || f.height < 8 || !(f.fx > 0) || !(f.fy > 0)) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "frames need at least 8×8 pixels and positive focal lengths");
    }
    return CB_OK;
}

int validate(const cb_rgbd_frame *source, const cb_rgbd_frame *target, const cb_pose *initial,
             const cb_odometry_options *o, cb_odometry_result *out) {
    const std::string where = "cb_rgbd_odometry: ";
    if (source == nullptr || target == nullptr || initial == nullptr || o == nullptr || out == nullptr) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
    }
    for (const cb_rgbd_frame *f : {source, target}) {
        if (int status = validateFrame(*f, where); status != CB_OK) return status;
    }
    return validateRun(source->width, source->height, initial, o, where);
}

/// The alignment itself, on pyramids of at least o.levels levels (the first o.levels are used).
int alignPyramids(const std::vector<PyramidLevel> &sourcePyramid, const std::vector<PyramidLevel> &targetPyramid,
                  const cb_pose *initial, const cb_odometry_options &o, cb_odometry_result *out) {
    const bool photometric = o.photometric_weight > 0 && !sourcePyramid.front().intensity.empty() &&
                             !targetPyramid.front().intensity.empty();

    // Pose blocks: q in x, y, z, w order (EigenQuaternionManifold), t in metres.
    Eigen::Vector4d qStart(initial->q_xyzw[0], initial->q_xyzw[1], initial->q_xyzw[2], initial->q_xyzw[3]);
    if (qStart.norm() < 1e-12) return cbridge::fail(CB_INVALID_ARGUMENT, "cb_rgbd_odometry: zero quaternion");
    qStart.normalize();
    double q[4] = {qStart[0], qStart[1], qStart[2], qStart[3]};
    double t[3] = {initial->t[0], initial->t[1], initial->t[2]};
    int termination = CB_TERMINATION_CONVERGED;
    // The prior is a pose-graph edge from a constant identity node to the estimate that measures `initial`
    // (residuals/pose_graph_edge.hpp, already checked against numeric differentiation), weighted diagonally.
    const bool prior = o.prior_translation_weight > 0 || o.prior_rotation_weight > 0;
    double identityPosition[3] = {0, 0, 0}, identityRotation[4] = {0, 0, 0, 1};
    double priorData[cbridge::PoseGraphEdgeResidual::kDataLength] = {};
    std::copy(t, t + 3, priorData);
    std::copy(q, q + 4, priorData + 3);
    for (int i = 0; i < 6; ++i) priorData[7 + 7 * i] = i < 3 ? o.prior_translation_weight : o.prior_rotation_weight;

    for (int level = o.levels - 1; level >= 0; --level) {
        const PyramidLevel &src = sourcePyramid[level];
        const PyramidLevel &dst = targetPyramid[level];
        // Coarser levels have fewer pixels and need fewer samples: halve the budget per level.
        const std::vector<Sample> samples = sampleSource(src, std::max(200, o.max_points >> level));
        const double maxDistance = o.max_correspondence_distance * std::pow(2.0, level);
        cbridge::ImageGrid grid(photometric ? dst.intensity.data() : nullptr, 0, dst.height, 0, dst.width);
        cbridge::ImageInterpolator interpolator(grid);
        const double intrinsics[4] = {dst.fx, dst.fy, dst.cx, dst.cy};
        for (int round = 0; round < o.iterations[level]; ++round) {
            const Eigen::Quaterniond rotation(q[3], q[0], q[1], q[2]);   // Eigen's constructor: w, x, y, z
            const auto matches = associate(samples, dst, rotation, Eigen::Vector3d(t[0], t[1], t[2]), maxDistance);
            if (matches.size() < 12) break;   // too little overlap: keep the current estimate
            // One cost function for the whole round (residuals/odometry_batch.hpp), Huber by IRLS.
            auto batch = std::make_unique<cbridge::OdometryBatchResidual>();
            batch->geometric.reserve(matches.size());
            double data[cbridge::PointToPlaneResidual::kDataLength];
            for (const Match &match : matches) {
                const Sample &sample = samples[match.sample];
                Eigen::Map<Eigen::Vector3d>{data} = sample.point;
                Eigen::Map<Eigen::Vector3d>(data + 3) = match.target;
                Eigen::Map<Eigen::Vector3d>(data + 6) = match.normal;
                batch->geometric.emplace_back(data);
                if (photometric) {
                    batch->photometric.emplace_back(&interpolator, sample.point, sample.intensity, intrinsics,
                                                    o.photometric_weight);
                }
            }
            batch->reweight(q, t, o.huber_geometric, o.huber_photometric);
            auto *cost = new cbridge::OdometryBatchCost(std::move(batch));
            ceres::Problem problem;
            problem.AddResidualBlock(cost, nullptr, q, t);
            problem.SetManifold(q, new ceres::EigenQuaternionManifold);
            if (prior) {
                problem.AddResidualBlock(
                    new ceres::AutoDiffCostFunction<cbridge::PoseGraphEdgeResidual, 6, 3, 4, 3, 4>(
                        new cbridge::PoseGraphEdgeResidual(priorData)),
                    nullptr, identityPosition, identityRotation, t, q);
                problem.SetParameterBlockConstant(identityPosition);
                problem.SetParameterBlockConstant(identityRotation);
            }
            ceres::Solver::Options solverOptions;
            solverOptions.linear_solver_type = ceres::DENSE_NORMAL_CHOLESKY;
            solverOptions.max_num_iterations = o.solver_iterations;
            solverOptions.num_threads = o.num_threads;
            solverOptions.logging_type = ceres::SILENT;
            ceres::Solver::Summary summary;
            ceres::Solve(solverOptions, &problem, &summary);
            termination = cbridge::terminationOf(summary.termination_type);
        }
    }

    // Statistics at the finest level and the final pose.
    const Eigen::Quaterniond rotation = Eigen::Quaterniond(q[3], q[0], q[1], q[2]).normalized();
    const Eigen::Vector3d translation(t[0], t[1], t[2]);
    const std::vector<Sample> samples = sampleSource(sourcePyramid[0], o.max_points);
    const auto matches = associate(samples, targetPyramid[0], rotation, translation, o.max_correspondence_distance);
    double geometric = 0, photometricSum = 0;
    int photometricCount = 0;
    Eigen::Matrix<double, 6, 6> information = Eigen::Matrix<double, 6, 6>::Zero();
    const PyramidLevel &dst = targetPyramid[0];
    for (const Match &match : matches) {
        const Eigen::Vector3d p = rotation * samples[match.sample].point + translation;
        const double r = match.normal.dot(p - match.target);
        geometric += r * r;
        if (photometric) {
            const long u = std::lround(dst.fx * p.x() / p.z() + dst.cx), v = std::lround(dst.fy * p.y() / p.z() + dst.cy);
            const double diff = dst.intensity[v * dst.width + u] - samples[match.sample].intensity;
            photometricSum += diff * diff;
            ++photometricCount;
        }
        // J = ∂(p + δt + δθ × p)/∂[δt, δθ] = [I, −[p]ₓ]
        Eigen::Matrix<double, 3, 6> jacobian;
        jacobian.leftCols<3>().setIdentity();
        jacobian.rightCols<3>() << 0, p.z(), -p.y(), -p.z(), 0, p.x(), p.y(), -p.x(), 0;
        information += jacobian.transpose() * jacobian;
    }
    const int count = static_cast<int>(matches.size());
    if (count > 0) information /= count;
    Eigen::Map<Eigen::Matrix<double, 6, 6, Eigen::RowMajor>>(out->information) = information;
    out->target_from_source.q_xyzw[0] = rotation.x();
    out->target_from_source.q_xyzw[1] = rotation.y();
    out->target_from_source.q_xyzw[2] = rotation.z();
    out->target_from_source.q_xyzw[3] = rotation.w();
    std::copy(t, t + 3, out->target_from_source.t);
    out->samples = static_cast<int>(samples.size());
    out->correspondences = count;
    out->inlier_ratio = samples.empty() ? 0.0 : static_cast<double>(count) / samples.size();
    out->rmse_geometric = count > 0 ? std::sqrt(geometric / count) : 0.0;
    out->rmse_photometric = photometricCount > 0 ? std::sqrt(photometricSum / photometricCount) : 0.0;
    out->termination = termination;
    return static_cast<int>(CB_OK);
}

}  // namespace

/// A frame's pyramid built once (cb_rgbd_pyramid_create), with vertex and normal maps, so that it serves as the
/// source of one alignment and the target of others.
struct cb_rgbd_pyramid {
    std::vector<cbridge::PyramidLevel> levels;
    double minDepth = 0, maxDepth = 0;
};

extern "C" cb_odometry_options cb_odometry_options_default(void) {
    cb_odometry_options o;
    o.levels = 3;
    o.iterations[0] = 4; o.iterations[1] = 4; o.iterations[2] = 6; o.iterations[3] = 6;
    o.solver_iterations = 6;
    o.max_points = 3000;
    o.max_correspondence_distance = 0.07;
    o.min_depth = 0.1;
    o.max_depth = 4.0;
    o.huber_geometric = 0.01;
    o.photometric_weight = 0.1;
    o.huber_photometric = 0.01;
    o.num_threads = 1;
    o.prior_translation_weight = 0;
    o.prior_rotation_weight = 0;
    return o;
}

extern "C" int cb_rgbd_odometry(const cb_rgbd_frame *source, const cb_rgbd_frame *target, const cb_pose *initial,
                                const cb_odometry_options *options, cb_odometry_result *out) {
    return cbridge::guarded("cb_rgbd_odometry", [&] {
        if (int status = validate(source, target, initial, options, out); status != CB_OK) return status;
        const cb_odometry_options &o = *options;
        const auto sourcePyramid = cbridge::buildPyramid(*source, o.levels, o.min_depth, o.max_depth, false);
        const auto targetPyramid = cbridge::buildPyramid(*target, o.levels, o.min_depth, o.max_depth, true);
        return alignPyramids(sourcePyramid, targetPyramid, initial, o, out);
    });
}

extern "C" int cb_rgbd_pyramid_create(const cb_rgbd_frame *frame, int levels, double min_depth, double max_depth,
                                      cb_rgbd_pyramid **out) {
    return cbridge::guarded("cb_rgbd_pyramid_create", [&] {
        const std::string where = "cb_rgbd_pyramid_create: ";
        if (frame == nullptr || out == nullptr) return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
        if (int status = validateFrame(*frame, where); status != CB_OK) return status;
        if (levels < 1 || levels > CB_MAX_PYRAMID_LEVELS || (frame->width >> (levels - 1)) < 4 ||
            (frame->height >> (levels - 1)) < 4) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "levels = " + std::to_string(levels) +
                                                          " does not fit the image size");
        }
        if (!(min_depth >= 0) || !(max_depth > min_depth) || !std::isfinite(max_depth)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "need 0 <= min_depth < max_depth (finite)");
        }
        auto pyramid = std::make_unique<cb_rgbd_pyramid>();
        pyramid->levels = cbridge::buildPyramid(*frame, levels, min_depth, max_depth, true);
        pyramid->minDepth = min_depth;
        pyramid->maxDepth = max_depth;
        *out = pyramid.release();
        return static_cast<int>(CB_OK);
    });
}

extern "C" void cb_rgbd_pyramid_destroy(cb_rgbd_pyramid *pyramid) { delete pyramid; }

extern "C" int cb_rgbd_odometry_pyramids(const cb_rgbd_pyramid *source, const cb_rgbd_pyramid *target,
                                         const cb_pose *initial, const cb_odometry_options *options,
                                         cb_odometry_result *out) {
    return cbridge::guarded("cb_rgbd_odometry_pyramids", [&] {
        const std::string where = "cb_rgbd_odometry_pyramids: ";
        if (source == nullptr || target == nullptr || initial == nullptr || options == nullptr || out == nullptr) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
        }
        const PyramidLevel &base = source->levels.front();
        if (int status = validateRun(base.width, base.height, initial, options, where); status != CB_OK) return status;
        for (const cb_rgbd_pyramid *p : {source, target}) {
            if (static_cast<int>(p->levels.size()) < options->levels) {
                return cbridge::fail(CB_INVALID_ARGUMENT, where + "a pyramid has " + std::to_string(p->levels.size()) +
                                                              " levels, the options ask for " + std::to_string(options->levels));
            }
            if (p->minDepth != options->min_depth || p->maxDepth != options->max_depth) {
                return cbridge::fail(CB_INVALID_ARGUMENT, where + "a pyramid was built for another depth range");
            }
        }
        return alignPyramids(source->levels, target->levels, initial, *options, out);
    });
}
