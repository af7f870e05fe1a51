// TSDF fusion on voxel hashing (Curless & Levoy averaging; Nießner et al. 2013 block hashing).
//
// Integration of one frame, in two passes:
//  1. Allocation: every valid depth pixel (on a 2-pixel lattice) casts the segment of its ray within
//     ±truncation of the measured depth; every 8³ block that the segment crosses (sampled every half block)
//     is allocated if new and stamped as touched by this frame. Memory therefore grows with the observed
//     surface, not with the room's volume.
//  2. Update: each touched block's voxels are projected into the depth image (nearest pixel, projective
//     distance sdf = D(u,v) − z as in KinectFusion/Open3D). Voxels with sdf < −truncation are occluded and left
//     alone; others take tsdf = min(1, sdf/truncation) into a weighted running mean (weight +1 per frame, capped
//     at max_weight); the colour mean is updated only within the truncation band. Blocks are split between
//     threads; each voxel is written by one thread, so the result does not depend on the thread count.
#include "CBridge.h"
#include "internal.hpp"
#include "tsdf_internal.hpp"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <memory>

namespace {

using cbridge::kBlockSide;

int validateOptions(const cb_tsdf_options &o) {
    using cbridge::fail;
    const std::string where = "cb_tsdf_create: ";
    if (!(o.voxel_size > 0) || !std::isfinite(o.voxel_size)) return fail(CB_INVALID_ARGUMENT, where + "voxel_size must be > 0");
    if (!(o.truncation > o.voxel_size) || !std::isfinite(o.truncation)) {
        return fail(CB_INVALID_ARGUMENT, where + "truncation must exceed voxel_size");
    }
    if (!(o.min_depth >= 0) || !(o.max_depth > o.min_depth) || !std::isfinite(o.max_depth)) {
        return fail(CB_INVALID_ARGUMENT, where + "need 0 <= min_depth < max_depth (finite)");
    }
    if (!(o.max_weight > 0)) return fail(CB_INVALID_ARGUMENT, where + "max_weight must be > 0");
    if (o.num_threads < 1) return fail(CB_INVALID_ARGUMENT, where + "num_threads must be >= 1");
    return CB_OK;
}

struct CameraModel {
    Eigen::Matrix3d rotationCamFromWorld;
    Eigen::Vector3d translationCamFromWorld;
    Eigen::Matrix3d rotationWorldFromCam;
    Eigen::Vector3d translationWorldFromCam;
    double fx, fy, cx, cy;
    int width, height;
};

CameraModel cameraOf(const cb_rgbd_frame &frame, const cb_pose &worldFromCamera) {
    CameraModel c;
    Eigen::Quaterniond q(worldFromCamera.q_xyzw[3], worldFromCamera.q_xyzw[0], worldFromCamera.q_xyzw[1],
                         worldFromCamera.q_xyzw[2]);  // Eigen's constructor takes w, x, y, z
    q.normalize();
    c.rotationWorldFromCam = q.toRotationMatrix();
    c.translationWorldFromCam = Eigen::Vector3d(worldFromCamera.t[0], worldFromCamera.t[1], worldFromCamera.t[2]);
    c.rotationCamFromWorld = c.rotationWorldFromCam.transpose();
    c.translationCamFromWorld = -(c.rotationCamFromWorld * c.translationWorldFromCam);
    c.fx = frame.fx; c.fy = frame.fy; c.cx = frame.cx; c.cy = frame.cy;
    c.width = frame.width; c.height = frame.height;
    return c;
}

/// Pass 1: allocate and stamp the blocks within the truncation band of the frame's surface.
void allocateBlocks(cb_tsdf_volume &volume, const cb_rgbd_frame &frame, const CameraModel &camera, int stamp,
                    std::vector<int> &touched) {
    const cb_tsdf_options &o = volume.options;
    const double blockSize = o.voxel_size * kBlockSide;
    const double step = 0.5 * blockSize;
    const int samples = std::max(2, static_cast<int>(std::ceil(2 * o.truncation / step)) + 1);
    // Neighbouring rays, along the row and from the row before, mostly reach blocks this frame has already
    // stamped. A small direct-mapped cache of the blocks found in this frame answers those without the volume's
    // hash map, whose lookups and block headers are cache misses. A block in the cache was stamped when it went
    // in, so blocks are still allocated and stamped in first-encounter order: the volume is the same as with a
    // lookup per sample.
    constexpr int kCacheBits = 15;
    std::vector<std::uint64_t> seen(std::size_t{1} << kCacheBits, ~std::uint64_t{0});
    for (int v = 0; v < frame.height; v += 2) {
        for (int u = 0; u < frame.width; u += 2) {
            const float d = frame.depth[v * frame.width + u];
            if (!std::isfinite(d) || d <= o.min_depth || d > o.max_depth) continue;
            const Eigen::Vector3d ray((u - camera.cx) / camera.fx, (v - camera.cy) / camera.fy, 1.0);
            for (int s = 0; s < samples; ++s) {
                const double depth = d - o.truncation + (2 * o.truncation) * s / (samples - 1);
                if (depth <= 0) continue;
                const Eigen::Vector3d world = camera.rotationWorldFromCam * (ray * depth) + camera.translationWorldFromCam;
                const int bx = static_cast<int>(std::floor(world.x() / blockSize + 0.5 / kBlockSide));
                const int by = static_cast<int>(std::floor(world.y() / blockSize + 0.5 / kBlockSide));
                const int bz = static_cast<int>(std::floor(world.z() / blockSize + 0.5 / kBlockSide));
                const std::uint64_t key = cbridge::packCoordinate(bx, by, bz);
                std::uint64_t &slot = seen[(key * 0x9E3779B97F4A7C15ULL) >> (64 - kCacheBits)];
                if (slot == key) continue;
                slot = key;
                auto [it, inserted] = volume.blockIndex.try_emplace(key, static_cast<int>(volume.blocks.size()));
                if (inserted) {
                    volume.blocks.emplace_back();
                    volume.blocks.back().coordinate = Eigen::Vector3i(bx, by, bz);
                }
                cbridge::TsdfBlock &block = volume.blocks[it->second];
                if (block.lastFrame != stamp) {
                    block.lastFrame = stamp;
                    touched.push_back(it->second);
                }
            }
        }
    }
}

/// Pass 2 for one block. Single precision with incremental stepping: the camera-space position of voxel (x,y,z)
/// is p0 + x·dx + y·dy + z·dz, so the inner loop is a vector add, a division and a projection.
void updateBlock(cbridge::TsdfBlock &block, const cb_tsdf_options &o, const cb_rgbd_frame &frame,
                 const CameraModel &camera) {
    const float voxel = static_cast<float>(o.voxel_size);
    const float truncation = static_cast<float>(o.truncation);
    const float inverseTruncation = 1.0f / truncation;
    const float minDepth = static_cast<float>(o.min_depth), maxDepth = static_cast<float>(o.max_depth);
    const float maxWeight = static_cast<float>(o.max_weight);
    const Eigen::Matrix3f r = camera.rotationCamFromWorld.cast<float>();
    const Eigen::Vector3d origin = (block.coordinate * kBlockSide).cast<double>() * o.voxel_size;
    const Eigen::Vector3f p0 = (camera.rotationCamFromWorld * origin + camera.translationCamFromWorld).cast<float>();
    const Eigen::Vector3f dx = r.col(0) * voxel, dy = r.col(1) * voxel, dz = r.col(2) * voxel;
    const float fx = static_cast<float>(camera.fx), fy = static_cast<float>(camera.fy);
    const float cx = static_cast<float>(camera.cx), cy = static_cast<float>(camera.cy);
    const float maxU = camera.width - 0.5f, maxV = camera.height - 0.5f;
    for (int z = 0; z < kBlockSide; ++z) {
        for (int y = 0; y < kBlockSide; ++y) {
            Eigen::Vector3f p = p0 + static_cast<float>(y) * dy + static_cast<float>(z) * dz;
            cbridge::TsdfVoxel *row = &block.voxels[kBlockSide * (y + kBlockSide * z)];
            for (int x = 0; x < kBlockSide; ++x, p += dx) {
                if (p.z() <= 1e-6f) continue;
                const float inverseZ = 1.0f / p.z();
                const float uf = fx * p.x() * inverseZ + cx, vf = fy * p.y() * inverseZ + cy;
                if (!(uf >= -0.5f && uf < maxU && vf >= -0.5f && vf < maxV)) continue;
                const int u = static_cast<int>(uf + 0.5f), v = static_cast<int>(vf + 0.5f);
                const long pixel = static_cast<long>(v) * camera.width + u;
                const float d = frame.depth[pixel];
                if (!(d > minDepth && d <= maxDepth)) continue;   // also rejects NaN
                const float sdf = d - p.z();
                if (sdf < -truncation) continue;
                const float tsdf = std::min(1.0f, sdf * inverseTruncation);
                cbridge::TsdfVoxel &voxel = row[x];
                const float w = voxel.weight;
                const float inverse = 1.0f / (w + 1);
                voxel.sdf = (voxel.sdf * w + tsdf) * inverse;
                if (sdf < truncation) {
                    float cr = 200, cg = 200, cb = 200;
                    if (frame.rgb != nullptr) {
                        cr = frame.rgb[3 * pixel]; cg = frame.rgb[3 * pixel + 1]; cb = frame.rgb[3 * pixel + 2];
                    }
                    voxel.r = static_cast<std::uint8_t>((voxel.r * w + cr) * inverse + 0.5f);
                    voxel.g = static_cast<std::uint8_t>((voxel.g * w + cg) * inverse + 0.5f);
                    voxel.b = static_cast<std::uint8_t>((voxel.b * w + cb) * inverse + 0.5f);
                }
                voxel.weight = std::min(w + 1, maxWeight);
            }
        }
    }
}

}  // namespace

