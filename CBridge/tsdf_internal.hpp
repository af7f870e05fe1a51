// The sparse TSDF volume shared by tsdf_volume.cpp (allocation, integration) and tsdf_mesh.cpp (extraction).
// Not part of the C interface.
#pragma once
#include "CBridge.h"

#include <Eigen/Core>

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

namespace cbridge {

/// One voxel: the truncated signed distance normalised by the truncation (in [−1, 1], positive in free
/// space), its running weight and the running mean colour. 12 bytes.
struct TsdfVoxel {
    float sdf = 0;
    float weight = 0;
    std::uint8_t r = 0, g = 0, b = 0, pad = 0;
};

constexpr int kBlockSide = 8;                            // voxels per block edge
constexpr int kBlockVoxels = kBlockSide * kBlockSide * kBlockSide;

/// 8³ voxels, x fastest: index = x + 8 (y + 8 z).
struct TsdfBlock {
    Eigen::Vector3i coordinate;                          // block coordinate; voxel (x,y,z) of the block is
                                                         // global voxel 8·coordinate + (x,y,z)
    int lastFrame = -1;                                  // the last frame that touched it (allocation stamp)
    TsdfVoxel voxels[kBlockVoxels];
};

/// Packs a block or voxel coordinate (each component within ±2²⁰) into one 64-bit key.
inline std::uint64_t packCoordinate(int x, int y, int z) {
    constexpr std::int64_t bias = 1 << 20;
    return (static_cast<std::uint64_t>(x + bias) << 42) | (static_cast<std::uint64_t>(y + bias) << 21) |
           static_cast<std::uint64_t>(z + bias);
}

inline int floorDiv(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace cbridge

/// The volume behind the opaque C handle. Voxel centres sit at integer multiples of voxel_size (world metres).
struct cb_tsdf_volume {
    cb_tsdf_options options{};
    std::deque<cbridge::TsdfBlock> blocks;               // in allocation order (deterministic); a deque so
                                                         // growth never copies or moves blocks
    std::unordered_map<std::uint64_t, int> blockIndex;   // packed block coordinate -> index into blocks
    int framesIntegrated = 0;

    /// The voxel at global voxel coordinate g, or nullptr when its block is not allocated.
    const cbridge::TsdfVoxel *voxel(int gx, int gy, int gz) const {
        using namespace cbridge;
        const int bx = floorDiv(gx, kBlockSide), by = floorDiv(gy, kBlockSide), bz = floorDiv(gz, kBlockSide);
        auto found = blockIndex.find(packCoordinate(bx, by, bz));
        if (found == blockIndex.end()) return nullptr;
        const int lx = gx - bx * kBlockSide, ly = gy - by * kBlockSide, lz = gz - bz * kBlockSide;
        return &blocks[found->second].voxels[lx + kBlockSide * (ly + kBlockSide * lz)];
    }
};

/// A triangle mesh behind the opaque C handle.
struct cb_mesh {
    std::vector<float> positions;       // [V, 3]
    std::vector<float> normals;         // [V, 3]
    std::vector<unsigned char> colors;  // [V, 3]
    std::vector<int> triangles;         // [T, 3]
};
