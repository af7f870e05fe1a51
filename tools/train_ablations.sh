#!/usr/bin/env bash
# Training ablations on SceneSynth (BENCHMARKS.md "## Training"): synth → recon → superpoints (IBSp or geometric)
# → lift → train (full / w/o VIP / w/o IBSp / w/o 2D features / 0% reconstructed) → predict → eval on held-out scenes.
# Usage: tools/train_ablations.sh WORKDIR [SCENES=6] [HELD=2] [STEPS=600]
set -euo pipefail
W=${1:?workdir}; N=${2:-6}; HELD=${3:-2}; STEPS=${4:-600}
B=${OVSEG3R:-.build/release/ovseg3r}
mkdir -p "$W"
[ -d "$W/video" ] || $B synth --preset tiny --scenes "$N" --seed 11 --out "$W/video" >/dev/null
for mode in ibsp geometric; do
  for v in "$W"/video/scene_*; do
    s=$(basename "$v"); d="$W/scenes_$mode/$s"
    [ -f "$d/view_labels.json" ] && continue
    $B recon "$v" --out "$d" --poses given --voxel 0.02 >/dev/null
    $B superpoints "$d" --mode "$mode" >/dev/null
    $B lift "$d" >/dev/null
  done
  mkdir -p "$W/train_$mode" "$W/held_$mode"
  i=0
  for d in "$W"/scenes_$mode/scene_*; do
    if [ $i -lt $((N - HELD)) ]; then ln -sfn "$d" "$W/train_$mode/"; else ln -sfn "$d" "$W/held_$mode/"; fi
    i=$((i + 1))
  done
done
run() {  # name superpoint-mode config-json
  local name=$1 mode=$2 cfg=$3
  echo "$cfg" > "$W/$name.json"
  /usr/bin/time -f "%e s wall, %M KB peak" $B train --data "$W/train_$mode" --out "$W/run_$name" --config "$W/$name.json" --seed 1 --force 2> "$W/$name.time" | tail -1
  $B predict --checkpoint "$W/run_$name" --scene "$W/held_$mode" --out "$W/pred_$name" >/dev/null
  $B eval --pred "$W/pred_$name" --gt "$W/held_$mode" --split base-novel --json "$W/eval_$name.json" | tail -4
}
BASE="\"steps\": $STEPS, \"checkpointEvery\": 100, \"model\": {\"feature2DWidth\": 16}"
run full ibsp "{$BASE}"
run no_vip ibsp "{$BASE, \"supervision\": {\"vip\": false}}"
run no_ibsp geometric "{$BASE}"
run no_2d ibsp "{$BASE, \"features2D\": false}"
run recon0 ibsp "{$BASE, \"supervision\": {\"reconstructedFraction\": 0}}"
