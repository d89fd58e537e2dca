"""dxkit cohort with nbgrader's exchange and a two-notebook assignment (all names 架空).

A tiny assignment ``hw1`` (notebooks ``part_a`` 2 points and ``part_b`` 3 points) is built in a temporary source
folder with its own nbgrader_config.py. The instructor releases it to an exchange with nbgrader's API; learners
fetch and submit with nbgrader's own exchange classes (ExchangeFetchAssignment / ExchangeSubmit, each with their
own home folder), others e-mail it; then ``dxkit cohort collect`` gathers both, autograde scores them.
"""

from __future__ import annotations

import csv
import os
import zipfile
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from dxkit.cohort import autograde, collect, export, notebooks as nbs
from dxkit.cohort.course import Course
from dxkit.cohort.roster import import_roster, with_check_digit
from tools import nbauthor as nba

A = "hw1"
COURSE_ID = "dxtest"
CODE = with_check_digit("99201")
SOLUTIONS = {"qa": "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
             "qb": "### BEGIN SOLUTION\ntotal = sum(range(5))\n### END SOLUTION"}


def _build_source(src: Path) -> None:
    nba.save(src / A / "part_a.ipynb", [
        nba.readonly("intro_a", "# 課題 hw1 その1（架空）\n\n関数 `double` を完成させてください。"),
        nba.answer("qa", SOLUTIONS["qa"]),
        nba.tests("qa", "assert double(2) == 4", hidden="assert double(-3) == -6", points=2),
    ])
    nba.save(src / A / "part_b.ipynb", [
        nba.readonly("intro_b", "# 課題 hw1 その2（架空）\n\n0 から 4 までの合計を `total` に入れてください。"),
        nba.answer("qb", SOLUTIONS["qb"]),
        nba.tests("qb", "assert total == 10", points=3),
    ])


def _solve(release: Path, folder: Path, parts: set[str], names: dict[str, str] | None = None) -> None:
    """Write the released notebooks into ``folder`` with the answers of ``parts`` ("a", "b") filled in."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in ("a", "b"):
        nb = nbformat.read(release / f"part_{part}.ipynb", as_version=4)
        for cell in nb.cells:
            if nbs.grade_id(cell) == f"q{part}" and part in parts:
                cell.source = SOLUTIONS[f"q{part}"]
        nbformat.write(nb, folder / (names or {}).get(part, f"part_{part}.ipynb"))


def _learner_app(cls, exchange: Path, home: Path, student: str | None = None):
    """nbgrader's exchange app as a learner runs it: own course root, assignment folder and cache."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory

    c = Config()
    c.CourseDirectory.root = str(home)
    c.CourseDirectory.course_id = COURSE_ID
    if student:
        c.CourseDirectory.student_id = student       # `nbgrader submit --student=…`
    c.Exchange.root = str(exchange)
    c.Exchange.assignment_dir = str(home)
    c.Exchange.cache = str(home / ".nbgrader_cache")
    coursedir = CourseDirectory(config=c)
    coursedir.assignment_id = A
    return cls(coursedir=coursedir, authenticator=Authenticator(config=c), config=c)


def _fetch(exchange, home, student=None) -> Path:
    from nbgrader.exchange.default import ExchangeFetchAssignment

    _learner_app(ExchangeFetchAssignment, exchange, home, student).start()
    return home / A


