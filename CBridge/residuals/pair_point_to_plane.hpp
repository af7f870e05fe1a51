// Point-to-plane residual between two keyframes whose poses are both optimised (global dense refinement).
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>

#include <cstddef>
#include <vector>

namespace cbridge {

// Derivation.
// Keyframes a and b have world_from_camera poses (p_a, q_a) and (p_b, q_b), quaternions stored x, y, z, w
// (Eigen's order, EigenQuaternionManifold). A depth sample p of keyframe b (camera b coordinates) is matched
// projectively to the vertex v of keyframe a, whose depth surface near v is the plane with unit normal n (both in
// camera a coordinates). The sample expressed in camera a is
//     x = R_aᵀ (R_b p + p_b − p_a)          (= a_from_b · p),
// and the residual is its signed distance from that plane,
//     r = nᵀ (x − v)                       [metres].
// Unlike the odometry's point-to-plane term (one pose), both poses move: the gradient with respect to b's pose
// is the odometry's, and a's receives the opposite pull expressed through R_aᵀ. Writing it through a_from_b lets
// the batch form below compute the relative pose once per pair instead of once per sample.
//
// Blocks: p_a[3], q_a_xyzw[4], p_b[3], q_b_xyzw[4] (the pose-graph order). Data: p[3], v[3], n[3].
struct PairPointToPlaneResidual {
    static constexpr int kNumResiduals = 1;
    static constexpr int kDataLength = 9;

    explicit PairPointToPlaneResidual(const double *data)
        : point{data[0], data[1], data[2]}, vertex{data[3], data[4], data[5]}, normal{data[6], data[7], data[8]} {}

    /// a_from_b from the two world poses.
    template <typename T>
    static void relative(const T *p_a, const T *q_a, const T *p_b, const T *q_b, Eigen::Quaternion<T> &rotation,
                         Eigen::Matrix<T, 3, 1> &translation) {
        const Eigen::Map<const Eigen::Matrix<T, 3, 1>> positionA(p_a), positionB(p_b);
        const Eigen::Map<const Eigen::Quaternion<T>> rotationA(q_a), rotationB(q_b);
        const Eigen::Quaternion<T> inverseA = rotationA.conjugate();
        rotation = inverseA * rotationB;
        translation = inverseA * (positionB - positionA);
    }

    /// The residual under a given a_from_b (shared by the per-pair batch).
    template <typename T>
    T operator()(const Eigen::Matrix<T, 3, 3> &rotation, const Eigen::Matrix<T, 3, 1> &translation) const {
        const Eigen::Matrix<T, 3, 1> x = rotation * point.cast<T>() + translation;
        return normal.cast<T>().dot(x - vertex.cast<T>());
    }

    template <typename T>
    bool operator()(const T *p_a, const T *q_a, const T *p_b, const T *q_b, T *residual) const {
        Eigen::Quaternion<T> rotation;
        Eigen::Matrix<T, 3, 1> translation;
        relative(p_a, q_a, p_b, q_b, rotation, translation);
        residual[0] = (*this)(rotation.toRotationMatrix(), translation);
        return true;
    }

    Eigen::Vector3d point;
    Eigen::Vector3d vertex;
    Eigen::Vector3d normal;
};

// All matches of one ordered keyframe pair in one DynamicAutoDiffCostFunction (blocks p_a, q_a, p_b, q_b), each
// scaled by √(Huber weight) fixed for the round (IRLS, as in residuals/odometry_batch.hpp): thousands of separate
// one-residual blocks would make Ceres' bookkeeping dominate the solve.
struct PairPointToPlaneBatch {
    std::vector<PairPointToPlaneResidual> terms;
    std::vector<double> rootWeights;

    template <typename T>
    bool operator()(T const *const *parameters, T *residuals) const {
        Eigen::Quaternion<T> rotation;
        Eigen::Matrix<T, 3, 1> translation;
        PairPointToPlaneResidual::relative(parameters[0], parameters[1], parameters[2], parameters[3], rotation,
                                           translation);
        const Eigen::Matrix<T, 3, 3> matrix = rotation.toRotationMatrix();
        for (std::size_t i = 0; i < terms.size(); ++i) residuals[i] = T(rootWeights[i]) * terms[i](matrix, translation);
        return true;
    }
};

}  // namespace cbridge
