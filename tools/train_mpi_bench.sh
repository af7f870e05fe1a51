#!/usr/bin/env bash
# Data-parallel training throughput (BENCHMARKS.md "## Training on two cores").
#   [K=2] [ANALYSE_ONLY=1] tools/train_mpi_bench.sh SCENES WORKDIR [STEPS=60] [ROUNDS=3] [SESSIONS=shared|per-process]
# Same config (the CPU defaults, scenesPerStep K (default 2), seed 1) run alternately in one process, as 2 mpirun
# ranks sharing the slots round-robin (`--balance round-robin`) and as 2 ranks sharing them by predicted cost
# (`--balance cost`, the default), ROUNDS times, so all three see the same machine load. Per run: median step_ms
# over steps 11..STEPS (the first 10 warm the buffer pool), scenes/s = K × 1000 / median, median reduce_ms (gradient
# exchange + averaging, which with 2 ranks includes waiting for the slower one) and its share of the step, median
# update_ms (gradient clip + AdamW, which every rank repeats; absent from logs before session 10: 0), median
# gemm_gflop of rank 0's slots per step, and the 1-minute load average before and after. All modes must log the
# same losses (the run's result does not depend on the rank count or the split); the script says if not.
# SESSIONS: Linux's autogroup scheduler (/proc/sys/kernel/sched_autogroup_enabled = 1) shares the CPU between
# sessions, not processes, so on a busy machine two ranks in this shell's session get no more CPU than one process.
# `per-process` starts every process (the single one, or each rank) in its own session (setsid), as separate
# logins or machines would be. Each slot's CPU time (`cpu_ms` in log.jsonl, waiting excluded) gives the speed-up two
# free cores would show for K = 2: (slot 0 + slot 1) / slowest slot, per step, from the one-process runs.
# Busy share = K × median slot CPU ms / (processes × median step ms): the share of the cores' time spent computing
# slots. This VM's speed drifts by ±15 % between runs (a slot's CPU time moves with it), so the ratio of the busy
# shares, 2 × busy(2 ranks) / busy(1 process), is the speed-up with the drift taken out; it is printed beside the
# measured one.
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
MODES="1 rr cost"
[ -n "${ANALYSE_ONLY:-}" ] && ROUNDS_RUN=0 || ROUNDS_RUN=$ROUNDS   # ANALYSE_ONLY=1: re-read WORKDIR's runs
for r in $(seq 1 "$ROUNDS_RUN"); do
  for mode in $MODES; do
    run="$W/r${r}_${mode}"
    rm -rf "$run"
    cut -d' ' -f1 /proc/loadavg > "$run.load"
    if [ "$mode" = 1 ]; then
      "${S[@]}" "$B" train --data "$DATA" --out "$run" --config "$W/bench.json" --seed 1 > "$run.out" 2>/dev/null
    else
      balance=$([ "$mode" = rr ] && echo round-robin || echo cost)
      mpirun -np 2 --bind-to none --mca mpi_yield_when_idle 1 "${ROOT[@]}" "${S[@]}" "$B" train --data "$DATA" --out "$run" \
        --config "$W/bench.json" --seed 1 --balance "$balance" > "$run.out" 2>/dev/null
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
    med = lambda key: statistics.median(r.get(key, 0) for r in timed)
    load = [float(x) for x in open(f"{run}.load").read().split()]
    ideal = statistics.median(2 * r["cpu_ms"] / r["cpu_ms_max"] for r in timed) if k == 2 else float("nan")
    return dict(step_ms=med("step_ms"), reduce_ms=med("reduce_ms"), update_ms=med("update_ms"), gflop=med("gemm_gflop"), cpu=med("cpu_ms"),
                moved=statistics.mean(r.get("slots_moved", 0) for r in timed), ideal=ideal,
                losses=[r["loss"] for r in rows], load=load)
names = {"1": "1 process", "rr": "2 ranks, round-robin", "cost": "2 ranks, by cost"}
print("round  mode                  ms/step  scenes/s  reduce ms (share)  update ms  GEMM GFLOP/step (rank 0)  GEMM GFLOP/s  CPU ms/slot  busy share  slots moved  load before/after")
speedups = {"rr": [], "cost": []}
drift_free = {"rr": [], "cost": []}
busy = lambda x, n: k * x["cpu"] / (n * x["step_ms"])
for r in range(1, rounds + 1):
    s = {m: summary(f"{w}/r{r}_{m}") for m in ("1", "rr", "cost")}
    for m in ("1", "rr", "cost"):
        x = s[m]
        print(f"{r:5d}  {names[m]:20s}  {x['step_ms']:7.0f}  {k * 1000 / x['step_ms']:8.2f}  {x['reduce_ms']:6.1f} ({100 * x['reduce_ms'] / x['step_ms']:4.1f} %)  {x['update_ms']:9.1f}"
              f"  {x['gflop']:24.3f}  {1000 * x['gflop'] / x['step_ms']:12.2f}  {x['cpu']:11.0f}  {busy(x, 1 if m == '1' else 2):10.2f}"
              f"  {x['moved']:11.2f}  {x['load'][0]:.2f}/{x['load'][1]:.2f}")
    for m in ("rr", "cost"):
        speedups[m].append(s["1"]["step_ms"] / s[m]["step_ms"])
        drift_free[m].append(2 * busy(s[m], 2) / busy(s["1"], 1))
    same = s["1"]["losses"] == s["rr"]["losses"] == s["cost"]["losses"]
    print(f"       speed-up over 1 process: round-robin {speedups['rr'][-1]:.2f}x, by cost {speedups['cost'][-1]:.2f}x "
          f"(drift-free: {drift_free['rr'][-1]:.2f}x, {drift_free['cost'][-1]:.2f}x); "
          f"logged losses identical: {same}; on two free cores (K = 2, slot CPU sum / slowest, one-process run): {s['1']['ideal']:.2f}x")
print(f"median speed-up over {rounds} rounds: round-robin {statistics.median(speedups['rr']):.2f}x, by cost {statistics.median(speedups['cost']):.2f}x; "
      f"drift-free: round-robin {statistics.median(drift_free['rr']):.2f}x, by cost {statistics.median(drift_free['cost']):.2f}x")
PY