def _submit(exchange, home, student=None) -> None:
    from nbgrader.exchange.default import ExchangeSubmit

    _learner_app(ExchangeSubmit, exchange, home, student).start()


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    base = tmp_path_factory.mktemp("xchg")
    src, root, exchange = base / "source", base / "course", base / "exchange"
    _build_source(src)
    root.mkdir()
    (root / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.CourseDirectory.source_directory = {str(src)!r}\n"
        f"c.Exchange.root = {str(exchange)!r}\n"
        "c.Execute.timeout = 300\n", encoding="utf-8")   # no cell may time out under CPU load
    course = Course.open(root)
    ids = [f"{CODE}-{100 + i}" for i in range(8)]
    with open(base / "名簿.csv", "w", newline="", encoding="utf-8-sig") as fh:
        w = csv.writer(fh)
        w.writerow(["団体コード", "職員番号", "氏名", "所属自治体", "所属課", "e-mail"])
        for i in range(8):
            w.writerow([CODE, f"{100 + i:06d}", f"架空 太郎{i}", "みどり野市", "市民課", f"user{i:02d}@example.lg.jp"])
    assert import_roster(course, base / "名簿.csv").ok
    notes: list[str] = []
    collect.release(course, A, personal=False, exchange_note=notes)
    assert (exchange / COURSE_ID / "outbound" / A / "part_a.ipynb").is_file(), notes
    homes = {i: base / "homes" / f"learner{i}" for i in range(8)}
    expected = {}

    # 0, 1: `nbgrader submit --student=<学習者ID>`; 0 solves both parts, 1 only part_a
    for i, parts, score in ((0, {"a", "b"}, 5.0), (1, {"a"}, 2.0)):
        folder = _fetch(exchange, homes[i], ids[i])
        _solve(folder, folder, parts)
        _submit(exchange, homes[i], ids[i])
        expected[ids[i]] = score
    # 2: submits twice; the files of the second submission have OLDER modification times (a restored
    # backup), yet it is the newer submission for the exchange: it must be the one graded
    folder = _fetch(exchange, homes[2], ids[2])
    _solve(folder, folder, {"a", "b"})
    for p in folder.glob("*.ipynb"):
        os.utime(p, (1_900_000_000, 1_900_000_000))
    _submit(exchange, homes[2], ids[2])
    _solve(course.release_dir(A), folder, {"b"})      # second try: only part_b answered
    for p in folder.glob("*.ipynb"):
        os.utime(p, (1_000_000_000, 1_000_000_000))
    _submit(exchange, homes[2], ids[2])
    expected[ids[2]] = 3.0
    # 3: on JupyterHub as `jovyan` with JUPYTERHUB_USER (nbgrader's get_username), a login name that is
    # not the learner id but the local part of the e-mail address, with a '+' in it
    import nbgrader.utils

    real = nbgrader.utils.get_osusername
    nbgrader.utils.get_osusername = lambda: "jovyan"
    os.environ["JUPYTERHUB_USER"] = "user03+dx"
    try:
        folder = _fetch(exchange, homes[3])
        _solve(folder, folder, {"a", "b"})
        _submit(exchange, homes[3])
    finally:
        nbgrader.utils.get_osusername = real
        del os.environ["JUPYTERHUB_USER"]
    expected[ids[3]] = 5.0
    # 4: deletes part_b before submitting
    folder = _fetch(exchange, homes[4], ids[4])
    _solve(folder, folder, {"a", "b"})
    (folder / "part_b.ipynb").unlink()
    _submit(exchange, homes[4], ids[4])
    expected[ids[4]] = 2.0
    # someone not on the roster
    folder = _fetch(exchange, base / "homes" / "stranger", "stranger")
    _solve(folder, folder, {"a", "b"})
    _submit(exchange, base / "homes" / "stranger", "stranger")

    # e-mail: 5 sends a ZIP named after the e-mail address, the notebooks renamed 提出1 / 提出2
    # (which part is which is recognised from the content); 6 sends both under their release names
    # after stamping its learner id with `dxkit cohort stamp` (a shared, non-personal release)
    inbox = base / "inbox"
    release = course.release_dir(A)
    _solve(release, base / "tmp5", {"a", "b"}, names={"a": "提出2.ipynb", "b": "提出1.ipynb"})
    inbox.mkdir()
    with zipfile.ZipFile(inbox / "user05.zip", "w") as zf:
        for p in (base / "tmp5").iterdir():
            zf.write(p, p.name)
    expected[ids[5]] = 5.0
    _solve(release, inbox / "mail_0001", {"a", "b"})
    import dxkit.cohort.cli  # noqa: F401 - registers `dxkit cohort`
    from dxkit.cli import main

    for part in ("a", "b"):
        assert main(["cohort", "stamp", str(inbox / "mail_0001" / f"part_{part}.ipynb"), f"{CODE}-000106"]) == 0
    expected[ids[6]] = 5.0

    rep = collect.collect(course, A, inbox)
    grades = autograde.autograde(course, A, workers=2, progress=False)
    return dict(course=course, ids=ids, expected=expected, collect=rep, grades=grades, exchange=exchange,
                notes=notes)


