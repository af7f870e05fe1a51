// Point-to-plane rigid alignment with fixed correspondences: one Ceres problem, read top to bottom.
#include "CBridge.h"
#include "ceres_support.hpp"
#include "internal.hpp"
#include "residuals/point_to_plane.hpp"

#include <ceres/ceres.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace {

int validate(const double *source, const double *target, const double *normals, int n, const cb_pose *initial,
             const cb_align_options *options, cb_align_result *out) {
    using cbridge::fail;
    const std::string where = "cb_align_point_to_plane: ";
    if (source == nullptr || target == nullptr || normals == nullptr || initial == nullptr || options == nullptr ||
        out == nullptr) {
        return fail(CB_INVALID_ARGUMENT, where + "NULL pointer argument");
    }
    if (n <= 0) return fail(CB_INVALID_ARGUMENT, where + "n = " + std::to_string(n) + ", expected > 0");
    const std::size_t count = static_cast<std::size_t>(n) * 3;
    const struct { const char *name; const double *values; std::size_t count; } arrays[] = {
        {"source_xyz", source, count}, {"target_xyz", target, count}, {"target_normals", normals, count},
        {"initial.q_xyzw", initial->q_xyzw, 4}, {"initial.t", initial->t, 3}};
    for (const auto &array : arrays) {
        if (long bad = cbridge::firstNonFinite(array.values, array.count); bad >= 0) {
            return fail(CB_INVALID_ARGUMENT,
                        where + array.name + "[" + std::to_string(bad) + "] is not finite");
        }
    }
    const double *q = initial->q_xyzw;
    if (q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3] < 1e-24) {
        return fail(CB_INVALID_ARGUMENT, where + "initial quaternion is zero");
    }
    if (options->max_iterations < 1) return fail(CB_INVALID_ARGUMENT, where + "max_iterations must be >= 1");
    if (options->num_threads < 1) return fail(CB_INVALID_ARGUMENT, where + "num_threads must be >= 1");
    if (!(options->huber_delta >= 0) || !std::isfinite(options->huber_delta)) {
        return fail(CB_INVALID_ARGUMENT, where + "huber_delta must be finite and >= 0");
    }
    if (!(options->function_tolerance > 0) || !(options->gradient_tolerance > 0) ||
        !(options->parameter_tolerance > 0)) {
        return fail(CB_INVALID_ARGUMENT, where + "tolerances must be > 0");
    }
    return CB_OK;
}


}  // namespace

extern "C" cb_align_options cb_align_options_default(void) {
    cb_align_options options;
    options.max_iterations = 50;
    options.num_threads = 1;
    options.huber_delta = 0;
    options.function_tolerance = 1e-12;
    options.gradient_tolerance = 1e-12;
    options.parameter_tolerance = 1e-12;
    return options;
}

extern "C" int cb_align_point_to_plane(const double *source_xyz, const double *target_xyz,
                                       const double *target_normals, int n, const cb_pose *initial,
                                       const cb_align_options *options, cb_align_result *out) {
    return cbridge::guarded("cb_align_point_to_plane", [&] {
        if (int status = validate(source_xyz, target_xyz, target_normals, n, initial, options, out); status != CB_OK) {
            return status;
        }

        // The pose blocks, in xyzw order for EigenQuaternionManifold; start from a unit quaternion.
        double q[4], t[3];
        const double qNorm = std::sqrt(initial->q_xyzw[0] * initial->q_xyzw[0] + initial->q_xyzw[1] * initial->q_xyzw[1] +
                                       initial->q_xyzw[2] * initial->q_xyzw[2] + initial->q_xyzw[3] * initial->q_xyzw[3]);
        for (int i = 0; i < 4; ++i) q[i] = initial->q_xyzw[i] / qNorm;
        std::copy(initial->t, initial->t + 3, t);

        // One residual per correspondence; the problem owns the cost functions and the shared loss.
        ceres::Problem::Options problemOptions;
        problemOptions.loss_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
        ceres::Problem problem(problemOptions);
        std::unique_ptr<ceres::LossFunction> loss;
        if (options->huber_delta > 0) loss = std::make_unique<ceres::HuberLoss>(options->huber_delta);
        double data[cbridge::PointToPlaneResidual::kDataLength];
        for (int i = 0; i < n; ++i) {
            std::copy(source_xyz + 3 * i, source_xyz + 3 * i + 3, data);
            std::copy(target_xyz + 3 * i, target_xyz + 3 * i + 3, data + 3);
            std::copy(target_normals + 3 * i, target_normals + 3 * i + 3, data + 6);
            auto *cost = new ceres::AutoDiffCostFunction<cbridge::PointToPlaneResidual, 1, 4, 3>(
                new cbridge::PointToPlaneResidual(data));
            problem.AddResidualBlock(cost, loss.get(), q, t);
        }
        problem.SetManifold(q, new ceres::EigenQuaternionManifold);

        ceres::Solver::Options solverOptions;
        solverOptions.linear_solver_type = ceres::DENSE_QR;
        solverOptions.max_num_iterations = options->max_iterations;
        solverOptions.num_threads = options->num_threads;
        solverOptions.function_tolerance = options->function_tolerance;
        solverOptions.gradient_tolerance = options->gradient_tolerance;
        solverOptions.parameter_tolerance = options->parameter_tolerance;
        solverOptions.logging_type = ceres::SILENT;
        solverOptions.minimizer_progress_to_stdout = false;
        std::string invalid;
        if (!solverOptions.IsValid(&invalid)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, "cb_align_point_to_plane: " + invalid);
        }

        ceres::Solver::Summary summary;
        ceres::Solve(solverOptions, &problem, &summary);

        std::copy(q, q + 4, out->pose.q_xyzw);
        std::copy(t, t + 3, out->pose.t);
        out->initial_cost = summary.initial_cost;
        out->final_cost = summary.final_cost;
        out->iterations = static_cast<int>(summary.iterations.size() > 0 ? summary.iterations.size() - 1 : 0);
        out->termination = cbridge::terminationOf(summary.termination_type);
        std::memset(out->message, 0, sizeof(out->message));
        std::strncpy(out->message, summary.message.c_str(), sizeof(out->message) - 1);
        return static_cast<int>(CB_OK);
    });
}
