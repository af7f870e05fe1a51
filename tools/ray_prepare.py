#!/usr/bin/env python3
"""Run `ovseg3r prepare` (recon + superpoints + lift) over many videos, on one machine or a Ray cluster.

  python3 tools/ray_prepare.py VIDEOS... --out SCENES [--retries 2] [--address auto] [-- PREPARE OPTIONS]
  python3 tools/ray_prepare.py VIDEOS... --out SCENES --local --workers 2       (no Ray: a local process pool)

VIDEOS are video folders, folders of video folders, or @LIST files (one path per line). Video folder NAME becomes
SCENES/NAME. Every video goes to `ovseg3r prepare`, which asks the scene contract whether each stage is done with
these options (SCENE/stages.json) and runs only the stages that are not: a finished video costs one quick call and is
recorded as skipped, a video prepared with other options (say --voxel) is brought up to date rather than skipped on its
old prepare.json, and a retried video resumes where it failed (--force passes --force: every stage runs again). A
failed video is retried up to --retries times.
SCENES/manifest.json (or --manifest) records every video: status (succeeded, skipped, failed), attempts, durations,
the error of each failed attempt, the node that ran it and prepare's summary. Exits 1 when any video failed.

Ray: without --address a private local Ray instance is started; with --address (e.g. auto after `ray start --head`,
or ray://HEAD:10001) the tasks go to that cluster, and every node must see the same paths (shared file system) and
have the ovseg3r binary at the same path (--ovseg3r). Each task asks Ray for --cpus-per-task CPUs.
"""

import argparse
import datetime
import json
import os
import shutil
import socket
import subprocess
import sys
import time

from ray_tasks import Executor, default_binary, write_atomic

FORMAT_VERSION = 1


# MARK: - One video (runs on a worker)


def prepare_video(binary, video, scene, extra, timeout):
    """Runs `ovseg3r prepare VIDEO --out SCENE --json EXTRA...`; returns a plain dict (what Ray sends back)."""
    start = time.time()
    command = [binary, "prepare", video, "--out", scene, "--json"] + list(extra)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        code, stdout, stderr = done.returncode, done.stdout, done.stderr
    except subprocess.TimeoutExpired as e:
        code, stdout, stderr = -1, "", f"timed out after {timeout} s\n{(e.stderr or b'')[-2000:]!r}"
    except OSError as e:
        code, stdout, stderr = -1, "", f"cannot start {binary}: {e}"
    summary = None
    for line in reversed(stdout.strip().splitlines()):
        try:
            summary = json.loads(line)
            break
        except ValueError:
            continue
    error = None
    if code != 0:
        error = (summary or {}).get("error") or _last_lines(stderr) or f"exit status {code}"
    return {"ok": code == 0, "exit_status": code, "seconds": time.time() - start, "error": error,
            "summary": summary, "node": socket.gethostname()}


def _last_lines(text, count=5):
    lines = [line for line in text.replace("\r", "\n").splitlines() if line.strip()]
    return "\n".join(lines[-count:])


# MARK: - The batch (runs on the driver)


def find_videos(arguments):
    """Video folders named by the arguments, in order, without duplicates."""
    videos, pending = [], list(arguments)
    while pending:
        item = pending.pop(0)
        if item.startswith("@"):
            with open(item[1:]) as f:
                pending[:0] = [line.strip() for line in f if line.strip() and not line.startswith("#")]
            continue
        path = os.path.abspath(item)
        if os.path.isfile(os.path.join(path, "intrinsics.json")):
            videos.append(path)
        elif os.path.isdir(path):
            inner = sorted(os.path.join(path, n) for n in os.listdir(path)
                           if os.path.isfile(os.path.join(path, n, "intrinsics.json")))
            if not inner:
                raise SystemExit(f"ray_prepare: {path}: neither a video folder (intrinsics.json) nor a folder of them")
            videos.extend(inner)
        else:
            raise SystemExit(f"ray_prepare: {item}: no such video folder")
    unique = list(dict.fromkeys(videos))
    names = [os.path.basename(v) for v in unique]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise SystemExit(f"ray_prepare: several videos are named {', '.join(clashes)}; scene folders would collide")
    return unique


def ran_nothing(summary):
    """Whether prepare's summary says every stage was done already (nothing ran)."""
    stages = (summary or {}).get("stages") or []
    return bool(stages) and all(stage.get("status") == "skipped" for stage in stages)


