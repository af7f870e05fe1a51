#!/usr/bin/env python3
"""Run the (arm, seed) jobs of an `ovseg3r experiment` plan as tasks on a Ray cluster (or a local process pool).

  python3 tools/ray_experiment.py PLAN.json --out RUNS [--arms full,no-vip] [--address auto] [--cpus-per-task 1]
  python3 tools/ray_experiment.py PLAN.json --out RUNS --local --workers 2          (no Ray: a local process pool)

The job list comes from `ovseg3r experiment jobs PLAN --out RUNS --json`; every job that is not done becomes one
task running `ovseg3r experiment run PLAN --out RUNS --job ARM:SEED --jobs 1 --no-table` with OVSEG3R_THREADS set to
the task's CPUs. A job whose arm starts from another arm's run (`initFrom`), or merges other arms' predictions
(`from`), is submitted once those jobs are done. A started job resumes from its latest checkpoint (the experiment
runner's own rule), so a failed task is simply retried (--retries) and a killed driver is re-run with the same command. When the tasks end, the driver writes the table
(`ovseg3r experiment table`: RUNS/results.md, results.json, curve-*.svg) and RUNS/ray-manifest.json (status, attempts,
durations, node and error of every job). Exits 1 when a job failed.

Ray: without --address a private local Ray instance is started; with --address (e.g. auto after `ray start --head`,
or ray://HEAD:10001) every node must see RUNS, the plan's scene folders and the ovseg3r binary at the same paths (a
shared file system).
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


# MARK: - One job (runs on a worker)


def run_job(binary, plan, out, job, threads, timeout):
    """Runs one (arm, seed) to completion; returns a plain dict (what Ray sends back)."""
    start = time.time()
    command = [binary, "experiment", "run", plan, "--out", out, "--job", job, "--jobs", "1", "--no-table"]
    environment = dict(os.environ, OVSEG3R_THREADS=str(threads))
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=environment)
        code, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired as e:
        code, stderr = -1, f"timed out after {timeout} s\n{(e.stderr or b'')[-2000:]!r}"
    except OSError as e:
        code, stderr = -1, f"cannot start {binary}: {e}"
    error = None if code == 0 else (last_lines(stderr) or f"exit status {code}")
    return {"ok": code == 0, "exit_status": code, "seconds": time.time() - start, "error": error,
            "node": socket.gethostname()}


def last_lines(text, count=4):
    lines = [line for line in (text or "").replace("\r", "\n").splitlines() if line.strip()]
    return "\n".join(lines[-count:])


# MARK: - The driver


def list_jobs(binary, plan, out):
    done = subprocess.run([binary, "experiment", "jobs", plan, "--out", out, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"ray_experiment: {last_lines(done.stderr) or 'experiment jobs failed'}")
    return json.loads(done.stdout)


def run(args):
    def task(job):
        return (args.ovseg3r, args.plan, args.out, job, args.threads, args.timeout)

    every = list_jobs(args.ovseg3r, args.plan, args.out)
    # A "rescore" job has all its outputs (jobs waiting for it may start); it only needs its last-fifth checkpoint
    # scored again, so it is run like a pending job.
    done_on_disk = {j["job"] for j in every if j["status"] in ("done", "rescore")}
    jobs = every
    if args.arms:
        known = {j["arm"] for j in jobs}
        unknown = sorted(set(args.arms) - known)
        if unknown:
            raise SystemExit(f"ray_experiment: --arms: no arm named {', '.join(unknown)} in the plan "
                             f"(arms: {', '.join(sorted(known))})")
        jobs = [j for j in jobs if j["arm"] in args.arms]
    records = {j["job"]: {"job": j["job"], "arm": j["arm"], "seed": j["seed"], "after": j.get("after") or [],
                          "status": "skipped" if j["status"] == "done" else "pending", "attempts": 0, "seconds": 0.0,
                          "durations": [], "errors": [], "error": None, "node": None} for j in jobs}
    todo = [name for name, r in records.items() if r["status"] == "pending"]
    for name, r in records.items():
        if r["status"] == "skipped":
            log(f"skip    {name} (done already)")
    start = time.time()
    failure = {"ok": False, "exit_status": -1, "seconds": 0.0, "error": None, "node": None}
    executor = Executor(args, run_job, failure, "ray_experiment") if todo else None
    handles, waiting, finished = {}, list(todo), 0
    try:
        while waiting or handles:
            for name in list(waiting):
                after = records[name]["after"] or []
                blocked = [a for a in after if a not in done_on_disk and (a not in records or records[a]["status"] == "failed")]
                if blocked:
                    waiting.remove(name)
                    r = records[name]
                    r["status"] = "failed"
                    a = blocked[0]
                    r["error"] = f"needs {a}, which " + ("failed" if a in records else "is not done and not selected")
                    r["errors"].append(r["error"])
                    finished += 1
                    log(f"[{finished}/{len(todo)}] failed    {name}: {r['error']}")
                elif all(a in done_on_disk for a in after):
                    waiting.remove(name)
                    handles[executor.submit(*task(name))] = name
            if not handles:
                continue
            handle, result = executor.wait_one(handles)
            name = handles.pop(handle)
            r = records[name]
            r["attempts"] += 1
            r["durations"].append(round(result["seconds"], 3))
            r["seconds"] = round(sum(r["durations"]), 3)
            r["node"] = result["node"]
            if result["ok"]:
                r["status"], r["error"] = "succeeded", None
                done_on_disk.add(name)
            else:
                r["errors"].append(result["error"])
                r["error"] = result["error"]
                if r["attempts"] <= args.retries:
                    log(f"retry   {name} (attempt {r['attempts']} failed: {last_lines(result['error'], 1)})")
                    handles[executor.submit(*task(name))] = name
                    continue
                r["status"] = "failed"
            finished += 1
            log(f"[{finished}/{len(todo)}] {r['status']:9s} {name} {result['seconds']:.1f} s, attempt {r['attempts']}"
                + ("" if result["ok"] else f": {last_lines(result['error'], 1)}"))
    finally:
        if executor:
            executor.close()
    table = None
    if any(r["status"] in ("succeeded", "skipped") for r in records.values()):
        done = subprocess.run([args.ovseg3r, "experiment", "table", args.plan, "--out", args.out],
                              capture_output=True, text=True)
        table = "written" if done.returncode == 0 else f"failed: {last_lines(done.stderr, 2)}"
        if done.returncode == 0:
            print(done.stdout, end="")
    counts = {s: sum(1 for r in records.values() if r["status"] == s) for s in ("succeeded", "skipped", "failed")}
    manifest = {"format_version": FORMAT_VERSION, "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "runner": "local" if args.local else "ray", "address": args.address, "ovseg3r": args.ovseg3r,
                "plan": args.plan, "out": args.out, "threads_per_task": args.threads, "retries": args.retries,
                "seconds": round(time.time() - start, 3), "table": table,
                "totals": dict(jobs=len(records), **counts), "jobs": list(records.values())}
    path = os.path.join(args.out, "ray-manifest.json")
    write_atomic(path, json.dumps(manifest, indent=1) + "\n")
    log(f"{counts['succeeded']} succeeded, {counts['skipped']} skipped, {counts['failed']} failed of {len(records)} jobs "
        f"in {manifest['seconds']:.1f} s; table {table or 'not written (no job done)'}; manifest: {path}")
    return 1 if counts["failed"] else 0


def log(message):
    print(f"ray_experiment: {message}", file=sys.stderr, flush=True)


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("plan", help="the experiment plan (JSON), e.g. tools/benchmark/plan.json")
    parser.add_argument("--out", required=True, help="experiment folder (shared by every node)")
    parser.add_argument("--arms", help="only these arms (comma-separated names)")
    parser.add_argument("--ovseg3r", default=default_binary(), help="the ovseg3r binary (default: .build/release)")
    parser.add_argument("--retries", type=int, default=1, help="extra attempts for a failed job (default 1)")
    parser.add_argument("--address", help="Ray cluster address (auto, ray://host:10001); default: a local instance")
    parser.add_argument("--local", action="store_true", help="no Ray: a local process pool")
    parser.add_argument("--workers", type=int, help="local parallel jobs, or the local Ray instance's CPUs (default: all)")
    parser.add_argument("--cpus-per-task", type=float, default=1, help="CPUs Ray reserves per job (default 1)")
    parser.add_argument("--timeout", type=float, help="seconds before an attempt is stopped (default: none)")
    args = parser.parse_args(argv)
    if args.retries < 0:
        parser.error("--retries must be >= 0")
    if args.cpus_per_task <= 0:
        parser.error("--cpus-per-task must be > 0")
    args.threads = max(1, int(args.cpus_per_task))
    args.plan = os.path.abspath(args.plan)
    if not os.path.isfile(args.plan):
        parser.error(f"{args.plan}: no such plan file")
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    args.arms = [a.strip() for a in args.arms.split(",") if a.strip()] if args.arms else None
    args.ovseg3r = os.path.abspath(args.ovseg3r) if os.sep in args.ovseg3r else args.ovseg3r
    if not (os.access(args.ovseg3r, os.X_OK) or shutil.which(args.ovseg3r)):
        parser.error(f"--ovseg3r {args.ovseg3r}: no such executable (build with `swift build -c release`)")
    return args


if __name__ == "__main__":
    sys.exit(run(parse(sys.argv[1:])))
