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
#include "CBridge.h"
#include "internal.hpp"
#include "tsdf_internal.hpp"

#include <Eigen/Geometry>

#include <array>
#include <cmath>
#include <memory>

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

struct Corner {
    std::uint64_t key;
    Eigen::Vector3f position;
    float sdf;
    Eigen::Vector3f color;
};

class MeshBuilder {
public:
    explicit MeshBuilder(cb_mesh &mesh) : mesh_(mesh) { edges_.reserve(1 << 16); }

    /// The vertex where the zero crossing on edge (p, q) lies (p.sdf and q.sdf have opposite signs).
    int vertexOn(const Corner &p, const Corner &q) {
        const EdgeKey key = p.key < q.key ? EdgeKey{p.key, q.key} : EdgeKey{q.key, p.key};
        auto [it, inserted] = edges_.try_emplace(key, static_cast<int>(mesh_.positions.size() / 3));
        if (inserted) {
            // Interpolate from the endpoint with the smaller key so both cubes sharing the edge agree exactly.
            const Corner &first = p.key < q.key ? p : q;
            const Corner &second = p.key < q.key ? q : p;
            const float t = first.sdf / (first.sdf - second.sdf);
            const Eigen::Vector3f position = first.position + t * (second.position - first.position);
            const Eigen::Vector3f color = first.color + t * (second.color - first.color);
            for (int i = 0; i < 3; ++i) {
                mesh_.positions.push_back(position[i]);
                mesh_.normals.push_back(0);
                mesh_.colors.push_back(static_cast<unsigned char>(std::lround(std::clamp(color[i], 0.f, 255.f))));
            }
        }
        return it->second;
    }

    /// Adds triangle (a, b, c), flipped if needed so that its normal points along `outward`.
    void triangle(int a, int b, int c, const Eigen::Vector3f &outward) {
        if (a == b || b == c || a == c) return;
        const Eigen::Vector3f pa = position(a), pb = position(b), pc = position(c);
        Eigen::Vector3f normal = (pb - pa).cross(pc - pa);
        if (normal.dot(outward) < 0) {
            std::swap(b, c);
            normal = -normal;
        }
        mesh_.triangles.insert(mesh_.triangles.end(), {a, b, c});
        for (int v : {a, b, c}) {
            for (int i = 0; i < 3; ++i) mesh_.normals[3 * v + i] += normal[i];
        }
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

    void finish() {
        for (std::size_t v = 0; v < mesh_.normals.size(); v += 3) {
            Eigen::Map<Eigen::Vector3f> n(&mesh_.normals[v]);
            const float length = n.norm();
            if (length > 0) n /= length; else n = Eigen::Vector3f(0, 0, 1);
        }
    }

private:
    Eigen::Vector3f position(int v) const {
        return Eigen::Vector3f(mesh_.positions[3 * v], mesh_.positions[3 * v + 1], mesh_.positions[3 * v + 2]);
    }

    cb_mesh &mesh_;
    std::unordered_map<EdgeKey, int, EdgeHash> edges_;
};

}  // namespace

extern "C" int cb_tsdf_extract_mesh(const cb_tsdf_volume *volume, double min_weight, cb_mesh **out) {
    return cbridge::guarded("cb_tsdf_extract_mesh", [&] {
        if (volume == nullptr || out == nullptr) return cbridge::fail(CB_INVALID_ARGUMENT, "cb_tsdf_extract_mesh: NULL argument");
        auto mesh = std::make_unique<cb_mesh>();
        MeshBuilder builder(*mesh);
        const float voxelSize = static_cast<float>(volume->options.voxel_size);
        const float weightFloor = static_cast<float>(std::max(min_weight, 1e-6));
        constexpr float kTruncated = 0.999f;
        Corner cube[8];
        for (const cbridge::TsdfBlock &block : volume->blocks) {
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
                                    : volume->voxel(gx, gy, gz);
                            if (voxel == nullptr || voxel->weight < weightFloor || std::fabs(voxel->sdf) >= kTruncated) {
                                usable = false;
                                break;
                            }
                            cube[c].key = cbridge::packCoordinate(gx, gy, gz);
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
        builder.finish();
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
