// The residual registry: each residual family built twice, as ceres::AutoDiffCostFunction and as
// ceres::NumericDiffCostFunction (CENTRAL), so the Swift tests can compare the two Jacobians. The *_CLOSED_FORM
// families put a functor's hand-derived Jacobian (its `evaluate`) where the automatic one would be.
// To add a family: write its functor in residuals/<family>.hpp, add a CB_RESIDUAL_* constant to CBridge.h,
// and add one `case` to makeFamily() below.
#include "CBridge.h"
#include "internal.hpp"
#include "residuals/pair_point_to_plane.hpp"
#include "residuals/photometric.hpp"
#include "residuals/point_to_plane.hpp"
#include "residuals/pose_graph_edge.hpp"

#include <ceres/ceres.h>

#include <algorithm>
#include <memory>
#include <vector>

namespace {

/// One residual family at one data point: its shape and both cost functions.
struct Family {
    cb_residual_shape shape{};
    std::unique_ptr<ceres::CostFunction> autodiff;
    std::unique_ptr<ceres::CostFunction> numeric;
};

template <typename Functor, int... BlockSizes>
Family makeFamilyOf(const double *data) {
    Family family;
    family.shape.num_residuals = Functor::kNumResiduals;
    family.shape.data_length = Functor::kDataLength;
    const int sizes[] = {BlockSizes...};
    family.shape.num_blocks = static_cast<int>(sizeof...(BlockSizes));
    for (int b = 0; b < family.shape.num_blocks; ++b) family.shape.block_sizes[b] = sizes[b];
    if (data != nullptr) {
        family.autodiff = std::make_unique<ceres::AutoDiffCostFunction<Functor, Functor::kNumResiduals, BlockSizes...>>(
            new Functor(data));
        family.numeric = std::make_unique<
            ceres::NumericDiffCostFunction<Functor, ceres::CENTRAL, Functor::kNumResiduals, BlockSizes...>>(
            new Functor(data));
    }
    return family;
}

/// A functor's closed-form `evaluate(q, t, r, dq, dt)` (one residual, blocks q_xyzw[4], t[3]) as a cost function.
template <typename Functor>
class ClosedFormCost final : public ceres::SizedCostFunction<1, 4, 3> {
public:
    explicit ClosedFormCost(const double *data) : functor_(data) {}

