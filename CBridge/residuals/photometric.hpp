// Photometric residual family (direct RGB-D odometry: Steinbrücker et al. 2011, Kerl et al. "DVO" 2013;
// the intensity term of Open3D's hybrid RGB-D odometry).
#pragma once
#include <Eigen/Core>
#include <Eigen/Geometry>
#include <ceres/cubic_interpolation.h>

#include "rotated_point.hpp"

#include <algorithm>
#include <vector>

namespace cbridge {

// Derivation.
// The pose target_from_source is (R, t), R from the unit quaternion q stored x, y, z, w (Eigen's coefficient
// order; Ceres' rotation.h uses w, x, y, z, which is why Eigen's Quaternion is used here). A source pixel with
// back-projected point p_s (source camera, metres) and grey level I_s moves into the target camera as
// p = R p_s + t, and lands at the target pixel
//     π(p) = (fx · p_x / p_z + cx,  fy · p_y / p_z + cy)       (column u, row v; pixel centres at integers).
// Under brightness constancy the target image shows the same grey level there, so the residual is
//     r(q, t) = w · (I_t(π(R p_s + t)) − I_s)                    [w: metres per intensity unit]
// with I_t evaluated by a bicubic interpolator (C¹, so the Jacobian is continuous). By the chain rule
// ∂r/∂t = w ∇I_t(π)ᵀ J_π(p) with J_π = [fx/p_z, 0, −fx p_x/p_z²; 0, fy/p_z, −fy p_y/p_z²], and for a left
// perturbation of R, ∂r/∂δ = −w ∇I_tᵀ J_π [R p_s]ₓ; autodiff computes the same through the interpolator's
// Jet overload. w converts intensity to metres so that the photometric and point-to-plane terms can share one
// robust loss scale. A point behind the target camera (p_z ≤ 1e-6) contributes 0 rather than failing the solve.
//
// Blocks: q_xyzw[4], t[3]. Constant: p_s, I_s, intrinsics, weight, and the target image interpolator.
template <typename Interpolator>
struct PhotometricResidual {
    static constexpr int kNumResiduals = 1;

    PhotometricResidual(const Interpolator *image, const Eigen::Vector3d &pointInSource, double sourceIntensity,
                        const double intrinsics[4], double weight)
        : image(image), source(pointInSource), intensity(sourceIntensity),
          fx(intrinsics[0]), fy(intrinsics[1]), cx(intrinsics[2]), cy(intrinsics[3]), weight(weight) {}

    template <typename T>
    bool operator()(const T *q_xyzw, const T *t, T *residual) const {
        const Eigen::Map<const Eigen::Quaternion<T>> rotation(q_xyzw);
        const Eigen::Map<const Eigen::Matrix<T, 3, 1>> translation(t);
        const Eigen::Matrix<T, 3, 1> p = rotation * source.cast<T>() + translation;
        if (p.z() <= T(1e-6)) {
            residual[0] = T(0);
            return true;
        }
        const T u = T(fx) * p.x() / p.z() + T(cx);
        const T v = T(fy) * p.y() / p.z() + T(cy);
        T observed;
        image->Evaluate(v, u, &observed);   // (row, column)
        residual[0] = T(weight) * (observed - T(intensity));
        return true;
    }

    /// The residual and its Jacobian in closed form: with g = w ∇I_tᵀ J_π(p) (the derivative by p = f(q) + t),
    /// ∂r/∂t = g and ∂r/∂q = gᵀ ∂f/∂q (residuals/rotated_point.hpp). The interpolator's own gradient is the one its
    /// Jet overload uses, so this matches automatic differentiation. dq[4], dt[3].
    void evaluate(const double *q_xyzw, const double *t, double *residual, double *dq, double *dt) const {
        const Eigen::Map<const Eigen::Quaterniond> rotation(q_xyzw);   // Eigen's q * p, as operator() computes it
        const Eigen::Vector3d p = rotation * source + Eigen::Vector3d(t[0], t[1], t[2]);
        if (p.z() <= 1e-6) {
            residual[0] = 0;
            std::fill(dq, dq + 4, 0.0);
            std::fill(dt, dt + 3, 0.0);
            return;
        }
        const double u = fx * p.x() / p.z() + cx;   // as operator() computes them
        const double v = fy * p.y() / p.z() + cy;
        const double inverseZ = 1 / p.z();
        double observed = 0, dRow = 0, dColumn = 0;
        image->Evaluate(v, u, &observed, &dRow, &dColumn);   // (row, column)
        residual[0] = weight * (observed - intensity);
        // J_π rows: ∂u/∂p = (fx/z, 0, −fx x/z²), ∂v/∂p = (0, fy/z, −fy y/z²).
        const double gu = weight * dColumn, gv = weight * dRow;
        const Eigen::Vector3d g(gu * fx * inverseZ, gv * fy * inverseZ,
                                -(gu * fx * p.x() + gv * fy * p.y()) * inverseZ * inverseZ);
        rotatedPointGradient(q_xyzw, source, g, dq);
        dt[0] = g.x();
        dt[1] = g.y();
        dt[2] = g.z();
    }

    const Interpolator *image;
    Eigen::Vector3d source;
    double intensity;
    double fx, fy, cx, cy;
    double weight;
};

using ImageGrid = ceres::Grid2D<double, 1>;
using ImageInterpolator = ceres::BiCubicInterpolator<ImageGrid>;

/// The registry form: the functor plus an owned 8×8 target image, all built from one flat data array
/// p_s[3], I_s, fx, fy, cx, cy, image[64] (row-major), with weight 1.
struct PhotometricResidualCheck {
    static constexpr int kNumResiduals = 1;
    static constexpr int kDataLength = 3 + 1 + 4 + 64;

    explicit PhotometricResidualCheck(const double *data)
        : pixels(data + 8, data + 8 + 64), grid(pixels.data(), 0, 8, 0, 8), interpolator(grid),
          residual(&interpolator, Eigen::Vector3d(data[0], data[1], data[2]), data[3], data + 4, 1.0) {}
    PhotometricResidualCheck(const PhotometricResidualCheck &) = delete;
    PhotometricResidualCheck &operator=(const PhotometricResidualCheck &) = delete;

    template <typename T>
    bool operator()(const T *q_xyzw, const T *t, T *out) const {
        return residual(q_xyzw, t, out);
    }

    void evaluate(const double *q_xyzw, const double *t, double *out, double *dq, double *dt) const {
        residual.evaluate(q_xyzw, t, out, dq, dt);
    }

    std::vector<double> pixels;
    ImageGrid grid;
    ImageInterpolator interpolator;
    PhotometricResidual<ImageInterpolator> residual;
};

}  // namespace cbridge
