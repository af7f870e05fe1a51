"""What tools/ray_prepare.py and tools/ray_experiment.py share on the driver: running one function per task on a Ray
cluster (or a local process pool), atomic writes and the default binary.

The task functions themselves stay in the scripts (self-contained, standard library only), so Ray ships them to its
workers by value and no worker needs this module on its path.
"""

import concurrent.futures
import os
import tempfile


class Executor:
    """submit(*arguments) -> handle; wait_one(handles) -> (handle, result) of one finished task; close().

    args needs: local, workers, address, cpus_per_task. A task that dies on a Ray worker returns
    dict(failure, error="worker failure: ...") like a failed attempt."""

    def __init__(self, args, function, failure, name):
        self.function, self.failure = function, failure
        if args.local:
            self.kind = "local"
            self.pool = concurrent.futures.ProcessPoolExecutor(max_workers=args.workers or os.cpu_count() or 1)
            return
        os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
        try:
            import ray
        except ImportError:
            raise SystemExit(f"{name}: cannot import ray (pip install ray), or run with --local")
        self.kind, self.ray = "ray", ray
        options = {"address": args.address} if args.address else {"num_cpus": args.workers or None,
                                                                   "include_dashboard": False}
        ray.init(log_to_driver=False, **options)
        self.remote = ray.remote(num_cpus=args.cpus_per_task, max_retries=1)(function)

    def submit(self, *arguments):
        if self.kind == "local":
            return self.pool.submit(self.function, *arguments)
        return self.remote.remote(*arguments)

    def wait_one(self, handles):
        if self.kind == "local":
            done, _ = concurrent.futures.wait(handles, return_when=concurrent.futures.FIRST_COMPLETED)
            handle = next(iter(done))
            return handle, handle.result()
        ready, _ = self.ray.wait(list(handles), num_returns=1)
        handle = ready[0]
        try:
            return handle, self.ray.get(handle)
        except Exception as e:  # the worker died: a failed attempt like any other
            return handle, dict(self.failure, error=f"worker failure: {e}")

    def close(self):
        if self.kind == "local":
            self.pool.shutdown()
        else:
            self.ray.shutdown()


def write_atomic(path, text):
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", dir=os.path.dirname(path))
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def default_binary():
    """The repository's release build, else its debug build, else `ovseg3r` on PATH."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for build in ("release", "debug"):
        candidate = os.path.join(here, ".build", build, "ovseg3r")
        if os.access(candidate, os.X_OK):
            return candidate
    return "ovseg3r"
