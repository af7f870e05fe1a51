#!/usr/bin/env python3
"""Markdown table of the training ablations written by tools/train_ablations_demo.sh.

Usage: python3 tools/train_ablation_table.py WORKDIR
Reads WORKDIR/eval_<row>_s<seed>.json (ovseg3r eval --json) and WORKDIR/<row>_s<seed>.time (/usr/bin/time),
prints one line per run (AP in %, higher is better) and, for rows with several seeds, the mean and spread.
"""
import glob
import json
import os
import re
import sys

ROWS = [("full", "full (VIP + IBSp + 2D features + 100 % reconstructed)"),
        ("no_vip", "w/o VIP (view labels supervise the whole scene prediction)"),
        ("no_ibsp", "w/o IBSp (geometric superpoints)"),
        ("no_2d", "w/o 2D features"),
        ("recon0", "0 % reconstructed data (base-class 3D GT only)")]


def triple(d):
    return [100 * d["ap"], 100 * d["ap50"], 100 * d["ap25"]]


def load(path):
    e = json.load(open(path))
    groups = {g["name"]: g for g in e["groups"]}
    return triple(e) + triple(groups["base"]) + triple(groups["novel"])


def main():
    w = sys.argv[1]
    print("| run | seed | AP | AP50 | AP25 | base AP / AP50 / AP25 | novel AP / AP50 / AP25 | train wall s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---|---|---:|---:|")
    for key, label in ROWS:
        runs = []
        for path in sorted(glob.glob(os.path.join(w, f"eval_{key}_s*.json"))):
            seed = re.search(r"_s(\d+)\.json$", path).group(1)
            v = load(path)
            runs.append(v)
            wall, rss = "", ""
            tpath = os.path.join(w, f"{key}_s{seed}.time")
            if os.path.exists(tpath):
                m = re.search(r"([\d.]+) s wall, (\d+) KB peak", open(tpath).read())
                if m:
                    wall, rss = m.group(1), f"{int(m.group(2)) / 1024:.0f}"
            f = lambda xs: " / ".join(f"{x:.1f}" for x in xs)
            print(f"| {label} | {seed} | {v[0]:.1f} | {v[1]:.1f} | {v[2]:.1f} | {f(v[3:6])} | {f(v[6:9])} | {wall} | {rss} |")
        if len(runs) > 1:
            mean = [sum(r[i] for r in runs) / len(runs) for i in range(9)]
            half = [(max(r[i] for r in runs) - min(r[i] for r in runs)) / 2 for i in range(9)]
            print(f"| {label}: mean ± half-range of {len(runs)} seeds | | {mean[0]:.1f} ± {half[0]:.1f} | "
                  f"{mean[1]:.1f} ± {half[1]:.1f} | {mean[2]:.1f} ± {half[2]:.1f} | "
                  f"{mean[3]:.1f} ± {half[3]:.1f} AP | {mean[6]:.1f} ± {half[6]:.1f} AP | | |")


if __name__ == "__main__":
    main()
