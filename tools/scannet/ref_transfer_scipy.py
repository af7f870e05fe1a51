#!/usr/bin/env python3
"""Reference for `ovseg3r transfer`'s matching step (BENCHMARKS.md): scipy's cKDTree nearest-point query of a
binary little-endian PLY's vertices (float x, y, z first) against a scene folder's coord.npy.

usage: ref_transfer_scipy.py MESH.ply SCENE_DIR [--radius 0.05]
Prints the vertices with no point within the radius and the build + query time (single thread).
"""
import argparse
import os
import time

import numpy as np
from scipy.spatial import cKDTree


def read_vertices(path):
    with open(path, "rb") as f:
        count, props, element = 0, [], None
        while True:
            words = f.readline().split()
            if words == [b"end_header"]:
                break
            if words[:1] == [b"element"]:
                element = words[1]
                if element == b"vertex":
                    count = int(words[2])
            elif words[:1] == [b"property"] and element == b"vertex":
                props.append(words[1])
        assert all(p == b"float" for p in props[:3]), "x, y, z must be float"
        sizes = {b"float": 4, b"uchar": 1, b"double": 8, b"int": 4, b"uint": 4, b"short": 2, b"ushort": 2, b"char": 1}
        stride = sum(sizes[p] for p in props)
        data = np.frombuffer(f.read(count * stride), dtype=np.uint8).reshape(count, stride)
        return data[:, :12].copy().view("<f4").reshape(count, 3)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mesh")
    ap.add_argument("scene")
    ap.add_argument("--radius", type=float, default=0.05)
    a = ap.parse_args()
    vertices = read_vertices(a.mesh)
    points = np.load(os.path.join(a.scene, "coord.npy"))
    t0 = time.perf_counter()
    tree = cKDTree(points)
    dist, _ = tree.query(vertices, k=1, workers=1)
    seconds = time.perf_counter() - t0
    unmatched = int((dist > a.radius).sum())
    print(f"{len(vertices)} vertices, {len(points)} points: {unmatched} unmatched "
          f"({100 * unmatched / len(vertices):.1f} %), median distance {np.median(dist):.4f} m, "
          f"cKDTree build + query {seconds:.2f} s")


if __name__ == "__main__":
    main()
