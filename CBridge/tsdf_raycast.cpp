// Rendering the TSDF volume from a camera (ray casting, as KinectFusion renders its model for frame-to-model
// tracking).
//
// Each pixel's ray x = C + R·(r·z), r = ((u − cx)/fx, (v − cy)/fy, 1), is marched in camera depth z from min_depth
// to max_depth. Through unallocated blocks the march advances by half a block; inside allocated blocks by half the
// truncation, reading the nearest voxel. The first sign change from an observed positive (free space) to an observed
// negative value (behind the surface) is the surface: the two samples' trilinearly interpolated values place the
// zero crossing linearly between them. A ray that first meets an observed negative value (it starts behind a
// surface) or no sign change renders no depth (0). Colour is the nearest voxel's at the crossing.
#include "CBridge.h"
#include "internal.hpp"
#include "tsdf_internal.hpp"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <vector>

namespace {

using cbridge::kBlockSide;

/// Voxel lookups for one ray, remembering the last block found (a ray visits each block for several samples).
struct VoxelReader {
    const cb_tsdf_volume &volume;
    double minWeight;
    std::uint64_t lastKey = ~std::uint64_t{0};
    const cbridge::TsdfBlock *lastBlock = nullptr;

    const cbridge::TsdfBlock *block(int bx, int by, int bz) {
        const std::uint64_t key = cbridge::packCoordinate(bx, by, bz);
        if (key == lastKey) return lastBlock;
        auto found = volume.blockIndex.find(key);
        lastKey = key;
        lastBlock = found == volume.blockIndex.end() ? nullptr : &volume.blocks[found->second];
        return lastBlock;
    }

    /// The voxel at integer voxel coordinate g, or nullptr when unallocated or observed less than min_weight.
    const cbridge::TsdfVoxel *voxel(int gx, int gy, int gz) {
        const int bx = cbridge::floorDiv(gx, kBlockSide), by = cbridge::floorDiv(gy, kBlockSide);
        const int bz = cbridge::floorDiv(gz, kBlockSide);
        const cbridge::TsdfBlock *b = block(bx, by, bz);
        if (b == nullptr) return nullptr;
        const cbridge::TsdfVoxel &v =
            b->voxels[(gx - bx * kBlockSide) + kBlockSide * ((gy - by * kBlockSide) + kBlockSide * (gz - bz * kBlockSide))];
        return v.weight >= minWeight && v.weight > 0 ? &v : nullptr;
    }

    /// Trilinear TSDF at a point in voxel units; false when any of the eight voxels is unobserved.
    bool trilinear(const Eigen::Vector3d &p, double &value) {
        const int x0 = static_cast<int>(std::floor(p.x())), y0 = static_cast<int>(std::floor(p.y()));
        const int z0 = static_cast<int>(std::floor(p.z()));
        const double fx = p.x() - x0, fy = p.y() - y0, fz = p.z() - z0;
        double sum = 0;
        for (int corner = 0; corner < 8; ++corner) {
            const int dx = corner & 1, dy = (corner >> 1) & 1, dz = corner >> 2;
            const cbridge::TsdfVoxel *v = voxel(x0 + dx, y0 + dy, z0 + dz);
            if (v == nullptr) return false;
            sum += v->sdf * (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) * (dz ? fz : 1 - fz);
        }
        value = sum;
        return true;
    }
};

}  // namespace

