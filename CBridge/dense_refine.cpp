// Global dense refinement: all keyframe poses jointly, by point-to-plane residuals between every given pair of
// overlapping keyframes. One Ceres problem per outer round, read top to bottom.
//
// Per round: for each pair (a, b) and both directions, sample the source keyframe's depth on a regular lattice,
// move the samples into the target camera with the current poses, associate them projectively with the target's
// vertex/normal map (gate: `max_distance` from the vertex, normals within `max_normal_angle_degrees`), weight
// them by Huber IRLS on the current residual, and add the pair's batch (residuals/pair_point_to_plane.hpp).
// Optional pose-graph edges (residuals/pose_graph_edge.hpp) act as a prior in directions the surfaces leave free
// (a flat wall constrains only three of six degrees of freedom). Node `fixed` stays constant (gauge); quaternions
// live on the EigenQuaternionManifold.
#include "CBridge.h"
#include "ceres_support.hpp"
#include "internal.hpp"
#include "residuals/pair_point_to_plane.hpp"
#include "residuals/pose_graph_edge.hpp"
#include "rgbd_pyramid.hpp"

#include <ceres/ceres.h>
#include <ceres/dynamic_autodiff_cost_function.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

using cbridge::PyramidLevel;

struct KeyframeGeometry {
    PyramidLevel level;             // vertices and normals of the whole keyframe
    std::vector<int> samples;       // lattice pixels with a vertex and a normal
};

/// Averages each valid normal with the valid normals of its (2r+1)² window that face within ~37° of it, then
/// renormalises. Neighbour-difference normals of noisy depth scatter by tens of degrees at 640×480; the dense
/// terms need the surface's orientation, not the noise's.
void smoothNormals(PyramidLevel &level, int radius) {
    if (radius <= 0) return;
    const int w = level.width, h = level.height;
    std::vector<Eigen::Vector3f> smoothed(level.normals.size(), Eigen::Vector3f::Zero());
    for (int v = 0; v < h; ++v) {
        for (int u = 0; u < w; ++u) {
            const Eigen::Vector3f &centre = level.normals[v * w + u];
            if (centre.squaredNorm() < 0.5f) continue;
            Eigen::Vector3f sum = Eigen::Vector3f::Zero();
            for (int dv = -radius; dv <= radius; ++dv) {
                const int y = v + dv;
                if (y < 0 || y >= h) continue;
                for (int du = -radius; du <= radius; ++du) {
                    const int x = u + du;
                    if (x < 0 || x >= w) continue;
                    const Eigen::Vector3f &n = level.normals[y * w + x];
                    if (n.squaredNorm() > 0.5f && n.dot(centre) > 0.8f) sum += n;
                }
            }
            smoothed[v * w + u] = sum.normalized();
        }
    }
    level.normals = std::move(smoothed);
}

KeyframeGeometry prepare(const cb_rgbd_frame &frame, const cb_dense_refine_options &o) {
    KeyframeGeometry g;
    g.level = std::move(cbridge::buildPyramid(frame, 1, o.min_depth, o.max_depth, true).front());
    smoothNormals(g.level, o.normal_radius);
    const PyramidLevel &l = g.level;
    int valid = 0;
    for (const Eigen::Vector3f &n : l.normals) valid += n.squaredNorm() > 0.5f;
    const int stride = std::max(1, static_cast<int>(std::ceil(std::sqrt(static_cast<double>(valid) / o.samples_per_pair))));
    for (int v = stride / 2; v < l.height; v += stride) {
        for (int u = stride / 2; u < l.width; u += stride) {
            if (l.normals[v * l.width + u].squaredNorm() > 0.5f) g.samples.push_back(v * l.width + u);
        }
    }
    return g;
}

Eigen::Isometry3d isometry(const cb_pose &pose) {
    Eigen::Isometry3d m = Eigen::Isometry3d::Identity();
    m.linear() = Eigen::Quaterniond(pose.q_xyzw[3], pose.q_xyzw[0], pose.q_xyzw[1], pose.q_xyzw[2]).toRotationMatrix();
    m.translation() = Eigen::Vector3d(pose.t[0], pose.t[1], pose.t[2]);
    return m;
}

