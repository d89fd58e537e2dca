"""Every graded question rejects the plausible wrong answers catalogued in tests/wrong_answers/.

One kernel per exercise. The source notebook is executed once, top to bottom. At each catalogued
question, after the model answer and the question's test cells have run:

1. for each wrong answer: re-run the question's ``rerun`` cells, run the answer cell with the wrong
   code in place of the solution region (what a learner edits in the release), then run the
   question's test cells exactly as ``nbgrader autograde`` runs them — the source cell, hidden tests
   included — and require that at least one of them raises;
2. re-run the ``rerun`` cells and the model answer, so that later questions start from the model state;

then the notebook continues. The catalogue format is described in tests/wrong_answers/README.md.

Step 1 is sent as one request: a small helper in the kernel runs each cell through IPython's
``run_cell`` (what the kernel calls for every execute request) and reports which ones raised. This saves
three quarters of the round trips; the model answer and its tests run as ordinary execute requests.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "tests" / "wrong_answers"
FIXTURES = ROOT / "tests" / "fixtures" / "wrong_answers"
# Exercises whose catalogue must exist now; 00 and 05 join when their catalogues are written.
REQUIRED = ("00_orientation", "01_bpr", "02_pdca_kpi", "03_rpa", "04_security", "05_data_analysis")
MIN_WRONG = 3
REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION[^\n]*\n(.*?)^[ \t]*### END SOLUTION[^\n]*$", re.S | re.M)


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_autograded_answer(cell) -> bool:
    return cell.cell_type == "code" and bool(meta(cell).get("solution"))


def is_test(cell) -> bool:
    return cell.cell_type == "code" and bool(meta(cell).get("grade")) and not meta(cell).get("solution")


def question_tests(nb, index: int) -> list[int]:
    """The graded test cells that belong to the answer cell at ``index`` (up to the next answer cell)."""
    tests = []
    for j in range(index + 1, len(nb.cells)):
        if meta(nb.cells[j]).get("solution"):
            break
        if is_test(nb.cells[j]):
            tests.append(j)
    return tests


def autograded_questions(nb) -> dict[str, int]:
    """grade_id -> index of every code answer cell followed by at least one graded test cell."""
    return {meta(c)["grade_id"]: i for i, c in enumerate(nb.cells)
            if is_autograded_answer(c) and question_tests(nb, i)}


def replace_solution(source: str, code: str) -> str:
    """The answer cell as a learner would have it: ``code`` in place of the solution region."""
    match = REGION.search(source)
    assert match, "the answer cell has no ### BEGIN SOLUTION / ### END SOLUTION region"
    indent = match.group(1)
    body = textwrap.indent(textwrap.dedent(code).strip("\n"), indent) + "\n"
    return source[:match.start()] + body + source[match.end() + 1:]


@contextlib.contextmanager
def tmpdir_for_new_processes(path: str):
    """Processes started inside this block (the kernel) keep their temporary files under ``path``."""
    saved = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = path
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = saved


def find_cell(nb, ref: str) -> int:
    for i, c in enumerate(nb.cells):
        if meta(c).get("grade_id") == ref or c.get("id") == ref:
            return i
    raise KeyError(f"no cell with grade_id or id {ref!r}")


def load_catalogue(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "notebook" in data and "questions" in data, f"{path.name}: bad format"
    return data


BATCH_MARK = "\x1e-dxkit-batch-\x1e"
KERNEL_HELPER = f"""
def _dxkit_cells(sources_json):
    import json
    shell, errors = get_ipython(), []
    for source in json.loads(sources_json):
        result = shell.run_cell(source, store_history=False)
        error = result.error_before_exec or result.error_in_exec
        errors.append(None if error is None else f"{{type(error).__name__}}: {{error}}"[:200])
    print({BATCH_MARK!r} + json.dumps(errors))
