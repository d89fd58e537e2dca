"""dxkit cohort: the sandbox (bubblewrap + prlimit) and score parity with plain `nbgrader autograde`."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
import pytest

from dxkit.cohort import autograde, notebooks as nbs, sandbox
from dxkit.cohort.course import Course

ROOT = Path(__file__).resolve().parents[1]
A = "00_orientation" if (ROOT / "exercises/00_orientation").is_dir() else \
    sorted(p.name for p in (ROOT / "exercises").iterdir() if p.is_dir())[0]

_ok, _why = sandbox.bwrap_status()
if not _ok:
    print(f"\n[test_cohort_sandbox] サンドボックスの確認を飛ばします: {_why}")
needs_bwrap = pytest.mark.skipif(not _ok, reason=f"bubblewrap unavailable: {_why} (setup: {sandbox.SETUP_LINE})")


def _run(cells: list[str], tmp_path, limits=None, timeout=10) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = {"nb": nbformat.writes(nb), "files": {"data.csv": b"a,b\n1,2\n"}, "isolate": True, "timeout": timeout,
           "config": {}, "limits": limits or {}}
    result = autograde.execute_job(job)
    assert result["error"] is None, result["error"]
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
        "open('/work/main/.venv/pyvenv.cfg' if os.path.exists('/work/main/.venv/pyvenv.cfg') else __file__, 'a')",
        "import dxkit.data; print(dxkit.data.load_dataset('applications').shape[1] > 0)",
    ], tmp_path)
    out = [_text(c) for c in nb.cells]
    assert out[0].startswith("65534 ['data.csv']")
    assert "1,2" in out[1]
    assert "FileNotFoundError" in out[2]          # the source notebooks do not exist in the box
    assert "FileNotFoundError" in out[3]          # nor other learners' files
    assert "OperationalError" in out[4]           # nor the gradebook
    assert "OSError" in out[5] or "unreachable" in out[5].lower()
    assert "Error" in out[6]                      # the Python installation is read-only
    assert "True" in out[7]                       # what the notebook needs is there


@needs_bwrap
def test_fork_bomb_hits_the_process_limit(tmp_path):
    nb = _run([
        "import os, time\nn = 0\ntry:\n    for i in range(100000):\n        if os.fork() == 0:\n"
        "            time.sleep(3)\n            os._exit(0)\n        n += 1\nexcept OSError as e:\n"
        "    print('stopped', n, type(e).__name__)",
        "print('kernel alive')",
    ], tmp_path, limits={"processes": 64})
    out = [_text(c) for c in nb.cells]
    assert "stopped" in out[0] and "BlockingIOError" in out[0]
    assert int(out[0].split()[1]) < 64
    assert "kernel alive" in out[1]


@needs_bwrap
def test_memory_hog_gets_memory_error(tmp_path):
    nb = _run(["x = bytearray(8 * 2**30)", "blocks = []\nwhile True:\n    blocks.append(bytearray(2**28))",
               "del blocks; print('kernel alive')"], tmp_path, limits={"memory_bytes": 2 * 2**30})
    out = [_text(c) for c in nb.cells]
    assert "MemoryError" in out[0] and "MemoryError" in out[1]
    assert "kernel alive" in out[2]


@needs_bwrap
def test_cpu_time_limit_stops_a_busy_kernel():
    """An endless loop that the cell timeout would allow is stopped by the CPU-time limit: 要確認, in Japanese."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("while True:\n    pass")])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = {"nb": nbformat.writes(nb), "files": {}, "isolate": True, "timeout": 60, "config": {},
           "limits": {"cpu_seconds": 2}}
    result = autograde.execute_job(job)
    assert result["error"] and "CPU 時間" in result["error"]
    assert result["seconds"] < 30


def test_unsandboxed_fallback_warns_loudly():
    with pytest.warns(UserWarning, match="隔離せずに実行"):
        sandbox.warn_unsandboxed("テストです。")


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