/// Matches of source keyframe b's samples in target keyframe a under a_from_b, with their IRLS weights.
std::unique_ptr<cbridge::PairPointToPlaneBatch> associate(const KeyframeGeometry &target, const KeyframeGeometry &source,
                                                         const Eigen::Isometry3d &aFromB,
                                                         const cb_dense_refine_options &o) {
    auto batch = std::make_unique<cbridge::PairPointToPlaneBatch>();
    const PyramidLevel &t = target.level, &s = source.level;
    const double cosine = std::cos(o.max_normal_angle_degrees * M_PI / 180);
    double data[9];
    for (int pixel : source.samples) {
        const Eigen::Vector3d p = s.vertices[pixel].cast<double>();
        const Eigen::Vector3d x = aFromB * p;
        if (x.z() <= 1e-6) continue;
        const long u = std::lround(t.fx * x.x() / x.z() + t.cx);
        const long v = std::lround(t.fy * x.y() / x.z() + t.cy);
        if (u < 0 || v < 0 || u >= t.width || v >= t.height) continue;
        const std::size_t index = static_cast<std::size_t>(v) * t.width + u;
        const Eigen::Vector3d n = t.normals[index].cast<double>();
        if (n.squaredNorm() < 0.5) continue;
        const Eigen::Vector3d vertex = t.vertices[index].cast<double>();
        if ((x - vertex).norm() > o.max_distance) continue;
        if (n.dot(aFromB.linear() * s.normals[pixel].cast<double>()) < cosine) continue;
        const double r = n.dot(x - vertex);
        for (int k = 0; k < 3; ++k) {
            data[k] = p[k];
            data[3 + k] = vertex[k];
            data[6 + k] = n[k];
        }
        batch->terms.emplace_back(data);
        batch->rootWeights.push_back(std::fabs(r) <= o.huber ? 1.0 : std::sqrt(o.huber / std::fabs(r)));
    }
    return batch;
}

int validate(const cb_pose *nodes, int n, const cb_rgbd_frame *frames, const cb_keyframe_pair *pairs, int m,
             const cb_pose_graph_edge *edges, int edgeCount, int fixed, const cb_dense_refine_options *o,
             const cb_dense_refine_result *out) {
    const std::string where = "cb_dense_refine: ";
    if (nodes == nullptr || frames == nullptr || o == nullptr || out == nullptr || (m > 0 && pairs == nullptr) ||
        (edgeCount > 0 && edges == nullptr)) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
    }
    if (n < 1 || m < 0 || edgeCount < 0 || fixed < 0 || fixed >= n) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "need n >= 1, pairs >= 0, edges >= 0 and 0 <= fixed < n, got n " +
                                                      std::to_string(n) + ", fixed " + std::to_string(fixed));
    }
    if (o->samples_per_pair < 16 || o->outer_iterations < 1 || o->solver_iterations < 1 || !(o->max_distance > 0) ||
        !(o->huber > 0) || !(o->max_normal_angle_degrees > 0) || !(o->max_depth > o->min_depth) || o->min_depth < 0 ||
        o->min_matches < 1 || o->num_threads < 1 || o->normal_radius < 0 || o->normal_radius > 8) {
        return cbridge::fail(CB_INVALID_ARGUMENT, where + "invalid options (see cb_dense_refine_options)");
    }
    for (int i = 0; i < n; ++i) {
        if (cbridge::firstNonFinite(nodes[i].q_xyzw, 4) >= 0 || cbridge::firstNonFinite(nodes[i].t, 3) >= 0) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "keyframe " + std::to_string(i) + " pose is not finite");
        }
        const cb_rgbd_frame &f = frames[i];
        if (f.width < 3 || f.height < 3 || f.depth == nullptr || !(f.fx > 0) || !(f.fy > 0)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "keyframe " + std::to_string(i) +
                                                          " frame needs width, height >= 3, depth and fx, fy > 0");
        }
    }
    for (int k = 0; k < m; ++k) {
        if (pairs[k].a < 0 || pairs[k].a >= n || pairs[k].b < 0 || pairs[k].b >= n || pairs[k].a == pairs[k].b) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "pair " + std::to_string(k) + " (" +
                                                          std::to_string(pairs[k].a) + ", " + std::to_string(pairs[k].b) +
                                                          ") is not two distinct keyframes below " + std::to_string(n));
        }
    }
    for (int e = 0; e < edgeCount; ++e) {
        if (edges[e].a < 0 || edges[e].a >= n || edges[e].b < 0 || edges[e].b >= n || edges[e].a == edges[e].b ||
            cbridge::firstNonFinite(edges[e].sqrt_information, 36) >= 0 ||
            cbridge::firstNonFinite(edges[e].a_from_b.t, 3) >= 0 || cbridge::firstNonFinite(edges[e].a_from_b.q_xyzw, 4) >= 0) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "edge " + std::to_string(e) + " is invalid or not finite");
        }
    }
    return CB_OK;
}

}  // namespace

