#!/usr/bin/env python3
"""File-format speed of SceneIO against numpy, measured in the same session.

Runs `ovseg3r bench io --json` (our medians) and, on the very same files, numpy.save / numpy.load and a
numpy structured-dtype PLY read (what plyfile does), alternating rounds so that machine-load drift hits
both sides alike. Prints medians over rounds and the ratios ours / numpy (< 1 means we are faster).

    swift build -c release && python3 tools/bench_io.py [--rounds 6] [--repeat 5]
"""
import os

# The ovseg3r binary links OpenBLAS, whose idle worker threads spin in sched_yield for a while after
# start-up and steal the second core from the file benchmark; numpy links OpenBLAS too. One BLAS
# thread on both sides keeps this an I/O comparison. Must be set before numpy is imported.
os.environ['OPENBLAS_NUM_THREADS'] = '1'

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np


def median_time(runs, body, prepare=None):
    times = []
    for _ in range(runs):
        if prepare:
            prepare()
        start = time.perf_counter()
        body()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def read_ply_numpy(path):
    """Binary little-endian PLY with fixed-size vertices and triangle faces -> contiguous arrays."""
    with open(path, 'rb') as f:
        data = f.read()
    end = data.index(b'end_header\n') + len(b'end_header\n')
    types = {'float': '<f4', 'double': '<f8', 'uchar': 'u1', 'char': 'i1', 'ushort': '<u2', 'short': '<i2',
             'int': '<i4', 'uint': '<u4'}
    fields, counts, element = [], {}, None
    for line in data[:end].decode().splitlines():
        words = line.split()
        if words[0] == 'element':
            element = words[1]
            counts[element] = int(words[2])
        elif words[0] == 'property' and element == 'vertex':
            fields.append((words[2], types[words[1]]))
    vertices = np.frombuffer(data, dtype=np.dtype(fields), count=counts['vertex'], offset=end)
    faces = np.frombuffer(data, dtype=np.dtype([('n', 'u1'), ('i', '<i4', (3,))]), count=counts['face'],
                          offset=end + vertices.nbytes)
    assert (faces['n'] == 3).all()
    xyz = np.stack([vertices['x'], vertices['y'], vertices['z']], axis=1)
    normals = np.stack([vertices['nx'], vertices['ny'], vertices['nz']], axis=1)
    colors = np.stack([vertices['red'], vertices['green'], vertices['blue']], axis=1)
    triangles = np.ascontiguousarray(faces['i'])
    assert triangles.max() < len(xyz)
    return xyz, normals, colors, triangles


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--bin', default='.build/release/ovseg3r')
    parser.add_argument('--rounds', type=int, default=6)
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f'{args.bin} not found: run `swift build -c release` first')

    work = tempfile.mkdtemp(prefix='bench-io-')
    ours, ref = {}, {}
    info = {}

    def run_ours(part):
        out = subprocess.run([args.bin, 'bench', 'io', '--json', '--only', part, '--repeat', str(args.repeat),
                              '--dir', work], check=True, capture_output=True, text=True).stdout
        result = json.loads(out)
        info.update(result)
        for key, value in result.items():
            if key.endswith('_s') or key.endswith('_mb_above_baseline'):
                ours.setdefault(key, []).append(value)

    def run_numpy_npy():
        array = np.load(info['npy_path'])
        assert array.shape == (info['points'], 3) and array.dtype == np.float32
        target = os.path.join(work, 'numpy.npy')

        def remove():
            if os.path.exists(target):
                os.unlink(target)

        ref.setdefault('npy_write_fresh_s', []).append(
            median_time(args.repeat, lambda: np.save(target, array), prepare=remove))
        ref.setdefault('npy_write_overwrite_s', []).append(median_time(args.repeat, lambda: np.save(target, array)))
        ref.setdefault('npy_read_s', []).append(median_time(args.repeat, lambda: np.load(target)))
        os.unlink(target)

    def run_numpy_ply():
        ref.setdefault('ply_read_s', []).append(median_time(args.repeat, lambda: read_ply_numpy(info['ply_path'])))

    try:
        run_ours('npy')  # the reference reads the files our side writes
        run_ours('ply')
        ours.clear()
        for round_index in range(args.rounds):
            # Alternate who goes first so that load drift on this shared machine hits both sides alike.
            for part, reference in (('npy', run_numpy_npy), ('ply', run_numpy_ply)):
                if round_index % 2 == 0:
                    run_ours(part)
                    reference()
                else:
                    reference()
                    run_ours(part)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = info

    rows = [
        ('npy_write_fresh_s', f'.npy write float32 [{result["points"]}, 3], new file', 'numpy.save'),
        ('npy_write_overwrite_s', '.npy write, replacing an existing file', 'numpy.save (in place, not atomic)'),
        ('npy_read_s', '.npy read float32 [N, 3]', 'numpy.load'),
        ('ply_read_s', f'binary PLY read, {result["vertices"]} vertices / {result["faces"]} faces',
         'numpy frombuffer + column stack'),
    ]
    print(f'| operation | ours (ms) | reference | reference (ms) | ours / reference |')
    print(f'|---|---|---|---|---|')
    for key, label, reference in rows:
        a, b = statistics.median(ours[key]), statistics.median(ref[key])
        print(f'| {label} | {a * 1e3:.1f} | {reference} | {b * 1e3:.1f} | {a / b:.2f}x |')
    print(f'| binary PLY write (new file) | {statistics.median(ours["ply_write_s"]) * 1e3:.1f} | | | |')
    print(f'| binary PLY read, peak memory above baseline | '
          f'{statistics.median(ours["ply_read_peak_mb_above_baseline"]):.0f} MB (file {result["ply_bytes"] / 1e6:.0f} MB) | | | |')


if __name__ == '__main__':
    main()
