#!/usr/bin/env python3
"""Per-frame PNG instance-id maps + a label table -> VIDEO/pred2d (masks/NNNNNN.png + instances/NNNNNN.json).

MASKS is a folder of PNG id maps, one per frame, named like the frame (000012.png, frame-12.png; see
pred2d_io.FrameMatcher): 8/16-bit greyscale or palette (the value is the instance id, 0 = background) or 8-bit RGB
(id = R + 256 G + 65536 B, COCO panoptic style). Ids are kept as they are (at most 65535).

The label table (--labels) maps ids to labels and scores, as CSV with a header or as JSON:
  CSV:  frame,id,label,score          (frame and score optional)
  JSON: [{"frame": "000012.png", "id": 3, "label": "chair", "score": 0.9}, ...]   or   {"3": "chair", ...}
With a frame column ids are per frame (most 2D models); without one an id means the same object in every frame
(trackers). Every id present in a mask needs a row. Score defaults to 1.0.

  python3 tools/adapters/pngids_to_pred2d.py MASKS --labels labels.csv --video VIDEO [--out VIDEO/pred2d]
"""

import argparse
import csv
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pred2d_io import (AdapterError, FrameMatcher, check_size, png_read_ids, video_size,  # noqa: E402
                       warn_stale, write_frame)


def read_rows(path):
    """The label table as a list of {"frame"?, "id", "label", "score"?} dicts."""
    try:
        with open(path, newline="") as f:
            text = f.read()
    except OSError as e:
        raise AdapterError(f"{path}: cannot read the label table: {e}")
    if path.lower().endswith(".json"):
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise AdapterError(f"{path}: not JSON: {e}")
        if isinstance(doc, dict):
            return [dict(v, id=k) if isinstance(v, dict) else {"id": k, "label": v} for k, v in doc.items()]
        if isinstance(doc, list):
            return doc
        raise AdapterError(f"{path}: expected a list of rows or an {{id: label}} object")
    rows = list(csv.DictReader(text.splitlines()))
    if rows and not {"id", "label"} <= set(rows[0].keys()):
        raise AdapterError(f"{path}: the CSV header must have 'id' and 'label' (and may have 'frame', 'score'); "
                           f"got {list(rows[0].keys())}")
    return rows


def label_table(path, matcher):
    """{(frame or None, id): (label, score)}."""
    table = {}
    for n, row in enumerate(read_rows(path)):
        where = f"{path}: row {n + 1}"
        try:
            ident = int(row["id"])
            label = str(row["label"])
            score = float(row.get("score") if row.get("score") not in (None, "") else 1.0)
        except (KeyError, TypeError, ValueError) as e:
            raise AdapterError(f"{where}: expected id (integer), label and optional score: {e}")
        if not 1 <= ident <= 65535:
            raise AdapterError(f"{where}: id {ident} is outside 1...65535 (0 is background)")
        frame = row.get("frame")
        key = (None if frame in (None, "") else matcher.frame(str(frame), where), ident)
        table[key] = (label, score)
    return table


def convert(masks_dir, labels, video, out):
    matcher, size = FrameMatcher(video), video_size(video)
    table = label_table(labels, matcher)
    per_frame = any(frame is not None for frame, _ in table)
    try:
        names = sorted(n for n in os.listdir(masks_dir) if n.lower().endswith(".png"))
    except OSError as e:
        raise AdapterError(f"{masks_dir}: cannot list the id maps: {e}")
    if not names:
        raise AdapterError(f"{masks_dir}: no .png id maps")
    seen, count = {}, 0
    for name in names:
        path = os.path.join(masks_dir, name)
        frame = matcher.frame(name, path)
        if frame in seen:
            raise AdapterError(f"{path}: frame {frame} already came from {seen[frame]}")
        seen[frame] = path
        ids = png_read_ids(path)
        check_size(ids.shape, size, path)
        if ids.max(initial=0) > 65535:
            raise AdapterError(f"{path}: id {int(ids.max())} does not fit a uint16 mask (at most 65535)")
        present = [int(i) for i in np.unique(ids) if i != 0]
        wanted = sorted({i for f, i in table if f == frame}) if per_frame else []
        rows = []
        for ident in sorted(set(present) | set(wanted)):
            entry = table.get((frame, ident), table.get((None, ident)))
            if entry is None:
                raise AdapterError(f"{path}: id {ident} has pixels but no row in {labels}"
                                   + (f" for frame {frame}" if per_frame else ""))
            rows.append({"id": ident, "label": entry[0], "score": entry[1]})
        write_frame(out, frame, ids.astype(np.uint16), rows)
        count += len(rows)
    warn_stale(out, seen.keys(), "pngids_to_pred2d")
    return {"frames": len(seen), "instances": count}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("masks", help="folder of per-frame PNG id maps")
    parser.add_argument("--labels", required=True, help="label table: CSV (frame,id,label,score) or JSON")
    parser.add_argument("--video", required=True, help="the video folder the 2D model ran on")
    parser.add_argument("--out", help="output pred2d folder (default: VIDEO/pred2d)")
    args = parser.parse_args()
    out = args.out or os.path.join(args.video, "pred2d")
    try:
        stats = convert(args.masks, args.labels, args.video, out)
    except AdapterError as e:
        print(f"pngids_to_pred2d: {e}", file=sys.stderr)
        return 1
    print(f"pngids_to_pred2d: {stats['instances']} instances on {stats['frames']} frames -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