    bool Evaluate(double const *const *parameters, double *residuals, double **jacobians) const override {
        double dq[4], dt[3];
        functor_.evaluate(parameters[0], parameters[1], residuals, dq, dt);
        if (jacobians != nullptr && jacobians[0] != nullptr) std::copy(dq, dq + 4, jacobians[0]);
        if (jacobians != nullptr && jacobians[1] != nullptr) std::copy(dt, dt + 3, jacobians[1]);
        return true;
    }

private:
    Functor functor_;
};

/// The closed-form Jacobian of `Functor` in the autodiff slot, its central differences in the numeric one.
template <typename Functor>
Family makeClosedFormFamily(const double *data) {
    Family family = makeFamilyOf<Functor, 4, 3>(nullptr);
    if (data != nullptr) {
        family.autodiff = std::make_unique<ClosedFormCost<Functor>>(data);
        family.numeric = std::make_unique<ceres::NumericDiffCostFunction<Functor, ceres::CENTRAL, 1, 4, 3>>(
            new Functor(data));
    }
    return family;
}

/// The family `kind` (cost functions only if `data` is non-null); `false` for an unknown kind.
bool makeFamily(int kind, const double *data, Family &family) {
    switch (kind) {
    case CB_RESIDUAL_POINT_TO_PLANE:
        family = makeFamilyOf<cbridge::PointToPlaneResidual, 4, 3>(data);
        return true;
    case CB_RESIDUAL_PHOTOMETRIC:
        family = makeFamilyOf<cbridge::PhotometricResidualCheck, 4, 3>(data);
        return true;
    case CB_RESIDUAL_POSE_GRAPH_EDGE:
        family = makeFamilyOf<cbridge::PoseGraphEdgeResidual, 3, 4, 3, 4>(data);
        return true;
    case CB_RESIDUAL_PAIR_POINT_TO_PLANE:
        family = makeFamilyOf<cbridge::PairPointToPlaneResidual, 3, 4, 3, 4>(data);
        return true;
    case CB_RESIDUAL_POINT_TO_PLANE_CLOSED_FORM:
        family = makeClosedFormFamily<cbridge::PointToPlaneResidual>(data);
        return true;
    case CB_RESIDUAL_PHOTOMETRIC_CLOSED_FORM:
        family = makeClosedFormFamily<cbridge::PhotometricResidualCheck>(data);
        return true;
    default:
        return false;
    }
}

int parameterCount(const cb_residual_shape &shape) {
    int total = 0;
    for (int b = 0; b < shape.num_blocks; ++b) total += shape.block_sizes[b];
    return total;
}

/// Evaluates `cost` at the concatenated parameters, writing residuals and the block-concatenated Jacobian.
bool evaluate(const ceres::CostFunction &cost, const cb_residual_shape &shape, const double *parameters,
              double *residuals, double *jacobian) {
    std::vector<const double *> blocks(shape.num_blocks);
    std::vector<double *> jacobians(shape.num_blocks);
    const double *nextBlock = parameters;
    double *nextJacobian = jacobian;
    for (int b = 0; b < shape.num_blocks; ++b) {
        blocks[b] = nextBlock;
        jacobians[b] = nextJacobian;
        nextBlock += shape.block_sizes[b];
        nextJacobian += shape.num_residuals * shape.block_sizes[b];
    }
    return cost.Evaluate(blocks.data(), residuals, jacobians.data());
}

}  // namespace

extern "C" int cb_residual_shape_of(int kind, cb_residual_shape *out) {
    return cbridge::guarded("cb_residual_shape_of", [&] {
        if (out == nullptr) return cbridge::fail(CB_INVALID_ARGUMENT, "cb_residual_shape_of: out is NULL");
        Family family;
        if (!makeFamily(kind, nullptr, family)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, "cb_residual_shape_of: unknown residual kind " +
                                                          std::to_string(kind));
        }
        *out = family.shape;
        return static_cast<int>(CB_OK);
    });
}

extern "C" int cb_evaluate_residual(int kind, const double *parameters, const double *data,
                                    double *residuals_autodiff, double *jacobian_autodiff,
                                    double *residuals_numeric, double *jacobian_numeric) {
    return cbridge::guarded("cb_evaluate_residual", [&] {
        if (parameters == nullptr || data == nullptr || residuals_autodiff == nullptr ||
            jacobian_autodiff == nullptr || residuals_numeric == nullptr || jacobian_numeric == nullptr) {
            return cbridge::fail(CB_INVALID_ARGUMENT, "cb_evaluate_residual: NULL pointer argument");
        }
        Family family;
        if (!makeFamily(kind, data, family)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, "cb_evaluate_residual: unknown residual kind " +
                                                          std::to_string(kind));
        }
        const int count = parameterCount(family.shape);
        if (long bad = cbridge::firstNonFinite(parameters, count); bad >= 0) {
            return cbridge::fail(CB_INVALID_ARGUMENT,
                                 "cb_evaluate_residual: parameters[" + std::to_string(bad) + "] is not finite");
        }
        if (long bad = cbridge::firstNonFinite(data, family.shape.data_length); bad >= 0) {
            return cbridge::fail(CB_INVALID_ARGUMENT,
                                 "cb_evaluate_residual: data[" + std::to_string(bad) + "] is not finite");
        }
        if (!evaluate(*family.autodiff, family.shape, parameters, residuals_autodiff, jacobian_autodiff) ||
            !evaluate(*family.numeric, family.shape, parameters, residuals_numeric, jacobian_numeric)) {
            return cbridge::fail(CB_SOLVER_FAILURE, "cb_evaluate_residual: the functor returned false");
        }
        return static_cast<int>(CB_OK);
    });
}
