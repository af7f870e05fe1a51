// Zero-level-set extraction from the sparse TSDF by marching tetrahedra.
//
// Why tetrahedra rather than marching cubes: the classic 256-case cube table is long and easy to get subtly
// wrong (ambiguous faces, holes); a tetrahedron has only three kinds of cases (no crossing; one corner apart
// → one triangle; two against two → a quad as two triangles), so the whole "table" is the few lines below and
// has no ambiguity. Each voxel cube (8 neighbouring voxel centres) is split into the 6 tetrahedra of the Kuhn
// (Freudenthal) triangulation, which all share the cube's main diagonal 0→7; the same split in every cube makes
// neighbouring cubes agree on every shared face, so the mesh is watertight wherever the TSDF is observed. Cost:
// roughly twice the triangles of marching cubes. Triangles are oriented so that their normal points from the
// negative (behind-surface) corners to the positive (free-space) corners.
//
// Vertices live on lattice edges (between two voxel centres) and are shared through a hash of the edge, so the
// mesh is indexed. Colours are interpolated along the edge; normals are area-weighted face normals.
// Cubes with a corner that is unobserved (weight < min_weight) or truncated (|tsdf| ≈ 1, i.e. no surface nearby)
// produce nothing, which removes the spurious sheets at the back of the truncation band.
//
// Parallel extraction with the single-threaded result bit for bit: the blocks (in allocation order) are cut into
// options.num_threads contiguous ranges, and each thread meshes its range on its own (local vertex numbers, its own
// edge hash, oriented triangles). The merge then numbers vertices as one sequential pass over all blocks would (a
// vertex gets the next number where its edge is first met): range by range, a local vertex whose edge an earlier
// range already holds takes that range's number, any other takes the next new one. Only edges that a cube of an
// earlier range's block could also hold are looked up (those on a block face next to such a block). Triangles are
// appended in range order; normals are summed afterwards in one pass over all triangles in that order, with the
// same expression as the sequential code, so every float sum happens in the same order.
#include "CBridge.h"
#include "internal.hpp"
#include "tsdf_internal.hpp"

#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

namespace {

using cbridge::kBlockSide;

/// Corner c of a cube has offset (c & 1, (c >> 1) & 1, (c >> 2) & 1).
/// The 6 Kuhn tetrahedra: for each order (a, b, c) of the axes, 0 → e_a → e_a + e_b → 7.
constexpr int kTetrahedra[6][4] = {{0, 1, 3, 7}, {0, 1, 5, 7}, {0, 2, 3, 7}, {0, 2, 6, 7}, {0, 4, 5, 7}, {0, 4, 6, 7}};

struct EdgeKey {
    std::uint64_t a, b;
    bool operator==(const EdgeKey &o) const { return a == o.a && b == o.b; }
};
struct EdgeHash {
    std::size_t operator()(const EdgeKey &k) const {
        return std::hash<std::uint64_t>()(k.a * 0x9E3779B97F4A7C15ULL ^ (k.b + 0x632BE59BD9B4E019ULL));
    }
};
using EdgeMap = std::unordered_map<EdgeKey, int, EdgeHash>;

struct Corner {
    std::uint64_t key;
    Eigen::Vector3i voxel;                 // global voxel coordinate
    Eigen::Vector3f position;
    float sdf;
    Eigen::Vector3f color;
};

Eigen::Vector3f vertexPosition(const std::vector<float> &positions, int v) {
    return Eigen::Vector3f(positions[3 * v], positions[3 * v + 1], positions[3 * v + 2]);
}

/// The mesh of one contiguous range of blocks, with range-local vertex numbers.
struct RangeMesh {
    std::vector<float> positions;          // [V, 3]
    std::vector<unsigned char> colors;     // [V, 3]
    std::vector<int> triangles;            // [T, 3], local vertex numbers, already oriented
    std::vector<unsigned char> flipped;    // [T]: 1 if the triangle was turned to face `outward`
    EdgeMap edges;                         // edge -> local vertex number
    /// Local vertices whose edge a cube of an earlier range's block also holds, so an earlier range may have it.
    std::vector<std::pair<int, EdgeKey>> maybeEarlier;
    // Filled by the merge.
    std::vector<int> global;               // local vertex -> global vertex number (-1 while taken from earlier)
    std::vector<std::array<int, 3>> fromEarlier;  // (local vertex, earlier range, its local vertex there)
};

class MeshBuilder {
public:
    explicit MeshBuilder(RangeMesh &mesh) : mesh_(mesh) { mesh_.edges.reserve(1 << 16); }

