"""dxkit cohort: the sandbox (a bubblewrap box per submission + rlimits) and score parity with plain nbgrader."""

from __future__ import annotations

import concurrent.futures as cf
import copy
import multiprocessing
import shutil
from pathlib import Path

import nbformat
import pytest

from dxkit.cohort import autograde, notebooks as nbs, sandbox, worker
from dxkit.cohort.course import Course

ROOT = Path(__file__).resolve().parents[1]
A = "00_orientation" if (ROOT / "exercises/00_orientation").is_dir() else \
    sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())[0]

_ok, _why = sandbox.bwrap_status()
if not _ok:
    print(f"\n[test_cohort_sandbox] サンドボックスの確認を飛ばします: {_why}")
needs_bwrap = pytest.mark.skipif(not _ok, reason=f"bubblewrap unavailable: {_why} (setup: {sandbox.SETUP_LINE})")


def _job(cells: list[str], limits=None, timeout=10) -> dict:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"nb": nbformat.writes(nb), "files": {"data.csv": b"a,b\n1,2\n"}, "isolate": True, "timeout": timeout,
            "config": {}, "limits": limits or {}}


def _run(cells: list[str], tmp_path=None, limits=None, timeout=10, notes=None) -> nbformat.NotebookNode:
    result = worker.execute_job(_job(cells, limits, timeout))
    assert result["error"] is None, result["error"]
    if notes is not None:
        notes += result["notes"]
    return nbformat.reads(result["nb"], as_version=4)


def _text(cell) -> str:
    return "".join(o.get("text", "") + o.get("ename", "") + str(o.get("evalue", "")) for o in cell.outputs)


@needs_bwrap
def test_student_code_sees_only_its_own_folder(tmp_path):
    secret = tmp_path / "other_learner.ipynb"
    secret.write_text("secret")
    gradebook = ROOT / "grading" / "gradebook.db"
    source = ROOT / "exercises" / A / f"{A}.ipynb"
    nb = _run([
        "import os; print(os.getuid(), sorted(os.listdir('.')))",
        f"print(open('data.csv').read().strip())",
        f"open({str(source)!r}).read()",
        f"open({str(secret)!r}).read()",
        f"import sqlite3; sqlite3.connect('file:{gradebook}?mode=ro', uri=True).execute('select 1').fetchall()",
        "import socket; socket.create_connection(('1.1.1.1', 53), timeout=3)",
        "import sys; open(sys.prefix + '/pyvenv.cfg' if os.path.exists(sys.prefix + '/pyvenv.cfg') "
        "else os.__file__, 'a')",
        "import dxkit.data; print(dxkit.data.load_dataset('applications').shape[1] > 0)",
    ], tmp_path)
    out = [_text(c) for c in nb.cells]
    assert out[0].startswith("65534 ['data.csv']"), out[0]
    assert "1,2" in out[1]
    assert "FileNotFoundError" in out[2]          # the source notebooks do not exist in the box
    assert "FileNotFoundError" in out[3]          # nor other learners' files
    assert "OperationalError" in out[4]           # nor the gradebook
    assert "OSError" in out[5] or "unreachable" in out[5].lower()
    assert out[6].startswith(("PermissionError", "OSError")), out[6]   # the installation cannot be written
    assert "True" in out[7]                       # what the notebook needs is there


FORK_STORM = ("import os, time\nn = 0\nfor i in range(100000):\n    if os.fork() == 0:\n"
              "        time.sleep(4)\n        os._exit(0)\n    n += 1")
HONEST_FORKS = ("import os, time\npids = []\nfor i in range(40):\n    pid = os.fork()\n    if pid == 0:\n"
                "        time.sleep(2)\n        os._exit(0)\n    pids.append(pid)\n"
                "print('forked', len(pids)); [os.waitpid(p, 0) for p in pids]")


@needs_bwrap
def test_process_limit_counts_per_submission():
    """A fork storm in one box does not take the process budget of another running at the same time."""
    jobs = [_job([FORK_STORM, "print('stopped', n)", "import time; time.sleep(2); print('kernel alive')"]),
            _job(["import time; time.sleep(1.5)", HONEST_FORKS, "print('kernel alive')"])]
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as pool:
        storm, honest = [r for r in pool.map(worker.execute_job, jobs)]
    assert storm["error"] is None and honest["error"] is None, (storm["error"], honest["error"])
    out = [_text(c) for c in nbformat.reads(storm["nb"], as_version=4).cells]
    assert "BlockingIOError" in out[0], out[0]
    assert 0 < int(out[1].split()[1]) < 64, out[1]
    assert "kernel alive" in out[2]
    assert any("プロセス数の上限" in n for n in storm["notes"]), storm["notes"]
    out = [_text(c) for c in nbformat.reads(honest["nb"], as_version=4).cells]
    assert "forked 40" in out[1], out[1]
    assert "kernel alive" in out[2]


