// Point-to-plane residual family (KinectFusion / Open3D point-to-plane ICP geometric term).
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>

#include "rotated_point.hpp"

namespace cbridge {

// Derivation.
// The pose target_from_source is (R, t), with R given by the unit quaternion q stored as x, y, z, w
// (Eigen's coefficient order; Ceres' rotation.h would expect w, x, y, z, so Eigen's Quaternion is used).
// A source point p_s moves into the target frame as p' = R p_s + t. Its matched target point q_t lies on the
// target surface, which near q_t is the plane with unit normal n_t. The signed distance of p' from that plane,
//     r(q, t) = n_tᵀ (R p_s + t − q_t)                      [metres, one scalar per correspondence]
// is the residual. Minimising Σ r² lets points slide along the surface (unlike point-to-point), which is why
// it converges in few iterations on planar rooms. Analytically, ∂r/∂t = n_tᵀ, and for a left perturbation
// R ← exp([δ]ₓ) R, ∂r/∂δ = ((R p_s) × n_t)ᵀ; the autodiff Jacobian is with respect to the raw quaternion and
// the EigenQuaternionManifold maps it to the 3-dof tangent space.
//
// Blocks: q_xyzw[4], t[3]. Data: p_s[3], q_t[3], n_t[3] (copied in, so the functor owns its data).
struct PointToPlaneResidual {
    static constexpr int kNumResiduals = 1;
    static constexpr int kDataLength = 9;

    explicit PointToPlaneResidual(const double *data)
        : source{data[0], data[1], data[2]}, target{data[3], data[4], data[5]}, normal{data[6], data[7], data[8]} {}

    template <typename T>
    bool operator()(const T *q_xyzw, const T *t, T *residual) const {
        const Eigen::Map<const Eigen::Quaternion<T>> rotation(q_xyzw);
        const Eigen::Map<const Eigen::Matrix<T, 3, 1>> translation(t);
        const Eigen::Matrix<T, 3, 1> pointInTarget = rotation * source.cast<T>() + translation;
        residual[0] = normal.cast<T>().dot(pointInTarget - target.cast<T>());
        return true;
    }

    /// The residual and its Jacobian in closed form (residuals/rotated_point.hpp): ∂r/∂t = nᵀ, ∂r/∂q = nᵀ ∂f/∂q.
    /// dq[4], dt[3]; the odometry's solver uses this rather than automatic differentiation (several times faster).
    void evaluate(const double *q_xyzw, const double *t, double *residual, double *dq, double *dt) const {
        const Eigen::Map<const Eigen::Quaterniond> rotation(q_xyzw);   // Eigen's q * p, as operator() computes it
        const Eigen::Vector3d pointInTarget = rotation * source + Eigen::Vector3d(t[0], t[1], t[2]);
        residual[0] = normal.dot(pointInTarget - target);
        rotatedPointGradient(q_xyzw, source, normal, dq);
        dt[0] = normal.x();
        dt[1] = normal.y();
        dt[2] = normal.z();
    }

    Eigen::Vector3d source;
    Eigen::Vector3d target;
    Eigen::Vector3d normal;
};

}  // namespace cbridge
