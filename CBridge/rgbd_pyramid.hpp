// Image pyramids for RGB-D odometry (rgbd_pyramid.cpp builds them, rgbd_odometry.cpp uses them).
#pragma once
#include "CBridge.h"

#include <Eigen/Core>
#include <Eigen/Geometry>

#include <vector>

namespace cbridge {

/// One pyramid level: depth (metres, 0 = none), grey levels, and for targets the vertex and normal maps.
struct PyramidLevel {
    int width = 0, height = 0;
    double fx = 0, fy = 0, cx = 0, cy = 0;
    std::vector<float> depth;                 // [h·w]
    std::vector<double> intensity;            // [h·w] (double: the bicubic interpolator's grid type); empty if none
    std::vector<Eigen::Vector3f> vertices;    // [h·w] camera coordinates; z = 0 where invalid (targets only)
    std::vector<Eigen::Vector3f> normals;     // [h·w] unit, facing the camera; zero where invalid (targets only)

    Eigen::Vector3f unproject(int u, int v, float z) const {
        return Eigen::Vector3f(static_cast<float>((u - cx) / fx) * z, static_cast<float>((v - cy) / fy) * z, z);
    }
};

/// Builds `levels` levels (level 0 = the input). Depth outside [minDepth, maxDepth] is dropped; a coarse depth
/// is the mean of its valid 2×2 children when they agree within 5 % (else none), grey levels are 2×2 means.
/// withGeometry: also compute vertex and normal maps (for the target frame).
std::vector<PyramidLevel> buildPyramid(const cb_rgbd_frame &frame, int levels, double minDepth, double maxDepth,
                                       bool withGeometry);

}  // namespace cbridge