"""


@dataclass
class Outcome:
    checked: int = 0                       # wrong answers tried
    problems: list[str] = field(default_factory=list)


def run_catalogue(notebook: Path, questions: dict, timeout: int = 120) -> Outcome:
    """Execute ``notebook`` once and try every catalogued wrong answer at its question (see module doc)."""
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    answers = autograded_questions(nb)
    unknown = set(questions) - set(answers)
    assert not unknown, f"catalogue names questions the notebook does not grade: {sorted(unknown)}"
    scratch = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("")])
    with tempfile.TemporaryDirectory(prefix="dxkit-wrong-") as workdir:
        client = NotebookClient(scratch, timeout=timeout, kernel_name="python3",
                                resources={"metadata": {"path": workdir}})
        return _try_catalogue(notebook, nb, answers, questions, client, scratch, workdir)


def _try_catalogue(notebook, nb, answers, questions, client, scratch, workdir) -> Outcome:
    from nbclient.exceptions import CellExecutionError

    outcome = Outcome()

    def run(source: str) -> str | None:
        """Run one cell; the error's last line, or None when it ran cleanly."""
        cell = nbformat.v4.new_code_cell(source)
        scratch.cells[0] = cell
        try:
            client.execute_cell(cell, 0)
        except CellExecutionError as exc:
            return (str(exc).strip().splitlines() or ["error"])[-1][:200]
        return None

    def failing_tests(tests: list[int]) -> list[str]:
        return [err for j in tests if (err := run(nb.cells[j].source)) is not None]

    def run_batch(sources: list[str]) -> list[str | None]:
        """Run several cells in one request (each through IPython's run_cell, as an execute request is run)."""
        cell = nbformat.v4.new_code_cell(f"_dxkit_cells({json.dumps(sources)!r})")
        scratch.cells[0] = cell
        client.execute_cell(cell, 0)
        text = "".join(o.get("text", "") for o in cell.outputs if o.get("output_type") == "stream")
        return json.loads(text.rsplit(BATCH_MARK, 1)[1].strip())

    with contextlib.ExitStack() as stack:
        with tmpdir_for_new_processes(workdir):      # e.g. exercise 03's work folders vanish with workdir
            stack.enter_context(client.setup_kernel())
        # Figures are drawn but not rendered to PNG: rendering is slow and no test reads it.
        assert run("import matplotlib\nmatplotlib.use('agg')\n" + KERNEL_HELPER) is None
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            if is_test(cell) and any(i in question_tests(nb, a) for a in answers.values()):
                continue                                      # run together with its answer below
            err = run(cell.source)
            qid = meta(cell).get("grade_id")
            if qid not in answers:
                assert err is None, f"{notebook.name}: cell {i} failed: {err}"
                continue
            tests = question_tests(nb, i)
            assert err is None, f"{notebook.name} {qid}: the model answer raised: {err}"
            errs = failing_tests(tests)
            assert not errs, f"{notebook.name} {qid}: the model answer fails its tests: {errs}"
            entry = questions.get(qid) or {}
            rerun = [nb.cells[find_cell(nb, ref)].source for ref in entry.get("rerun", [])]
            for k, wrong in enumerate(entry.get("wrong", []), 1):
                outcome.checked += 1
                label = f"{qid} #{k} ({wrong['reason']})"
                errs = run_batch([*rerun, replace_solution(cell.source, wrong["code"]),
                                  *(nb.cells[j].source for j in tests)])
                assert not any(errs[:len(rerun)]), f"{label}: a rerun cell failed: {errs}"
                err, test_errs = errs[len(rerun)], errs[len(rerun) + 1:]
                if err is not None:
                    outcome.problems.append(f"{label}: the wrong answer itself raised ({err}); "
                                            "catalogue answers must run, so that only the tests judge them")
                elif not any(test_errs):
                    outcome.problems.append(f"{label}: ACCEPTED by the tests")
            if entry.get("wrong"):
                for src in rerun:
                    assert run(src) is None, f"{qid}: a rerun cell failed while restoring"
                assert run(cell.source) is None, f"{qid}: the model answer raised while restoring"
    return outcome


def catalogues() -> list[Path]:
    """Exercise catalogues (<exercise>.yml); practice items live in items_<module>.yml."""
    return sorted(p for p in CATALOGUE.glob("*.yml") if not p.name.startswith("items_"))


def test_required_exercises_have_a_catalogue():
    have = {p.stem for p in catalogues()}
    assert set(REQUIRED) <= have, f"missing catalogues: {sorted(set(REQUIRED) - have)}"


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: p.stem)
def test_catalogue_covers_every_autograded_question(path):
    data = load_catalogue(path)
    nb = nbformat.read(ROOT / data["notebook"], as_version=4)
    for qid in autograded_questions(nb):
        wrong = (data["questions"].get(qid) or {}).get("wrong", [])
        assert len(wrong) >= MIN_WRONG, f"{path.name} {qid}: {len(wrong)} wrong answers (need {MIN_WRONG})"
        for w in wrong:
            assert str(w.get("reason", "")).strip() and str(w.get("code", "")).strip(), f"{path.name} {qid}: {w}"


@pytest.mark.parametrize("path", catalogues(), ids=lambda p: p.stem)
def test_every_wrong_answer_is_rejected_and_the_model_answer_passes(path):
    data = load_catalogue(path)
    outcome = run_catalogue(ROOT / data["notebook"], data["questions"])
    assert outcome.checked >= MIN_WRONG
    assert not outcome.problems, "\n".join(outcome.problems)


RUBRIC = re.compile(r"^### 採点基準（観点・配点）\n\n\| 観点 \| 配点 \|\n\|---\|---\|\n(.*?)^\| 合計 \| ([0-9.]+) 点 \|$", re.S | re.M)


