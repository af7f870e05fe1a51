#!/usr/bin/env python3
"""Independent re-implementation (numpy only) of the ground-truth conventions `ovseg3r import scannet-gt`
follows, written from the behaviour documented in ScanNet's BenchmarkScripts, used by the tests as a
cross-check of the Swift reader:

- the label map is `scannetv2-labels.combined.tsv`, raw_category -> COLUMN (`id` for ScanNet200,
  `nyu40id` for ScanNet20); the first row of a repeated category wins;
- objects of `<scene>.aggregation.json` are applied in file order (later objects overwrite earlier ones);
  the instance number is objectId + 1 (older files without objectId: id + 1);
- a vertex's value is label * 1000 + instance when its label is one of VALID ids, else 0.

usage: scannet_gt_reference.py SCAN_DIR LABEL_MAP COLUMN VALID_IDS_COMMA_SEPARATED OUT.txt
"""
import csv
import json
import os
import sys

import numpy as np


def main(scan_dir, label_map, column, valid, out):
    scene = os.path.basename(os.path.normpath(scan_dir))
    mapping = {}
    with open(label_map, newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            value = (row.get(column) or "").strip()
            if value.lstrip("-").isdigit() and row["raw_category"] not in mapping:
                mapping[row["raw_category"]] = int(value)
    with open(os.path.join(scan_dir, scene + "_vh_clean_2.0.010000.segs.json")) as f:
        seg = np.asarray(json.load(f)["segIndices"], dtype=np.int64)
    with open(os.path.join(scan_dir, scene + ".aggregation.json")) as f:
        groups = json.load(f)["segGroups"]
    valid_ids = set(int(v) for v in valid.split(","))
    ids = np.zeros(seg.shape[0], dtype=np.int64)
    for group in groups:
        label = mapping.get(group["label"], 0)
        if label not in valid_ids:
            label = 0
        instance = group.get("objectId", group.get("id")) + 1
        mask = np.isin(seg, np.asarray(group["segments"], dtype=np.int64))
        ids[mask] = label * 1000 + instance if label else 0
    np.savetxt(out, ids, fmt="%d")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    main(*sys.argv[1:])
