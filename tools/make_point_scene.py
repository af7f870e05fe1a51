#!/usr/bin/env python3
"""Write a geometry-only scene folder of N points sampled from a PLY mesh's vertices (for superpoint speed runs).

usage: make_point_scene.py MESH.ply N OUT_SCENE [SEED]
The scene has coord/normal/color and an empty correspondence table (0 views), enough for
`ovseg3r superpoints OUT_SCENE --mode geometric`.
"""
import json, os, sys
import numpy as np
from plyfile import PlyData

mesh, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
seed = int(sys.argv[4]) if len(sys.argv) > 4 else 0
v = PlyData.read(mesh)["vertex"].data
rng = np.random.default_rng(seed)
pick = np.sort(rng.choice(len(v), size=min(n, len(v)), replace=False))
v = v[pick]
arrays = {
    "coord": np.stack([v["x"], v["y"], v["z"]], 1).astype("<f4"),
    "normal": np.stack([v["nx"], v["ny"], v["nz"]], 1).astype("<f4"),
    "color": np.stack([v["red"], v["green"], v["blue"]], 1).astype("u1"),
    "corr_offsets": np.zeros(1, "<i8"),
    "corr_point": np.zeros(0, "<i4"),
    "corr_uv": np.zeros((0, 2), "<f4"),
    "source_view": np.full(len(v), -1, "<i4"),
}
os.makedirs(out, exist_ok=True)
manifest = {"format_version": 1, "units": "m", "up_axis": "+z", "provenance": {"tool": "make_point_scene.py", "input": mesh},
            "counts": {"points": len(v), "views": 0}, "arrays": {}}
for name, a in arrays.items():
    np.save(f"{out}/{name}.npy", a)
    manifest["arrays"][name] = {"dtype": str(a.dtype), "shape": list(a.shape)}
json.dump([], open(f"{out}/views.json", "w"))
json.dump(manifest, open(f"{out}/scene.json", "w"), indent=2, sort_keys=True)
print(f"{out}: {len(v)} points")
