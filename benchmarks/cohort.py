"""Cohort autograde benchmarks: throughput on honest submissions, and a hostile cohort.

    .venv/bin/python benchmarks/cohort.py [--n 40] [--workers N] [--assignment 00_orientation]
    .venv/bin/python benchmarks/cohort.py --hostile [--n 40]

Default (throughput): plain sequential `nbgrader autograde` and dxkit's parallel autograde grade the same N
well-formed submissions (full, half, untouched, one wrong answer, in turn) in two fresh course folders; the
script checks that every cell score is identical and prints the speed-up (target >= 1.7x on 2 cores).

--hostile: N learners run together, honest and hostile mixed (every 4th learner is hostile: a fork storm, a
/tmp filler, an output flood and an endless loop in turn). It checks that every honest learner scores exactly as under
plain nbgrader, that every hostile one is flagged with the right reason, and prints the peak host memory in use
and the peak growth of the disk holding /tmp (both sampled every 0.2 s, so other work on the machine counts too).
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402

from dxkit.cohort import autograde, notebooks as nbs  # noqa: E402
from dxkit.cohort.course import Course  # noqa: E402

HOSTILE = {
    "fork": ("import os, time\nfor i in range(10**6):\n    if os.fork() == 0:\n        time.sleep(30)\n"
             "        os._exit(0)", "プロセス数の上限"),
    "tmpfill": ("for i in range(14):\n    open(f'/tmp/fill{i}', 'wb').write(b'x' * 250 * 2**20)", "ディスクの上限"),
    "flood": ("for i in range(30000):\n    print('x' * 10000)", "出力の上限"),
    "loop": ("while True:\n    pass", "打ち切り"),
}


def variants(course: Course, assignment: str):
    name = course.notebooks(assignment)[0]
    release = nbformat.read(course.release_dir(assignment) / f"{name}.ipynb", as_version=4)
    source = nbformat.read(course.source_dir / assignment / f"{name}.ipynb", as_version=4)
    answers = {nbs.grade_id(c): c.source for c in source.cells if nbs.is_answer(c) and c.cell_type == "code"}
    keys = list(answers)
    honest = [answers, dict(list(answers.items())[: len(keys) // 2]), {},
              {**answers, keys[1]: "raise ValueError('まちがい')"}]
    return name, release, honest, keys


def submit(course: Course, assignment: str, student: str, answers: dict) -> None:
    name, release, _h, _k = variants(course, assignment)
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        if nbs.grade_id(cell) in answers:
            cell.source = answers[nbs.grade_id(cell)]
    d = course.submitted_dir(student, assignment)
    d.mkdir(parents=True)
    nbformat.write(nb, d / f"{name}.ipynb")


def build(course: Course, assignment: str, n: int, hostile: bool = False) -> dict[str, str]:
    """Submissions for n learners; returns {student: kind} (kind "honest" or a HOSTILE key)."""
    course.ensure_released(assignment)
    _name, _release, honest, keys = variants(course, assignment)
    kinds = {}
    for i in range(n):
        student = f"bench{i:03d}"
        kind = list(HOSTILE)[(i // 4) % len(HOSTILE)] if hostile and i % 4 == 1 else "honest"
        answers = dict(honest[i % len(honest)])
        if kind != "honest":
            answers = {**honest[0], keys[0]: HOSTILE[kind][0] + "\n" + honest[0][keys[0]]}
        submit(course, assignment, student, answers)
        kinds[student] = kind
    return kinds


def scores(course: Course, assignment: str, students) -> dict:
    out = {}
    with course.gradebook() as gb:
        for s in students:
            sub = gb.find_submission(assignment, s)
            out[s] = {(nb.name, g.name): g.auto_score for nb in sub.notebooks for g in nb.grades}
    return out


class Peak:
    """Samples host memory in use and the growth of the /tmp file system while grading runs."""

    def __init__(self) -> None:
        self.mem = self.disk = 0
        self.base_disk = shutil.disk_usage(tempfile.gettempdir()).used
        self.base_mem = self._mem()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _mem() -> int:
        info = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines())
        kib = lambda k: int(info[k].split()[0]) * 1024  # noqa: E731
        return kib("MemTotal") - kib("MemAvailable")

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self.mem = max(self.mem, self._mem())
            self.disk = max(self.disk, shutil.disk_usage(tempfile.gettempdir()).used - self.base_disk)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def plain_autograde(course: Course, assignment: str) -> float:
    t0 = time.perf_counter()
    result = course.api(log_level="ERROR").autograde(assignment, "*")   # = `nbgrader autograde <a>`
    if not result["success"]:
        raise SystemExit(result.get("error") or result.get("log"))
    return time.perf_counter() - t0


def throughput(args, tmp: Path) -> int:
    plain, ours = Course.open(tmp / "plain"), Course.open(tmp / "dxkit")
    students = list(build(plain, args.assignment, args.n))
    build(ours, args.assignment, args.n)
    t_plain = plain_autograde(plain, args.assignment)
    t0 = time.perf_counter()
    report = autograde.autograde(ours, args.assignment, workers=args.workers, progress=True)
    t_ours = time.perf_counter() - t0
    same = scores(plain, args.assignment, students) == scores(ours, args.assignment, students)
    print(f"load average before: {os.getloadavg()[0]:.2f}   submissions: {args.n}   workers: {report.workers}")
    print(f"plain nbgrader autograde (sequential): {t_plain:7.1f} s  ({t_plain / args.n:.2f} s/submission)")
    print(f"dxkit cohort autograde (parallel):     {t_ours:7.1f} s  ({t_ours / args.n:.2f} s/submission)")
    print(f"speed-up: {t_plain / t_ours:.2f}x   (target >= 1.7x on 2 cores)")
    print(f"scores identical: {'yes' if same else 'NO'}")
    return 0 if same else 1


def hostile(args, tmp: Path) -> int:
    plain, ours = Course.open(tmp / "plain"), Course.open(tmp / "dxkit")
    kinds = build(ours, args.assignment, args.n, hostile=True)
    honest = [s for s, k in kinds.items() if k == "honest"]
    plain.ensure_released(args.assignment)
    _name, _release, variants_, _keys = variants(plain, args.assignment)
    for i, s in enumerate(kinds):
        if kinds[s] == "honest":
            submit(plain, args.assignment, s, variants_[i % len(variants_)])
    plain_autograde(plain, args.assignment)
    load = os.getloadavg()[0]
    with Peak() as peak:
        t0 = time.perf_counter()
        report = autograde.autograde(ours, args.assignment, workers=args.workers, timeout=args.timeout,
                                     progress=True)
        seconds = time.perf_counter() - t0
    same = scores(plain, args.assignment, honest) == scores(ours, args.assignment, honest)
    wrong = []
    for s, kind in kinds.items():
        res = report.results[s]
        text = " ".join(res.notes + res.reasons)
        if kind == "honest" and (res.needs_review or any("上限" in n or "打ち切り" in n for n in res.notes)):
            wrong.append(f"{s} (honest) flagged: {text[:160]}")
        elif kind != "honest" and HOSTILE[kind][1] not in text:
            wrong.append(f"{s} ({kind}) not flagged with 「{HOSTILE[kind][1]}」: {text[:160]}")
    counts = {k: sum(v == k for v in kinds.values()) for k in ["honest", *HOSTILE]}
    print(f"learners: {args.n} {counts}   workers: {report.workers}   load average before: {load:.2f}")
    print(f"dxkit cohort autograde: {seconds:.1f} s   {report.sandbox}")
    print(f"peak host memory in use: {peak.mem / 2**30:.2f} GiB (before: {peak.base_mem / 2**30:.2f} GiB, "
          f"+{(peak.mem - peak.base_mem) / 2**20:.0f} MiB)")
    print(f"peak growth of the disk holding {tempfile.gettempdir()}: {peak.disk / 2**20:.0f} MiB")
    print(f"honest learners scored as plain nbgrader: {'yes' if same else 'NO'} ({len(honest)})")
    print("every learner flagged correctly: " + ("yes" if not wrong else "NO\n  " + "\n  ".join(wrong)))
    return 0 if same and not wrong else 1


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=40)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--assignment", default="00_orientation")
    p.add_argument("--hostile", action="store_true", help="honest and hostile learners mixed")
    p.add_argument("--timeout", type=int, default=20, help="cell timeout of the hostile run (seconds)")
    args = p.parse_args()
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory(prefix="dxkit-bench-") as tmp:
        return hostile(args, Path(tmp)) if args.hostile else throughput(args, Path(tmp))


if __name__ == "__main__":
    sys.exit(main())
