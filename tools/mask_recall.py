#!/usr/bin/env python3
"""How well prediction folders cover each ground-truth instance, labels ignored.

For every ground-truth instance with at least --min-region points, the prediction of highest IoU in each folder
(ScanNet benchmark format: <scene>.txt lines "<mask path> <label id> <score>", one 0/1 per point in each mask
file). Prints, per folder, the share of instances whose best IoU reaches each threshold, and the mean precision and
recall of those best masks: whether a folder's masks are too small (precision near 1, recall low) or too large.
With --list A B, also lists the instances that folder B covers at IoU >= 0.9 and folder A does not.

    python3 tools/mask_recall.py --gt bench-data/scenes/test PRED_A PRED_B [--list]

Ground truth: GT/<scene>/instance.npy (instance id per point, 0 or less = none) and semantic.npy (ScanNet200 id per
point); an instance's class is its points' majority, and only the benchmark's instance classes count (ScanNet200
without wall and floor, as `ovseg3r eval` scores them). numpy only.
"""
import argparse
import json
import os
import sys

import numpy as np

# ScanNet200 ids and names that are not instance classes of the benchmark.
NOT_INSTANCES = {1, 3}
NOT_INSTANCE_NAMES = {"wall", "floor"}

THRESHOLDS = [0.25, 0.5, 0.75, 0.9, 0.95]


def read_predictions(folder, scene, points, labels=False):
    """One scene's predicted masks (ScanNet benchmark format); with `labels`, (mask, label id, score) triples."""
    tool = os.path.basename(sys.argv[0])
    path = os.path.join(folder, scene + ".txt")
    if not os.path.exists(path):
        sys.exit(f"{tool}: {path} is missing (every scene of --gt needs a prediction file)")
    masks = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 3:
                sys.exit(f"{tool}: {path} line {number}: expected '<mask> <label> <score>', got {line.strip()!r}")
            mask = np.loadtxt(os.path.join(folder, fields[0]), dtype=np.int64).astype(bool)
            if mask.shape != (points,):
                sys.exit(f"{tool}: {os.path.join(folder, fields[0])} holds {mask.size} values, the scene has {points} points")
            masks.append((mask, int(fields[1]), float(fields[2])) if labels else mask)
    return masks


def class_names_and_group(group):
    """ScanNet200 id -> name, and the set of names of `group` ("base" or "novel"; None for "all"), from data/."""
    data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")
    with open(os.path.join(data, "scannet200_classes.json")) as f:
        name_of = {int(k): v for k, v in json.load(f)["id_to_name_200"].items()}
    if group == "all":
        return name_of, None
    with open(os.path.join(data, "scannet200_base51_novel147.json")) as f:
        return name_of, set(json.load(f)[group])


def best_match(masks, instance):
    """(IoU, precision, recall) of the mask of highest IoU with `instance`; zeros when none overlaps."""
    best = (0.0, 0.0, 0.0)
    size = instance.sum()
    for mask in masks:
        inter = np.count_nonzero(mask & instance)
        if inter == 0:
            continue
        iou = inter / np.count_nonzero(mask | instance)
        if iou > best[0]:
            best = (iou, inter / np.count_nonzero(mask), inter / size)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gt", required=True, help="folder of scene folders with instance.npy")
    parser.add_argument("--min-region", type=int, default=100, help="smaller ground-truth instances are skipped (eval's default)")
    parser.add_argument("--list", action="store_true", help="list instances the second folder covers at IoU >= 0.9 and the first does not")
    parser.add_argument("pred", nargs="+", help="prediction folders")
    args = parser.parse_args()
    if args.list and len(args.pred) != 2:
        sys.exit("mask_recall: --list compares exactly two prediction folders")
    scenes = sorted(d for d in os.listdir(args.gt) if os.path.exists(os.path.join(args.gt, d, "instance.npy")))
    if not scenes:
        sys.exit(f"mask_recall: no <scene>/instance.npy under {args.gt}")
    rows = []  # (scene, instance id, points, [best per folder])
    for scene in scenes:
        instance = np.load(os.path.join(args.gt, scene, "instance.npy"))
        semantic = np.load(os.path.join(args.gt, scene, "semantic.npy"))
        if semantic.shape != instance.shape:
            sys.exit(f"mask_recall: {scene}: semantic.npy holds {semantic.size} labels, instance.npy {instance.size}")
        predictions = [read_predictions(folder, scene, instance.size) for folder in args.pred]
        for iid in np.unique(instance):
            if iid <= 0:
                continue
            gt = instance == iid
            if gt.sum() < args.min_region or int(np.bincount(semantic[gt]).argmax()) in NOT_INSTANCES:
                continue
            rows.append((scene, int(iid), int(gt.sum()), [best_match(p, gt) for p in predictions]))
    print(f"{len(rows)} ground-truth instances of instance classes, at least {args.min_region} points, in {len(scenes)} scenes")
    print("folder | " + " | ".join(f"IoU>={t}" for t in THRESHOLDS) + " | mean precision | mean recall (best masks)")
    for k, folder in enumerate(args.pred):
        best = np.array([r[3][k] for r in rows])
        matched = best[:, 0] > 0
        shares = " | ".join(f"{(best[:, 0] >= t).mean():.2f}" for t in THRESHOLDS)
        print(f"{folder} | {shares} | {best[matched, 1].mean():.3f} | {best[matched, 2].mean():.3f}")
    if args.list:
        print("scene instance points | first: IoU precision recall | second: IoU precision recall")
        for scene, iid, size, (a, b) in rows:
            if b[0] >= 0.9 and a[0] < 0.9:
                print(f"{scene} {iid} {size} | {a[0]:.2f} {a[1]:.2f} {a[2]:.2f} | {b[0]:.2f} {b[1]:.2f} {b[2]:.2f}")


if __name__ == "__main__":
    main()
