#!/bin/bash
# One training step of the sparse-UNet encoder against the MLP encoder on the same room (BENCHMARKS.md, issue 17).
# Usage: tools/benchmark/sparse_step_compare.sh [ROOM_FOLDER] [WORK_DIR]. Alternates mlp/unet runs of 5 steps for 2
# rounds and prints the medians of step_ms and cpu_ms from log.jsonl (each run's first step dropped) and peak RSS.
set -e
ROOM=${1:-bench-data/scenes/train/scene_0000}
W=${2:-/tmp/sparse-step}
B=${OVSEG3R:-.build/release/ovseg3r}
mkdir -p "$W/room" && ln -sfn "$(realpath "$ROOM")" "$W/room/$(basename "$ROOM")"
echo '{"model": {"feature2DWidth": 16, "encoder": "mlp"}, "checkpointEvery": 1000}' > "$W/mlp.json"
echo '{"model": {"feature2DWidth": 16, "encoder": "sparseUNet"}, "checkpointEvery": 1000}' > "$W/unet.json"
for round in 1 2; do
  for arm in mlp unet; do
    rm -rf "$W/run-$arm-$round"
    echo "round $round $arm load $(cut -d' ' -f1 /proc/loadavg)"
    /usr/bin/time -v "$B" train --data "$W/room" --out "$W/run-$arm-$round" --config "$W/$arm.json" --steps 5 --seed 1 \
      2>"$W/time-$arm-$round.txt" | tail -1
    grep "Maximum resident" "$W/time-$arm-$round.txt"
  done
done
W="$W" python3 - <<'PY'
import json, statistics, glob, os
w = os.environ["W"]
for arm in ["mlp", "unet"]:
    ms, cpu = [], []
    for f in glob.glob(f"{w}/run-{arm}-*/log.jsonl"):
        rows = [json.loads(l) for l in open(f)][1:]
        ms += [r["step_ms"] for r in rows]; cpu += [r.get("cpu_ms", 0) for r in rows]
    print(arm, "median step_ms %.0f" % statistics.median(ms), "median cpu_ms %.0f" % statistics.median(cpu), "n", len(ms))
PY
