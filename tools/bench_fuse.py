#!/usr/bin/env python3
"""Training-free lifting (`ovseg3r fuse`) on prepared rooms: AP of each threshold setting, and class-agnostic AP.

For every setting `NAME|FLAGS`: `ovseg3r fuse --scene SCENES --out OUT/NAME FLAGS`, then `ovseg3r eval --split
base-novel --json`; prints one Markdown row (AP, AP50, AP25 for all, base and novel classes, in %; instances
written; wall seconds per room of the fuse process). With --agnostic, also the class-agnostic AP of the first
setting: every ground-truth instance of an evaluated class and every prediction relabelled to one class.

    swift build -c release
    python3 tools/bench_fuse.py SCENES OUT "defaults|" "consensus 0.7|--consensus 0.7" [--agnostic]
"""
import argparse
import json
import os
import subprocess
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("OVSEG3R", os.path.join(ROOT, ".build/release/ovseg3r"))


def row(name, flags, scenes, out):
    pred = os.path.join(out, "".join(c if c.isalnum() or c in "._" else "_" for c in name))
    start = time.time()
    fused = subprocess.run([BIN, "fuse", "--scene", scenes, "--out", pred] + flags.split(), capture_output=True, text=True, check=True)
    seconds = time.time() - start
    last = fused.stdout.strip().splitlines()[-1]           # "fuse: R scenes, I instances, …"
    rooms, instances = int(last.split(" scenes")[0].split(": ")[-1]), int(last.split(" instances")[0].split(", ")[-1])
    subprocess.run([BIN, "eval", "--pred", pred, "--gt", scenes, "--split", "base-novel", "--json", pred + "/eval.json"],
                   check=True, capture_output=True)
    e = json.load(open(pred + "/eval.json"))
    groups = {g["name"]: g for g in e["groups"]}
    values = [e["ap"], e["ap50"], e["ap25"]] + [groups[k][m] for k in ("base", "novel") for m in ("ap", "ap50", "ap25")]
    cells = " | ".join("–" if v is None else f"{100 * v:.1f}" for v in values)
    print(f"| {name} | {cells} | {instances} | {seconds / rooms:.2f} |", flush=True)
    return pred


def agnostic(scenes, pred, work):
    classes = json.load(open(os.path.join(ROOT, "data/scannet200_classes.json")))
    valid = sorted(set(classes["VALID_CLASS_IDS_200"]) - {1, 3})    # the instance classes: no wall (1), floor (3)
    one = 2                                                          # every instance becomes a "chair"
    for sub in ("gt", "pred"):
        os.makedirs(os.path.join(work, sub), exist_ok=True)
    link = os.path.join(work, "pred", "pred_mask")
    if not os.path.exists(link):
        os.symlink(os.path.abspath(os.path.join(pred, "pred_mask")), link)
    for name in sorted(os.listdir(scenes)):
        folder = os.path.join(scenes, name)
        if not os.path.exists(os.path.join(folder, "semantic.npy")):
            continue
        semantic, instance = np.load(os.path.join(folder, "semantic.npy")), np.load(os.path.join(folder, "instance.npy"))
        keep = np.isin(semantic, valid) & (instance > 0)
        np.savetxt(os.path.join(work, "gt", name + ".txt"), np.where(keep, one * 1000 + instance, 0).astype(np.int64), fmt="%d")
        listing = os.path.join(pred, name + ".txt")
        lines = [l.split() for l in open(listing)] if os.path.exists(listing) else []
        with open(os.path.join(work, "pred", name + ".txt"), "w") as f:
            f.writelines(f"{mask} {one} {score}\n" for mask, _, score in lines)
    subprocess.run([BIN, "eval", "--pred", work + "/pred", "--gt", work + "/gt", "--json", work + "/eval.json"],
                   check=True, capture_output=True)
    e = json.load(open(work + "/eval.json"))
    print(f"class-agnostic: AP {100 * e['ap']:.1f}, AP50 {100 * e['ap50']:.1f}, AP25 {100 * e['ap25']:.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenes")
    parser.add_argument("out")
    parser.add_argument("settings", nargs="*", default=["defaults|"], help="NAME|FLAGS, e.g. 'consensus 0.7|--consensus 0.7'")
    parser.add_argument("--agnostic", action="store_true", help="also the class-agnostic AP of the first setting")
    args = parser.parse_args()
    print("| setting | AP | AP50 | AP25 | AP base | AP50 base | AP25 base | AP novel | AP50 novel | AP25 novel | instances | s/room |")
    print("|---|" + "---:|" * 11)
    preds = [row(*s.split("|", 1), args.scenes, args.out) for s in args.settings]
    if args.agnostic and preds:
        agnostic(args.scenes, preds[0], os.path.join(args.out, "agnostic"))


if __name__ == "__main__":
    main()
