#!/usr/bin/env bash
# Peak RSS, wall time and ATE of `ovseg3r recon` on a long 640×480 SceneSynth `full` sequence: the first 1,000
# frames against all 3,000 (or FRAMES), for each binary given (e.g. main's release build against this branch's),
# one run after another so that only one recon holds the cores. Rendering the sequence takes minutes; it is done
# once and reused. Prints one line per run with the load average at its start.
#
# usage: tools/bench_recon_long.sh [WORKDIR] [FRAMES] [POSES] BINARY...
set -euo pipefail
work=${1:-/tmp/bench-recon-long}; frames=${2:-3000}; poses=${3:-refine}
shift 3 || true
repo=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$repo/.build/release/ovseg3r"
video="$work/scene_0000"
if [ ! -f "$video/synth.json" ]; then
  "$1" synth --out "$work" --scenes 1 --frames "$frames" --seed 5 --preset full >/dev/null
fi
printf "%-44s %6s %8s %9s %9s %10s %s\n" binary frames wall_s peak_MB fps ate_mm load1
for count in 1000 "$frames"; do
  for bin in "$@"; do
    out="$work/out-$(echo "$bin" | md5sum | cut -c1-8)-$count"; rm -rf "$out"
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -v "$bin" recon "$video" --out "$out" --poses "$poses" --frames "0:$count" \
      >"$out.log" 2>"$out.time" || { echo "$bin failed on $count frames: $(tail -3 "$out.time")"; continue; }
    python3 - "$out.time" "$out/recon_summary.json" "$bin" "$count" "$load" <<'PY'
import json, re, sys
t = open(sys.argv[1]).read()
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
h, m, s = ([0, 0] + [float(x) for x in re.search(r"Elapsed \(wall clock\) time.*: ([\d:.]+)", t).group(1).split(":")])[-3:]
wall = h * 3600 + m * 60 + s
summary = json.load(open(sys.argv[2]))
ate = summary.get("ateRMSE")
print(f"{sys.argv[3][-44:]:44s} {sys.argv[4]:>6s} {wall:8.1f} {rss:9.0f} {int(sys.argv[4]) / wall:9.2f} "
      f"{(ate * 1000 if ate is not None else float('nan')):10.1f} {sys.argv[5]}  "
      + " ".join(f"{k}={v:.0f}" for k, v in sorted(summary.get("seconds", {}).items())))
PY
  done
done
