#!/usr/bin/env python3
"""Reference re-implementation (Python 3 + numpy) of the ScanNet benchmark's instance AP rules.

Written independently for this repository to cross-check the Swift `Eval` module in tests; it reads
the same benchmark-format folders and writes the same JSON fields (`ap`, `ap50`, `ap25`, and per
class `ap_by_threshold` over the nine AP thresholds plus `ap25`). It favours plain, direct code over
speed. Rules, per class c and IoU threshold t:

* ground truth: every distinct non-zero id v with v // 1000 an evaluated class is an instance; it
  takes part in matching only with >= min_region points;
* predictions: of an evaluated class and with >= min_region points, in file order (a mask listed
  twice keeps its first position and its last label/confidence);
* for each GT instance (ascending id), visit the overlapping predictions of its class in file order,
  skipping ones already used as a match; the first with IoU > t is the match (and is marked used);
  each later one with IoU > t is a false positive, the instance keeping the larger score and the FP
  getting the smaller (duplicates are not marked used);
* an instance without a match is a hard false negative;
* a prediction with no same-class instance (of any size) at IoU > t is a false positive unless
  (void points + points on small same-class instances) / its size > t;
* AP = sum(precision_i * (r_{i-1} - r_{i+1}) / 2) over the curve at each distinct score plus the
  point (r=0, p=1), r_{-1} = r_0, r_{n+1} = 0; 0 when no scored entry; NaN without GT, 0 with GT
  but no prediction; means are nan-means over the [class x threshold] table.

Usage: ref_eval_scannet.py --pred PRED --gt GT --classes classes.json [--min-region 100] --json OUT
classes.json: [{"id": 3, "name": "chair"}, ...]
"""
import argparse
import json
import math
import os

import numpy as np

AP_THRESHOLDS = [float(x) for x in np.arange(0.5, 0.95, 0.05)]
ALL_THRESHOLDS = AP_THRESHOLDS + [0.25]


def read_ints(path):
    with open(path) as f:
        return np.array([int(s) for s in f.read().splitlines()], dtype=np.int64)


def read_prediction_list(path):
    entries = {}
    with open(path) as f:
        for line in f.read().splitlines():
            if not line.strip():
                continue
            mask, label, conf = line.split(' ')
            full = os.path.abspath(os.path.join(os.path.dirname(path), mask))
            entries[full] = (int(float(label)), float(conf))  # dict keeps first position, last value
    return list(entries.items())


def load_scene(scene, pred_dir, gt_dir, class_ids, min_region):
    gt_ids = read_ints(os.path.join(gt_dir, scene + '.txt'))
    valid = np.isin(gt_ids // 1000, class_ids) & (gt_ids > 0)
    gts = []
    for v in np.unique(gt_ids[valid]):
        gts.append({'id': int(v), 'label': int(v // 1000), 'size': int((gt_ids == v).sum())})
    preds = []
    for mask_path, (label, conf) in read_prediction_list(os.path.join(pred_dir, scene + '.txt')):
        if label not in class_ids:
            continue
        mask = read_ints(mask_path) != 0
        assert len(mask) == len(gt_ids), mask_path
        size = int(mask.sum())
        if size < max(min_region, 1):
            continue
        inter = {}
        for gi, g in enumerate(gts):
            if g['label'] == label:
                n = int((mask & (gt_ids == g['id'])).sum())
                if n > 0:
                    inter[gi] = n
        preds.append({'label': label, 'conf': conf, 'size': size,
                      'void': int((mask & ~valid).sum()), 'inter': inter})
    return gts, preds


def step_rule_ap(scores, trues, hard_fn):
    order = np.argsort(np.asarray(scores, dtype=np.float64), kind='stable')
    s = np.asarray(scores, dtype=np.float64)[order]
    t = np.asarray(trues, dtype=np.float64)[order]
    n = len(s)
    before = np.concatenate([[0.0], np.cumsum(t)])
    total = before[-1]
    precision, recall = [], []
    for i in range(n):
        if i > 0 and s[i] == s[i - 1]:
            continue
        tp = total - before[i]
        fp = (n - i) - tp
        fn = before[i] + hard_fn
        precision.append(tp / (tp + fp))
        recall.append(tp / (tp + fn))
    precision.append(1.0)
    recall.append(0.0)
    ap = 0.0
    for i in range(len(precision)):
        prev_r = recall[0] if i == 0 else recall[i - 1]
        next_r = recall[i + 1] if i + 1 < len(recall) else 0.0
        ap += precision[i] * (prev_r - next_r) / 2.0
    return ap


def class_ap(label, t, scenes, min_region):
    scores, trues, hard_fn = [], [], 0
    for gts, preds in scenes:
        used = set()
        for gi, g in enumerate(gts):
            if g['label'] != label or g['size'] < min_region:
                continue
            best = None
            for pi, p in enumerate(preds):
                if pi in used or gi not in p['inter']:
                    continue
                n = p['inter'][gi]
                if n / (g['size'] + p['size'] - n) > t:
                    if best is None:
                        best = p['conf']
                        used.add(pi)
                    else:
                        scores.append(min(best, p['conf']))
                        trues.append(False)
                        best = max(best, p['conf'])
            if best is None:
                hard_fn += 1
            else:
                scores.append(best)
                trues.append(True)
        for p in preds:
            if p['label'] != label:
                continue
            if any(n / (gts[gi]['size'] + p['size'] - n) > t for gi, n in p['inter'].items()):
                continue
            ignored = p['void'] + sum(n for gi, n in p['inter'].items() if gts[gi]['size'] < min_region)
            if ignored / p['size'] <= t:
                scores.append(p['conf'])
                trues.append(False)
    return step_rule_ap(scores, trues, hard_fn)


def nan_mean(values):
    kept = [v for v in values if not math.isnan(v)]
    return sum(kept) / len(kept) if kept else float('nan')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--pred', required=True)
    parser.add_argument('--gt', required=True)
    parser.add_argument('--classes', required=True)
    parser.add_argument('--min-region', type=int, default=100)
    parser.add_argument('--json', required=True)
    args = parser.parse_args()
    with open(args.classes) as f:
        classes = json.load(f)
    class_ids = [c['id'] for c in classes]
    names = sorted(f[:-4] for f in os.listdir(args.pred)
                   if f.endswith('.txt') and f != 'semantic_instance_evaluation.txt')
    scenes = [load_scene(s, args.pred, args.gt, class_ids, args.min_region) for s in names]
    table = []
    for c in classes:
        has_gt = any(g['label'] == c['id'] and g['size'] >= args.min_region for gts, _ in scenes for g in gts)
        has_pred = any(p['label'] == c['id'] for _, preds in scenes for p in preds)
        if has_gt and has_pred:
            table.append([class_ap(c['id'], t, scenes, args.min_region) for t in ALL_THRESHOLDS])
        else:
            table.append([0.0 if has_gt else float('nan')] * len(ALL_THRESHOLDS))

    def out(v):
        return None if math.isnan(v) else v

    result = {
        'ap': out(nan_mean([v for row in table for v in row[:9]])),
        'ap50': out(nan_mean([row[0] for row in table])),
        'ap25': out(nan_mean([row[9] for row in table])),
        'classes': [{'id': c['id'], 'name': c['name'], 'ap': out(sum(row[:9]) / 9), 'ap50': out(row[0]),
                     'ap25': out(row[9]), 'ap_by_threshold': [out(v) for v in row[:9]]}
                    for c, row in zip(classes, table)],
    }
    with open(args.json, 'w') as f:
        json.dump(result, f, indent=1)


if __name__ == '__main__':
    main()
