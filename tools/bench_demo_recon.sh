#!/usr/bin/env bash
# The demo's recon time per room: the demo's old recon preset (1 cm TSDF voxel, 4 cm points) against the new one
# (the mesh voxel follows the point spacing: 2 cm voxel, correspondence tolerance kept at 2 cm), alternated on
# the same rooms in the same run, with the load average next to every run.
#
# usage: tools/bench_demo_recon.sh [BINARY] [WORKDIR] [ROOMS] [ROUNDS]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$repo/.build/release/ovseg3r}
work=${2:-/tmp/bench-demo-recon}
rooms=${3:-2}; rounds=${4:-2}
mkdir -p "$work"
if [ ! -f "$work/videos/scene_$(printf %04d $((rooms - 1)))/synth.json" ]; then
  "$bin" synth --out "$work/videos" --scenes "$rooms" --frames 100 --seed 3 --preset demo >/dev/null
fi
echo '{"fusion": {"pointSpacing": 0.04}}' > "$work/before.json"
echo '{"fusion": {"pointSpacing": 0.04, "voxelSize": 0.02}, "correspondences": {"toleranceVoxels": 1.0}}' > "$work/after.json"
printf "%-7s %-6s %5s %8s %10s %8s %s\n" preset room round wall_s mesh_verts points load1
for round in $(seq 1 "$rounds"); do
  for room in $(seq 0 $((rooms - 1))); do
    name=scene_$(printf %04d "$room")
    for preset in before after; do
      out="$work/scenes-$preset/$name"; rm -rf "$out"
      load=$(cut -d' ' -f1 /proc/loadavg)
      start=$(date +%s.%N)
      "$bin" recon "$work/videos/$name" --out "$out" --poses refine --preset "$work/$preset.json" >/dev/null 2>&1
      end=$(date +%s.%N)
      python3 - "$out/recon_summary.json" "$preset" "$name" "$round" "$start" "$end" "$load" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
summary = s.get("summary", s)
print(f"{sys.argv[2]:7s} {sys.argv[3]:6s} {sys.argv[4]:>5s} {float(sys.argv[6]) - float(sys.argv[5]):8.1f} "
      f"{summary.get('meshVertices', '?'):>10} {summary.get('points', '?'):>8} {sys.argv[7]}  "
      + " ".join(f"{k}={v:.1f}" for k, v in sorted(summary.get("seconds", {}).items())))
PY
    done
  done
done