extern "C" int cb_tsdf_raycast(const cb_tsdf_volume *volume, const cb_pose *worldFromCamera, int width, int height,
                               double fx, double fy, double cx, double cy, double minWeight, float *depth,
                               unsigned char *rgb) {
    return cbridge::guarded("cb_tsdf_raycast", [&] {
        const std::string where = "cb_tsdf_raycast: ";
        if (volume == nullptr || worldFromCamera == nullptr || depth == nullptr) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
        }
        if (width <= 0 || height <= 0 || !(fx > 0) || !(fy > 0) || !std::isfinite(cx) || !std::isfinite(cy)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "invalid image size or intrinsics");
        }
        if (cbridge::firstNonFinite(worldFromCamera->q_xyzw, 4) >= 0 || cbridge::firstNonFinite(worldFromCamera->t, 3) >= 0) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "non-finite pose");
        }
        const cb_tsdf_options &o = volume->options;
        Eigen::Quaterniond q(worldFromCamera->q_xyzw[3], worldFromCamera->q_xyzw[0], worldFromCamera->q_xyzw[1],
                             worldFromCamera->q_xyzw[2]);
        if (q.norm() < 1e-12) return cbridge::fail(CB_INVALID_ARGUMENT, where + "zero quaternion");
        q.normalize();
        const Eigen::Matrix3d rotation = q.toRotationMatrix();
        const Eigen::Vector3d centre(worldFromCamera->t[0], worldFromCamera->t[1], worldFromCamera->t[2]);
        const double inverseVoxel = 1.0 / o.voxel_size;
        const double blockSize = o.voxel_size * kBlockSide;
        const double fineStep = 0.5 * o.truncation;

        auto castRow = [&](int v) {
            VoxelReader reader{*volume, minWeight};
            for (int u = 0; u < width; ++u) {
                const long pixel = static_cast<long>(v) * width + u;
                depth[pixel] = 0;
                if (rgb != nullptr) rgb[3 * pixel] = rgb[3 * pixel + 1] = rgb[3 * pixel + 2] = 0;
                const Eigen::Vector3d ray((u - cx) / fx, (v - cy) / fy, 1.0);
                const Eigen::Vector3d direction = rotation * ray;           // world metres per metre of camera depth
                const double rayLength = direction.norm();
                double previousZ = -1, previousValue = 0;
                for (double z = o.min_depth; z <= o.max_depth;) {
                    const Eigen::Vector3d world = centre + direction * z;
                    const Eigen::Vector3d g = world * inverseVoxel;
                    const int gx = static_cast<int>(std::lround(g.x())), gy = static_cast<int>(std::lround(g.y()));
                    const int gz = static_cast<int>(std::lround(g.z()));
                    if (reader.block(cbridge::floorDiv(gx, kBlockSide), cbridge::floorDiv(gy, kBlockSide),
                                     cbridge::floorDiv(gz, kBlockSide)) == nullptr) {
                        previousZ = -1;
                        z += 0.5 * blockSize / rayLength;
                        continue;
                    }
                    const cbridge::TsdfVoxel *nearest = reader.voxel(gx, gy, gz);
                    if (nearest == nullptr) {
                        previousZ = -1;
                        z += fineStep / rayLength;
                        continue;
                    }
                    if (nearest->sdf < 0) {
                        if (previousZ < 0) break;                           // behind a surface without seeing it
                        double a = previousValue, b = nearest->sdf;
                        double va, vb;
                        if (reader.trilinear(centre * inverseVoxel + direction * (previousZ * inverseVoxel), va) &&
                            reader.trilinear(g, vb) && va > 0 && vb < 0) {
                            a = va;
                            b = vb;
                        }
                        const double hit = previousZ + (z - previousZ) * a / (a - b);
                        depth[pixel] = static_cast<float>(hit);
                        if (rgb != nullptr) {
                            const Eigen::Vector3d at = (centre + direction * hit) * inverseVoxel;
                            const cbridge::TsdfVoxel *c = reader.voxel(static_cast<int>(std::lround(at.x())),
                                                                       static_cast<int>(std::lround(at.y())),
                                                                       static_cast<int>(std::lround(at.z())));
                            if (c == nullptr) c = nearest;
                            rgb[3 * pixel] = c->r;
                            rgb[3 * pixel + 1] = c->g;
                            rgb[3 * pixel + 2] = c->b;
                        }
                        break;
                    }
                    previousZ = z;
                    previousValue = nearest->sdf;
                    z += fineStep / rayLength;
                }
            }
        };
        const int threads = std::max(1, std::min(o.num_threads, height));
        cbridge::inParallel(threads, [&](int first) {
            for (int v = first; v < height; v += threads) castRow(v);
        });
        return static_cast<int>(CB_OK);
    });
}
