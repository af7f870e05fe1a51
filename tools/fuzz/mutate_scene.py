#!/usr/bin/env python3
"""Mutation run over a tiny scene folder, its PLY mesh, or a tiny ScanNet .sens against the ovseg3r binary (release build).

--format scene (default): each run copies a freshly generated tiny scene, damages one file, and runs one command on it:
  train (2 steps), fuse, superpoints --mode geometric, info (scene folder or mesh.ply).
--format ply: every run damages mesh.ply (header counts or bit flips) and runs segment-mesh on it (which reads every
  vertex and face), info, or superpoints --graph mesh.
--format sens: every run damages a tiny .sens recording (4 frames of 16x12; raw or zlib depth, raw colour): bit flips
  anywhere, or a structured bad header or frame-table value (NaN / zero / huge intrinsics, sizes and counts near 2**63,
  zero or NaN depth shift, unknown compressions), then runs `import scannet`, `info` or `recon` on it.
Damage is either random bit flips anywhere in the file (header included) or a structured bad value written into
an array's data (negative / huge ids, NaN / inf floats, broken offsets, -1e6, 5e6, INT32 extremes) or into a PLY
header (element counts near 2**62, huge face counts).

A run "crashes" when the process dies from a signal (or exits >= 128), and "hangs" when it outlives --timeout.
Any other exit (0 or a typed error, status 1..127) is fine. Prints a JSON summary; --keep DIR keeps crashing inputs.

usage: tools/fuzz/mutate_scene.py --binary .build/release/ovseg3r --runs 2000 --seed 1 [--format scene|ply|sens]
       [--timeout 60] [--keep DIR]
"""
import argparse, json, os, random, shutil, struct, subprocess, sys, tempfile, time, zlib
import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TINY_CONFIG = {"model": {"width": 16, "heads": 2, "decoderLayers": 1, "encoderLayers": 1, "pointHidden": 16, "ffnHidden": 32},
               "steps": 2, "textCount": 4, "checkpointEvery": 1000}


def npy_save(folder, manifest, name, array):
    np.save(os.path.join(folder, name + ".npy"), array)
    manifest["arrays"][name] = {"dtype": str(array.dtype), "shape": list(array.shape)}