@pytest.mark.parametrize("exercise", REQUIRED)
def test_written_answers_show_their_rubric(exercise):
    """Each manually graded answer's read-only prompt cell ends with its rubric table, and the points add up."""
    nb = nbformat.read(ROOT / "exercises" / exercise / f"{exercise}.ipynb", as_version=4)
    written = [i for i, c in enumerate(nb.cells)
               if c.cell_type == "markdown" and meta(c).get("solution") and meta(c).get("grade")]
    assert written, f"{exercise}: no manually graded answer"
    for i in written:
        prompt = nb.cells[i - 1]
        assert meta(prompt).get("locked") and not meta(prompt).get("solution"), f"{exercise}: prompt cell not read-only"
        match = RUBRIC.search(prompt.source)
        assert match, f"{exercise} {meta(nb.cells[i])['grade_id']}: no 採点基準（観点・配点） table in the prompt cell"
        rows = re.findall(r"^\| .+ \| ([0-9.]+) 点 \|$", match.group(1), re.M)
        points = meta(nb.cells[i])["points"]
        assert rows and sum(map(float, rows)) == float(match.group(2)) == float(points), f"{exercise}: rubric points"
        assert "採点基準" not in nb.cells[i].source, f"{exercise}: a second rubric inside the model answer"


def item_catalogues() -> list[Path]:
    return sorted(CATALOGUE.glob("items_*.yml"))


def test_every_practice_item_module_has_a_catalogue():
    """One items_cNN.yml for each course with practice items (dxkit/items/c00.py … c05.py)."""
    from dxkit import check as chk

    required = {f"items_c{item_id[:2]}" for item_id in chk.registry()
                if (chk.origin("item", item_id) or "").startswith("dxkit.items.c")}
    have = {p.stem for p in item_catalogues()}
    assert {"items_c00", "items_c05"} <= required and required <= have, f"missing: {sorted(required - have)}"


@pytest.mark.parametrize("path", item_catalogues(), ids=lambda p: p.stem)
def test_item_catalogue_covers_every_item_of_its_module(path):
    """items_cNN.yml names every practice item of dxkit/items/cNN.py (ids "NN/..."), and only those."""
    from dxkit import check as chk

    course = path.stem.removeprefix("items_c")
    listed = set(yaml.safe_load(path.read_text(encoding="utf-8")).get("items") or {})
    module_items = {i for i in chk.registry() if i.startswith(f"{course}/")}
    assert module_items, f"{path.name}: course {course} has no practice items"
    assert not module_items - listed, f"{path.name}: items without a wrong answer: {sorted(module_items - listed)}"
    assert not listed - module_items, f"{path.name}: unknown items: {sorted(listed - module_items)}"


def setup_namespace(item) -> dict:
    namespace = {"__name__": "__dxkit_wrong_answer__"}
    exec(item.setup, namespace)
    return namespace


def fresh_copies(namespace: dict) -> dict:
    """Deep copies of the values (modules and other uncopyable objects as they are)."""
    out = {}
    for name, value in namespace.items():
        try:
            out[name] = copy.deepcopy(value)
        except Exception:  # noqa: BLE001 - e.g. modules
            out[name] = value
    return out


@pytest.mark.parametrize("path", item_catalogues(), ids=lambda p: p.stem)
def test_every_wrong_practice_answer_is_rejected(path, tmp_path, monkeypatch):
    """Practice items: each wrong answer, run after the item's setup, is ❌ under dxkit.check (never ✅)."""
    import tempfile

    from dxkit import check as chk

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))     # setups' work folders (mkdtemp) vanish with tmp_path
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data.get("items"), f"{path.name}: no items"
    accepted = []
    for item_id, entry in data["items"].items():
        item = chk.get_item(item_id)
        assert entry.get("wrong"), f"{path.name} {item_id}: no wrong answers"
        # The setup runs once per item (loading the datasets is the slow part); each wrong answer gets deep
        # copies of its objects. A setup that makes a work folder runs again, as files are not copied.
        shared = None if "mkdtemp" in item.setup else setup_namespace(item)
        for wrong in entry["wrong"]:
            namespace = setup_namespace(item) if shared is None else fresh_copies(shared)
            exec(textwrap.dedent(wrong["code"]), namespace)
            result = chk.check(item_id, namespace[item.var])
            if result.status != "incorrect":
                accepted.append(f"{item_id} ({wrong['reason']}): {result.status}")
            elif "正しくは" in repr(result):     # a ❌ never quotes the correct value (it is the answer)
                accepted.append(f"{item_id} ({wrong['reason']}): the message quotes the correct value")
    assert not accepted, "\n".join(accepted)


def test_a_weak_test_is_caught():
    """The fixture's question has a test that only checks the type: its wrong answers must be reported."""
    data = load_catalogue(FIXTURES / "weak.yml")
    outcome = run_catalogue(ROOT / data["notebook"], data["questions"])
    assert outcome.checked == 3
    accepted = [p for p in outcome.problems if "ACCEPTED" in p]
    assert len(accepted) == 2, outcome.problems             # the third is caught by the visible test
    assert any("count instead of rate" in p for p in accepted)
