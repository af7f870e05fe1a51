#!/usr/bin/env bash
# Training throughput and peak memory at the demo configuration (BENCHMARKS.md "## Training").
#   tools/train_bench.sh SCENES WORKDIR [STEPS=120] [CONFIG_JSON='{}']
# SCENES: the demo's training rooms (e.g. demo-out/scenes/train, or a copy). Two runs of the same STEPS with seed 1:
#   1. plain: median and quartiles of step_ms over steps 21..STEPS (RUN/log.jsonl; the first 20 warm the buffer
#      pool), scenes/s = 1000 / median (one scene per step), peak RSS (/usr/bin/time %M);
#   2. under `perf record` (499 Hz, all threads): the share of the process's CPU samples inside OpenBLAS, i.e. the
#      part of a step that is raw cblas_sgemm/sgemv work, against everything else (our kernels, data, bookkeeping).
set -euo pipefail
DATA=${1:?scenes}; W=${2:?workdir}; STEPS=${3:-120}; EXTRA=${4:-"{}"}
B=${OVSEG3R:-.build/release/ovseg3r}
mkdir -p "$W"
python3 - "$STEPS" "$EXTRA" > "$W/bench.json" <<'PY'
import json, sys
c = {"steps": int(sys.argv[1]), "checkpointEvery": 100000}
c.update(json.loads(sys.argv[2]))
print(json.dumps(c))
PY
rm -rf "$W/run" "$W/run_perf"
/usr/bin/time -f "%e s wall, %M KB peak" $B train --data "$DATA" --out "$W/run" --config "$W/bench.json" --seed 1 2> "$W/time.txt" >/dev/null
perf record -q -F 499 -o "$W/perf.data" -- $B train --data "$DATA" --out "$W/run_perf" --config "$W/bench.json" --seed 1 >/dev/null 2>&1
perf report -i "$W/perf.data" --sort dso --stdio -q 2>/dev/null > "$W/perf_dso.txt"
perf report -i "$W/perf.data" --sort sym --stdio -q 2>/dev/null > "$W/perf_sym_all.txt" || true
head -25 "$W/perf_sym_all.txt" > "$W/perf_sym.txt"
python3 - "$W" <<'PY'
import json, re, statistics, sys
w = sys.argv[1]
ms = [json.loads(l)["step_ms"] for l in open(f"{w}/run/log.jsonl")][20:]
q = statistics.quantiles(ms, n=4)
m = re.search(r"([\d.]+) s wall, (\d+) KB peak", open(f"{w}/time.txt").read())
blas = sum(float(l.split("%")[0]) for l in open(f"{w}/perf_dso.txt") if "openblas" in l.lower())
print(f"steps timed: {len(ms)}; ms/step median {q[1]:.0f} (quartiles {q[0]:.0f}-{q[2]:.0f}); "
      f"scenes/s {1000 / q[1]:.2f}; peak RSS {int(m.group(2)) / 1024:.0f} MB; wall {m.group(1)} s; "
      f"OpenBLAS share of CPU samples {blas:.1f} %")
PY
