// The gradient of a linear function of a point rotated by a quaternion (shared by the closed-form Jacobians of
// residuals/point_to_plane.hpp and residuals/photometric.hpp; the rotated point itself is Eigen's q * p).
#pragma once
#include <Eigen/Core>

namespace cbridge {

// Derivation.
// q = (x, y, z, w) in Eigen's coefficient order, v = (x, y, z). Eigen rotates p by q as
//     f(q) = p + 2w (v × p) + 2 v × (v × p)
// (its transformVector: uv = 2 v × p; p + w·uv + v × uv), which equals R(q) p for a unit q. Differentiating this
// very expression (not R(q) p) gives the same Jacobian as automatic differentiation through Eigen does:
//     ∂f/∂w = 2 (v × p)
//     ∂f/∂v = −2w [p]ₓ + 2 (v pᵀ + (v·p) I − 2 p vᵀ)          using v × (v × p) = v (v·p) − p (v·v).
// For a row vector g (the derivative of a residual with respect to f), gᵀ[p]ₓ = (g × p)ᵀ, so
//     gᵀ ∂f/∂v = 2w (p × g) + 2 ((g·v) p + (v·p) g − 2 (g·p) v),      gᵀ ∂f/∂w = 2 g·(v × p).
// On the unit sphere the two expressions agree, so their derivatives agree along the sphere's tangent space,
// which is all that EigenQuaternionManifold's PlusJacobian keeps.

/// gᵀ ∂f/∂q, written to dq[4] in q's order (x, y, z, w).
inline void rotatedPointGradient(const double *q_xyzw, const Eigen::Vector3d &p, const Eigen::Vector3d &g, double *dq) {
    const Eigen::Vector3d v(q_xyzw[0], q_xyzw[1], q_xyzw[2]);
    const double w = q_xyzw[3];
    const Eigen::Vector3d dv = 2 * w * p.cross(g) + 2 * (g.dot(v) * p + v.dot(p) * g - 2 * g.dot(p) * v);
    dq[0] = dv.x();
    dq[1] = dv.y();
    dq[2] = dv.z();
    dq[3] = 2 * g.dot(v.cross(p));
}

}  // namespace cbridge
