#!/usr/bin/env bash
# Runs the SceneIO fuzz binary on every format for SECONDS each (default 120), seeded with the regression corpus
# Tests/Fixtures/fuzz/<format>/; the growing corpus goes to WORK/<format>/, crashes to WORK/crash-<format>/.
# Prints one line per format: executions, corpus size, crashes (the figures in BENCHMARKS.md, "Fuzzing").
# Usage: tools/fuzz/run.sh [SECONDS] [WORK]   (after tools/fuzz/build.sh)
set -uo pipefail
cd "$(dirname "$0")/../.."
SECONDS_EACH=${1:-120}; WORK=${2:-/tmp/ovseg3r-fuzz}; BIN=${BIN:-.build/fuzz/fuzz-sceneio}
FORMATS=${FORMATS:-"npy ply png jpeg sens tum-list trajectory pred2d scene-json scene-contract"}
mkdir -p "$WORK"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf "format\texecs\texec/s\tcorpus\tcrashes\n"
for f in $FORMATS; do
  mkdir -p "$WORK/$f" "$WORK/crash-$f"
  FUZZ_FORMAT=$f ASAN_OPTIONS=detect_leaks=0 "$BIN" "$WORK/$f" "Tests/Fixtures/fuzz/$f" -max_total_time="$SECONDS_EACH" \
    -rss_limit_mb=4096 -malloc_limit_mb=2048 -timeout=10 -artifact_prefix="$WORK/crash-$f/" -print_final_stats=1 \
    > "$WORK/$f.log" 2>&1
  execs=$(grep -m1 "stat::number_of_executed_units" "$WORK/$f.log" | awk '{print $2}')
  rate=$(grep -m1 "stat::average_exec_per_sec" "$WORK/$f.log" | awk '{print $2}')
  printf "%s\t%s\t%s\t%s\t%s\n" "$f" "${execs:-?}" "${rate:-?}" "$(ls "$WORK/$f" | wc -l)" "$(ls "$WORK/crash-$f" | wc -l)"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