def run(args):
    def task(video, scene):
        return (args.ovseg3r, video, scene, args.prepare_args + (["--force"] if args.force else []), args.timeout)

    videos = find_videos(args.videos)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    manifest_path = os.path.abspath(args.manifest or os.path.join(out, "manifest.json"))
    start = time.time()
    records = {v: {"video": v, "scene": os.path.join(out, os.path.basename(v)), "status": "pending", "attempts": 0,
                   "seconds": 0.0, "durations": [], "errors": [], "error": None, "node": None, "summary": None}
               for v in videos}
    todo = list(records)
    failure = {"ok": False, "exit_status": -1, "seconds": 0.0, "error": None, "summary": None, "node": None}
    executor = Executor(args, prepare_video, failure, "ray_prepare") if todo else None
    try:
        handles = {executor.submit(*task(v, records[v]["scene"])): v for v in todo} if executor else {}
        finished = 0
        while handles:
            handle, result = executor.wait_one(handles)
            video = handles.pop(handle)
            record = records[video]
            record["attempts"] += 1
            record["durations"].append(round(result["seconds"], 3))
            record["seconds"] = round(sum(record["durations"]), 3)
            record["node"], record["summary"] = result["node"], result["summary"]
            name = os.path.basename(video)
            if result["ok"]:
                record["status"] = "skipped" if ran_nothing(result["summary"]) else "succeeded"
                record["error"] = None
            else:
                record["errors"].append(result["error"])
                record["error"] = result["error"]
                if record["attempts"] <= args.retries:
                    log(f"retry   {name} (attempt {record['attempts']} failed: {last_line(result['error'])})")
                    handles[executor.submit(*task(video, record["scene"]))] = video
                    continue
                record["status"] = "failed"
            finished += 1
            log(f"[{finished}/{len(todo)}] {record['status']:9s} {name} {result['seconds']:.1f} s, "
                f"attempt {record['attempts']}" + ("" if result["ok"] else f": {last_line(result['error'])}"))
    finally:
        if executor:
            executor.close()
    counts = {s: sum(1 for r in records.values() if r["status"] == s) for s in ("succeeded", "skipped", "failed")}
    manifest = {"format_version": FORMAT_VERSION, "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "runner": "local" if args.local else "ray", "address": args.address, "ovseg3r": args.ovseg3r,
                "prepare_args": args.prepare_args, "retries": args.retries, "out": out,
                "seconds": round(time.time() - start, 3), "totals": dict(videos=len(videos), **counts),
                "videos": list(records.values())}
    write_atomic(manifest_path, json.dumps(manifest, indent=1) + "\n")
    log(f"{counts['succeeded']} succeeded, {counts['skipped']} skipped, {counts['failed']} failed of {len(videos)} "
        f"videos in {manifest['seconds']:.1f} s; manifest: {manifest_path}")
    return 1 if counts["failed"] else 0


def last_line(text):
    """The last non-empty line: where prepare and Python put the error."""
    return (text or "").strip().splitlines()[-1] if (text or "").strip() else ""


def log(message):
    print(f"ray_prepare: {message}", file=sys.stderr, flush=True)


def parse(argv):
    extra = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("videos", nargs="+", help="video folders, folders of video folders, or @LIST files")
    parser.add_argument("--out", required=True, help="folder of scene folders (one per video)")
    parser.add_argument("--ovseg3r", default=default_binary(), help="the ovseg3r binary (default: .build/release)")
    parser.add_argument("--retries", type=int, default=2, help="extra attempts for a failed video (default 2)")
    parser.add_argument("--manifest", help="manifest path (default: OUT/manifest.json)")
    parser.add_argument("--address", help="Ray cluster address (auto, ray://host:10001); default: a local instance")
    parser.add_argument("--local", action="store_true", help="no Ray: a local process pool")
    parser.add_argument("--workers", type=int, help="local parallel videos (default: CPU count)")
    parser.add_argument("--cpus-per-task", type=float, default=1, help="CPUs Ray reserves per video (default 1)")
    parser.add_argument("--timeout", type=float, help="seconds before an attempt is stopped (default: none)")
    parser.add_argument("--force", action="store_true", help="re-run every stage of every video (prepare --force)")
    args = parser.parse_args(argv)
    if args.retries < 0:
        parser.error("--retries must be >= 0")
    args.ovseg3r = os.path.abspath(args.ovseg3r) if os.sep in args.ovseg3r else args.ovseg3r
    if not (os.access(args.ovseg3r, os.X_OK) or shutil.which(args.ovseg3r)):
        parser.error(f"--ovseg3r {args.ovseg3r}: no such executable (build with `swift build -c release`)")
    args.prepare_args = extra
    return args


if __name__ == "__main__":
    sys.exit(run(parse(sys.argv[1:])))
