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
With --rank-oracle OUT (and --gt), it writes a copy whose scores an oracle chose: each ground-truth instance's best
mask of its own class scores that IoU, every other prediction below them. `ovseg3r eval` on that copy is the AP the
masks would reach under a perfect ranking; the gap to the folder's own AP is what its scores lose. With --without
VERDICT OUT (and --gt), it writes a copy without the predictions of one verdict: the AP gained is what they cost.
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


def rewrite_copy(source, out, rewrite, what):
    """Copies prediction folder `source` into `out`, each scene's lines [mask, label, score] replaced by
    `rewrite(scene, lines)`. `out` must not exist; the copy is built under a temporary name and renamed into place,
    so a failed run leaves nothing behind."""
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
            with open(os.path.join(source, name)) as f:
                lines = [line.split() for line in f if line.strip()]
            for number, fields in enumerate(lines, 1):
                if len(fields) != 3:
                    sys.exit(f"score_bands: {os.path.join(source, name)} line {number}: expected '<mask> <label> <score>'")
                if not os.path.isfile(os.path.join(source, fields[0])):
                    sys.exit(f"score_bands: {os.path.join(source, name)} line {number}: mask file {os.path.join(source, fields[0])} is missing")
            written = rewrite(name[:-len(".txt")], lines)
            with open(os.path.join(partial, name), "w") as f:
                for mask, label, score in written:
                    os.makedirs(os.path.dirname(os.path.join(partial, mask)), exist_ok=True)
                    shutil.copyfile(os.path.join(source, mask), os.path.join(partial, mask))
                    f.write(f"{mask} {label} {score}\n")
            kept += len(written)
            total += len(lines)
        os.rename(partial, out)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    print(f"score_bands: wrote {out}: {kept} of {total} lines ({what})")


def one_name_per_mask(source, out):
    """A copy of `source` with one line (the highest score) per distinct mask file content."""
    def rewrite(_, lines):
        best = {}
        for fields in lines:
            with open(os.path.join(source, fields[0]), "rb") as m:
                key = hashlib.sha1(m.read()).hexdigest()
            if key not in best or float(fields[2]) > float(best[key][2]):
                best[key] = fields
        return list(best.values())
    rewrite_copy(source, out, rewrite, "one per distinct mask")


def rank_oracle(source, out, gt_root, min_region, name_of):
    """A copy of `source` ranked as well as its masks allow: each ground-truth instance is given to the prediction of
    its own class that overlaps it most (pairs taken by descending IoU, one instance per prediction), whose score
    becomes that IoU; every other prediction scores below them all. Its AP is the most any re-scoring of these masks
    can reach (up to the IoU thresholds' own trade-offs), so the gap between it and the folder's AP is what the ranking
    loses, and the gap between it and a perfect 1 what the masks lose."""
    def rewrite(scene, lines):
        objects, ignored = ground_truth(gt_root, scene, min_region, name_of)
        pairs = []
        for n, (mask, label, _) in enumerate(read_predictions(source, scene, ignored.size, labels=True)):
            for k, (gt, gt_label) in enumerate(objects):
                inter = np.count_nonzero(mask & gt) if gt_label == label else 0
                if inter:
                    pairs.append((inter / np.count_nonzero(mask | gt), n, k))
        score, taken = [0.0] * len(lines), set()
        for iou, n, k in sorted(pairs, reverse=True):
            if k not in taken and score[n] == 0:
                taken.add(k)
                score[n] = iou
        # Ties among the unassigned keep the folder's order; the 1e-3 share never lifts one above an assigned IoU of 0.001
        # or more (smaller IoUs count at no threshold of AP).
        return [(m, label, f"{0.999 * score[n] + 0.001 * min(max(float(s), 0), 1):.6f}") for n, (m, label, s) in enumerate(lines)]
    rewrite_copy(source, out, rewrite, "scores replaced by the oracle's IoU")


def ground_truth(gt_root, scene, min_region, name_of):
    """The scene's evaluated instances [(mask, ScanNet200 id)] and the mask of points the benchmark ignores."""
    folder = os.path.join(gt_root, scene)
    if not os.path.exists(os.path.join(folder, "instance.npy")):
        sys.exit(f"score_bands: {folder}/instance.npy is missing (every predicted scene needs its ground truth)")
    instance = np.load(os.path.join(folder, "instance.npy"))
    semantic = np.load(os.path.join(folder, "semantic.npy"))
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
    return objects, ignored


