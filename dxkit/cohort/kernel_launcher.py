"""Start one learner's IPython kernel with its limits (run as ``python -m dxkit.cohort.kernel_launcher``).

The sandbox (``sandbox.Sandbox.argv``) runs this module as the box's first process:

1. copy the read-only submission folder into the box's own size-limited working folder (a tmpfs) and enter it;
2. set the rlimits (address space, processes, file size, open files, total CPU time);
3. give every cell its own CPU-time budget: before each cell the soft RLIMIT_CPU is moved to "used + budget";
   at the soft limit the kernel gets SIGXCPU and the cell fails with ``CPUTimeLimitExceeded`` (the kernel lives
   on); the hard limit (the notebook's total) ends a kernel that ignores it;
4. start ipykernel.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sys

CPU_ERROR = "CPUTimeLimitExceeded"


def _set(kind: int, value: int) -> None:
    hard = resource.getrlimit(kind)[1]
    value = value if hard == resource.RLIM_INFINITY else min(value, hard)
    resource.setrlimit(kind, (value, value))


def apply_limits(limits: dict) -> None:
    _set(resource.RLIMIT_AS, int(limits["memory_bytes"]))
    _set(resource.RLIMIT_NPROC, int(limits["processes"]))
    _set(resource.RLIMIT_FSIZE, int(limits["file_bytes"]))
    _set(resource.RLIMIT_NOFILE, int(limits["open_files"]))
    _set(resource.RLIMIT_CORE, 0)
    total = int(limits["cpu_total_seconds"])
    resource.setrlimit(resource.RLIMIT_CPU, (min(total, int(limits["cpu_seconds"])), total))


def _cpu_used() -> int:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int(usage.ru_utime + usage.ru_stime) + 1


def _per_cell_budget(shell, seconds: int) -> None:
    hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    state = {"running": False}

    class CPUTimeLimitExceeded(Exception):  # noqa: N818 - the name the learner sees
        pass

    CPUTimeLimitExceeded.__name__ = CPU_ERROR

    def before(*_a):
        state["running"] = True
        resource.setrlimit(resource.RLIMIT_CPU, (min(_cpu_used() + seconds, hard), hard))

    def after(*_a):
        state["running"] = False

    def on_xcpu(_sig, _frame):
        resource.setrlimit(resource.RLIMIT_CPU, (min(_cpu_used() + 5, hard), hard))   # room to report
        if state["running"]:
            state["running"] = False
            raise CPUTimeLimitExceeded(f"このセルが CPU 時間の上限（{seconds} 秒）に達したので止めました。")

    signal.signal(signal.SIGXCPU, on_xcpu)
    shell.events.register("pre_run_cell", before)
    shell.events.register("post_run_cell", after)


def copy_in(src: str, dst: str) -> None:
    """Copy the submission's files into the box's working folder (contents only: no owner or mode)."""
    for folder, _dirs, files in os.walk(src):
        target = os.path.join(dst, os.path.relpath(folder, src))
        os.makedirs(target, exist_ok=True)
        for name in files:
            shutil.copyfile(os.path.join(folder, name), os.path.join(target, name))
    os.chdir(dst)


def main(argv: list[str]) -> None:
    settings = json.loads(argv[0])
    if settings.get("copy"):
        copy_in(*settings["copy"])
    apply_limits(settings["limits"])
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(argv[1:])
    _per_cell_budget(app.shell, int(settings["limits"]["cpu_seconds"]))
    app.start()


if __name__ == "__main__":
    main(sys.argv[1:])
