"""提出を並列に自動採点します（nbgrader の Autograde の上に作っています）。

流れ（学習者ごと）:

1. 提出を読む・課題を確かめる・消されたセルを配布版から戻す（``notebooks.repair``）。``submitted/`` の
   ファイルは読むだけで、書き換えません（2 回目の採点でもテストの改変が分かります）。
2. nbgrader の sanitize 用プリプロセッサ（ClearOutput, OverwriteCells など）をこのプロセスで 1 回だけ実行。
3. ノートブックの実行だけを、ワーカープロセスで並列に行う（``worker.execute_job``: nbgrader の ``Execute`` に
   出力の上限を加えたもの。カーネルは提出ごとの ``sandbox`` の箱）。
4. 成績簿への書き込みは、このプロセスだけが nbgrader の Autograde コンバーターで行う。そのとき sanitize の
   代わりに ``UsePrepared``、``Execute`` の代わりに ``ReplayExecute`` を使い（受け渡しは一時フォルダー）、
   得点の計算（SaveAutoGrades）、遅延の扱い、autograded/ フォルダーは nbgrader のものと同じです。
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field

import nbformat

from dxkit.cohort import notebooks as nbs
from dxkit.errors import DxkitError

from dxkit.cohort import worker
from dxkit.cohort.preprocessors import ReplayExecute, UsePrepared, prepared_path

UNTOUCHED = "未着手（配布されたままで、解答が 1 つもありません）。"


# ------------------------------------------------------------------ results

@dataclass
class LearnerResult:
    learner_id: str
    graded: bool = False
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tampered: bool = False
    untouched: bool = False
    seconds: float = 0.0


@dataclass
class AutogradeReport:
    assignment: str
    results: dict[str, LearnerResult] = field(default_factory=dict)
    sandbox: str = ""
    workers: int = 1
    seconds: float = 0.0

    def lines(self) -> list[str]:
        graded = sum(r.graded for r in self.results.values())
        review = [r for r in self.results.values() if r.needs_review]
        out = [f"課題 {self.assignment}: {len(self.results)} 人の提出のうち {graded} 人を採点しました"
               f"（{self.workers} 並列、{self.seconds:.0f} 秒）。{self.sandbox}"]
        for r in sorted(self.results.values(), key=lambda x: x.learner_id):
            for reason in r.reasons:
                out.append(f"  要確認 {r.learner_id}: {reason}")
            for note in r.notes:
                out.append(f"  注意 {r.learner_id}: {note}")
        if review:
            out.append(f"要確認: {len(review)} 人（成績の出力では得点を空欄にし、「要確認」列に理由を書きます）。")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


# ------------------------------------------------------------------ hand-over to nbgrader

def _handover_config(config, folder: str):
    """nbgrader's Autograde with the prepared notebooks instead of its sanitize pass and Execute."""
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute
    from traitlets import import_item
    from traitlets.config import Config

    configured = config.Autograde.get("autograde_preprocessors", None) if "Autograde" in config else None
    steps = list(configured or Autograde.autograde_preprocessors.default())
    resolved = [import_item(p) if isinstance(p, str) else p for p in steps]
    c = Config()
    c.Autograde.sanitize_preprocessors = [UsePrepared]
    c.Autograde.autograde_preprocessors = [ReplayExecute if isinstance(p, type) and issubclass(p, Execute) else p
                                           for p in resolved]
    c.UsePrepared.folder = c.ReplayExecute.folder = folder
    return c


def _sanitize(config, nb, course, assignment, learner, notebook):
    """Run nbgrader's sanitize preprocessors exactly as its Autograde converter does (gradebook read only)."""
    from nbconvert.exporters import NotebookExporter
    from nbgrader.converters import Autograde

    exporter = NotebookExporter(config=config)
    for pp in Autograde.sanitize_preprocessors.default():
        exporter.register_preprocessor(pp)
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": assignment, "notebook": notebook,
                              "student": learner}}
    # nbgrader's OverwriteCells warns "checksum has changed" for every test cell with hidden tests
    # (nbgrader #1961); dxkit compares with the release itself and reports only real changes.
    log = logging.getLogger("traitlets")
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        body, _res = exporter.from_notebook_node(nb, resources=resources)
    finally:
        log.setLevel(level)
    return nbformat.reads(body, as_version=4)


def _write(path, nb) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


# ------------------------------------------------------------------ orchestration

def _progress(done: int, total: int, label: str, stream=sys.stderr) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        stream.write("\n")
    stream.flush()


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def submitted_learners(course, assignment: str) -> list[str]:
    return course.learners_in("submitted", assignment)


def _sandbox_choice(sandbox: str) -> tuple[bool, str]:
    from dxkit.cohort import sandbox as sb

    if sandbox == "none":
        return False, sb.UNSAFE_BANNER
    if sandbox != "require":
        raise DxkitError(f"sandbox は require か none です（受け取った値: {sandbox}）。")
    ok, why = sb.bwrap_status()
    if not ok:
        raise DxkitError(f"提出を隔離して実行できないので、採点を中止しました: {why}\n"
                         "信頼できる提出だけなら --unsafe-no-sandbox で隔離せずに採点できます（すべての出力に警告が載ります）。")
    return True, why


