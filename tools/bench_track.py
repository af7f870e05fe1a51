#!/usr/bin/env python3
"""`recon --poses track` ATE of one or more ovseg3r binaries on many SceneSynth sequences, side by side (BENCHMARKS.md).

Renders each sequence once (`ovseg3r synth --preset full|demo --seed S`, kept under OUT/videos), runs every binary
on it with the settings of BENCHMARKS.md (`full`: recon/presets/synth_full.json, 2 cm voxels; `demo`: 1 cm voxels),
keeps only poses.txt and recon_summary.json of each run, and prints one Markdown table: ATE RMSE in mm per sequence
and binary, the count at or below the issue's 10 mm, and the median. ATE does not depend on the machine's load: the
runs are deterministic. A run whose summary already exists under OUT/runs/NAME is reused, so a killed benchmark
resumes; delete that folder after rebuilding a binary under the same NAME.

Usage:
  python3 tools/bench_track.py --bin before=BIN_A --bin after=BIN_B --out /tmp/track \\
      --full 1-8 --demo 1-20 [--json OUT.json]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def seeds(text):
    out = []
    for part in text.split(','):
        if not part:
            continue
        low, _, high = part.partition('-')
        out += list(range(int(low), int(high or low) + 1))
    return out


def render(binary, preset, seed, videos):
    folder = os.path.join(videos, '%s%d' % (preset, seed))
    if not os.path.exists(os.path.join(folder, 'scene_0000', 'gt', 'poses.txt')):
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([binary, 'synth', '--preset', preset, '--out', folder, '--seed', str(seed)], check=True,
                       stdout=subprocess.DEVNULL)
    return os.path.join(folder, 'scene_0000')


def track(binary, video, out, preset):
    summary = os.path.join(out, 'recon_summary.json')
    if not os.path.exists(summary):
        command = [binary, 'recon', video, '--out', out, '--poses', 'track']
        command += ['--voxel', '0.02', '--preset', os.path.join(ROOT, 'recon', 'presets', 'synth_full.json')] \
            if preset == 'full' else ['--voxel', '0.01']
        proc = subprocess.run(command, capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit('failed: %s\n%s' % (' '.join(command), proc.stderr[-2000:]))
        for name in os.listdir(out):   # scenes are large; the poses and the summary are what the table needs
            if name not in ('poses.txt', 'recon_summary.json'):
                path = os.path.join(out, name)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
    with open(summary) as f:
        return 1000 * json.load(f)['ateRMSE']


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bin', action='append', required=True, metavar='NAME=BINARY')
    ap.add_argument('--out', required=True)
    ap.add_argument('--full', default='1-3', help='seeds of the 640x480 `full` preset, e.g. 1-8')
    ap.add_argument('--demo', default='1-5', help='seeds of the 320x240 `demo` preset, e.g. 1-20')
    ap.add_argument('--json')
    args = ap.parse_args()
    binaries = [entry.partition('=')[::2] for entry in args.bin]
    for name, binary in binaries:
        if not name or not binary or not os.access(binary, os.X_OK):
            ap.error('--bin %s: expected NAME=BINARY with an executable BINARY' % '='.join((name, binary)))
    if len({name for name, _ in binaries}) != len(binaries):
        ap.error('--bin: each NAME once (the runs are kept under OUT/runs/NAME)')
    videos = os.path.join(args.out, 'videos')
    os.makedirs(videos, exist_ok=True)
    sequences = [('full', s) for s in seeds(args.full)] + [('demo', s) for s in seeds(args.demo)]
    rows = []
    for preset, seed in sequences:
        video = render(binaries[0][1], preset, seed, videos)
        row = {'sequence': '%s %d' % (preset, seed)}
        for name, binary in binaries:
            row[name] = track(binary, video, os.path.join(args.out, 'runs', name, '%s%d' % (preset, seed)), preset)
        rows.append(row)
        print(json.dumps(row), flush=True)
    names = [name for name, _ in binaries]
    print('| sequence | ' + ' | '.join(names) + ' |')
    print('|---|' + '---:|' * len(names))
    for row in rows:
        print('| %s | ' % row['sequence'] + ' | '.join('%.1f' % row[n] for n in names) + ' |')
    print('| at or below 10 mm | ' + ' | '.join('%d of %d' % (sum(r[n] <= 10 for r in rows), len(rows))
                                                 for n in names) + ' |')
    print('| median | ' + ' | '.join('%.1f' % statistics.median(r[n] for r in rows) for n in names) + ' |')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)


if __name__ == '__main__':
    main()
