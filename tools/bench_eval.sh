#!/usr/bin/env bash
# Times `ovseg3r eval` against the official ScanNet script on the same benchmark-format files and checks
# that both give the same numbers. The official script is NOT part of this repository: pass a ScanNet
# checkout (git clone https://github.com/ScanNet/ScanNet); it is copied to a temporary folder and patched
# minimally there (Python 3 syntax, numpy 2 names, the 198 ScanNet200 instance classes, the ScanNet200
# variants' guard for an empty score list, and a JSON dump of its averages).
#
# usage: tools/bench_eval.sh SCANNET_CHECKOUT [DATA_DIR] [SCENES] [POINTS] [PREDICTIONS] [REPEATS]
set -euo pipefail
scannet=${1:?path to a ScanNet checkout}
data=${2:-/tmp/evalbench}
scenes=${3:-100}; points=${4:-150000}; predictions=${5:-100}; repeats=${6:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ ! -f "$data/pred/scene0000_00.txt" ]; then
  python3 "$repo/tools/gen_eval_bench.py" --out "$data" --scenes "$scenes" --points "$points" --predictions "$predictions"
fi

mkdir -p "$work/3d_evaluation"
cp "$scannet/BenchmarkScripts/3d_evaluation/evaluate_semantic_instance.py" "$work/3d_evaluation/"
cp "$scannet/BenchmarkScripts/util_3d.py" "$scannet/BenchmarkScripts/util.py" "$work/"
python3 - "$work" "$repo/data/scannet200_classes.json" <<'EOF'
import json, re, sys
work, classes = sys.argv[1], sys.argv[2]
def py3(src):
    src = re.sub(r'^(\s*)print "(.*)"\s*$', r'\1print("\2")', src, flags=re.M)
    src = re.sub(r'^(\s*)print (.+)$', r'\1print(\2)', src, flags=re.M)
    return src.replace('except Exception, e:', 'except Exception as e:')
for name, module in (('util.py', 'imageio'), ('util_3d.py', 'plyfile')):
    src = py3(open(f'{work}/{name}').read())
    # optional imports that only the mesh/image helpers need
    src = re.sub(r'(\n\s*(?:import imageio|from plyfile import PlyData, PlyElement)\nexcept)(:)', r'\1 ImportError:\n    pass\nexcept\2', src)
    open(f'{work}/{name}', 'w').write(src)
path = f'{work}/3d_evaluation/evaluate_semantic_instance.py'
src = py3(open(path).read())
src = src.replace('np.float )', 'float )').replace('dtype=np.bool', 'dtype=bool').replace('np.in1d(', 'np.isin(')
c = json.load(open(classes))
pairs = [(i, n) for i, n in zip(c['VALID_CLASS_IDS_200'], c['CLASS_LABELS_200']) if n not in ('wall', 'floor')]
src = re.sub(r'^CLASS_LABELS = .*$', 'CLASS_LABELS = %r' % [n for _, n in pairs], src, flags=re.M)
src = re.sub(r'^VALID_CLASS_IDS = .*$', 'VALID_CLASS_IDS = np.array(%r)' % [i for i, _ in pairs], src, flags=re.M)
src = src.replace('num_true_examples = y_true_sorted_cumsum[-1]',
                  'num_true_examples = y_true_sorted_cumsum[-1] if len(y_true_sorted_cumsum) > 0 else 0')
src = src.replace('    avgs = compute_averages(ap_scores)\n',
                  '    avgs = compute_averages(ap_scores)\n    import json\n'
                  "    json.dump({'ap': float(avgs['all_ap']), 'ap50': float(avgs['all_ap_50%']), 'ap25': float(avgs['all_ap_25%']),"
                  " 'classes': {k: [float(v['ap']), float(v['ap50%']), float(v['ap25%'])] for k, v in avgs['classes'].items()}},"
                  " open(output_file + '.json', 'w'))\n")
open(path, 'w').write(src)
EOF

(cd "$repo" && swift build -c release --product ovseg3r >/dev/null)
bin="$repo/.build/release/ovseg3r"
seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); echo "$end - $start" | bc; }
cat "$data"/pred/masks/* > /dev/null  # warm the page cache for both tools alike
swift_times=(); swift1_times=(); official_times=()
for r in $(seq "$repeats"); do
  swift_times+=("$(seconds "$bin" eval --pred "$data/pred" --gt "$data/gt" --json "$work/swift.json")")
  swift1_times+=("$(seconds "$bin" eval --pred "$data/pred" --gt "$data/gt" --threads 1 --json "$work/swift1.json")")
  official_times+=("$(seconds python3 "$work/3d_evaluation/evaluate_semantic_instance.py" --pred_path "$data/pred" --gt_path "$data/gt" --output_file "$work/official.csv")")
  echo "repeat $r: swift ${swift_times[-1]} s (2 threads), ${swift1_times[-1]} s (1 thread); official ${official_times[-1]} s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ms=$(median "${swift_times[@]}"); ms1=$(median "${swift1_times[@]}"); mo=$(median "${official_times[@]}")
echo "median: swift $ms s (2 threads), $ms1 s (1 thread); official $mo s"
echo "ratio official/swift: $(echo "$mo / $ms" | bc -l | cut -c1-6)x (2 threads), $(echo "$mo / $ms1" | bc -l | cut -c1-6)x (1 thread)"
python3 - "$work/official.csv.json" "$work/swift.json" <<'EOF'
import json, math, sys
off, sw = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
worst, count = 0.0, 0
for c in sw['classes']:
    for value, key in zip(off['classes'][c['name']], ('ap', 'ap50', 'ap25')):
        mine = float('nan') if c[key] is None else c[key]
        assert math.isnan(value) == math.isnan(mine), (c['name'], key)
        if not math.isnan(value):
            worst = max(worst, abs(value - mine)); count += 1
for key in ('ap', 'ap50', 'ap25'):
    worst = max(worst, abs(off[key] - sw[key]))
print('agreement: overall AP %.6f (official) vs %.6f (swift); %d class values, max |difference| %.1e' % (off['ap'], sw['ap'], count, worst))
EOF