def verdicts(objects, ignored, predictions):
    """Each prediction's verdict, in the order given; predictions are judged by descending score, so the first one on
    an instance is right and later ones are duplicates."""
    out = [None] * len(predictions)
    taken = set()
    for n in sorted(range(len(predictions)), key=lambda i: -predictions[i][2]):
        mask, label, _ = predictions[n]
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
            out[n] = "duplicate" if found in taken else "right"
            taken.add(found)
        elif other >= 0.5:
            out[n] = "on another object"
        elif 2 * np.count_nonzero(mask & ignored) > np.count_nonzero(mask):
            out[n] = "ignored"
        else:
            out[n] = "on nothing"
    return out


def bands(gt_root, folder, group, min_region, name_of):
    counts = {b: {v: 0 for v in VERDICTS} for b in BANDS}
    scenes = sorted(d for d in os.listdir(gt_root) if os.path.exists(os.path.join(gt_root, d, "instance.npy")))
    if not scenes:
        sys.exit(f"score_bands: no <scene>/instance.npy under {gt_root}")
    for scene in scenes:
        objects, ignored = ground_truth(gt_root, scene, min_region, name_of)
        predictions = read_predictions(folder, scene, ignored.size, labels=True)
        for (_, label, score), verdict in zip(predictions, verdicts(objects, ignored, predictions)):
            if group is None or name_of.get(label) in group:
                counts[next(b for b in BANDS if score >= b)][verdict] += 1
    return counts


def without(source, out, verdict, gt_root, min_region, name_of):
    """A copy of `source` without the predictions of one verdict (judged over every class, as `bands` judges them):
    `ovseg3r eval` on it, against the folder's own AP, is what those predictions cost."""
    def rewrite(scene, lines):
        objects, ignored = ground_truth(gt_root, scene, min_region, name_of)
        predictions = read_predictions(source, scene, ignored.size, labels=True)
        return [tuple(line) for line, v in zip(lines, verdicts(objects, ignored, predictions)) if v != verdict]
    rewrite_copy(source, out, rewrite, f"without the predictions {verdict}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gt", help="folder of scene folders with instance.npy and semantic.npy")
    parser.add_argument("--group", choices=["all", "base", "novel"], default="all", help="classes to count (default all)")
    parser.add_argument("--min-region", type=int, default=100, help="smaller ground-truth instances are skipped (eval's default)")
    parser.add_argument("--one-name-per-mask", metavar="OUT", help="write a copy of the one folder given, one name per mask")
    parser.add_argument("--rank-oracle", metavar="OUT",
                        help="write a copy of the one folder given, each prediction scored by its IoU with the instance an "
                             "oracle gives it (needs --gt): the AP its masks reach under a perfect ranking")
    parser.add_argument("--without", nargs=2, metavar=("VERDICT", "OUT"),
                        help="write a copy of the one folder given without the predictions of VERDICT (one of: "
                             + ", ".join(VERDICTS) + "; needs --gt): what they cost in AP")
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
    if args.rank_oracle:
        if len(args.pred) != 1:
            sys.exit("score_bands: --rank-oracle takes one prediction folder")
        rank_oracle(args.pred[0], args.rank_oracle, args.gt, args.min_region, name_of)
        return
    if args.without:
        verdict, out = args.without
        if verdict not in VERDICTS:
            sys.exit(f"score_bands: --without {verdict!r}: the verdicts are " + ", ".join(VERDICTS))
        if len(args.pred) != 1:
            sys.exit("score_bands: --without takes one prediction folder")
        without(args.pred[0], out, verdict, args.gt, args.min_region, name_of)
        return
    print(f"{args.group} predictions by score: " + " / ".join(VERDICTS) + " (IoU 0.5)")
    print("folder | " + " | ".join(f"score >= {b:.1f}" for b in BANDS))
    for folder in args.pred:
        c = bands(args.gt, folder, group, args.min_region, name_of)
        print(f"{folder} | " + " | ".join(" / ".join(str(c[b][v]) for v in VERDICTS) for b in BANDS))


if __name__ == "__main__":
    main()