extern "C" int cb_tsdf_create(const cb_tsdf_options *options, cb_tsdf_volume **out) {
    return cbridge::guarded("cb_tsdf_create", [&] {
        if (options == nullptr || out == nullptr) return cbridge::fail(CB_INVALID_ARGUMENT, "cb_tsdf_create: NULL argument");
        if (int status = validateOptions(*options); status != CB_OK) return status;
        auto volume = std::make_unique<cb_tsdf_volume>();
        volume->options = *options;
        *out = volume.release();
        return static_cast<int>(CB_OK);
    });
}

extern "C" void cb_tsdf_destroy(cb_tsdf_volume *volume) { delete volume; }

extern "C" int cb_tsdf_integrate(cb_tsdf_volume *volume, const cb_rgbd_frame *frame, const cb_pose *worldFromCamera) {
    return cbridge::guarded("cb_tsdf_integrate", [&] {
        const std::string where = "cb_tsdf_integrate: ";
        if (volume == nullptr || frame == nullptr || worldFromCamera == nullptr || frame->depth == nullptr) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "NULL argument");
        }
        if (frame->width <= 0 || frame->height <= 0 || !(frame->fx > 0) || !(frame->fy > 0)) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "invalid image size or focal length");
        }
        if (cbridge::firstNonFinite(worldFromCamera->q_xyzw, 4) >= 0 || cbridge::firstNonFinite(worldFromCamera->t, 3) >= 0) {
            return cbridge::fail(CB_INVALID_ARGUMENT, where + "non-finite pose");
        }
        const CameraModel camera = cameraOf(*frame, *worldFromCamera);
        const int stamp = volume->framesIntegrated++;
        // The block vector may grow during allocation; the voxel pass only starts afterwards.
        std::vector<int> touched;
        allocateBlocks(*volume, *frame, camera, stamp, touched);
        const int threads = std::max(1, std::min<int>(volume->options.num_threads, static_cast<int>(touched.size())));
        cbridge::inParallel(threads, [&](int first) {
            for (std::size_t i = first; i < touched.size(); i += threads) {
                updateBlock(volume->blocks[touched[i]], volume->options, *frame, camera);
            }
        });
        return static_cast<int>(CB_OK);
    });
}

extern "C" int cb_tsdf_stats(const cb_tsdf_volume *volume, long *blocks, long *bytes) {
    if (volume == nullptr || blocks == nullptr || bytes == nullptr) {
        return cbridge::fail(CB_INVALID_ARGUMENT, "cb_tsdf_stats: NULL argument");
    }
    *blocks = static_cast<long>(volume->blocks.size());
    *bytes = static_cast<long>(volume->blocks.size() * sizeof(cbridge::TsdfBlock) +
                               volume->blockIndex.size() * (sizeof(std::uint64_t) + sizeof(int) + 2 * sizeof(void *)));
    return CB_OK;
}
