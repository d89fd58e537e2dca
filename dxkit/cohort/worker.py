"""ワーカープロセスの仕事: 1 冊のノートブックを、箱（``sandbox``）の中のカーネルで実行します（成績簿には触れません）。

結果には、実行したノートブック（出力は ``CappedExecute`` で上限まで）、採点できない理由（カーネルの停止、
時間切れ）と、制限に達したこと（出力・メモリ・ディスク・プロセス数・CPU 時間）の注意を入れて返します。
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
import threading
import time
import warnings
from pathlib import Path

import nbformat

from dxkit.cohort import notebooks as nbs
from dxkit.cohort.kernel_launcher import CPU_ERROR

KERNEL_DIED = "実行中にカーネルが停止しました"
NO_REPLY = "時間内に実行が終わらず、応答しないカーネルを止めました。"


def init(path_env: str) -> None:
    """ProcessPoolExecutor の initializer: PATH と、英語のライブラリの警告を止める設定です。"""
    os.environ["PATH"] = path_env
    quiet()


def quiet() -> None:
    """nbformat・traitlets の英語の警告（講師には意味がないもの）を表示しません。"""
    from nbformat.validator import MissingIDFieldWarning

    warnings.filterwarnings("ignore", category=MissingIDFieldWarning)
    warnings.filterwarnings("ignore", message=".*(Cell is missing an id field|Non-unique cell id).*")
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def execute_job(job: dict) -> dict:
    """1 冊を実行し、{"nb", "error", "notes", "seconds"} を返します。"""
    from traitlets.config import Config

    from dxkit.cohort.preprocessors import CappedExecute
    from dxkit.cohort.sandbox import Limits, Sandbox, SandboxKernelManager

    started = time.time()
    workdir = Path(tempfile.mkdtemp(prefix="dxkit-grade-"))
    os.chmod(workdir, 0o755)
    for rel, data in job.get("files", {}).items():
        target = workdir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    nb = nbformat.reads(job["nb"], as_version=4)
    sandbox = Sandbox(limits=Limits(**job.get("limits", {})), isolate=job["isolate"])
    sockdir = sandbox.prepare(workdir)
    km = SandboxKernelManager(sandbox=sandbox, workdir=str(workdir), sockdir=str(sockdir))
    executor = CappedExecute(config=Config(job.get("config") or {}))
    if job.get("timeout"):
        executor.timeout = job["timeout"]
    n_code = sum(c.cell_type == "code" for c in nb.cells)
    killed = threading.Event()

    def _kill():  # a kernel that ignores interrupts: end it, the submission is then marked
        killed.set()
        try:
            km.provisioner.process.kill()
        except Exception:  # noqa: BLE001
            pass
    watchdog = threading.Timer((executor.timeout or 60) * max(n_code, 1) + 120, _kill)
    watchdog.start()
    error = None
    try:
        nb, _ = executor.preprocess(nb, {"metadata": {"path": str(workdir)}}, km=km)
    except Exception as exc:  # noqa: BLE001 - dead kernel and the like: the submission is flagged
        nb = getattr(executor, "nb", nb)
        error = explain(exc, killed.is_set(), _exit_status(km), bool(getattr(executor, "capped_cells", [])))
    finally:
        watchdog.cancel()
        _shutdown(km)
        shutil.rmtree(workdir, ignore_errors=True)
        shutil.rmtree(sockdir, ignore_errors=True)
    if error:
        mark_unrun(nb, error)
    return {"nb": nbformat.writes(nb), "error": error, "notes": limit_notes(nb, sandbox.limits),
            "seconds": time.time() - started}


def _exit_status(km) -> int | None:
    try:
        process = km.provisioner.process
        process.wait(timeout=5)
        return process.returncode
    except Exception:  # noqa: BLE001
        return None


def _shutdown(km) -> None:
    try:
        if km.has_kernel:
            from jupyter_core.utils import run_sync

            run_sync(km.shutdown_kernel)(now=True)
    except Exception:  # noqa: BLE001
        pass


def explain(exc: Exception, killed: bool = False, status: int | None = None, capped: bool = False) -> str:
    """実行が止まった理由を日本語で返します（時間切れ・出力の上限・CPU 時間・メモリ・カーネルの停止を分けます）。"""
    name = type(exc).__name__
    if killed:
        return NO_REPLY
    if "DeadKernel" in name:
        sig = -status if status is not None and status < 0 else (status - 128 if status and status > 128 else None)
        if capped:
            return f"{KERNEL_DIED}（出力が上限を超えるほど多く、そのあと止まりました）。"
        if sig == signal.SIGXCPU:
            return f"{KERNEL_DIED}（CPU 時間の上限に達しました）。"
        if sig == signal.SIGKILL:
            return f"{KERNEL_DIED}（強制終了されました。CPU 時間の上限、またはメモリ不足が考えられます）。"
        if sig:
            return f"{KERNEL_DIED}（シグナル {signal.Signals(sig).name}）。"
        return f"{KERNEL_DIED}（プロセスの終了など。終了コード {status}）。"
    if "Timeout" in name:
        return "時間内に実行が終わりませんでした。"
    return f"ノートブックを実行できませんでした（{name}: {str(exc)[:120]}）。"


def limit_notes(nb, limits) -> list[str]:
    """実行したノートブックの出力から、制限に達したセルを日本語の注意にします（同じ種類は 1 回だけ）。"""
    found: dict[str, str] = {}
    for cell in nb.cells:
        gid = nbs.grade_id(cell) or "(番号なし)"
        for o in cell.get("outputs", []):
            ename, text = o.get("ename", ""), f"{o.get('evalue', '')} {o.get('text', '')}"
            if o.get("output_type") == "stream" and "出力が上限" in str(o.get("text", "")):
                found.setdefault("output", f"セル「{gid}」の出力が上限を超えたので、切り詰めました（出力の上限）。")
            elif ename == "CellTimeoutError":
                found.setdefault("timeout", f"セル「{gid}」が時間内に終わらず、打ち切りました（無限ループの可能性）。")
            elif ename == CPU_ERROR:
                found.setdefault("cpu", f"セル「{gid}」が CPU 時間の上限（{limits.cpu_seconds} 秒）に達しました。")
            elif ename == "MemoryError":
                found.setdefault("memory", f"セル「{gid}」がメモリの上限（{limits.memory_bytes / 2**30:g} GiB）に達しました。")
            elif "No space left on device" in text or "File too large" in text or "Errno 28" in text:
                found.setdefault("disk", f"セル「{gid}」がディスクの上限（/tmp {limits.tmp_bytes // 2**20} MiB・"
                                         f"作業フォルダー {limits.work_bytes // 2**20} MiB）に達しました。")
            elif "Resource temporarily unavailable" in text or ename == "BlockingIOError":
                found.setdefault("processes", f"セル「{gid}」がプロセス数の上限（{limits.processes}）に達しました。")
    return list(found.values())


def mark_unrun(nb, error: str) -> None:
    """Give every graded test cell that did not run an error, so nbgrader cannot count it as passed."""
    for cell in nb.cells:
        if cell.cell_type == "code" and nbs.meta(cell).get("grade") and not any(
                o.get("output_type") == "error" for o in cell.get("outputs", [])) and cell.get("execution_count") is None:
            cell.outputs = [nbformat.v4.new_output("error", ename="NotGraded", evalue=error, traceback=[error])]


__all__ = ["execute_job", "explain", "limit_notes", "mark_unrun", "init", "quiet"]
