#!/usr/bin/env python3
"""Where a prediction folder's confident mistakes are: its predictions by score band, each found right or wrong.

Each prediction whose class is in --group (e.g. novel) is compared with the ground-truth instances (at least
--min-region points, the benchmark's instance classes): "right" when an instance of its own class overlaps it at
IoU >= 0.5; "duplicate" when a higher-scoring prediction of this folder already took that instance, which AP
counts as a false positive), "on another object" when only an instance of another class does, "ignored" when more than half of its
points lie where the benchmark ignores predictions (no instance, wall, floor, or an instance under --min-region
points; as ScanNet's evaluation does at IoU 0.5), "on nothing" otherwise. Counts per score band show whether a
folder's ranking puts mistakes above its right answers, which is what AP punishes.

    python3 tools/score_bands.py --gt bench-data-val/scenes/test --group novel PRED_A PRED_B

With --one-name-per-mask OUT, it instead writes a copy of one folder keeping, for every distinct mask, only its
highest-scoring (class, score) line: a model that keeps (query, class) pairs writes one mask under several names.
numpy only.
"""
import argparse
import hashlib
import os
import shutil
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mask_recall import NOT_INSTANCE_NAMES, class_names_and_group, read_predictions  # noqa: E402

BANDS = [0.9, 0.7, 0.5, 0.3, 0.0]
VERDICTS = ["right", "duplicate", "on another object", "on nothing", "ignored"]


def one_name_per_mask(source, out):
    """Copies `source` into `out` with one line (the highest score) per distinct mask file content. `out` must not
    exist; the copy is built under a temporary name and renamed into place, so a failed run leaves nothing behind."""
    if os.path.exists(out):
        sys.exit(f"score_bands: {out} already exists; remove it or choose another folder")
    scenes = sorted(f for f in os.listdir(source) if f.endswith(".txt"))
    if not scenes:
        sys.exit(f"score_bands: no <scene>.txt in {source}")
    partial = f"{out}.partial-{os.getpid()}"
    os.makedirs(os.path.join(partial, "pred_mask"))
    kept = total = 0
    try:
        for name in scenes:
            best = {}
            with open(os.path.join(source, name)) as f:
                lines = [line.split() for line in f if line.strip()]
            for number, fields in enumerate(lines, 1):
                if len(fields) != 3:
                    sys.exit(f"score_bands: {os.path.join(source, name)} line {number}: expected '<mask> <label> <score>'")
                mask = os.path.join(source, fields[0])
                if not os.path.isfile(mask):
                    sys.exit(f"score_bands: {os.path.join(source, name)} line {number}: mask file {mask} is missing")
                with open(mask, "rb") as m:
                    key = hashlib.sha1(m.read()).hexdigest()
                if key not in best or float(fields[2]) > float(best[key][2]):
                    best[key] = fields
            with open(os.path.join(partial, name), "w") as f:
                for mask, label, score in best.values():
                    os.makedirs(os.path.dirname(os.path.join(partial, mask)), exist_ok=True)
                    shutil.copyfile(os.path.join(source, mask), os.path.join(partial, mask))
                    f.write(f"{mask} {label} {score}\n")
            kept += len(best)
            total += len(lines)
        os.rename(partial, out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    print(f"score_bands: wrote {out}: {kept} of {total} lines kept (one per distinct mask)")


def bands(gt_root, folder, group, min_region, name_of):
    counts = {b: {v: 0 for v in VERDICTS} for b in BANDS}
    scenes = sorted(d for d in os.listdir(gt_root) if os.path.exists(os.path.join(gt_root, d, "instance.npy")))
    if not scenes:
        sys.exit(f"score_bands: no <scene>/instance.npy under {gt_root}")
    for scene in scenes:
        instance = np.load(os.path.join(gt_root, scene, "instance.npy"))
        semantic = np.load(os.path.join(gt_root, scene, "semantic.npy"))
        if semantic.shape != instance.shape:
            sys.exit(f"score_bands: {scene}: semantic.npy holds {semantic.size} labels, instance.npy {instance.size}")
        objects = []
        ignored = instance <= 0
        for iid in np.unique(instance):
            if iid <= 0:
                continue
            mask = instance == iid
            label = int(np.bincount(semantic[mask]).argmax())
            if mask.sum() >= min_region and name_of.get(label) not in (None, *NOT_INSTANCE_NAMES):
                objects.append((mask, label))
            else:
                ignored |= mask
        taken = set()
        predictions = read_predictions(folder, scene, instance.size, labels=True)
        for mask, label, score in sorted(predictions, key=lambda p: -p[2]):
            if group is not None and name_of.get(label) not in group:
                continue
            same = other = 0.0
            found = None
            for k, (gt, gt_label) in enumerate(objects):
                inter = np.count_nonzero(mask & gt)
                if inter:
                    iou = inter / np.count_nonzero(mask | gt)
                    if gt_label == label:
                        if iou > same:
                            same, found = iou, k
                    else:
                        other = max(other, iou)
            if same >= 0.5:
                verdict = "duplicate" if found in taken else "right"
                taken.add(found)
            elif other >= 0.5:
                verdict = "on another object"
            elif 2 * np.count_nonzero(mask & ignored) > np.count_nonzero(mask):
                verdict = "ignored"
            else:
                verdict = "on nothing"
            counts[next(b for b in BANDS if score >= b)][verdict] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gt", help="folder of scene folders with instance.npy and semantic.npy")
    parser.add_argument("--group", choices=["all", "base", "novel"], default="all", help="classes to count (default all)")
    parser.add_argument("--min-region", type=int, default=100, help="smaller ground-truth instances are skipped (eval's default)")
    parser.add_argument("--one-name-per-mask", metavar="OUT", help="write a copy of the one folder given, one name per mask")
    parser.add_argument("pred", nargs="+", help="prediction folders (ScanNet benchmark format)")
    args = parser.parse_args()
    if args.one_name_per_mask:
        if len(args.pred) != 1:
            sys.exit("score_bands: --one-name-per-mask takes one prediction folder")
        one_name_per_mask(args.pred[0], args.one_name_per_mask)
        return
    if not args.gt:
        sys.exit("score_bands: --gt is required")
    name_of, group = class_names_and_group(args.group)
    print(f"{args.group} predictions by score: " + " / ".join(VERDICTS) + " (IoU 0.5)")
    print("folder | " + " | ".join(f"score >= {b:.1f}" for b in BANDS))
    for folder in args.pred:
        c = bands(args.gt, folder, group, args.min_region, name_of)
        print(f"{folder} | " + " | ".join(" / ".join(str(c[b][v]) for v in VERDICTS) for b in BANDS))


if __name__ == "__main__":
    main()
