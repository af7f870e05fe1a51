// Pyramid construction for RGB-D odometry. Intrinsics follow pixel-centre conventions: halving the image maps
// f → f/2 and c → (c + 0.5)/2 − 0.5.
#include "rgbd_pyramid.hpp"

#include <algorithm>
#include <cmath>

namespace cbridge {

namespace {

void computeGeometry(PyramidLevel &level) {
    const int w = level.width, h = level.height;
    level.vertices.assign(static_cast<std::size_t>(w) * h, Eigen::Vector3f::Zero());
    level.normals.assign(static_cast<std::size_t>(w) * h, Eigen::Vector3f::Zero());
    for (int v = 0; v < h; ++v) {
        for (int u = 0; u < w; ++u) {
            const float z = level.depth[v * w + u];
            if (z > 0) level.vertices[v * w + u] = level.unproject(u, v, z);
        }
    }
    // Normals from central differences of the vertex map; skipped across depth discontinuities.
    for (int v = 1; v + 1 < h; ++v) {
        for (int u = 1; u + 1 < w; ++u) {
            const Eigen::Vector3f &c = level.vertices[v * w + u];
            const Eigen::Vector3f &l = level.vertices[v * w + u - 1], &r = level.vertices[v * w + u + 1];
            const Eigen::Vector3f &t = level.vertices[(v - 1) * w + u], &b = level.vertices[(v + 1) * w + u];
            if (c.z() <= 0 || l.z() <= 0 || r.z() <= 0 || t.z() <= 0 || b.z() <= 0) continue;
            const float jump = 0.05f * c.z();
            if (std::fabs(l.z() - r.z()) > 2 * jump || std::fabs(t.z() - b.z()) > 2 * jump) continue;
            Eigen::Vector3f n = (r - l).cross(b - t);
            const float length = n.norm();
            if (length <= 0) continue;
            n /= length;
            if (n.dot(c) > 0) n = -n;
            level.normals[v * w + u] = n;
        }
    }
}

}  // namespace

std::vector<PyramidLevel> buildPyramid(const cb_rgbd_frame &frame, int levels, double minDepth, double maxDepth,
                                       bool withGeometry) {
    std::vector<PyramidLevel> pyramid(levels);
    PyramidLevel &base = pyramid[0];
    base.width = frame.width; base.height = frame.height;
    base.fx = frame.fx; base.fy = frame.fy; base.cx = frame.cx; base.cy = frame.cy;
    const std::size_t count = static_cast<std::size_t>(frame.width) * frame.height;
    base.depth.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
        const float d = frame.depth[i];
        base.depth[i] = (std::isfinite(d) && d >= minDepth && d <= maxDepth) ? d : 0.f;
    }
    if (frame.intensity != nullptr) base.intensity.assign(frame.intensity, frame.intensity + count);
    for (int l = 1; l < levels; ++l) {
        const PyramidLevel &fine = pyramid[l - 1];
        PyramidLevel &coarse = pyramid[l];
        coarse.width = fine.width / 2; coarse.height = fine.height / 2;
        coarse.fx = fine.fx / 2; coarse.fy = fine.fy / 2;
        coarse.cx = (fine.cx + 0.5) / 2 - 0.5; coarse.cy = (fine.cy + 0.5) / 2 - 0.5;
        const int w = coarse.width, h = coarse.height;
        coarse.depth.assign(static_cast<std::size_t>(w) * h, 0.f);
        if (!fine.intensity.empty()) coarse.intensity.assign(static_cast<std::size_t>(w) * h, 0.0);
        for (int v = 0; v < h; ++v) {
            for (int u = 0; u < w; ++u) {
                float sum = 0, lo = 1e30f, hi = 0;
                int valid = 0;
                double grey = 0;
                for (int dv = 0; dv < 2; ++dv) {
                    for (int du = 0; du < 2; ++du) {
                        const std::size_t i = static_cast<std::size_t>(2 * v + dv) * fine.width + (2 * u + du);
                        const float d = fine.depth[i];
                        if (d > 0) { sum += d; lo = std::min(lo, d); hi = std::max(hi, d); ++valid; }
                        if (!fine.intensity.empty()) grey += fine.intensity[i];
                    }
                }
                if (valid > 0 && hi - lo <= 0.05f * lo) coarse.depth[v * w + u] = sum / valid;
                if (!coarse.intensity.empty()) coarse.intensity[v * w + u] = grey / 4;
            }
        }
    }
    if (withGeometry) {
        for (PyramidLevel &level : pyramid) computeGeometry(level);
    }
    return pyramid;
}

}  // namespace cbridge