@needs_bwrap
def test_memory_tmp_and_output_limits_are_noted():
    notes: list[str] = []
    nb = _run(["x = bytearray(3 * 2**30)",
               "open('/tmp/fill', 'wb').write(b'x' * 300 * 2**20)",
               "open('big', 'wb').write(b'x' * 200 * 2**20)",
               "print('y' * (3 * 2**20))",
               "import os; os.remove('/tmp/fill'); print('kernel alive')"], timeout=30, notes=notes)
    out = [_text(c) for c in nb.cells]
    assert "MemoryError" in out[0]
    assert "No space left on device" in out[1] and "No space left on device" in out[2]
    assert len(out[3]) <= 2**20 + 500 and "出力が上限" in out[3]
    assert "kernel alive" in out[4]
    text = " ".join(notes)
    for words in ("メモリの上限", "ディスクの上限", "出力の上限"):
        assert words in text, notes


@needs_bwrap
def test_cpu_time_limit_stops_a_busy_cell():
    """An endless loop that the cell timeout would allow is stopped by the per-cell CPU-time limit."""
    notes: list[str] = []
    nb = _run(["while True:\n    pass", "print('kernel alive')"], timeout=60, limits={"cpu_seconds": 2}, notes=notes)
    out = [_text(c) for c in nb.cells]
    assert "CPUTimeLimitExceeded" in out[0] and "kernel alive" in out[1]
    assert any("CPU 時間の上限" in n for n in notes)


def test_probe_runs_the_real_launch_command(monkeypatch):
    """The availability probe starts the box exactly as grading does: a box that cannot run Python fails it."""
    sandbox.bwrap_status.cache_clear()
    monkeypatch.setattr(sandbox, "readonly_paths", lambda: [])
    try:
        ok, why = sandbox.bwrap_status()
    finally:
        sandbox.bwrap_status.cache_clear()
    assert not ok and "bubblewrap" in why


def test_scores_match_plain_nbgrader(tmp_path):
    """The same well-formed submissions: dxkit's parallel autograde and plain nbgrader give the same cell scores."""
    plain, ours = Course.open(tmp_path / "plain"), Course.open(tmp_path / "ours")
    for c in (plain, ours):
        c.ensure_released(A)
    release = nbformat.read(plain.release_dir(A) / f"{A}.ipynb", as_version=4)
    source = nbformat.read(plain.source_dir / A / f"{A}.ipynb", as_version=4)
    answers = {nbs.grade_id(c): c.source for c in source.cells if nbs.is_answer(c) and c.cell_type == "code"}
    variants = {"full": answers, "half": dict(list(answers.items())[:3]), "none": {},
                "wrong": {**answers, "q2": "top3 = []\nunder_200 = ['x']"}}
    for student, solved in variants.items():
        nb = copy.deepcopy(release)
        for cell in nb.cells:
            if nbs.grade_id(cell) in solved:
                cell.source = solved[nbs.grade_id(cell)]
        for c in (plain, ours):
            d = c.submitted_dir(student, A)
            d.mkdir(parents=True)
            nbformat.write(nb, d / f"{A}.ipynb")
    for student in variants:
        assert plain.api().autograde(A, student)["success"]
    autograde.autograde(ours, A, workers=2, progress=False)

    def scores(c):
        out = {}
        with c.gradebook() as gb:
            for student in variants:
                sub = gb.find_submission(A, student)
                out[student] = {(nb.name, g.name): (g.auto_score, g.max_score) for nb in sub.notebooks
                                for g in nb.grades}
        return out
    assert scores(plain) == scores(ours)
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_limits_apply_without_the_box_too():
    """--unsafe-no-sandbox still limits the kernel (set by the launcher itself, not by an optional prlimit)."""
    job = _job(["import resource; print(resource.getrlimit(resource.RLIMIT_NPROC)[0], "
                "resource.getrlimit(resource.RLIMIT_AS)[0])"])
    job["isolate"] = False
    result = worker.execute_job(job)
    assert result["error"] is None, result["error"]
    out = _text(nbformat.reads(result["nb"], as_version=4).cells[0]).split()
    assert int(out[0]) <= 64 and int(out[1]) == 2 * 2**30