def test_release_reaches_the_exchange(cycle):
    assert any("exchange にも配布しました" in n for n in cycle["notes"])


def test_collect_from_exchange_and_inbox(cycle):
    rep, ids = cycle["collect"], cycle["ids"]
    assert set(rep.matched) == set(cycle["expected"])
    for i in (0, 1, 2, 4):
        assert rep.how[ids[i]] == "exchange の提出者"
    assert rep.how[ids[3]] == "exchange の提出者名のメールアドレス"
    assert rep.how[ids[6]] == "ノートブックに記録された学習者 ID"
    assert rep.missing == [ids[7]]
    assert [r for _f, r in rep.unmatched] == ["exchange の提出者「stranger」が名簿の誰か分かりません。"] * 2
    # the resubmission: both notebooks of the older submission are kept, the newer one is graded
    assert len(rep.earlier[ids[2]]) == 2 and "再提出" in " ".join(rep.lines())
    newest = max((p for p in (cycle["exchange"] / COURSE_ID / "inbound").iterdir() if p.name.startswith(ids[2])),
                 key=lambda p: p.name.split("+")[2])
    assert newest.name in rep.matched[ids[2]]
    from nbgrader.utils import parse_utc

    stamp = (cycle["course"].submitted_dir(ids[2], A) / "timestamp.txt").read_text(encoding="utf-8")
    assert parse_utc(stamp) == parse_utc((newest / "timestamp.txt").read_text(encoding="utf-8"))
    # content identifies the renamed notebooks of the ZIP
    sources = cycle["course"].load_status(A)[ids[5]]["sources"]
    assert sources["part_a"].endswith("提出2.ipynb") and sources["part_b"].endswith("提出1.ipynb")


def test_scores_of_a_two_notebook_assignment(cycle):
    course = cycle["course"]
    res = cycle["grades"].results
    # the flag first: a flagged timeout must not read as a silent under-score
    assert not any(r.needs_review for r in res.values()), str(cycle["grades"])
    assert not any("打ち切り" in n for r in res.values() for n in r.notes), str(cycle["grades"])
    with course.gradebook() as gb:
        got = {learner: gb.find_submission(A, learner).score for learner in cycle["expected"]}
    assert got == cycle["expected"]
    assert "part_b.ipynb が提出されていません" in " ".join(res[cycle["ids"][4]].notes)
    table = export.assignment_table(course, A).set_index("学習者ID")
    assert table.loc[cycle["ids"][0], "得点"] == 5.0 and table.loc[cycle["ids"][1], "得点"] == 2.0


def test_stamp_rejects_a_wrong_id(tmp_path):
    from dxkit.errors import DxkitError

    nb = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), nb)
    with pytest.raises(DxkitError, match="検査数字"):
        nbs.stamp(nb, "992019-1")
    with pytest.raises(DxkitError, match="団体コード-職員番号"):
        nbs.stamp(nb, "山田")
    assert nbs.stamp(nb, f"{CODE}－００１２") == f"{CODE}-12"
    assert nbs.learner_in_metadata(nbformat.read(nb, as_version=4)) == f"{CODE}-12"
