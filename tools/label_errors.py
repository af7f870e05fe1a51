#!/usr/bin/env python3
"""Whether the best mask of each ground-truth instance carries the right name.

For every ground-truth instance with at least --min-region points (of the classes of --group, e.g. novel), the
prediction of highest IoU in each folder, labels ignored. A model that scores (query, class) pairs writes the same mask
once per class it keeps; the names on that mask, by descending score, tell whether the right one comes first. Prints,
per folder, how many instances have: the right name first; the right name, but not first; a mask but not the right
name; no mask of IoU >= 0.5. Then the most frequent confusions (true name -> name given first).

    python3 tools/label_errors.py --gt bench-data/scenes/test --group novel PRED_A PRED_B

Ground truth: GT/<scene>/instance.npy and semantic.npy (ScanNet200 ids; an instance's class is its points' majority).
Predictions: the ScanNet benchmark format (<scene>.txt lines "<mask path> <label id> <score>"). Class names and groups
come from data/scannet200_classes.json and data/scannet200_base51_novel147.json. numpy only.
"""
import argparse
import collections
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mask_recall import NOT_INSTANCE_NAMES, class_names_and_group, read_predictions  # noqa: E402



def verdict(predictions, instance, label):
    """(bucket, name id given first or None) for one ground-truth instance."""
    best, best_iou = None, 0.0
    for mask, _, _ in predictions:
        inter = np.count_nonzero(mask & instance)
        if inter and inter / np.count_nonzero(mask | instance) > best_iou:
            best, best_iou = mask, inter / np.count_nonzero(mask | instance)
    if best is None or best_iou < 0.5:
        return "no mask IoU >= 0.5", None
    names = [l for _, l, s in sorted(((m, l, s) for m, l, s in predictions if np.array_equal(m, best)),
                                     key=lambda p: -p[2])]
    if names[0] == label:
        return "right name first", None
    return ("right name, not first" if label in names else "mask, not the right name"), names[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gt", required=True, help="folder of scene folders with instance.npy and semantic.npy")
    parser.add_argument("--group", choices=["all", "base", "novel"], default="all", help="classes to count (default all)")
    parser.add_argument("--min-region", type=int, default=100, help="smaller ground-truth instances are skipped (eval's default)")
    parser.add_argument("--top", type=int, default=12, help="how many confusions to list per folder")
    parser.add_argument("pred", nargs="+", help="prediction folders")
    args = parser.parse_args()
    name_of, group = class_names_and_group(args.group)
    scenes = sorted(d for d in os.listdir(args.gt) if os.path.exists(os.path.join(args.gt, d, "instance.npy")))
    if not scenes:
        sys.exit(f"label_errors: no <scene>/instance.npy under {args.gt}")
    buckets = [collections.Counter() for _ in args.pred]
    confusions = [collections.Counter() for _ in args.pred]
    count = 0
    for scene in scenes:
        instance = np.load(os.path.join(args.gt, scene, "instance.npy"))
        semantic = np.load(os.path.join(args.gt, scene, "semantic.npy"))
        if semantic.shape != instance.shape:
            sys.exit(f"label_errors: {scene}: semantic.npy holds {semantic.size} labels, instance.npy {instance.size}")
        predictions = [read_predictions(folder, scene, instance.size, labels=True) for folder in args.pred]
        for iid in np.unique(instance):
            if iid <= 0:
                continue
            gt = instance == iid
            label = int(np.bincount(semantic[gt]).argmax())
            name = name_of.get(label)
            if gt.sum() < args.min_region or name is None or name in NOT_INSTANCE_NAMES or (group is not None and name not in group):
                continue
            count += 1
            for k, p in enumerate(predictions):
                bucket, given = verdict(p, gt, label)
                buckets[k][bucket] += 1
                if given is not None:
                    confusions[k][(name, name_of.get(given, str(given)))] += 1
    order = ["right name first", "right name, not first", "mask, not the right name", "no mask IoU >= 0.5"]
    print(f"{count} ground-truth instances ({args.group} classes, at least {args.min_region} points) in {len(scenes)} scenes")
    print("folder | " + " | ".join(order))
    for k, folder in enumerate(args.pred):
        print(f"{folder} | " + " | ".join(str(buckets[k][b]) for b in order))
    for k, folder in enumerate(args.pred):
        listed = ", ".join(f"{a} -> {b}" + (f" ({n})" if n > 1 else "") for (a, b), n in confusions[k].most_common(args.top))
        print(f"{folder}: {listed or 'none'}")


if __name__ == "__main__":
    main()
