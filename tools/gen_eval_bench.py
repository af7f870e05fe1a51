#!/usr/bin/env python3
"""Writes random ScanNet-benchmark-format instance data for timing and cross-checking `ovseg3r eval`.

OUT/gt/<scene>.txt     one label*1000+instance per point (0 = unannotated; wall/floor included)
OUT/pred/<scene>.txt   <masks/<scene>_<k>.txt> <label id> <confidence>, one prediction per line
OUT/pred/masks/...     one 0/1 per point

Instances are contiguous runs of points (as in a mesh's vertex order, roughly) with ScanNet200 labels.
Predictions take part of one instance plus some neighbouring points; most keep the instance's label,
some get a random label, some are tiny (< 100 points), scores are random with a few ties.

Usage: gen_eval_bench.py --out DIR --scenes 100 --points 150000 --predictions 100 [--seed 0]
"""
import argparse
import json
import os

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--out', required=True)
    parser.add_argument('--scenes', type=int, default=100)
    parser.add_argument('--points', type=int, default=150000)
    parser.add_argument('--predictions', type=int, default=100)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--classes', default=os.path.join(os.path.dirname(__file__), '..', 'data',
                                                          'scannet200_classes.json'))
    args = parser.parse_args()
    with open(args.classes) as f:
        ids = json.load(f)['VALID_CLASS_IDS_200']
    rng = np.random.default_rng(args.seed)
    gt_dir = os.path.join(args.out, 'gt')
    pred_dir = os.path.join(args.out, 'pred')
    os.makedirs(gt_dir, exist_ok=True)
    os.makedirs(os.path.join(pred_dir, 'masks'), exist_ok=True)
    common = rng.choice(ids[2:], size=30, replace=False)  # labels that recur, so classes pool scenes
    for s in range(args.scenes):
        name = 'scene%04d_00' % s
        n = args.points
        gt = np.zeros(n, dtype=np.int64)
        # Floor and wall take the first 30 %, then objects of random size, with unannotated gaps.
        gt[: n // 6] = 3 * 1000 + 1
        gt[n // 6: 3 * n // 10] = 1 * 1000 + 1
        cursor, runs, count = 3 * n // 10, [], {}
        while cursor < n:
            gap = int(rng.integers(0, 600))
            cursor += gap
            size = int(rng.choice([rng.integers(20, 100), rng.integers(100, 8000)], p=[0.15, 0.85]))
            size = min(size, n - cursor)
            if size <= 0:
                break
            label = int(rng.choice(common) if rng.random() < 0.7 else rng.choice(ids[2:]))
            count[label] = count.get(label, 0) + 1
            gt[cursor: cursor + size] = label * 1000 + count[label]
            runs.append((cursor, size, label))
            cursor += size
        with open(os.path.join(gt_dir, name + '.txt'), 'w') as f:
            f.write('\n'.join(map(str, gt.tolist())) + '\n')
        lines = []
        mask_bytes = np.empty(2 * n, dtype=np.uint8)
        mask_bytes[1::2] = ord('\n')
        for k in range(args.predictions):
            start, size, label = runs[int(rng.integers(0, len(runs)))]
            keep = max(1, int(size * rng.uniform(0.4, 1.0)))
            lo = start + int(rng.integers(0, size - keep + 1))
            hi = min(n, lo + keep + int(rng.integers(0, max(1, size // 3))))
            mask = np.zeros(n, dtype=bool)
            mask[lo:hi] = True
            if rng.random() < 0.2:
                label = int(rng.choice(ids))
            score = round(float(rng.random()), 2 if rng.random() < 0.3 else 6)
            mask_bytes[0::2] = ord('0') + mask
            rel = 'masks/%s_%03d.txt' % (name, k)
            mask_bytes.tofile(os.path.join(pred_dir, rel))
            lines.append('%s %d %s' % (rel, label, repr(score)))
        with open(os.path.join(pred_dir, name + '.txt'), 'w') as f:
            f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