    /// The block whose cubes follow; earlier[(dx + 1) + 3 ((dy + 1) + 3 (dz + 1))] says whether its neighbour at
    /// offset (dx, dy, dz) ∈ {−1, 0, 1}³ is allocated and belongs to an earlier range.
    void setBlock(const Eigen::Vector3i &coordinate, const bool earlier[27]) {
        block_ = coordinate;
        std::copy(earlier, earlier + 27, earlier_);
    }

    /// The vertex where the zero crossing on edge (p, q) lies (p.sdf and q.sdf have opposite signs).
    int vertexOn(const Corner &p, const Corner &q) {
        const EdgeKey key = p.key < q.key ? EdgeKey{p.key, q.key} : EdgeKey{q.key, p.key};
        auto [it, inserted] = mesh_.edges.try_emplace(key, static_cast<int>(mesh_.positions.size() / 3));
        if (inserted) {
            // Interpolate from the endpoint with the smaller key so both cubes sharing the edge agree exactly.
            const Corner &first = p.key < q.key ? p : q;
            const Corner &second = p.key < q.key ? q : p;
            const float t = first.sdf / (first.sdf - second.sdf);
            const Eigen::Vector3f position = first.position + t * (second.position - first.position);
            const Eigen::Vector3f color = first.color + t * (second.color - first.color);
            for (int i = 0; i < 3; ++i) {
                mesh_.positions.push_back(position[i]);
                mesh_.colors.push_back(static_cast<unsigned char>(std::lround(std::clamp(color[i], 0.f, 255.f))));
            }
            if (heldByEarlierBlock(p.voxel, q.voxel)) mesh_.maybeEarlier.emplace_back(it->second, key);
        }
        return it->second;
    }

    /// Adds triangle (a, b, c), flipped if needed so that its normal points along `outward`.
    void triangle(int a, int b, int c, const Eigen::Vector3f &outward) {
        if (a == b || b == c || a == c) return;
        const Eigen::Vector3f pa = vertexPosition(mesh_.positions, a), pb = vertexPosition(mesh_.positions, b),
                              pc = vertexPosition(mesh_.positions, c);
        const Eigen::Vector3f normal = (pb - pa).cross(pc - pa);
        const bool flip = normal.dot(outward) < 0;
        if (flip) std::swap(b, c);
        mesh_.triangles.insert(mesh_.triangles.end(), {a, b, c});
        mesh_.flipped.push_back(flip ? 1 : 0);
    }