def _prepare(course, assignment, learner, notebooks, releases, fingerprints, res, folder) -> dict:
    """Check, repair and sanitize one learner's notebooks into the hand-over folder; returns {name: notebook}."""
    ready, untouched = {}, True
    for name in notebooks:
        path = course.submitted_dir(learner, assignment) / f"{name}.ipynb"
        if not path.exists():
            res.notes.append(f"ノートブック {name}.ipynb が提出されていません（0 点になります）。")
            continue
        nb, problem = nbs.read_notebook(path)
        if problem is None:
            problem = nbs.other_assignment(nb, fingerprints, assignment)
        if problem:
            res.needs_review = True
            res.reasons.append(problem)
            return {}
        if path.stat().st_size > nbs.LARGE_BYTES:
            res.notes.append("出力がとても大きいファイルでした（出力は消してから採点しました）。")
        untouched &= nbs.untouched(nb, releases[name])
        fixed, notes, tampered = nbs.repair(nb, releases[name])
        res.notes += notes
        res.tampered |= tampered
        ready[name] = _sanitize(course.config, fixed, course, assignment, learner, name)
        _write(prepared_path(folder, learner, name, "prepared"), ready[name])
    if ready and untouched:
        res.untouched = True
        res.notes.insert(0, UNTOUCHED)
    return ready


def autograde(course, assignment: str, learners: list[str] | None = None, workers: int | None = None,
              sandbox: str = "require", timeout: int | None = None, progress: bool = True,
              limits: dict | None = None) -> AutogradeReport:
    """``submitted/`` にある提出を並列に自動採点し、成績簿に書き込みます（``submitted/`` は書き換えません）。

    sandbox: "require"（既定。提出ごとの箱を作れなければ中止）か "none"（隔離しない。すべての出力に警告）。
    """
    isolate, sandbox_note = _sandbox_choice(sandbox)
    course.ensure_released(assignment)
    status = course.load_status(assignment)
    if learners is None:
        learners = sorted(set(submitted_learners(course, assignment))
                          | {k for k, v in status.items() if v.get("collect_problem")})
    workers = workers or default_workers()
    report = AutogradeReport(assignment, sandbox=sandbox_note, workers=workers)
    started = time.time()
    notebooks = course.notebooks(assignment)
    releases = {n: nbformat.read(course.release_dir(assignment) / f"{n}.ipynb", as_version=4) for n in notebooks}
    fingerprints = nbs.course_fingerprints(course)
    files = _assignment_files(course, assignment)
    exec_config = {k: dict(course.config[k]) for k in ("Execute", "ExecutePreprocessor", "NotebookClient")
                   if k in course.config}
    with tempfile.TemporaryDirectory(prefix="dxkit-autograde-") as folder:
        jobs: dict[str, dict[str, dict]] = {}
        for learner in learners:
            res = report.results[learner] = LearnerResult(learner)
            entry = status.get(learner, {})
            res.notes += list(entry.get("collect_notes", []))
            if entry.get("collect_problem"):
                res.needs_review = True
                res.reasons.append(entry["collect_problem"])
                continue
            ready = _prepare(course, assignment, learner, notebooks, releases, fingerprints, res, folder)
            if not res.needs_review:
                jobs[learner] = {name: {"nb": nbformat.writes(nb), "files": files, "isolate": isolate,
                                        "timeout": timeout, "config": exec_config, "limits": limits or {}}
                                 for name, nb in ready.items()}
        _run_jobs(course, assignment, jobs, report, workers, progress, folder)
    for learner, res in report.results.items():
        entry = status.setdefault(learner, {})
        entry.update({"graded": res.graded, "needs_review": res.needs_review, "reasons": res.reasons,
                      "notes": res.notes, "tampered": res.tampered, "untouched": res.untouched,
                      "unsandboxed": not isolate})
    course.save_status(assignment, status)
    report.seconds = time.time() - started
    return report


def _run_jobs(course, assignment, jobs, report, workers, progress, folder) -> None:
    total = sum(len(v) for v in jobs.values())
    done = 0
    if progress and total:
        _progress(0, total, "採点中")
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=max(1, min(workers, total or 1)), mp_context=ctx,
                                initializer=worker.init, initargs=(os.environ.get("PATH", ""),)) as pool:
        futures = {learner: {name: pool.submit(worker.execute_job, job) for name, job in per.items()}
                   for learner, per in jobs.items()}
        api = course.api(extra_config=_handover_config(course.config, folder))
        for learner, per in futures.items():  # gradebook writes: this process only, one at a time
            res = report.results[learner]
            for name, fut in per.items():
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a broken worker
                    unrun = nbformat.reads(jobs[learner][name]["nb"], as_version=4)
                    result = {"error": worker.explain(exc), "notes": [], "seconds": 0.0}
                    worker.mark_unrun(unrun, result["error"])
                    result["nb"] = nbformat.writes(unrun)
                executed = nbformat.reads(result["nb"], as_version=4)
                _write(prepared_path(folder, learner, name, "executed"), executed)
                res.seconds += result["seconds"]
                if result["error"]:
                    res.needs_review = True
                    res.reasons.append(result["error"])
                res.notes += [n for n in result["notes"] if n not in res.notes]
                done += 1
                if progress:
                    _progress(done, total, "採点中")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = api.autograde(assignment, learner)
            if not outcome["success"]:
                res.needs_review = True
                res.reasons.append("nbgrader の自動採点に失敗しました: " + _last_line(outcome.get("error") or outcome.get("log")))
            else:
                res.graded = True


def _last_line(text: str | None) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "（理由不明）"


def _assignment_files(course, assignment: str) -> dict[str, bytes]:
    """Non-notebook files of the release (data the notebook may open), copied into each working folder."""
    folder = course.release_dir(assignment)
    out = {}
    for p in folder.rglob("*"):
        if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts:
            out[str(p.relative_to(folder))] = p.read_bytes()
    return out
