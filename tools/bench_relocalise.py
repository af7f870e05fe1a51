#!/usr/bin/env python3
"""Depth dropouts in a SceneSynth video, tracked with and without relocalisation (BENCHMARKS.md, "Relocalisation").

For each video and each gap, a copy of the video folder gets blank depth (all zeros: a covered lens or a sensor
dropout) on frames [start, start + length); colour is left as it was. recon drops those frames (too few valid depth
pixels), so the frame after the gap is the first to see how far the camera moved meanwhile. `ovseg3r recon --poses track` runs on the copy
twice: with the default options (relocalisation on) and with a preset that sets
`tracking.relocalisationCandidates` to 0 (off). The ATE is computed here against `gt/poses.txt` over the frames
outside the gap only (rigid alignment of the camera centres, Horn's method), so the guessed poses of the blank frames
themselves do not count; the recon summary gives failures and relocalisations. The untouched video runs once as the
reference.

Usage:
  python3 tools/bench_relocalise.py --bin .build/release/ovseg3r --out /tmp/reloc \
      --video demo1=/tmp/rr/demo1/scene_0000 [--video ...] --gap 20:5 [--gap 35:8] [--voxel 0.01] [--preset P]
"""
import argparse
import json
import os
import shutil
import struct
import subprocess
import zlib

import numpy as np


def blank_png16(width, height):
    """A 16-bit greyscale PNG of zeros."""
    raw = b''.join(b'\x00' + b'\x00' * (2 * width) for _ in range(height))

    def chunk(kind, data):
        body = kind + data
        return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body) & 0xffffffff)
    header = struct.pack('>IIBBBBB', width, height, 16, 0, 0, 0, 0)
    return b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')


def read_tum(path):
    rows = []
    for line in open(path):
        line = line.strip()
        if line and not line.startswith('#'):
            rows.append([float(x) for x in line.split()[:4]])
    return np.array(rows)


def ate(estimate, truth, keep):
    """RMSE of camera centres after the best rigid alignment (Horn), over the frames (indices into `truth`) in
    `keep` that the estimate has: recon drops frames without depth, and rows are matched by timestamp."""
    rows = {round(t, 6): i for i, t in enumerate(estimate[:, 0])}
    pairs = [(rows[round(truth[i, 0], 6)], i) for i in keep if round(truth[i, 0], 6) in rows]
    p = estimate[[a for a, _ in pairs], 1:4]
    q = truth[[b for _, b in pairs], 1:4]
    pc, qc = p - p.mean(0), q - q.mean(0)
    u, _, vt = np.linalg.svd(pc.T @ qc)
    d = np.sign(np.linalg.det(vt.T @ u.T))
    r = vt.T @ np.diag([1, 1, d]) @ u.T
    moved = (r @ pc.T).T + q.mean(0)
    return float(np.sqrt(((moved - q) ** 2).sum(1).mean()))


def recon(args, video, out, preset):
    command = [args.bin, 'recon', video, '--out', out, '--poses', 'track', '--voxel', str(args.voxel)]
    if preset:
        command += ['--preset', preset]
    shutil.rmtree(out, ignore_errors=True)
    proc = subprocess.run(command, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit('failed: %s\n%s' % (' '.join(command), proc.stderr[-3000:]))
    summary = json.load(open(os.path.join(out, 'recon_summary.json')))
    poses = summary.get('poses') or {}
    return read_tum(os.path.join(out, 'poses.txt')), poses.get('trackingFailures'), poses.get('relocalisations', 0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--video', action='append', required=True, metavar='NAME=FOLDER')
    ap.add_argument('--gap', action='append', required=True, metavar='START:LENGTH')
    ap.add_argument('--voxel', type=float, default=0.01)
    ap.add_argument('--preset', help='base recon preset (its tracking keys are kept; the "off" run adds the switch)')
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    base = json.load(open(args.preset)) if args.preset else {}
    on_preset = os.path.join(args.out, 'on.json')
    off_preset = os.path.join(args.out, 'off.json')
    json.dump(base, open(on_preset, 'w'))
    off = json.loads(json.dumps(base))
    off.setdefault('tracking', {})['relocalisationCandidates'] = 0
    json.dump(off, open(off_preset, 'w'))

    print('| video | gap (frames) | untouched ATE mm | relocalisation off: ATE mm, failures | on: ATE mm, failures, relocalised |')
    print('|---|---|---:|---|---|')
    for spec in args.video:
        name, video = spec.split('=', 1)
        truth = read_tum(os.path.join(video, 'gt', 'poses.txt'))
        k = json.load(open(os.path.join(video, 'intrinsics.json')))
        clean, _, _ = recon(args, video, os.path.join(args.out, name + '_clean'), on_preset)
        for gap in args.gap:
            start, length = (int(x) for x in gap.split(':'))
            copy = os.path.join(args.out, '%s_gap%d_%d' % (name, start, length))
            shutil.rmtree(copy, ignore_errors=True)
            shutil.copytree(video, copy)
            depth_files = sorted(os.listdir(os.path.join(copy, 'depth')))
            for f in depth_files[start:start + length]:
                with open(os.path.join(copy, 'depth', f), 'wb') as out:
                    out.write(blank_png16(k['width'], k['height']))
            keep = [i for i in range(len(truth)) if not start <= i < start + length]
            off_poses, off_fail, _ = recon(args, copy, copy + '_off', off_preset)
            on_poses, on_fail, on_reloc = recon(args, copy, copy + '_on', on_preset)
            print('| %s | %d–%d | %.1f | %.1f, %s | %.1f, %s, %s |' % (
                name, start, start + length - 1, 1000 * ate(clean, truth, keep), 1000 * ate(off_poses, truth, keep),
                off_fail, 1000 * ate(on_poses, truth, keep), on_fail, on_reloc), flush=True)


if __name__ == '__main__':
    main()