    void tetrahedron(const Corner *corners[4]) {
        int inside[4], outside[4], ni = 0, no = 0;
        for (int i = 0; i < 4; ++i) {
            if (corners[i]->sdf < 0) inside[ni++] = i; else outside[no++] = i;
        }
        if (ni == 0 || no == 0) return;
        Eigen::Vector3f inCentre = Eigen::Vector3f::Zero(), outCentre = Eigen::Vector3f::Zero();
        for (int i = 0; i < ni; ++i) inCentre += corners[inside[i]]->position / static_cast<float>(ni);
        for (int i = 0; i < no; ++i) outCentre += corners[outside[i]]->position / static_cast<float>(no);
        const Eigen::Vector3f outward = outCentre - inCentre;
        if (ni == 1 || no == 1) {
            // One corner apart from the other three: one triangle on the three edges that leave it.
            const int lone = ni == 1 ? inside[0] : outside[0];
            const int *others = ni == 1 ? outside : inside;
            int v[3];
            for (int i = 0; i < 3; ++i) v[i] = vertexOn(*corners[lone], *corners[others[i]]);
            triangle(v[0], v[1], v[2], outward);
        } else {
            // Two against two: the four crossed edges form a quad, walked so that neighbours share a corner.
            const Corner &i0 = *corners[inside[0]], &i1 = *corners[inside[1]];
            const Corner &o0 = *corners[outside[0]], &o1 = *corners[outside[1]];
            const int a = vertexOn(i0, o0), b = vertexOn(i0, o1), c = vertexOn(i1, o1), d = vertexOn(i1, o0);
            triangle(a, b, c, outward);
            triangle(a, c, d, outward);
        }
    }

private:
    /// Whether a cube of an earlier range's block contains edge (p, q). The cubes containing the edge have origin
    /// min(p, q) along the axes where p and q differ and p − 1 or p along the others; their blocks are the current
    /// block or its face/edge/corner neighbours.
    bool heldByEarlierBlock(const Eigen::Vector3i &p, const Eigen::Vector3i &q) const {
        int low[3], high[3];
        for (int i = 0; i < 3; ++i) {
            const int lowest = p[i] == q[i] ? p[i] - 1 : std::min(p[i], q[i]);
            const int highest = std::min(p[i], q[i]);
            low[i] = cbridge::floorDiv(lowest, kBlockSide) - block_[i];
            high[i] = cbridge::floorDiv(highest, kBlockSide) - block_[i];
        }
        for (int dz = low[2]; dz <= high[2]; ++dz) {
            for (int dy = low[1]; dy <= high[1]; ++dy) {
                for (int dx = low[0]; dx <= high[0]; ++dx) {
                    if (earlier_[(dx + 1) + 3 * ((dy + 1) + 3 * (dz + 1))]) return true;
                }
            }
        }
        return false;
    }

