#!/usr/bin/env bash
# Data-parallel training throughput (BENCHMARKS.md "## Training on two cores").
#   [K=2] tools/train_mpi_bench.sh SCENES WORKDIR [STEPS=60] [ROUNDS=3] [SESSIONS=shared|per-process]
# Same config (the CPU defaults, scenesPerStep K (default 2), seed 1) run alternately in one process and as 2 mpirun ranks,
# ROUNDS times, so both see the same machine load. Per run: median step_ms over steps 11..STEPS (the first 10 warm
# the buffer pool), scenes/s = K × 1000 / median, median reduce_ms (gradient exchange + averaging) and its share of
# the step, median gemm_gflop of rank 0's slots per step, and the 1-minute load average before and after. The two
# modes must log the same losses (the run's result does not depend on the rank count); the script says if not.
# SESSIONS: Linux's autogroup scheduler (/proc/sys/kernel/sched_autogroup_enabled = 1) shares the CPU between
# sessions, not processes, so on a busy machine two ranks in this shell's session get no more CPU than one process.
# `per-process` starts every process (the single one, or each rank) in its own session (setsid), as separate
# logins or machines would be. Each slot's CPU time (`cpu_ms` in log.jsonl, waiting excluded) gives the speed-up two
# free cores would show: (slot 0 + slot 1) / slowest slot, per step, from the one-process runs.
set -euo pipefail
DATA=${1:?scenes}; W=${2:?workdir}; STEPS=${3:-60}; ROUNDS=${4:-3}; SESSIONS=${5:-shared}
S=()
[ "$SESSIONS" = per-process ] && S=(setsid -w)
B=${OVSEG3R:-.build/release/ovseg3r}
B=$(readlink -f "$B")
mkdir -p "$W"
K=${K:-2}
printf '{"steps": %d, "checkpointEvery": 100000, "scenesPerStep": %d}\n' "$STEPS" "$K" > "$W/bench.json"
ROOT=()
[ "$(id -u)" -eq 0 ] && ROOT=(--allow-run-as-root)
for r in $(seq 1 "$ROUNDS"); do
  for mode in 1 2; do
    run="$W/r${r}_n${mode}"
    rm -rf "$run"
    cut -d' ' -f1 /proc/loadavg > "$run.load"
    if [ "$mode" = 1 ]; then
      "${S[@]}" "$B" train --data "$DATA" --out "$run" --config "$W/bench.json" --seed 1 > "$run.out" 2>/dev/null
    else
      mpirun -np 2 --bind-to none --mca mpi_yield_when_idle 1 "${ROOT[@]}" "${S[@]}" "$B" train --data "$DATA" --out "$run" --config "$W/bench.json" --seed 1 > "$run.out" 2>/dev/null
    fi
    cut -d' ' -f1 /proc/loadavg >> "$run.load"
  done
done
python3 - "$W" "$ROUNDS" "$K" <<'PY'
import json, statistics, sys
w, rounds, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def summary(run):
    rows = [json.loads(l) for l in open(f"{run}/log.jsonl")]
    timed = rows[10:]
    med = lambda k: statistics.median(r[k] for r in timed)
    load = [float(x) for x in open(f"{run}.load").read().split()]
    ideal = statistics.median(2 * r["cpu_ms"] / r["cpu_ms_max"] for r in timed) if k == 2 else float("nan")
    return dict(step_ms=med("step_ms"), reduce_ms=med("reduce_ms"), gflop=med("gemm_gflop"), cpu=med("cpu_ms"),
                ideal=ideal, losses=[r["loss"] for r in rows], load=load)
print("round  ranks  ms/step  scenes/s  reduce ms (share)  GEMM GFLOP/step (rank 0)  GEMM GFLOP/s  CPU ms/slot  load before/after")
speedups = []
for r in range(1, rounds + 1):
    s = {n: summary(f"{w}/r{r}_n{n}") for n in (1, 2)}
    for n in (1, 2):
        x = s[n]
        print(f"{r:5d}  {n:5d}  {x['step_ms']:7.0f}  {k * 1000 / x['step_ms']:8.2f}  {x['reduce_ms']:6.1f} ({100 * x['reduce_ms'] / x['step_ms']:4.1f} %)"
              f"  {x['gflop']:24.3f}  {1000 * x['gflop'] / x['step_ms']:12.2f}  {x['cpu']:11.0f}  {x['load'][0]:.2f}/{x['load'][1]:.2f}")
    speedups.append(s[1]["step_ms"] / s[2]["step_ms"])
    same = s[1]["losses"] == s[2]["losses"]
    print(f"       speed-up 2 ranks / 1: {speedups[-1]:.2f}x; logged losses identical: {same}; "
          f"on two free cores (slot CPU sum / slowest, one-process run): {s[1]['ideal']:.2f}x")
print(f"median speed-up over {rounds} rounds: {statistics.median(speedups):.2f}x")
PY
