#!/usr/bin/env python3
"""Figures of `ovseg3r prepare` and tools/ray_prepare.py, each against a reference measured in the same run.

  1. one video: `prepare` (one process) vs `recon`, `superpoints`, `lift` as three commands (what the demo runs);
     alternating rounds, medians.
  2. a batch of videos: tools/ray_prepare.py (Ray, and --local) vs a plain sequential loop of `ovseg3r prepare`.

  swift build -c release
  python3 tools/bench_prepare.py [--videos 4] [--frames 30] [--preset demo] [--rounds 3] [--no-ray]
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def timed(command, **kwargs):
    start = time.perf_counter()
    subprocess.run(command, check=kwargs.pop("check", True), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ovseg3r", default=os.path.join(ROOT, ".build", "release", "ovseg3r"))
    parser.add_argument("--videos", type=int, default=4)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--preset", default="demo")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-ray", action="store_true")
    args = parser.parse_args()
    binary = args.ovseg3r
    work = tempfile.mkdtemp(prefix="bench-prepare-")
    try:
        videos = os.path.join(work, "videos")
        timed([binary, "synth", "--out", videos, "--scenes", str(args.videos), "--frames", str(args.frames),
               "--preset", args.preset, "--seed", "7"])
        names = sorted(os.listdir(videos))
        video = os.path.join(videos, names[0])

        # 1. One video, alternating: prepare vs the three stage commands.
        one, three = [], []
        for r in range(args.rounds):
            scene = os.path.join(work, f"one-{r}")
            one.append(timed([binary, "prepare", video, "--out", scene]))
            scene = os.path.join(work, f"three-{r}")
            three.append(timed([binary, "recon", video, "--out", scene]) + timed([binary, "superpoints", scene])
                         + timed([binary, "lift", scene]))
        print(f"one video ({args.preset}, {args.frames} frames): prepare {statistics.median(one):.2f} s, "
              f"recon + superpoints + lift commands {statistics.median(three):.2f} s, "
              f"ratio {statistics.median(one) / statistics.median(three):.2f}x (median of {args.rounds})")

        # 2. The batch: one round each (minutes), sequential loop first.
        loop = sum(timed([binary, "prepare", os.path.join(videos, n), "--out", os.path.join(work, "loop", n)])
                   for n in names)
        runner = [sys.executable, os.path.join(ROOT, "tools", "ray_prepare.py"), videos, "--ovseg3r", binary,
                  "--workers", "2"]
        local = timed(runner + ["--out", os.path.join(work, "local"), "--local"])
        print(f"{len(names)} videos: sequential loop {loop:.1f} s; ray_prepare --local --workers 2 {local:.1f} s "
              f"({loop / local:.2f}x faster)")
        if not args.no_ray:
            ray = timed(runner + ["--out", os.path.join(work, "ray")], env=dict(os.environ, RAY_USAGE_STATS_ENABLED="0"))
            print(f"{len(names)} videos: ray_prepare (local Ray instance, 2 CPUs) {ray:.1f} s including Ray start-up "
                  f"({loop / ray:.2f}x the sequential loop's speed)")
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