    RangeMesh &mesh_;
    Eigen::Vector3i block_ = Eigen::Vector3i::Zero();
    bool earlier_[27] = {};
};

/// Meshes blocks [begin, end) of the volume into `out`.
void meshRange(const cb_tsdf_volume &volume, std::size_t begin, std::size_t end, float weightFloor, RangeMesh &out) {
    MeshBuilder builder(out);
    const float voxelSize = static_cast<float>(volume.options.voxel_size);
    constexpr float kTruncated = 0.999f;
    Corner cube[8];
    for (std::size_t index = begin; index < end; ++index) {
        const cbridge::TsdfBlock &block = volume.blocks[index];
        bool earlier[27];
        for (int dz = -1; dz <= 1; ++dz) {
            for (int dy = -1; dy <= 1; ++dy) {
                for (int dx = -1; dx <= 1; ++dx) {
                    const Eigen::Vector3i n = block.coordinate + Eigen::Vector3i(dx, dy, dz);
                    auto found = volume.blockIndex.find(cbridge::packCoordinate(n.x(), n.y(), n.z()));
                    earlier[(dx + 1) + 3 * ((dy + 1) + 3 * (dz + 1))] =
                        found != volume.blockIndex.end() && static_cast<std::size_t>(found->second) < begin;
                }
            }
        }
        builder.setBlock(block.coordinate, earlier);
        const Eigen::Vector3i origin = block.coordinate * kBlockSide;
        for (int z = 0; z < kBlockSide; ++z) {
            for (int y = 0; y < kBlockSide; ++y) {
                for (int x = 0; x < kBlockSide; ++x) {
                    bool usable = true, anyInside = false, anyOutside = false;
                    for (int c = 0; c < 8 && usable; ++c) {
                        const int lx = x + (c & 1), ly = y + ((c >> 1) & 1), lz = z + ((c >> 2) & 1);
                        const int gx = origin.x() + lx, gy = origin.y() + ly, gz = origin.z() + lz;
                        const cbridge::TsdfVoxel *voxel =
                            (lx < kBlockSide && ly < kBlockSide && lz < kBlockSide)
                                ? &block.voxels[lx + kBlockSide * (ly + kBlockSide * lz)]
                                : volume.voxel(gx, gy, gz);
                        if (voxel == nullptr || voxel->weight < weightFloor || std::fabs(voxel->sdf) >= kTruncated) {
                            usable = false;
                            break;
                        }
                        cube[c].key = cbridge::packCoordinate(gx, gy, gz);
                        cube[c].voxel = Eigen::Vector3i(gx, gy, gz);
                        cube[c].position = Eigen::Vector3f(gx, gy, gz) * voxelSize;
                        cube[c].sdf = voxel->sdf;
                        cube[c].color = Eigen::Vector3f(voxel->r, voxel->g, voxel->b);
                        (voxel->sdf < 0 ? anyInside : anyOutside) = true;
                    }
                    if (!usable || !anyInside || !anyOutside) continue;
                    for (const auto &tet : kTetrahedra) {
                        const Corner *corners[4] = {&cube[tet[0]], &cube[tet[1]], &cube[tet[2]], &cube[tet[3]]};
                        builder.tetrahedron(corners);
                    }
                }
            }
        }
    }
}

/// Joins the ranges' meshes into `mesh` with the vertex and triangle order of one sequential pass (see the header).
void merge(std::vector<RangeMesh> &ranges, cb_mesh &mesh) {
    const int count = static_cast<int>(ranges.size());
    // For each local vertex that an earlier range may hold: the earliest range that holds it (its first meeting).
    cbridge::inParallel(count, [&](int k) {
        RangeMesh &range = ranges[k];
        range.global.assign(range.positions.size() / 3, 0);
        for (const auto &[local, key] : range.maybeEarlier) {
            for (int j = 0; j < k; ++j) {
                auto found = ranges[j].edges.find(key);
                if (found == ranges[j].edges.end()) continue;
                range.fromEarlier.push_back({local, j, found->second});
                range.global[local] = -1;
                break;
            }
        }
    });
    std::vector<std::size_t> firstVertex(count + 1, 0), firstTriangle(count + 1, 0);
    for (int k = 0; k < count; ++k) {
        firstVertex[k + 1] = firstVertex[k] + ranges[k].global.size() - ranges[k].fromEarlier.size();
        firstTriangle[k + 1] = firstTriangle[k] + ranges[k].triangles.size() / 3;
    }
    const std::size_t vertexCount = firstVertex[count], triangleCount = firstTriangle[count];
    mesh.positions.resize(3 * vertexCount);
    mesh.colors.resize(3 * vertexCount);
    mesh.normals.assign(3 * vertexCount, 0.f);
    mesh.triangles.resize(3 * triangleCount);
    std::vector<unsigned char> flipped(triangleCount);
    // New vertices take the next numbers in local order; their data moves to the global arrays.
    cbridge::inParallel(count, [&](int k) {
        RangeMesh &range = ranges[k];
        EdgeMap().swap(range.edges);
        std::vector<std::pair<int, EdgeKey>>().swap(range.maybeEarlier);
        std::size_t next = firstVertex[k];
        for (std::size_t local = 0; local < range.global.size(); ++local) {
            if (range.global[local] < 0) continue;
            std::copy_n(&range.positions[3 * local], 3, &mesh.positions[3 * next]);
            std::copy_n(&range.colors[3 * local], 3, &mesh.colors[3 * next]);
            range.global[local] = static_cast<int>(next++);
        }
        std::vector<float>().swap(range.positions);
        std::vector<unsigned char>().swap(range.colors);
    });
    // Vertices met before take the earlier range's number; triangles are renumbered into place.
    cbridge::inParallel(count, [&](int k) {
        RangeMesh &range = ranges[k];
        for (const auto &[local, j, there] : range.fromEarlier) range.global[local] = ranges[j].global[there];
        int *triangles = &mesh.triangles[3 * firstTriangle[k]];
        for (std::size_t i = 0; i < range.triangles.size(); ++i) triangles[i] = range.global[range.triangles[i]];
        std::copy(range.flipped.begin(), range.flipped.end(), flipped.begin() + firstTriangle[k]);
        std::vector<int>().swap(range.triangles);
        std::vector<unsigned char>().swap(range.flipped);
    });
    // Area-weighted normals, summed in triangle order. The face normal is the sequential code's expression on the
    // triangle as it was before turning (a, c, b for a turned a, b, c), negated when turned.
    for (std::size_t t = 0; t < triangleCount; ++t) {
        const int a = mesh.triangles[3 * t], b = mesh.triangles[3 * t + 1], c = mesh.triangles[3 * t + 2];
        const Eigen::Vector3f pa = vertexPosition(mesh.positions, a), pb = vertexPosition(mesh.positions, b),
                              pc = vertexPosition(mesh.positions, c);
        Eigen::Vector3f normal;
        if (flipped[t]) {
            normal = (pc - pa).cross(pb - pa);
            normal = -normal;
        } else {
            normal = (pb - pa).cross(pc - pa);
        }
        for (int v : {a, b, c}) {
            for (int i = 0; i < 3; ++i) mesh.normals[3 * v + i] += normal[i];
        }
    }
    for (std::size_t v = 0; v < mesh.normals.size(); v += 3) {
        Eigen::Map<Eigen::Vector3f> n(&mesh.normals[v]);
        const float length = n.norm();
        if (length > 0) n /= length; else n = Eigen::Vector3f(0, 0, 1);
    }
}

}  // namespace

