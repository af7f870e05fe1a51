#!/usr/bin/env python3
"""COCO-style instance predictions with RLE masks -> VIDEO/pred2d (masks/NNNNNN.png + instances/NNNNNN.json).

Reads what Detectron2 (coco_instances_results.json), Mask2Former, Grounded-SAM and most COCO exporters write:
  - a dict {"images": [...], "annotations": [...], "categories": [...]} or a bare list of annotations;
  - per annotation: "image_id" (resolved through an images table: here or --images) or "file_name" (also
    "image_path", or one "file_name"/"image_path" at the top of a one-image document, as Grounded-SAM dumps write);
    "segmentation" as RLE {"size": [h, w], "counts": "compressed string" | [uncompressed counts]};
    "category_id" (resolved through a categories table) or free text in "label", "category_name", "class_name"
    or "phrase";
    "score" (a number or a one-element list; 1.0 when absent).
Frames are matched by image file name (000012.jpg is frame 12; see pred2d_io.FrameMatcher). Mask sizes must equal
VIDEO/intrinsics.json. Per frame, ids 1..K follow the annotations' order; where masks overlap the higher score wins.

  python3 tools/adapters/coco_to_pred2d.py results.json --images dataset.json --video VIDEO [--out VIDEO/pred2d]
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pred2d_io import (AdapterError, FrameMatcher, check_size, paint, rle_decode, video_size,  # noqa: E402
                       warn_stale, write_frame)


LABEL_KEYS = ("label", "category_name", "class_name", "phrase")


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise AdapterError(f"{path}: cannot read JSON: {e}")


def tables(documents):
    """{image id: file name} and {category id: name} from every document that has them."""
    images, categories = {}, {}
    for path, doc in documents:
        if not isinstance(doc, dict):
            continue
        for image in doc.get("images", []):
            try:
                images[image["id"]] = image["file_name"]
            except (KeyError, TypeError):
                raise AdapterError(f"{path}: an entry of 'images' lacks 'id' or 'file_name': {str(image)[:120]}")
        for category in doc.get("categories", []):
            try:
                categories[category["id"]] = category["name"]
            except (KeyError, TypeError):
                raise AdapterError(f"{path}: an entry of 'categories' lacks 'id' or 'name': {str(category)[:120]}")
    return images, categories


def convert(inputs, video, out, images_file=None, min_score=0.0):
    """Converts; returns {"frames": F, "instances": I}."""
    documents = [(p, load_json(p)) for p in inputs]
    if images_file:
        documents.append((images_file, load_json(images_file)))
    images, categories = tables(documents)
    matcher, size = FrameMatcher(video), video_size(video)
    frames = {}
    for path, doc in documents[:len(inputs)]:
        annotations = doc.get("annotations", []) if isinstance(doc, dict) else doc
        # One document per image (Grounded-SAM style dumps) names its image once, at the top.
        document_image = (doc.get("file_name", doc.get("image_path")) if isinstance(doc, dict) else None)
        if not isinstance(annotations, list):
            raise AdapterError(f"{path}: expected a list of annotations or a dict with 'annotations'")
        for n, ann in enumerate(annotations):
            where = f"{path}: annotation {n}"
            if not isinstance(ann, dict):
                raise AdapterError(f"{where}: expected an object, got {type(ann).__name__}")
            name = ann.get("file_name", ann.get("image_path", document_image))
            if name is None:
                if ann.get("image_id") not in images:
                    raise AdapterError(f"{where}: image_id {ann.get('image_id')!r} is not in any images table "
                                       "(pass the dataset JSON with --images) and there is no 'file_name'")
                name = images[ann["image_id"]]
            label = next((ann[k] for k in LABEL_KEYS if k in ann), None)
            if label is None:
                if ann.get("category_id") not in categories:
                    raise AdapterError(f"{where}: category_id {ann.get('category_id')!r} is not in a categories table "
                                       "and there is no free-text 'label'")
                label = categories[ann["category_id"]]
            score = ann.get("score", 1.0)
            try:
                score = float(score[0] if isinstance(score, list) and len(score) == 1 else score)
            except (TypeError, ValueError):
                raise AdapterError(f"{where}: score {score!r} is not a number")
            if score < min_score:
                continue
            mask = rle_decode(ann.get("segmentation"), where)
            check_size(mask.shape, size, where)
            frames.setdefault(matcher.frame(name, where), []).append((str(label), score, mask))
    count = 0
    for frame, detections in sorted(frames.items()):
        if len(detections) > 65535:
            raise AdapterError(f"frame {frame}: {len(detections)} detections, at most 65535 fit a uint16 mask")
        rows = [{"id": i + 1, "label": label, "score": score} for i, (label, score, _) in enumerate(detections)]
        ids = paint([(i + 1, score, mask) for i, (_, score, mask) in enumerate(detections)], size)
        write_frame(out, frame, ids, rows)
        count += len(rows)
    warn_stale(out, frames.keys(), "coco_to_pred2d")
    return {"frames": len(frames), "instances": count}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", help="COCO-style JSON file(s) with RLE annotations")
    parser.add_argument("--video", required=True, help="the video folder the 2D model ran on")
    parser.add_argument("--out", help="output pred2d folder (default: VIDEO/pred2d)")
    parser.add_argument("--images", help="dataset JSON with the 'images' (and 'categories') tables")
    parser.add_argument("--min-score", type=float, default=0.0, help="drop detections scoring below this")
    args = parser.parse_args()
    out = args.out or os.path.join(args.video, "pred2d")
    try:
        stats = convert(args.inputs, args.video, out, args.images, args.min_score)
    except AdapterError as e:
        print(f"coco_to_pred2d: {e}", file=sys.stderr)
        return 1
    print(f"coco_to_pred2d: {stats['instances']} instances on {stats['frames']} frames -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
