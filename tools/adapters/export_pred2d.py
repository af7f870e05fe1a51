#!/usr/bin/env python3
"""VIDEO/pred2d -> COCO-RLE JSON or PNG id maps + labels CSV: the inverse of the two adapters.

For looking at our 2D labels with COCO tools, and for the adapters' round-trip tests.

  python3 tools/adapters/export_pred2d.py coco VIDEO --out preds.json [--uncompressed]
  python3 tools/adapters/export_pred2d.py png VIDEO --out FOLDER        (FOLDER/masks/*.png, FOLDER/labels.csv)
"""

import argparse
import csv
import io
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pred2d_io import AdapterError, atomic_write, png_encode, png_read_ids, rle_encode, video_size  # noqa: E402


def frames(pred2d):
    """(frame, ids [h, w], instances) per frame that has a mask, in frame order."""
    folder = os.path.join(pred2d, "masks")
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".png"))
    except OSError as e:
        raise AdapterError(f"{folder}: cannot list masks: {e}")
    for name in names:
        stem = name[:-4]
        path = os.path.join(pred2d, "instances", stem + ".json")
        try:
            with open(path) as f:
                instances = json.load(f)
        except (OSError, ValueError) as e:
            raise AdapterError(f"{path}: cannot read: {e}")
        yield int(stem), png_read_ids(os.path.join(folder, name)), instances


def export_coco(video, out, compressed):
    w, h = video_size(video)
    images, annotations, categories = [], [], {}
    for frame, ids, instances in frames(os.path.join(video, "pred2d")):
        images.append({"id": frame, "file_name": f"{frame:06d}.jpg", "width": w, "height": h})
        for instance in instances:
            category = categories.setdefault(instance["label"], len(categories) + 1)
            annotations.append({"id": len(annotations) + 1, "image_id": frame, "category_id": category,
                                "score": instance["score"], "segmentation": rle_encode(ids == instance["id"], compressed)})
    doc = {"images": images, "annotations": annotations,
           "categories": [{"id": i, "name": name} for name, i in categories.items()]}
    atomic_write(out, json.dumps(doc).encode())
    return len(annotations)


def export_png(video, out):
    os.makedirs(os.path.join(out, "masks"), exist_ok=True)
    text = io.StringIO()
    table = csv.writer(text, lineterminator="\n")
    table.writerow(["frame", "id", "label", "score"])
    count = 0
    for frame, ids, instances in frames(os.path.join(video, "pred2d")):
        dtype = np.uint8 if ids.max(initial=0) < 256 else np.uint16
        atomic_write(os.path.join(out, "masks", f"{frame:06d}.png"), png_encode(ids.astype(dtype)))
        for instance in instances:
            table.writerow([f"{frame:06d}.png", instance["id"], instance["label"], repr(float(instance["score"]))])
            count += 1
    atomic_write(os.path.join(out, "labels.csv"), text.getvalue().encode())
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("format", choices=["coco", "png"])
    parser.add_argument("video", help="video folder with pred2d/")
    parser.add_argument("--out", required=True)
    parser.add_argument("--uncompressed", action="store_true", help="coco: RLE counts as integer lists")
    args = parser.parse_args()
    try:
        n = export_coco(args.video, args.out, not args.uncompressed) if args.format == "coco" else export_png(args.video, args.out)
    except AdapterError as e:
        print(f"export_pred2d: {e}", file=sys.stderr)
        return 1
    print(f"export_pred2d: {n} instances -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