extern "C" int cb_tsdf_extract_mesh(const cb_tsdf_volume *volume, double min_weight, cb_mesh **out) {
    return cbridge::guarded("cb_tsdf_extract_mesh", [&] {
        if (volume == nullptr || out == nullptr) return cbridge::fail(CB_INVALID_ARGUMENT, "cb_tsdf_extract_mesh: NULL argument");
        const float weightFloor = static_cast<float>(std::max(min_weight, 1e-6));
        const std::size_t blocks = volume->blocks.size();
        const int count = static_cast<int>(std::max<std::size_t>(
            1, std::min<std::size_t>(static_cast<std::size_t>(std::max(volume->options.num_threads, 1)), blocks)));
        std::vector<RangeMesh> ranges(count);
        cbridge::inParallel(count, [&](int k) {
            meshRange(*volume, blocks * k / count, blocks * (k + 1) / count, weightFloor, ranges[k]);
        });
        auto mesh = std::make_unique<cb_mesh>();
        merge(ranges, *mesh);
        *out = mesh.release();
        return static_cast<int>(CB_OK);
    });
}

extern "C" int cb_mesh_counts(const cb_mesh *mesh, long *vertices, long *triangles) {
    if (mesh == nullptr || vertices == nullptr || triangles == nullptr) {
        return cbridge::fail(CB_INVALID_ARGUMENT, "cb_mesh_counts: NULL argument");
    }
    *vertices = static_cast<long>(mesh->positions.size() / 3);
    *triangles = static_cast<long>(mesh->triangles.size() / 3);
    return CB_OK;
}

extern "C" int cb_mesh_copy(const cb_mesh *mesh, float *positions, float *normals, unsigned char *colors, int *triangles) {
    if (mesh == nullptr || positions == nullptr || normals == nullptr || colors == nullptr || triangles == nullptr) {
        return cbridge::fail(CB_INVALID_ARGUMENT, "cb_mesh_copy: NULL argument");
    }
    std::copy(mesh->positions.begin(), mesh->positions.end(), positions);
    std::copy(mesh->normals.begin(), mesh->normals.end(), normals);
    std::copy(mesh->colors.begin(), mesh->colors.end(), colors);
    std::copy(mesh->triangles.begin(), mesh->triangles.end(), triangles);
    return CB_OK;
}

extern "C" void cb_mesh_destroy(cb_mesh *mesh) { delete mesh; }
