"""提出を並列に自動採点します（nbgrader の Autograde の上に作っています）。

流れ（学習者ごと）:

1. 提出を読む・課題を確かめる・消されたセルを配布版から戻す（``notebooks.repair``）。
2. nbgrader の sanitize 用プリプロセッサ（ClearOutput, OverwriteCells など）をこのプロセスで実行。
3. ノートブックの実行だけを、ワーカープロセスで並列に行う（nbgrader の ``Execute`` をそのまま使い、
   カーネルは ``sandbox`` の制限つきプロセス）。
4. 成績簿への書き込みは、このプロセスだけが nbgrader の Autograde コンバーターで行う。そのとき
   ``Execute`` の代わりに、3. の結果を差し込む ``ReplayExecute`` を使うので、得点の計算（SaveAutoGrades）、
   遅延の扱い、autograded/ フォルダーは nbgrader のものと同じです。
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from dxkit.cohort import notebooks as nbs
from dxkit.errors import DxkitError

FALSE_CHECKSUM = re.compile(r"Attribute 'checksum' for cell (\S+) has changed")
_RESULTS: dict[tuple[str, str], dict] = {}


# ------------------------------------------------------------------ results

@dataclass
class LearnerResult:
    learner_id: str
    graded: bool = False
    needs_review: bool = False
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tampered: bool = False
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


# ------------------------------------------------------------------ nbgrader plug-in

def _replay_class():
    from nbgrader.preprocessors import NbGraderPreprocessor

    class ReplayExecute(NbGraderPreprocessor):
        """nbgrader の Execute の代わりに、ワーカーで実行済みのノートブックを差し込みます。"""

        def preprocess(self, nb, resources):
            key = (resources["nbgrader"]["student"], resources["nbgrader"]["notebook"])
            result = _RESULTS.get(key)
            if result is None:
                raise DxkitError(f"実行結果がありません: {key}")
            executed = nbformat.reads(result["nb"], as_version=4)
            if [c.source for c in executed.cells] != [c.source for c in nb.cells]:
                raise DxkitError("実行したノートブックと採点するノートブックが一致しません。")
            return executed, resources

    return ReplayExecute


def _autograde_preprocessors(config) -> list:
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    default = list(Autograde.autograde_preprocessors.default())
    configured = config.Autograde.get("autograde_preprocessors", default) if "Autograde" in config else default
    replay = _replay_class()
    return [replay if p is Execute or (isinstance(p, str) and p.endswith("Execute")) else p for p in configured]


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
        _body, res = exporter.from_notebook_node(nb, resources=resources)
    finally:
        log.setLevel(level)
    # the converter writes and re-reads the notebook between its two passes
    return nbformat.reads(_body, as_version=4)


# ------------------------------------------------------------------ the worker side

def _worker_init(path_env: str) -> None:
    os.environ["PATH"] = path_env
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def execute_job(job: dict) -> dict:
    """ワーカープロセスで 1 冊のノートブックを実行します（成績簿には触れません）。"""
    from nbgrader.preprocessors import Execute
    from traitlets.config import Config

    from dxkit.cohort.sandbox import Limits, Sandbox, SandboxKernelManager

    started = time.time()
    base = Path(tempfile.mkdtemp(prefix="dxkit-grade-"))
    os.chmod(base, 0o755)
    workdir = base / "work"
    workdir.mkdir()
    for rel, data in job.get("files", {}).items():
        target = workdir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    nb = nbformat.reads(job["nb"], as_version=4)
    sandbox = Sandbox(limits=Limits(**job.get("limits", {})), isolate=job["isolate"])
    sockdir = sandbox.prepare(workdir)
    km = SandboxKernelManager(sandbox=sandbox, workdir=str(workdir), sockdir=str(sockdir))
    config = Config(job.get("config") or {})
    executor = Execute(config=config)
    if job.get("timeout"):
        executor.timeout = job["timeout"]
    error = None
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    wall = (executor.timeout or 60) * max(n_code, 1) + 120

    def _kill():  # a kernel that ignores interrupts: end it, the submission is then marked
        try:
            km.provisioner.process.kill()
        except Exception:  # noqa: BLE001
            pass
    watchdog = threading.Timer(wall, _kill)
    watchdog.start()
    try:
        nb, _ = executor.preprocess(nb, {"metadata": {"path": str(workdir)}}, km=km)
    except Exception as exc:  # noqa: BLE001 - dead kernel and the like: the submission is flagged
        error = _explain(exc)
        nb = getattr(executor, "nb", nb)
    finally:
        watchdog.cancel()
        try:
            if km.has_kernel:
                from jupyter_core.utils import run_sync

                run_sync(km.shutdown_kernel)(now=True)
        except Exception:  # noqa: BLE001
            pass
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(sockdir, ignore_errors=True)
        try:
            os.unlink(str(sockdir) + ".log")
        except OSError:
            pass
    if error:
        _mark_unrun(nb, error)
    return {"nb": nbformat.writes(nb), "error": error, "seconds": time.time() - started}


def _explain(exc: Exception) -> str:
    name = type(exc).__name__
    if "DeadKernel" in name:
        return "実行中にカーネルが停止しました（メモリや CPU 時間の使いすぎ、プロセスの強制終了などが考えられます）。"
    if "Timeout" in name:
        return "時間内に実行が終わりませんでした。"
    return f"ノートブックを実行できませんでした（{name}: {str(exc)[:120]}）。"


def _mark_unrun(nb, error: str) -> None:
    """Give every graded test cell that did not run an error, so nbgrader cannot count it as passed."""
    for cell in nb.cells:
        if cell.cell_type == "code" and nbs.meta(cell).get("grade") and not any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])) and cell.get("execution_count") is None:
            cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=error, traceback=[error])]


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
    root = course.root / "submitted"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / assignment).is_dir())


def autograde(course, assignment: str, learners: list[str] | None = None, workers: int | None = None,
              sandbox: str = "auto", timeout: int | None = None, progress: bool = True,
              limits: dict | None = None) -> AutogradeReport:
    """``submitted/`` にある提出を並列に自動採点し、成績簿に書き込みます。

    sandbox: "auto"（bubblewrap があれば使う）、"require"（無ければエラー）、"off"（隔離しない）。
    """
    from dxkit.cohort import sandbox as sb

    course.ensure_released(assignment)
    status = course.load_status(assignment)
    if learners is None:
        learners = sorted(set(submitted_learners(course, assignment))
                          | {k for k, v in status.items() if v.get("collect_problem")})
    workers = workers or default_workers()
    ok, why = sb.bwrap_status() if sandbox != "off" else (False, "隔離しない指定（--sandbox off）です。")
    if sandbox == "require" and not ok:
        raise DxkitError(f"提出を隔離して実行できません: {why}")
    if ok:
        sandbox_note = "提出は bubblewrap の箱の中（ネットワークなし）で実行しました。"
    else:
        sandbox_note = sb.warn_unsandboxed(why)
    report = AutogradeReport(assignment, sandbox=sandbox_note, workers=workers)
    started = time.time()
    notebooks = course.notebooks(assignment)
    releases = {n: nbformat.read(course.release_dir(assignment) / f"{n}.ipynb", as_version=4) for n in notebooks}
    fingerprints = _fingerprints(course)
    files = _assignment_files(course, assignment)
    exec_config = {k: dict(course.config[k]) for k in ("Execute", "ExecutePreprocessor", "NotebookClient")
                   if k in course.config}

    jobs: dict[str, dict[str, dict]] = {}
    for learner in learners:
        res = report.results[learner] = LearnerResult(learner)
        entry = status.get(learner, {})
        res.notes += [n for n in entry.get("collect_notes", [])]
        if entry.get("collect_problem"):
            res.needs_review = True
            res.reasons.append(entry["collect_problem"])
            continue
        prepared = {}
        for name in notebooks:
            path = course.submitted_dir(learner, assignment) / f"{name}.ipynb"
            if not path.exists():
                res.notes.append(f"ノートブック {name}.ipynb が提出されていません（0 点になります）。")
                continue
            nb, problem = nbs.read_notebook(path)
            if problem is None:
                guess, score = nbs.identify(nb, fingerprints)
                if guess and guess != assignment and score > nbs_identity_score(nb, fingerprints, assignment):
                    problem = f"別の課題（{guess}）のノートブックが提出されています。"
            if problem:
                res.needs_review = True
                res.reasons.append(problem)
                break
            if path.stat().st_size > nbs.LARGE_BYTES:
                res.notes.append("出力がとても大きいファイルでした（出力は消してから採点しました）。")
            fixed, notes, tampered = nbs.repair(nb, releases[name])
            res.notes += notes
            res.tampered |= tampered
            if notes:
                nbformat.write(fixed, path)     # the working copy in submitted/; originals are kept apart
            prepared[name] = fixed
        if res.needs_review:
            continue
        jobs[learner] = {}
        for name, nb in prepared.items():
            clean = _sanitize(course.config, nb, course, assignment, learner, name)
            jobs[learner][name] = {"nb": nbformat.writes(clean), "files": files, "isolate": ok,
                                   "timeout": timeout, "config": exec_config, "limits": limits or {}}

    total = sum(len(v) for v in jobs.values())
    done = 0
    if progress and total:
        _progress(0, total, "採点中")
    ctx = multiprocessing.get_context("spawn")
    with cf.ProcessPoolExecutor(max_workers=max(1, min(workers, total or 1)), mp_context=ctx,
                                initializer=_worker_init, initargs=(os.environ.get("PATH", ""),)) as pool:
        futures = {learner: {name: pool.submit(execute_job, job) for name, job in per.items()}
                   for learner, per in jobs.items()}
        api = course.api(extra_config=_replay_config(course.config))
        for learner, per in futures.items():  # gradebook writes: this process only, one at a time
            res = report.results[learner]
            for name, fut in per.items():
                try:
                    result = fut.result()
                except Exception as exc:  # noqa: BLE001 - a broken worker
                    result = {"nb": jobs[learner][name]["nb"], "error": _explain(exc), "seconds": 0.0}
                    _unrun = nbformat.reads(result["nb"], as_version=4)
                    _mark_unrun(_unrun, result["error"])
                    result["nb"] = nbformat.writes(_unrun)
                _RESULTS[(learner, name)] = result
                res.seconds += result["seconds"]
                if result["error"]:
                    res.needs_review = True
                    res.reasons.append(result["error"])
                res.notes += _cell_notes(nbformat.reads(result["nb"], as_version=4))
                done += 1
                if progress:
                    _progress(done, total, "採点中")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                outcome = api.autograde(assignment, learner)
            for name in per:
                _RESULTS.pop((learner, name), None)
            if not outcome["success"]:
                res.needs_review = True
                res.reasons.append("nbgrader の自動採点に失敗しました: " + _last_line(outcome.get("error") or outcome.get("log")))
            else:
                res.graded = True
    for learner, res in report.results.items():
        entry = status.setdefault(learner, {})
        entry.update({"graded": res.graded, "needs_review": res.needs_review, "reasons": res.reasons,
                      "notes": res.notes, "tampered": res.tampered})
    course.save_status(assignment, status)
    report.seconds = time.time() - started
    return report


def nbs_identity_score(nb, fingerprints, assignment) -> float:
    prints = fingerprints.get(assignment)
    if not prints:
        return 0.0
    return nbs.identify(nb, {assignment: prints})[1]


def _cell_notes(nb) -> list[str]:
    notes = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError":
                notes.append(f"セル「{nbs.grade_id(cell) or '(番号なし)'}」が時間内に終わらず、打ち切りました"
                             "（無限ループの可能性）。")
    return notes


def _last_line(text: str | None) -> str:
    lines = [ln for ln in (text or "").strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "（理由不明）"


def _replay_config(config):
    from traitlets.config import Config

    c = Config()
    c.Autograde.autograde_preprocessors = _autograde_preprocessors(config)
    return c


def _fingerprints(course) -> dict[str, set[str]]:
    out = {}
    for a in course.assignments():
        folder = course.release_dir(a)
        src = folder if folder.is_dir() else course.source_dir / a
        prints: set[str] = set()
        for p in src.glob("*.ipynb"):
            try:
                prints |= nbs.fingerprint(nbformat.read(p, as_version=4))
            except Exception:  # noqa: BLE001
                pass
        out[a] = prints
    return out


def _assignment_files(course, assignment: str) -> dict[str, bytes]:
    """Non-notebook files of the release (data the notebook may open), copied into each working folder."""
    folder = course.release_dir(assignment)
    out = {}
    for p in folder.rglob("*"):
        if p.is_file() and p.suffix != ".ipynb" and ".ipynb_checkpoints" not in p.parts:
            out[str(p.relative_to(folder))] = p.read_bytes()
    return out


def filter_nbgrader_log(log: str, tampered_cells: set[str]) -> list[str]:
    """nbgrader のログから、隠しテストがあると毎回出る誤った checksum 警告（nbgrader #1961）を除きます。"""
    keep = []
    for line in (log or "").splitlines():
        m = FALSE_CHECKSUM.search(line)
        if m and m.group(1) not in tampered_cells:
            continue
        keep.append(line)
    return keep
