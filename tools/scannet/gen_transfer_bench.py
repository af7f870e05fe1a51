#!/usr/bin/env python3
"""Generates the input of the `ovseg3r transfer` benchmark (BENCHMARKS.md): a wavy 150k-vertex triangle mesh
(binary PLY), a "reconstructed" scene folder of points sampled 0-5 mm off the surface (with a 10 % strip of the
mesh left unseen), and a prediction folder of 40 box-shaped masks over the scene's points.

usage: gen_transfer_bench.py OUT [--vertices 150000] [--points 200000] [--seed 0]
Writes OUT/mesh.ply, OUT/scene/ (scene.json + coord.npy), OUT/pred/ (scene.txt + pred_mask/), and the same mesh
as a ScanNet scan for `import scannet-gt`: OUT/scans/scene0000_00/ (`_vh_clean_2.ply`, `segs.json` with 20 x 20-vertex
segments, `aggregation.json` with 60 objects) and OUT/labels.tsv.
"""
import argparse
import json
import os

import numpy as np


def surface(x, y):
    return 0.1 * np.sin(3 * x) * np.cos(2 * y)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--vertices", type=int, default=150000)
    ap.add_argument("--points", type=int, default=200000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = np.random.default_rng(a.seed)
    width = int(np.sqrt(a.vertices * 1.5))
    height = a.vertices // width
    xs, ys = np.meshgrid(np.linspace(0, 6, width), np.linspace(0, 4, height))
    v = np.stack([xs.ravel(), ys.ravel(), surface(xs.ravel(), ys.ravel())], 1).astype(np.float32)
    idx = np.arange(width * height).reshape(height, width)
    a0, a1, b0 = idx[:-1, :-1].ravel(), idx[:-1, 1:].ravel(), idx[1:, :-1].ravel()
    b1 = idx[1:, 1:].ravel()
    faces = np.concatenate([np.stack([a0, a1, b0], 1), np.stack([a1, b1, b0], 1)]).astype(np.int32)
    os.makedirs(a.out, exist_ok=True)
    header = (f"ply\nformat binary_little_endian 1.0\nelement vertex {len(v)}\nproperty float x\nproperty float y\n"
              f"property float z\nelement face {len(faces)}\nproperty list uchar int vertex_indices\nend_header\n")
    face_rec = np.zeros(len(faces), dtype=[("n", "u1"), ("i", "<i4", (3,))])
    face_rec["n"] = 3
    face_rec["i"] = faces
    with open(os.path.join(a.out, "mesh.ply"), "wb") as f:
        f.write(header.encode())
        f.write(v.astype("<f4").tobytes())
        f.write(face_rec.tobytes())
    # Points on the surface except the strip x > 5.4 (unseen), 0-5 mm off along z.
    px = rng.uniform(0, 5.4, a.points)
    py = rng.uniform(0, 4, a.points)
    p = np.stack([px, py, surface(px, py) + rng.uniform(0, 0.005, a.points)], 1).astype(np.float32)
    scene = os.path.join(a.out, "scene")
    os.makedirs(scene, exist_ok=True)
    np.save(os.path.join(scene, "coord.npy"), p)
    with open(os.path.join(scene, "scene.json"), "w") as f:
        json.dump({"format_version": 1, "units": "m", "up_axis": "+z", "provenance": {"tool": "gen_transfer_bench.py"},
                   "counts": {"points": len(p)}, "arrays": {"coord": {"dtype": "float32", "shape": [len(p), 3]}}}, f)
    pred = os.path.join(a.out, "pred")
    os.makedirs(os.path.join(pred, "pred_mask"), exist_ok=True)
    lines = []
    for k in range(40):
        cx, cy = rng.uniform(0.5, 5, 2)
        mask = ((np.abs(p[:, 0] - cx) < 0.4) & (np.abs(p[:, 1] - cy) < 0.3)).astype(np.int32)
        np.savetxt(os.path.join(pred, "pred_mask", f"scene_{k}.txt"), mask, fmt="%d")
        lines.append(f"pred_mask/scene_{k}.txt {2 + k % 5} {rng.uniform(0.3, 1):.6f}")
    with open(os.path.join(pred, "scene.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    scan = os.path.join(a.out, "scans", "scene0000_00")
    os.makedirs(scan, exist_ok=True)
    with open(os.path.join(a.out, "mesh.ply"), "rb") as f:
        mesh_bytes = f.read()
    with open(os.path.join(scan, "scene0000_00_vh_clean_2.ply"), "wb") as f:
        f.write(mesh_bytes)
    rows, cols = np.divmod(np.arange(width * height), width)
    seg = (rows // 20) * ((width + 19) // 20) + cols // 20
    with open(os.path.join(scan, "scene0000_00_vh_clean_2.0.010000.segs.json"), "w") as f:
        json.dump({"sceneId": "scene0000_00", "segIndices": seg.tolist()}, f)
    names = ["chair", "table", "door", "cabinet", "bed", "wall", "floor", "unknown thing"]
    segments = rng.permutation(int(seg.max()) + 1)
    groups = [{"id": k, "objectId": k, "label": names[k % len(names)], "segments": segments[3 * k:3 * k + 3].tolist()}
              for k in range(60)]
    with open(os.path.join(scan, "scene0000_00.aggregation.json"), "w") as f:
        json.dump({"sceneId": "scannet.scene0000_00", "segGroups": groups}, f)
    with open(os.path.join(a.out, "labels.tsv"), "w") as f:
        f.write("id\traw_category\tcategory\tcount\tnyu40id\n1\twall\twall\t1\t1\n2\tchair\tchair\t1\t5\n"
                "3\tfloor\tfloor\t1\t2\n4\ttable\ttable\t1\t7\n5\tdoor\tdoor\t1\t8\n7\tcabinet\tcabinet\t1\t3\n"
                "11\tbed\tbed\t1\t4\n")
    print(f"{a.out}: mesh {len(v)} vertices / {len(faces)} faces, scene {len(p)} points, 40 masks")


if __name__ == "__main__":
    main()
