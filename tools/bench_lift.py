#!/usr/bin/env python3
"""Reference lifting in numpy (+ Pillow for the 16-bit mask PNGs), for the per-view speed ratio in BENCHMARKS.md.

usage: bench_lift.py SCENE VIDEO [--check]
Does per view what `ovseg3r lift` does: read the mask, instances JSON and feature map; read the id at every
correspondence pixel; a superpoint joins instance m when more than half of its points visible in the view carry
m's id; per-axis median of m's points as its object centre; bilinear feature samples summed per point.
Prints the median seconds per view (same timing span as `lift`: reading the frame's files + the computation).
--check compares the lifted masks with SCENE/vl_offsets.npy / vl_superpoints.npy of a previous `ovseg3r lift`.
Needs: numpy, pillow (pip install pillow).
"""
import json, os, sys, time
import numpy as np
from PIL import Image


def read_mask(path):
    img = Image.open(path)
    return np.asarray(img, dtype=np.uint16) if img.mode.startswith("I") else np.asarray(img).astype(np.uint16)


def lift(scene, video, check=False):
    sp = np.load(f"{scene}/superpoints.npy").astype(np.int64)
    coord = np.load(f"{scene}/coord.npy")
    off = np.load(f"{scene}/corr_offsets.npy"); pts = np.load(f"{scene}/corr_point.npy"); uv = np.load(f"{scene}/corr_uv.npy")
    views = json.load(open(f"{scene}/views.json"))
    objects_path = f"{video}/pred2d/objects.npy"
    objects = np.load(objects_path) if os.path.exists(objects_path) else None
    n, S = len(sp), int(sp.max()) + 1
    feat_sum, feat_count = None, np.zeros(n, np.int64)
    masks, centres, per_view = [], [], []
    for v, view in enumerate(views):
        t0 = time.perf_counter()
        stem = "%06d" % view["frame"]
        p = pts[off[v]:off[v + 1]].astype(np.int64)
        xy = uv[off[v]:off[v + 1]]
        mpath = f"{video}/pred2d/masks/{stem}.png"
        ipath = f"{video}/pred2d/instances/{stem}.json"
        fpath = f"{video}/pred2d/features/{stem}.npy"
        instances = json.load(open(ipath)) if os.path.exists(ipath) else []
        if os.path.exists(mpath):
            mask = read_mask(mpath)
            h, w = mask.shape
            x = np.clip(np.rint((xy[:, 0] + 0.5) * w / view["width"] - 0.5), 0, w - 1).astype(np.int64)
            y = np.clip(np.rint((xy[:, 1] + 0.5) * h / view["height"] - 0.5), 0, h - 1).astype(np.int64)
            ids = mask[y, x].astype(np.int64)
        else:
            ids = np.zeros(len(p), np.int64)
        if os.path.exists(fpath):
            fmap = np.load(fpath).astype(np.float32)
            fh, fw, c = fmap.shape
            if feat_sum is None:
                feat_sum = np.zeros((n, c), np.float32)
            fx = np.clip((xy[:, 0] + 0.5) * fw / view["width"] - 0.5, 0, fw - 1)
            fy = np.clip((xy[:, 1] + 0.5) * fh / view["height"] - 0.5, 0, fh - 1)
            x0 = fx.astype(np.int64); y0 = fy.astype(np.int64)
            x1 = np.minimum(x0 + 1, fw - 1); y1 = np.minimum(y0 + 1, fh - 1)
            ax = (fx - x0)[:, None]; ay = (fy - y0)[:, None]
            sample = ((1 - ax) * (1 - ay) * fmap[y0, x0] + ax * (1 - ay) * fmap[y0, x1]
                      + (1 - ax) * ay * fmap[y1, x0] + ax * ay * fmap[y1, x1])
            np.add.at(feat_sum, p, sample)
            np.add.at(feat_count, p, 1)
        s = sp[p]
        visible = np.bincount(s, minlength=S)
        labelled = ids > 0
        pair = ids[labelled] * S + s[labelled]
        uniq, cnt = np.unique(pair, return_counts=True)
        pid, psp = uniq // S, uniq % S
        keep = cnt > 0.5 * visible[psp]
        for inst in instances:
            m = inst["id"]
            members = psp[keep & (pid == m)]
            if inst.get("object") is not None and objects is not None:
                sel = p[ids == m]
                if len(sel):
                    q = np.sort(coord[sel], axis=0)
                    centres.append(q[len(sel) // 2])
            if len(members):
                masks.append(members)
        per_view.append(time.perf_counter() - t0)
    if feat_sum is not None:
        feat_sum /= np.maximum(feat_count, 1)[:, None]
    print("views\tmasks\tobjects\tmedian_s_per_view\ttotal_s")
    print("%d\t%d\t%d\t%.4f\t%.3f" % (len(views), len(masks), len(centres), float(np.median(per_view)), sum(per_view)))
    if check:
        vo = np.load(f"{scene}/vl_offsets.npy"); vs = np.load(f"{scene}/vl_superpoints.npy")
        ours = [vs[vo[i]:vo[i + 1]] for i in range(len(vo) - 1)]
        same = len(ours) == len(masks) and all(np.array_equal(a, b) for a, b in zip(ours, masks))
        print("lifted masks identical to ovseg3r lift:", same)


if __name__ == "__main__":
    lift(sys.argv[1], sys.argv[2], check="--check" in sys.argv)