extern "C" cb_dense_refine_options cb_dense_refine_options_default(void) {
    cb_dense_refine_options o;
    o.samples_per_pair = 600;
    o.outer_iterations = 4;
    o.solver_iterations = 8;
    o.max_distance = 0.05;
    o.huber = 0.01;
    o.max_normal_angle_degrees = 30;
    o.min_depth = 0.1;
    o.max_depth = 4.0;
    o.min_matches = 50;
    o.normal_radius = 2;
    o.num_threads = 1;
    return o;
}

extern "C" int cb_dense_refine(cb_pose *nodes, int n, const cb_rgbd_frame *frames, const cb_keyframe_pair *pairs, int m,
                               const cb_pose_graph_edge *edges, int edgeCount, int fixed,
                               const cb_dense_refine_options *options, cb_dense_refine_result *out) {
    return cbridge::guarded("cb_dense_refine", [&] {
        if (int status = validate(nodes, n, frames, pairs, m, edges, edgeCount, fixed, options, out); status != CB_OK) {
            return status;
        }
        const cb_dense_refine_options &o = *options;
        for (int i = 0; i < n; ++i) {
            Eigen::Map<Eigen::Vector4d> q(nodes[i].q_xyzw);
            if (q.norm() < 1e-12) {
                return cbridge::fail(CB_INVALID_ARGUMENT, "cb_dense_refine: keyframe " + std::to_string(i) +
                                                              " has a zero quaternion");
            }
            q.normalize();
        }
        // Only keyframes in some pair need their vertex and normal maps.
        std::vector<std::unique_ptr<KeyframeGeometry>> geometry(n);
        for (int k = 0; k < m; ++k) {
            for (int i : {pairs[k].a, pairs[k].b}) {
                if (!geometry[i]) geometry[i] = std::make_unique<KeyframeGeometry>(prepare(frames[i], o));
            }
        }
        std::memset(out, 0, sizeof(*out));
        int iterations = 0;
        ceres::Solver::Summary summary;
        for (int round = 0; round < o.outer_iterations; ++round) {
            ceres::Problem::Options problemOptions;
            problemOptions.manifold_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
            problemOptions.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
            ceres::Problem problem(problemOptions);
            ceres::EigenQuaternionManifold manifold;
            ceres::CauchyLoss cauchy(1.0);
            int pairsUsed = 0, matches = 0;
            double squared = 0;
            for (int k = 0; k < m; ++k) {
                for (int direction = 0; direction < 2; ++direction) {
                    const int a = direction == 0 ? pairs[k].a : pairs[k].b;
                    const int b = direction == 0 ? pairs[k].b : pairs[k].a;
                    const Eigen::Isometry3d aFromB = isometry(nodes[a]).inverse() * isometry(nodes[b]);
                    auto batch = associate(*geometry[a], *geometry[b], aFromB, o);
                    const int count = static_cast<int>(batch->terms.size());
                    if (count < o.min_matches) continue;
                    const Eigen::Matrix3d r = aFromB.linear();
                    const Eigen::Vector3d t = aFromB.translation();
                    for (const auto &term : batch->terms) squared += std::pow(term(r, t), 2);
                    pairsUsed += 1;
                    matches += count;
                    auto *cost = new ceres::DynamicAutoDiffCostFunction<cbridge::PairPointToPlaneBatch, 14>(batch.release());
                    cost->AddParameterBlock(3);
                    cost->AddParameterBlock(4);
                    cost->AddParameterBlock(3);
                    cost->AddParameterBlock(4);
                    cost->SetNumResiduals(count);
                    problem.AddResidualBlock(cost, nullptr, nodes[a].t, nodes[a].q_xyzw, nodes[b].t, nodes[b].q_xyzw);
                }
            }
            double data[cbridge::PoseGraphEdgeResidual::kDataLength];
            for (int e = 0; e < edgeCount; ++e) {
                const cb_pose_graph_edge &edge = edges[e];
                std::copy(edge.a_from_b.t, edge.a_from_b.t + 3, data);
                Eigen::Map<Eigen::Vector4d>(data + 3) = Eigen::Map<const Eigen::Vector4d>(edge.a_from_b.q_xyzw).normalized();
                std::copy(edge.sqrt_information, edge.sqrt_information + 36, data + 7);
                auto *cost = new ceres::AutoDiffCostFunction<cbridge::PoseGraphEdgeResidual, 6, 3, 4, 3, 4>(
                    new cbridge::PoseGraphEdgeResidual(data));
                problem.AddResidualBlock(cost, edge.robust ? &cauchy : nullptr, nodes[edge.a].t, nodes[edge.a].q_xyzw,
                                         nodes[edge.b].t, nodes[edge.b].q_xyzw);
            }
            if (round == 0) out->initial_rmse = matches > 0 ? std::sqrt(squared / matches) : 0;
            out->pairs_used = pairsUsed;
            out->matches = matches;
            if (pairsUsed == 0) break;
            for (int i = 0; i < n; ++i) {
                if (problem.HasParameterBlock(nodes[i].q_xyzw)) problem.SetManifold(nodes[i].q_xyzw, &manifold);
            }
            if (problem.HasParameterBlock(nodes[fixed].t)) {
                problem.SetParameterBlockConstant(nodes[fixed].t);
                problem.SetParameterBlockConstant(nodes[fixed].q_xyzw);
            }
            ceres::Solver::Options solverOptions;
            solverOptions.linear_solver_type = ceres::SPARSE_NORMAL_CHOLESKY;
            solverOptions.max_num_iterations = o.solver_iterations;
            solverOptions.num_threads = o.num_threads;
            solverOptions.logging_type = ceres::SILENT;
            std::string invalid;
            if (!solverOptions.IsValid(&invalid)) solverOptions.linear_solver_type = ceres::DENSE_QR;
            ceres::Solve(solverOptions, &problem, &summary);
            iterations += static_cast<int>(summary.iterations.size() > 0 ? summary.iterations.size() - 1 : 0);
        }
        // The final RMSE over a fresh association, so it measures the returned poses.
        double squared = 0;
        long matched = 0;
        for (int k = 0; k < m; ++k) {
            for (int direction = 0; direction < 2; ++direction) {
                const int a = direction == 0 ? pairs[k].a : pairs[k].b;
                const int b = direction == 0 ? pairs[k].b : pairs[k].a;
                const Eigen::Isometry3d aFromB = isometry(nodes[a]).inverse() * isometry(nodes[b]);
                const Eigen::Matrix3d r = aFromB.linear();
                const Eigen::Vector3d t = aFromB.translation();
                auto batch = associate(*geometry[a], *geometry[b], aFromB, o);
                for (const auto &term : batch->terms) squared += std::pow(term(r, t), 2);
                matched += static_cast<long>(batch->terms.size());
            }
        }
        out->final_rmse = matched > 0 ? std::sqrt(squared / matched) : 0;
        out->iterations = iterations;
        out->termination = out->pairs_used == 0 ? CB_TERMINATION_CONVERGED : cbridge::terminationOf(summary.termination_type);
        std::strncpy(out->message, out->pairs_used == 0 ? "no pair had enough matches" : summary.message.c_str(),
                     sizeof(out->message) - 1);
        return static_cast<int>(CB_OK);
    });
}
