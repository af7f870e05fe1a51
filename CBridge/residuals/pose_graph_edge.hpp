// Pose-graph edge residual family (the 3-D pose graph of the Ceres SLAM examples; Open3D's PoseGraphEdge).
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>

namespace cbridge {

// Derivation.
// Nodes are world_from_node poses (p, q): a point x in node a is p_a + R(q_a) x in the world. Quaternions are
// stored x, y, z, w (Eigen's coefficient order, EigenQuaternionManifold); Ceres' QuaternionManifold would expect
// w, x, y, z. The relative pose a_from_b implied by the current estimates is
//     q_ab_est = q_a⁻¹ q_b,      p_ab_est = R(q_a)ᵀ (p_b − p_a).
// An edge measures a_from_b as (p_ab_meas, q_ab_meas). The rotation error is the small rotation
// δq = q_ab_meas · q_ab_est⁻¹; for small angles δq ≈ (θ/2 · axis, 1), so 2·vec(δq) ≈ θ·axis in radians. The
// 6-vector
//     e = [p_ab_est − p_ab_meas ;  2·vec(q_ab_meas · q_ab_est⁻¹)]          [metres; radians]
// is whitened by the upper-triangular square root S of the edge's information matrix Λ = SᵀS, r = S e, so that
// ½|r|² is the negative log-likelihood of a Gaussian edge. Unit quaternions make q⁻¹ = conjugate.
//
// Blocks: p_a[3], q_a_xyzw[4], p_b[3], q_b_xyzw[4]. Data: p_ab_meas[3], q_ab_meas_xyzw[4], S[36] row-major.
struct PoseGraphEdgeResidual {
    static constexpr int kNumResiduals = 6;
    static constexpr int kDataLength = 3 + 4 + 36;

    explicit PoseGraphEdgeResidual(const double *data)
        : measuredTranslation(data[0], data[1], data[2]),
          measuredRotation(data[6], data[3], data[4], data[5]),   // Eigen's constructor takes w, x, y, z
          sqrtInformation(Eigen::Map<const Eigen::Matrix<double, 6, 6, Eigen::RowMajor>>(data + 7)) {}

    template <typename T>
    bool operator()(const T *p_a, const T *q_a, const T *p_b, const T *q_b, T *out) const {
        const Eigen::Map<const Eigen::Matrix<T, 3, 1>> positionA(p_a), positionB(p_b);
        const Eigen::Map<const Eigen::Quaternion<T>> rotationA(q_a), rotationB(q_b);
        const Eigen::Quaternion<T> inverseA = rotationA.conjugate();
        const Eigen::Quaternion<T> estimatedRotation = inverseA * rotationB;
        const Eigen::Matrix<T, 3, 1> estimatedTranslation = inverseA * (positionB - positionA);
        const Eigen::Quaternion<T> delta = measuredRotation.template cast<T>() * estimatedRotation.conjugate();
        Eigen::Matrix<T, 6, 1> error;
        error.template head<3>() = estimatedTranslation - measuredTranslation.template cast<T>();
        error.template tail<3>() = T(2.0) * delta.vec();
        Eigen::Map<Eigen::Matrix<T, 6, 1>> residual(out);
        residual = sqrtInformation.template cast<T>() * error;
        return true;
    }

    Eigen::Vector3d measuredTranslation;
    Eigen::Quaterniond measuredRotation;
    Eigen::Matrix<double, 6, 6> sqrtInformation;
};

}  // namespace cbridge