def tiny_scene(folder, rng):
    """A 12x12 floor and three boxes (chair, table, lamp), 2 views, superpoints, GT and lifted labels."""
    os.makedirs(folder)
    manifest = {"format_version": 1, "units": "m", "up_axis": "+z", "provenance": {}, "counts": {}, "arrays": {}}
    coord, sp, inst, sem = [], [], [], []
    for i in range(12):
        for j in range(12):
            coord.append([i * 0.25, j * 0.25, 0.0]); sp.append((i // 6) * 2 + j // 6); inst.append(0); sem.append(3)
    origins = [(0.3, 0.3), (1.6, 0.4), (0.8, 2.0)]
    semantic_ids = [2, 4, 28]  # chair, table, lamp (ScanNet200 raw ids)
    for k, (x, y) in enumerate(origins):
        for a in range(6):
            for b in range(5):
                for c in range(4):
                    coord.append([x + a * 0.08, y + b * 0.08, 0.05 + c * 0.1])
                    sp.append(4 + 2 * k + (0 if a < 3 else 1)); inst.append(k + 1); sem.append(semantic_ids[k])
    coord = np.array(coord, np.float32) + rng.normal(0, 0.002, (len(coord), 3)).astype(np.float32)
    n = len(coord)
    npy_save(folder, manifest, "coord", coord)
    npy_save(folder, manifest, "color", np.full((n, 3), 120, np.uint8))
    normal = np.zeros((n, 3), np.float32); normal[:, 2] = 1
    npy_save(folder, manifest, "normal", normal)
    npy_save(folder, manifest, "superpoints", np.array(sp, np.int32))
    npy_save(folder, manifest, "instance", np.array(inst, np.int32))
    npy_save(folder, manifest, "semantic", np.array(sem, np.int32))
    # Two views that each see about two thirds of the points.
    v0 = np.arange(0, n, 1)[: 2 * n // 3]; v1 = np.arange(n // 3, n)
    points = np.concatenate([v0, v1]).astype(np.int32)
    npy_save(folder, manifest, "corr_offsets", np.array([0, len(v0), len(points)], np.int64))
    npy_save(folder, manifest, "corr_point", points)
    npy_save(folder, manifest, "corr_uv", (rng.random((len(points), 2)) * [63, 47]).astype(np.float32))
    source = np.where(np.arange(n) < 2 * n // 3, 0, 1).astype(np.int32)
    npy_save(folder, manifest, "source_view", source)
    npy_save(folder, manifest, "source_uv", np.zeros((n, 2), np.float32))
    views = [{"index": v, "frame": 5 * v, "width": 64, "height": 48} for v in range(2)]
    json.dump(views, open(os.path.join(folder, "views.json"), "w"))
    npy_save(folder, manifest, "sp_view_offsets", np.array([0, 6, 12], np.int64))
    npy_save(folder, manifest, "sp_view", np.array([0, 1, 4, 5, 6, 7, 1, 3, 6, 7, 8, 9], np.int32))
    npy_save(folder, manifest, "vl_offsets", np.array([0, 2, 4, 6, 8], np.int64))
    npy_save(folder, manifest, "vl_superpoints", np.array([4, 5, 6, 7, 6, 7, 8, 9], np.int32))
    npy_save(folder, manifest, "objects2d_center", np.array([[0.5, 0.5, 0.2]], np.float32))
    npy_save(folder, manifest, "objects2d_view", np.array([0], np.int32))
    npy_save(folder, manifest, "objects2d_feat", np.ones((1, 4), np.float16))
    npy_save(folder, manifest, "feat2d", np.full((n, 4), 0.5, np.float16))
    npy_save(folder, manifest, "feat2d_count", np.ones(n, np.uint16))
    labels = {"format_version": 1, "views": [
        {"view": 0, "frame": 0, "instances": [{"label": "chair", "score": 0.9, "object": 0, "mask": 0},
                                              {"label": "table", "score": 0.8, "object": -1, "mask": 1}]},
        {"view": 1, "frame": 5, "instances": [{"label": "table", "score": 0.9, "object": -1, "mask": 2},
                                              {"label": "lamp", "score": 0.7, "object": -1, "mask": 3}]}]}
    json.dump(labels, open(os.path.join(folder, "view_labels.json"), "w"))
    # A small binary mesh over the first points.
    faces = np.array([[3 * i, 3 * i + 1, 3 * i + 2] for i in range(30)], np.int32)
    with open(os.path.join(folder, "mesh.ply"), "wb") as f:
        f.write(("ply\nformat binary_little_endian 1.0\nelement vertex %d\nproperty float x\nproperty float y\n"
                 "property float z\nelement face %d\nproperty list uchar int vertex_indices\nend_header\n" % (n, len(faces))).encode())
        f.write(coord.tobytes())
        for face in faces:
            f.write(struct.pack("<B3i", 3, *face))
    manifest["counts"] = {"points": n, "superpoints": 10}
    json.dump(manifest, open(os.path.join(folder, "scene.json"), "w"))


ARRAYS = ["coord", "normal", "superpoints", "instance", "semantic", "corr_offsets", "corr_point", "corr_uv",
          "source_view", "sp_view_offsets", "sp_view", "vl_offsets", "vl_superpoints", "objects2d_center",
          "objects2d_view", "objects2d_feat", "feat2d"]
BAD_INTS = [-1, -5, -1_000_000, 5_000_000, 2**31 - 1, -2**31, 10**6, 1 << 40, -(1 << 40)]
BAD_FLOATS = [float("nan"), float("inf"), -float("inf"), 1e38, -1e38, 1e30]


def mutate_structured(scene, rng):
    """Writes a bad value (or a whole bad array) into one array's data, keeping the .npy header valid."""
    name = rng.choice(ARRAYS)
    path = os.path.join(scene, name + ".npy")
    a = np.load(path)
    flat = a.reshape(-1).copy()
    kind = rng.randrange(4)
    if flat.size == 0:
        return name + ":empty"
    if np.issubdtype(a.dtype, np.integer):
        info = np.iinfo(a.dtype)
        values = [v for v in BAD_INTS if info.min <= v <= info.max]
        if kind == 0:
            flat[rng.randrange(flat.size)] = rng.choice(values)
        elif kind == 1:
            flat[:] = rng.choice(values)
        elif kind == 2:
            rng.shuffle(flat)
        else:
            flat[rng.randrange(flat.size)] = flat[rng.randrange(flat.size)] + rng.choice([-1, 1, 3])
    else:
        if kind == 1:
            flat[:] = rng.choice(BAD_FLOATS)
        else:
            for _ in range(1 + rng.randrange(3)):
                flat[rng.randrange(flat.size)] = rng.choice(BAD_FLOATS)
    np.save(path, flat.reshape(a.shape).astype(a.dtype))
    return name + ":structured%d" % kind


def mutate_bits(path, rng):
    data = bytearray(open(path, "rb").read())
    flips = 1 + rng.randrange(8)
    for _ in range(flips):
        i = rng.randrange(len(data)); data[i] ^= 1 << rng.randrange(8)
    open(path, "wb").write(bytes(data))
    return os.path.basename(path) + ":bits%d" % flips


def mutate_ply_header(path, rng):
    text = open(path, "rb").read()
    end = text.index(b"end_header\n")
    header, body = text[:end].decode(), text[end:]
    huge = rng.choice([2**62, 2**62 + 7, 2**63 - 1, 4_000_000_000_000, 2**40, 10**18, 2**31])
    element = rng.choice(["vertex", "face"])
    lines = [("element %s %d" % (element, huge)) if l.startswith("element " + element) else l for l in header.split("\n")]
    open(path, "wb").write("\n".join(lines).encode() + body)
    return "mesh.ply:%s=%d" % (element, huge)


SENS_W, SENS_H, SENS_FRAMES = 16, 12, 4


def tiny_sens(path, rng, zlib_depth):
    """A valid 4-frame SensorData v4 file: raw RGB8 colour, raw or zlib uint16 depth, identity-ish poses."""
    k = [14.0, 0, 7.5, 0, 0, 15.0, 5.5, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    eye = [1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]
    out = bytearray(struct.pack("<I", 4))
    name = b"StructureSensor"
    out += struct.pack("<Q", len(name)) + name
    for m in (k, eye, k, eye):
        out += struct.pack("<16f", *m)
    out += struct.pack("<ii", 0, 1 if zlib_depth else 0)
    out += struct.pack("<IIIIf", SENS_W, SENS_H, SENS_W, SENS_H, 1000.0)
    out += struct.pack("<Q", SENS_FRAMES)
    for f in range(SENS_FRAMES):
        pose = list(eye); pose[3] = 0.02 * f
        colour = bytes((rng.integers(0, 256, SENS_W * SENS_H * 3)).astype(np.uint8))
        depth = (1500 + rng.integers(0, 200, SENS_W * SENS_H)).astype("<u2").tobytes()
        if zlib_depth:
            depth = zlib.compress(depth)
        out += struct.pack("<16f", *pose) + struct.pack("<QQQQ", 1000 * f, 1000 * f, len(colour), len(depth))
        out += colour + depth
    out += struct.pack("<Q", 0)  # no IMU frames
    open(path, "wb").write(bytes(out))


# Byte offsets of the header's fields (the sensor name is 15 bytes long).
SENS_FIELDS = {"version": (0, "<I"), "name_length": (4, "<Q"), "color_fx": (27, "<f"), "color_cx": (35, "<f"),
               "depth_fx": (155, "<f"), "depth_fy": (175, "<f"), "color_compression": (283, "<i"),
               "depth_compression": (287, "<i"), "color_width": (291, "<I"), "color_height": (295, "<I"),
               "depth_width": (299, "<I"), "depth_height": (303, "<I"), "depth_shift": (307, "<f"),
               "frame_count": (311, "<Q"), "frame0_pose": (319, "<f"), "frame0_color_size": (399, "<Q"),
               "frame0_depth_size": (407, "<Q")}
SENS_VALUES = {"<I": [0, 1, 3, 2**31, 2**32 - 1, 65536], "<Q": [0, 2**62, 2**63 - 1, 2**32, 10**12, 5],
               "<i": [-1, 2, 3, 7, -2**31], "<f": [float("nan"), float("inf"), 0.0, -1.0, 1e30, 1e-30]}


def mutate_sens(path, rng):
    if rng.random() < 0.5:
        return mutate_bits(path, rng)
    field = rng.choice(sorted(SENS_FIELDS))
    offset, fmt = SENS_FIELDS[field]
    value = rng.choice(SENS_VALUES[fmt])
    data = bytearray(open(path, "rb").read())
    struct.pack_into(fmt, data, offset, value)
    open(path, "wb").write(bytes(data))
    return "scene.sens:%s=%r" % (field, value)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", required=True)
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--keep", help="folder for inputs that crashed or hung")
    p.add_argument("--format", choices=["scene", "ply", "sens"], default="scene",
                   help="what to damage: the scene folder's files, only its mesh.ply, or a .sens recording")
    args = p.parse_args()
    binary = os.path.abspath(args.binary)
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="mutate-scene-")
    base = os.path.join(work, "base", "scene_0000")
    tiny_scene(base, np.random.default_rng(args.seed))
    sens_bases = []
    for zlib_depth in (False, True):
        sens_bases.append(os.path.join(work, "base", "tiny-%s.sens" % ("zlib" if zlib_depth else "raw")))
        tiny_sens(sens_bases[-1], np.random.default_rng(args.seed), zlib_depth)
    config = os.path.join(work, "tiny.json")
    json.dump(TINY_CONFIG, open(config, "w"))
    counts = {"runs": 0, "ok": 0, "errors": 0, "crashes": 0, "hangs": 0}
    by_command = {}
    failures = []
    start = time.time()
    for run in range(args.runs):
        data = os.path.join(work, "run", "data")
        shutil.rmtree(os.path.join(work, "run"), ignore_errors=True)
        scene = os.path.join(data, "scene_0000")
        shutil.copytree(base, scene)
        if args.format == "sens":
            command = rng.choice(["import", "import", "info-sens", "recon"])
        elif args.format == "ply":
            command = rng.choice(["segment-mesh", "segment-mesh", "info-ply"])
        else:
            command = rng.choice(["train", "train", "fuse", "superpoints", "info", "info-ply"])
        sens = os.path.join(work, "run", "scene.sens")
        if args.format == "sens":
            shutil.copy(rng.choice(sens_bases), sens)
            what = mutate_sens(sens, rng)
        elif command in ("info-ply", "segment-mesh") or (command != "train" and rng.random() < 0.1):
            what = mutate_ply_header(os.path.join(scene, "mesh.ply"), rng) if rng.random() < 0.5 \
                else mutate_bits(os.path.join(scene, "mesh.ply"), rng)
        elif rng.random() < 0.5:
            what = mutate_structured(scene, rng)
        else:
            target = rng.choice([a + ".npy" for a in ARRAYS] + ["scene.json", "view_labels.json"])
            what = mutate_bits(os.path.join(scene, target), rng)
        out = os.path.join(work, "run", "out")
        argv = {"train": ["train", "--data", data, "--out", out, "--config", config, "--steps", "2"],
                "fuse": ["fuse", "--scene", scene, "--out", out],
                "superpoints": ["superpoints", scene, "--mode", "geometric"],
                "info": ["info", scene],
                "info-ply": ["info", os.path.join(scene, "mesh.ply")],
                "segment-mesh": ["segment-mesh", os.path.join(scene, "mesh.ply"), "--out", out + ".json"],
                "import": ["import", "scannet", sens, "--out", out],
                "info-sens": ["info", sens],
                "recon": ["recon", sens, "--out", out, "--poses", "given", "--voxel", "0.05"]}[command]
        if command == "info-ply" and rng.random() < 0.5:
            argv = ["superpoints", scene, "--mode", "geometric", "--graph", "mesh"]
        try:
            r = subprocess.run([binary] + argv, cwd=REPO, capture_output=True, timeout=args.timeout)
            status = r.returncode
            verdict = "crash" if status < 0 or status >= 128 else ("ok" if status == 0 else "error")
            detail = r.stderr.decode(errors="replace")[-300:]
        except subprocess.TimeoutExpired:
            verdict, status, detail = "hang", None, ""
        counts["runs"] += 1
        counts[{"ok": "ok", "error": "errors", "crash": "crashes", "hang": "hangs"}[verdict]] += 1
        by_command.setdefault(command, {"runs": 0, "crashes": 0, "hangs": 0})
        by_command[command]["runs"] += 1
        if verdict in ("crash", "hang"):
            by_command[command]["crashes" if verdict == "crash" else "hangs"] += 1
            failures.append({"run": run, "command": argv[0], "mutation": what, "status": status, "stderr": detail})
            print("%s run %d: %s on %s (status %s)\n%s" % (verdict, run, argv[0], what, status, detail), file=sys.stderr)
            if args.keep:
                shutil.copytree(scene, os.path.join(args.keep, "run-%05d" % run))
        if (run + 1) % 50 == 0:
            print("%d/%d runs, %d crashes, %d hangs, %.0f s" % (run + 1, args.runs, counts["crashes"], counts["hangs"],
                                                          time.time() - start), file=sys.stderr)
    shutil.rmtree(work, ignore_errors=True)
    print(json.dumps({"counts": counts, "by_command": by_command, "seconds": round(time.time() - start, 1),
                      "failures": failures[:20]}, indent=1))
    return 1 if counts["crashes"] or counts["hangs"] else 0


if __name__ == "__main__":
    sys.exit(main())
