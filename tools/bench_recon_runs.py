#!/usr/bin/env python3
"""Runs `ovseg3r recon` over several SceneSynth videos and pose modes and tabulates the summaries (BENCHMARKS.md).

Each run is timed by /usr/bin/time -v (peak RSS); ATE RMSE, device ATE, refine-guard decision, keyframes, loop edges,
tracking and integration fps come from the scene's recon_summary.json. Medians over the videos are printed last.

Usage:
  python3 tools/bench_recon_runs.py --bin .build/release/ovseg3r --out /tmp/rr/runs \
      --video full1=/tmp/rr/full1/scene_0000 [--video ...] --mode refine --mode track \
      [--preset recon/presets/synth_full.json] [--voxel 0.02] [--extra '--frames 0:150'] [--json OUT.json]
"""
import argparse
import json
import os
import re
import shlex
import statistics
import subprocess


def run_one(args, name, video, mode):
    out = os.path.join(args.out, '%s_%s' % (name, mode))
    command = [args.bin, 'recon', video, '--out', out, '--poses', mode, '--voxel', str(args.voxel)]
    if args.preset:
        command += ['--preset', args.preset]
    command += shlex.split(args.extra)
    timed = ['/usr/bin/time', '-v'] + command
    proc = subprocess.run(timed, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit('failed: %s\n%s' % (' '.join(command), proc.stderr[-3000:]))
    rss = re.search(r'Maximum resident set size \(kbytes\): (\d+)', proc.stderr)
    summary = json.load(open(os.path.join(out, 'recon_summary.json')))
    poses = summary.get('poses') or {}
    guard = poses.get('refineGuard') or {}
    return {
        'video': name, 'mode': mode, 'command': ' '.join(command),
        'ate_m': summary.get('ateRMSE'), 'device_ate_m': summary.get('ateRMSEInputPoses'),
        'refined_not_kept_m': summary.get('ateRMSERefinedBeforeGuard'),
        'guard_kept': guard.get('kept'), 'guard_refined_mm': 1000 * guard.get('refinedMedianResidual', 0),
        'guard_device_mm': 1000 * guard.get('deviceMedianResidual', 0),
        'keyframes': poses.get('keyframes'), 'loops': poses.get('loopClosures'),
        'failures': poses.get('trackingFailures'),
        'tracking_fps': summary.get('trackingFPS'), 'integration_fps': summary.get('integrationFPS'),
        'keyframe_mb': poses.get('keyframeBytes', 0) / 1e6,
        'peak_rss_mb': int(rss.group(1)) / 1024 if rss else None,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--video', action='append', required=True, metavar='NAME=FOLDER')
    ap.add_argument('--mode', action='append', required=True, choices=['track', 'refine', 'given'])
    ap.add_argument('--preset')
    ap.add_argument('--voxel', type=float, default=0.02)
    ap.add_argument('--extra', default='')
    ap.add_argument('--json')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for entry in args.video:
        name, _, video = entry.partition('=')
        for mode in args.mode:
            row = run_one(args, name, video, mode)
            rows.append(row)
            print(json.dumps(row), flush=True)
    print('| video | mode | ATE, mm | device ATE, mm | guard kept (refined ATE if not kept) | keyframes / loops | failures | tracking fps '
          '| integration fps | keyframe MB | peak RSS, MB |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')

    def mm(v):
        return '%.1f' % (1000 * v) if v is not None else '–'

    for r in rows:
        print('| %s | %s | %s | %s | %s | %s / %s | %s | %.1f | %.1f | %.0f | %.0f |' % (
            r['video'], r['mode'], mm(r['ate_m']), mm(r['device_ate_m']),
            (r['guard_kept'] or '–') + (' (%s)' % mm(r['refined_not_kept_m']) if r['refined_not_kept_m'] else ''),
            r['keyframes'],
            r['loops'], r['failures'], r['tracking_fps'] or 0, r['integration_fps'] or 0, r['keyframe_mb'],
            r['peak_rss_mb'] or 0))
    for mode in args.mode:
        subset = [r for r in rows if r['mode'] == mode]
        print('median %s: ATE %s mm, device %s mm, tracking %.1f fps, integration %.1f fps, peak RSS %.0f MB' % (
            mode, mm(statistics.median(r['ate_m'] for r in subset)),
            mm(statistics.median(r['device_ate_m'] for r in subset if r['device_ate_m'] is not None)
               if any(r['device_ate_m'] is not None for r in subset) else None),
            statistics.median(r['tracking_fps'] or 0 for r in subset),
            statistics.median(r['integration_fps'] or 0 for r in subset),
            statistics.median(r['peak_rss_mb'] or 0 for r in subset)))
    if args.json:
        open(args.json, 'w').write(json.dumps(rows, indent=2) + '\n')


if __name__ == '__main__':
    main()
