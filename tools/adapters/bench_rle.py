#!/usr/bin/env python3
"""COCO RLE decoding of tools/adapters (numpy) against pycocotools (C), same masks, same run.

Checks first that both decode every string identically (and that our encoder writes pycocotools' strings), then
times decoding of N masks of W x H (random blobs with many runs), median of ROUNDS alternating rounds.

  pip install pycocotools      # the reference only; the adapters never import it
  python3 tools/adapters/bench_rle.py [--masks 200] [--size 640x480] [--rounds 5]
"""

import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pred2d_io import rle_decode, rle_encode  # noqa: E402


def masks(count, width, height, seed=1):
    """Boolean masks made of a few random ellipses each (instance-like: compact, tens of runs per column)."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    out = []
    for _ in range(count):
        m = np.zeros((height, width), dtype=bool)
        for _ in range(rng.integers(1, 4)):
            cx, cy = rng.uniform(0, width), rng.uniform(0, height)
            rx, ry = rng.uniform(10, width / 4), rng.uniform(10, height / 4)
            m |= ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1
        out.append(m)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--masks", type=int, default=200)
    parser.add_argument("--size", default="640x480")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import pycocotools.mask as reference

    width, height = (int(v) for v in args.size.split("x"))
    data = masks(args.masks, width, height)
    theirs = [reference.encode(np.asfortranarray(m.astype(np.uint8))) for m in data]
    for m, rle in zip(data, theirs):
        rle["counts"] = rle["counts"].decode()
        ours = rle_encode(m)
        assert ours["counts"] == rle["counts"], "encoder differs from pycocotools"
        assert (rle_decode(rle, "bench") == m).all(), "decoder differs from the mask"
    ours_t, ref_t = [], []
    for _ in range(args.rounds):
        t = time.perf_counter()
        for rle in theirs:
            rle_decode(rle, "bench")
        ours_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        for rle in theirs:
            reference.decode({"size": rle["size"], "counts": rle["counts"].encode()})
        ref_t.append(time.perf_counter() - t)
    ours, ref = statistics.median(ours_t), statistics.median(ref_t)
    print(f"{args.masks} masks {width}x{height}: identical to pycocotools (decode and encode strings)")
    print(f"decode: ours {1e3 * ours / args.masks:.3f} ms/mask, pycocotools {1e3 * ref / args.masks:.3f} ms/mask, "
          f"ratio {ours / ref:.2f}x (median of {args.rounds} rounds)")


if __name__ == "__main__":
    main()
