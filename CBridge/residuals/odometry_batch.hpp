// All residuals of one odometry round in one Ceres cost function (used by rgbd_odometry.cpp).
#pragma once
#include "photometric.hpp"
#include "point_to_plane.hpp"

#include <ceres/cost_function.h>

#include <cmath>
#include <memory>
#include <vector>

namespace cbridge {

// Why one block: a round has thousands of one-residual terms sharing the same 7 pose parameters. As separate
// residual blocks, Ceres' per-block bookkeeping dominated the solve (about 1 s per frame at 640×480). Here the
// same registered functors (PointToPlaneResidual, PhotometricResidual — each checked against numeric
// differentiation in the residual registry) are evaluated in one cost function, which fills the whole dense
// Jacobian in one pass.
//
// Robust loss by iteratively reweighted least squares: at the start of each association round every residual r_i
// gets the Huber weight w_i = 1 for |r_i| ≤ δ and δ/|r_i| beyond, and the round minimises Σ w_i r_i², i.e. the
// residual is scaled by √w_i. Re-weighting every round (as re-association does) converges to the Huber
// M-estimate, as in Kerl et al.'s DVO and Open3D's robust kernels.
//
// Parameter blocks: q_xyzw[4] (EigenQuaternionManifold), t[3].
//
// The solver evaluates the batch through OdometryBatchCost below, which takes each functor's closed-form
// Jacobian (`evaluate`; the registry checks it against numeric differentiation and against automatic
// differentiation of the functor's own operator()).
struct OdometryBatchResidual {
    using Photometric = PhotometricResidual<ImageInterpolator>;

    std::vector<PointToPlaneResidual> geometric;
    std::vector<Photometric> photometric;
    std::vector<double> geometricWeights;    // √w per geometric residual
    std::vector<double> photometricWeights;  // √w per photometric residual

    int residualCount() const { return static_cast<int>(geometric.size() + photometric.size()); }

    /// √(Huber weight) of residual value r for threshold delta.
    static double huberRootWeight(double r, double delta) {
        const double a = std::fabs(r);
        return a <= delta ? 1.0 : std::sqrt(delta / a);
    }

    /// Sets the IRLS weights from the residuals at pose (q, t).
    void reweight(const double *q, const double *t, double huberGeometric, double huberPhotometric) {
        geometricWeights.resize(geometric.size());
        photometricWeights.resize(photometric.size());
        double r = 0;
        for (std::size_t i = 0; i < geometric.size(); ++i) {
            geometric[i](q, t, &r);
            geometricWeights[i] = huberRootWeight(r, huberGeometric);
        }
        for (std::size_t j = 0; j < photometric.size(); ++j) {
            photometric[j](q, t, &r);
            photometricWeights[j] = huberRootWeight(r, huberPhotometric);
        }
    }
};

/// The batch as a Ceres cost function with closed-form Jacobians (blocks q_xyzw[4], t[3]; one residual per term,
/// geometric first, each scaled by its IRLS weight). Up to rounding the Jacobian automatic differentiation would
/// give, at a fraction of the cost of the Jet arithmetic.
class OdometryBatchCost final : public ceres::CostFunction {
public:
    explicit OdometryBatchCost(std::unique_ptr<OdometryBatchResidual> batch) : batch_(std::move(batch)) {
        mutable_parameter_block_sizes()->push_back(4);
        mutable_parameter_block_sizes()->push_back(3);
        set_num_residuals(batch_->residualCount());
    }

    bool Evaluate(double const *const *parameters, double *residuals, double **jacobians) const override {
        const double *q = parameters[0];
        const double *t = parameters[1];
        double *jq = jacobians != nullptr ? jacobians[0] : nullptr;
        double *jt = jacobians != nullptr ? jacobians[1] : nullptr;
        const std::size_t n = batch_->geometric.size();
        double dq[4], dt[3];
        for (std::size_t i = 0; i < n + batch_->photometric.size(); ++i) {
            const bool geometric = i < n;
            const double weight = geometric ? batch_->geometricWeights[i] : batch_->photometricWeights[i - n];
            if (geometric) batch_->geometric[i].evaluate(q, t, residuals + i, dq, dt);
            else batch_->photometric[i - n].evaluate(q, t, residuals + i, dq, dt);
            residuals[i] *= weight;
            if (jq != nullptr) for (int k = 0; k < 4; ++k) jq[4 * i + k] = dq[k] * weight;
            if (jt != nullptr) for (int k = 0; k < 3; ++k) jt[3 * i + k] = dt[k] * weight;
        }
        return true;
    }

private:
    std::unique_ptr<OdometryBatchResidual> batch_;
};

}  // namespace cbridge
