"""Autograde throughput: dxkit's parallel autograde vs plain sequential `nbgrader autograde`.

    .venv/bin/python benchmarks/cohort.py [--n 100] [--workers N] [--sandbox auto|off] [--assignment 00_orientation]

Both grade the same N well-formed submissions (built from the release: full, half, untouched and one wrong
answer, in turn) in two fresh course folders; the script checks that every cell score is identical, then
prints the speed-up and the core-seconds each spends per submission (dxkit's overhead: the sandbox, the worker
processes and the replay into nbgrader, against nbgrader's own per-submission work).
"""

from __future__ import annotations

import argparse
import copy
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nbformat  # noqa: E402

from dxkit.cohort import autograde, notebooks as nbs  # noqa: E402
from dxkit.cohort.course import Course  # noqa: E402


def build(course: Course, assignment: str, n: int) -> list[str]:
    course.ensure_released(assignment)
    name = course.notebooks(assignment)[0]
    release = nbformat.read(course.release_dir(assignment) / f"{name}.ipynb", as_version=4)
    source = nbformat.read(course.source_dir / assignment / f"{name}.ipynb", as_version=4)
    answers = {nbs.grade_id(c): c.source for c in source.cells if nbs.is_answer(c) and c.cell_type == "code"}
    keys = list(answers)
    variants = [answers, dict(list(answers.items())[: len(keys) // 2]), {},
                {**answers, keys[1]: "raise ValueError('まちがい')"}]
    students = []
    for i in range(n):
        nb = copy.deepcopy(release)
        solved = variants[i % len(variants)]
        for cell in nb.cells:
            if nbs.grade_id(cell) in solved:
                cell.source = solved[nbs.grade_id(cell)]
        student = f"bench{i:03d}"
        d = course.submitted_dir(student, assignment)
        d.mkdir(parents=True)
        nbformat.write(nb, d / f"{name}.ipynb")
        students.append(student)
    return students


def scores(course: Course, assignment: str, students: list[str]) -> dict:
    out = {}
    with course.gradebook() as gb:
        for s in students:
            sub = gb.find_submission(assignment, s)
            out[s] = {(nb.name, g.name): g.auto_score for nb in sub.notebooks for g in nb.grades}
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--sandbox", default="auto", choices=("auto", "off"))
    p.add_argument("--assignment", default="00_orientation")
    args = p.parse_args()
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
    warnings.simplefilter("ignore")
    workers = args.workers or autograde.default_workers()
    with tempfile.TemporaryDirectory(prefix="dxkit-bench-") as tmp:
        plain, ours = Course.open(Path(tmp) / "plain"), Course.open(Path(tmp) / "dxkit")
        students = build(plain, args.assignment, args.n)
        build(ours, args.assignment, args.n)

        t0 = time.perf_counter()
        result = plain.api(log_level="ERROR").autograde(args.assignment, "*")   # = `nbgrader autograde <a>`
        t_plain = time.perf_counter() - t0
        if not result["success"]:
            print(result.get("error") or result.get("log"))
            return 1

        t0 = time.perf_counter()
        report = autograde.autograde(ours, args.assignment, workers=workers, sandbox=args.sandbox, progress=True)
        t_ours = time.perf_counter() - t0

        same = scores(plain, args.assignment, students) == scores(ours, args.assignment, students)
        print(f"submissions: {args.n}   cores used by dxkit: {workers}   {report.sandbox[:60]}")
        print(f"plain nbgrader autograde (sequential): {t_plain:7.1f} s  ({t_plain / args.n:.2f} s/submission)")
        print(f"dxkit cohort autograde (parallel):     {t_ours:7.1f} s  ({t_ours / args.n:.2f} s/submission)")
        print(f"speed-up: {t_plain / t_ours:.2f}x   (target >= 1.7x on 2 cores)")
        print(f"core-seconds per submission: plain {t_plain / args.n:.2f}, dxkit {t_ours * workers / args.n:.2f} "
              f"(dxkit's overhead: {(t_ours * workers - t_plain) / args.n:+.2f}; negative = cheaper than plain)")
        print(f"scores identical: {'yes' if same else 'NO'}")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
