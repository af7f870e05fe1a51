#!/usr/bin/env python3
"""Generates the input of the `ovseg3r transfer` benchmark (BENCHMARKS.md): a wavy 150k-vertex triangle mesh
(binary PLY), a "reconstructed" scene folder of points sampled 0-5 mm off the surface (with a 10 % strip of the
mesh left unseen), and a prediction folder of 40 box-shaped masks over the scene's points.

usage: gen_transfer_bench.py OUT [--vertices 150000] [--points 200000] [--seed 0]
Writes OUT/mesh.ply, OUT/scene/ (scene.json + coord.npy), OUT/pred/ (scene.txt + pred_mask/).
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
    print(f"{a.out}: mesh {len(v)} vertices / {len(faces)} faces, scene {len(p)} points, 40 masks")


if __name__ == "__main__":
    main()
