#!/usr/bin/env bash
# Training ablations (RESULTS.md) on the demo-preset rooms that `ovseg3r demo` builds: 8 training rooms and 3
# held-out rooms, reconstructed from 100-frame videos, IBSp superpoints, lifted 2D labels.
#   tools/train_ablations_demo.sh DEMO_OUT WORKDIR [STEPS=1500] [SEEDS="1"] [ROWS="full no_vip no_ibsp no_2d recon0"]
# DEMO_OUT is the output folder of `ovseg3r demo` (its scenes/{train,test} and videos/ are only read). The scenes are
# copied into WORKDIR (without mesh.ply); the w/o-IBSp rows use a second copy re-segmented with
# `superpoints --mode geometric` and re-lifted. Rows run one at a time; each writes WORKDIR/eval_<row>_s<seed>.json.
# Then: python3 tools/train_ablation_table.py WORKDIR  (prints the Markdown table of RESULTS.md).
set -euo pipefail
SRC=${1:?demo output folder}; W=${2:?workdir}; STEPS=${3:-1500}; SEEDS=${4:-1}
ROWS=${5:-"full no_vip no_ibsp no_2d recon0"}
B=${OVSEG3R:-.build/release/ovseg3r}
mkdir -p "$W"
for mode in ibsp geometric; do
  for split in train test; do
    for s in "$SRC"/scenes/$split/scene_*; do
      d="$W/scenes_$mode/$split/$(basename "$s")"
      [ -f "$d/scene.json" ] && continue
      mkdir -p "$d.tmp"
      for f in "$s"/*; do [ "$(basename "$f")" = mesh.ply ] || cp -a "$f" "$d.tmp/"; done
      if [ "$mode" = geometric ]; then
        $B superpoints "$d.tmp" --mode geometric >/dev/null
        $B lift "$d.tmp" >/dev/null
      fi
      mv "$d.tmp" "$d"
    done
  done
done
# The 2D feature width of the lifted scenes (feat2d.npy is [N, C]).
C=$(python3 -c "import numpy,glob; print(numpy.load(sorted(glob.glob('$W/scenes_ibsp/train/*/feat2d.npy'))[0], mmap_mode='r').shape[1])")
BASE="\"steps\": $STEPS, \"checkpointEvery\": 250, \"model\": {\"feature2DWidth\": $C}"
config() {
  case $1 in
    full|no_ibsp) echo "{$BASE}" ;;
    no_vip) echo "{$BASE, \"supervision\": {\"vip\": false}}" ;;
    no_2d) echo "{$BASE, \"features2D\": false}" ;;
    recon0) echo "{$BASE, \"supervision\": {\"reconstructedFraction\": 0}}" ;;
    *) echo "unknown row $1" >&2; exit 2 ;;
  esac
}
for seed in $SEEDS; do
  for row in $ROWS; do
    name=${row}_s$seed
    [ -f "$W/eval_$name.json" ] && continue
    mode=ibsp; [ "$row" = no_ibsp ] && mode=geometric
    config "$row" > "$W/$name.json"
    rm -rf "$W/run_$name" "$W/pred_$name"
    /usr/bin/time -f "%e s wall, %M KB peak" $B train --data "$W/scenes_$mode/train" --out "$W/run_$name" \
      --config "$W/$name.json" --seed "$seed" 2> "$W/$name.time" | tail -2
    $B predict --checkpoint "$W/run_$name" --scene "$W/scenes_$mode/test" --out "$W/pred_$name" >/dev/null
    $B eval --pred "$W/pred_$name" --gt "$W/scenes_$mode/test" --split base-novel --json "$W/eval_$name.json" | tail -4
  done
done
