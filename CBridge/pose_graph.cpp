// 3-D pose-graph optimisation: one Ceres problem, read top to bottom.
// Nodes are world_from_node (p, q_xyzw) with EigenQuaternionManifold on q; each edge adds the whitened
// 6-residual of residuals/pose_graph_edge.hpp, with a Cauchy loss on robust (loop-closure) edges so that a
// wrong loop closure cannot drag the whole trajectory; node `fixed` is held constant to remove the gauge freedom.
#include "CBridge.h"
#include "internal.hpp"
#include "residuals/pose_graph_edge.hpp"

#include <ceres/ceres.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" int cb_optimize_pose_graph(cb_pose *nodes, int n, const cb_pose_graph_edge *edges, int m, int fixed,
                                      const cb_pose_graph_options *options, cb_pose_graph_result *out,
                                      double *edge_squared_norms) {
    return cbridge::guarded("cb_optimize_pose_graph", [&] {
        const std::string where = "cb_optimize_pose_graph: ";
        if (nodes == nullptr || options == nullptr || out == nullptr || (m > 0 && edges == nullptr)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
        }
        if (n < 1 || m < 0 || fixed < 0 || fixed >= n) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "need n >= 1, m >= 0 and 0 <= fixed < n");
        }
        if (options->max_iterations < 1 || !(options->cauchy_scale > 0) || options->num_threads < 1) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "invalid options");
        }
        for (int i = 0; i < n; ++i) {
            if (cbridge::firstNonFinite(nodes[i].q_xyzw, 4) >= 0 || cbridge::firstNonFinite(nodes[i].t, 3) >= 0) {
                return cbridge::fail(CB_INVALID_ARGUMENT, where + "node " + std::to_string(i) + " is not finite");
            }
            double norm = 0;
            for (double c : nodes[i].q_xyzw) norm += c * c;
            if (norm < 1e-24) return cbridge::fail(CB_INVALID_ARGUMENT, where + "node " + std::to_string(i) + " has a zero quaternion");
            norm = std::sqrt(norm);
            for (double &c : nodes[i].q_xyzw) c /= norm;
        }
        ceres::Problem::Options problemOptions;
        problemOptions.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
        problemOptions.manifold_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
        ceres::Problem problem(problemOptions);
        ceres::CauchyLoss cauchy(options->cauchy_scale);
        ceres::EigenQuaternionManifold quaternionManifold;
        std::vector<ceres::ResidualBlockId> ids(m);
        double data[cbridge::PoseGraphEdgeResidual::kDataLength];
        for (int e = 0; e < m; ++e) {
            const cb_pose_graph_edge &edge = edges[e];
            if (edge.a < 0 || edge.a >= n || edge.b < 0 || edge.b >= n || edge.a == edge.b) {
                return cbridge::fail(CB_INVALID_ARGUMENT, where + "edge " + std::to_string(e) + " has invalid nodes");
            }
            if (cbridge::firstNonFinite(edge.sqrt_information, 36) >= 0 ||
                cbridge::firstNonFinite(edge.a_from_b.t, 3) >= 0 || cbridge::firstNonFinite(edge.a_from_b.q_xyzw, 4) >= 0) {
                return cbridge::fail(CB_INVALID_ARGUMENT, where + "edge " + std::to_string(e) + " is not finite");
            }
            std::copy(edge.a_from_b.t, edge.a_from_b.t + 3, data);
            Eigen::Map<const Eigen::Vector4d> qIn(edge.a_from_b.q_xyzw);
            Eigen::Map<Eigen::Vector4d>(data + 3) = qIn.normalized();
            std::copy(edge.sqrt_information, edge.sqrt_information + 36, data + 7);
            auto *cost = new ceres::AutoDiffCostFunction<cbridge::PoseGraphEdgeResidual, 6, 3, 4, 3, 4>(
                new cbridge::PoseGraphEdgeResidual(data));
            ids[e] = problem.AddResidualBlock(cost, edge.robust ? &cauchy : nullptr, nodes[edge.a].t,
                                              nodes[edge.a].q_xyzw, nodes[edge.b].t, nodes[edge.b].q_xyzw);
        }
        for (int i = 0; i < n; ++i) {
            if (!problem.HasParameterBlock(nodes[i].q_xyzw)) continue;
            problem.SetManifold(nodes[i].q_xyzw, &quaternionManifold);
        }
        if (problem.HasParameterBlock(nodes[fixed].t)) {
            problem.SetParameterBlockConstant(nodes[fixed].t);
            problem.SetParameterBlockConstant(nodes[fixed].q_xyzw);
        }
        ceres::Solver::Options solverOptions;
        solverOptions.linear_solver_type = ceres::SPARSE_NORMAL_CHOLESKY;
        solverOptions.max_num_iterations = options->max_iterations;
        solverOptions.num_threads = options->num_threads;
        solverOptions.logging_type = ceres::SILENT;
        std::string invalid;
        if (!solverOptions.IsValid(&invalid)) {
            solverOptions.linear_solver_type = ceres::DENSE_QR;   // builds without SuiteSparse
        }
        ceres::Solver::Summary summary;
        if (m > 0) ceres::Solve(solverOptions, &problem, &summary);
        out->initial_cost = m > 0 ? summary.initial_cost : 0;
        out->final_cost = m > 0 ? summary.final_cost : 0;
        out->iterations = static_cast<int>(summary.iterations.size() > 0 ? summary.iterations.size() - 1 : 0);
        out->termination = m == 0 || summary.termination_type == ceres::CONVERGENCE ? CB_TERMINATION_CONVERGED
                           : summary.termination_type == ceres::NO_CONVERGENCE     ? CB_TERMINATION_MAX_ITERATIONS
                                                                                   : CB_TERMINATION_FAILURE;
        std::memset(out->message, 0, sizeof(out->message));
        std::strncpy(out->message, m > 0 ? summary.message.c_str() : "no edges", sizeof(out->message) - 1);
        if (edge_squared_norms != nullptr) {
            for (int e = 0; e < m; ++e) {
                double cost = 0;
                problem.EvaluateResidualBlock(ids[e], false, &cost, nullptr, nullptr);  // ½|r|² without loss
                edge_squared_norms[e] = 2 * cost;
            }
        }
        return static_cast<int>(CB_OK);
    });
}
