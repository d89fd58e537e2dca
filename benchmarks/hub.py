"""Sizing a JupyterHub for dxkit: a 9:00 login rush of N learners at once.

    .venv/bin/python benchmarks/hub.py [--rush 10 20] [--lesson courses/00_orientation/01_jupyterlab.ipynb]

For each N, starts a throwaway JupyterHub on 127.0.0.1 (deploy/local-hub: SimpleLocalProcessSpawner,
temporary home folders), then N learners at the same moment: start their server (what logging in
does), open the first lesson in a kernel and run its code cells, as a learner arriving at 9:00.

Prints, per N:
- time to first output (from the start of the login to the first cell's first output): p50 / p95 / max;
- server start time and whole-lesson time: p50 / p95;
- peak memory of everything the hub started (PSS, sampled every second) and per learner at the end;
- the load of the machine before the run (uptime): this machine is shared, say so with the figures.

Needs jupyterhub and configurable-http-proxy (make setup-test installs both where it can).
Linux only (it reads /proc). Results also go to benchmarks/results/hub.json (git-ignored).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIRST_LESSON = "courses/00_orientation/01_jupyterlab.ipynb"


def _hubctl():
    spec = importlib.util.spec_from_file_location("dxkit_hubctl", ROOT / "deploy" / "local-hub" / "hubctl.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def memory_mib(pid: int) -> float:
    """PSS (shared libraries split between the processes that map them) or RSS, in MiB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def quantile(values: list[float], q: float) -> float:
    """Nearest-rank quantile (p50, p95) of a small sample."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


class PeakMemory:
    """Samples the total PSS of the hub and everything it started, once a second, in a thread."""

    def __init__(self, hubctl, hub):
        self.hubctl, self.hub, self.peak, self._stop = hubctl, hub, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def total(self) -> float:
        pids = self.hubctl.marked_pids(self.hub.marker) + ([self.hub.proc.pid] if self.hub.proc else [])
        return sum(memory_mib(p) for p in pids)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.total())
            self._stop.wait(1.0)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(5)


def learner_arrives(hubctl, hub, user: str, lesson_rel: str, cells: list[str]) -> dict:
    """One learner at 9:00: server start, the lesson opened in a kernel, every code cell run."""
    t0 = time.monotonic()
    spawn = hub.spawn(user, timeout=600)
    s = hub.session(user)
    r = s.post(hub.user_url(user, "api/sessions"), timeout=300,
               json={"path": lesson_rel, "type": "notebook", "name": Path(lesson_rel).name,
                     "kernel": {"name": "python3"}})
    r.raise_for_status()
    ws = hub.user_url(user, f"api/kernels/{r.json()['kernel']['id']}/channels").replace("http://", "ws://")
    t_cells = time.monotonic()
    out = hubctl.run_cells(ws, hub.token(user), cells, timeout=300)
    first = out[0]["first_output_s"] if out[0]["first_output_s"] is not None else out[0]["s"]
    return {"user": user, "spawn_s": spawn, "to_first_output_s": t_cells - t0 + first,
            "lesson_s": time.monotonic() - t_cells, "errors": [o["error"] for o in out if o["error"]]}


def rush(hubctl, n: int, lesson: Path, cells: list[str]) -> dict:
    learners = tuple(f"learner{i + 1:02d}" for i in range(n))
    lesson_rel = str(lesson.relative_to(ROOT))
    with tempfile.TemporaryDirectory(prefix="dxkit-hub-rush-") as tmp:
        hub = hubctl.LocalHub(tmp, learners=learners)
        try:
            hub.start(timeout=120)
            for user in learners:                  # the lessons are in every home before 9:00
                shutil.copytree(ROOT / "courses", hub.home(user) / "courses",
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
                hub.token(user)
            idle = PeakMemory(hubctl, hub).total()
            with PeakMemory(hubctl, hub) as peak, ThreadPoolExecutor(max_workers=n) as pool:
                t0 = time.monotonic()
                results = list(pool.map(lambda u: learner_arrives(hubctl, hub, u, lesson_rel, cells), learners))
                wall = time.monotonic() - t0
            end = PeakMemory(hubctl, hub).total()
        finally:
            hub.stop()
            left = hub.leftovers()
    if left:
        print(f"警告: 止まらなかったプロセスがあります: {left}")
    ttfo = [r["to_first_output_s"] for r in results]
    return {"learners": n, "wall_s": wall, "results": results, "hub_idle_mib": idle, "peak_mib": peak.peak,
            "end_mib": end, "per_learner_mib": (end - idle) / n,
            "to_first_output_p50_s": quantile(ttfo, 0.50), "to_first_output_p95_s": quantile(ttfo, 0.95),
            "to_first_output_max_s": max(ttfo),
            "spawn_p50_s": quantile([r["spawn_s"] for r in results], 0.5),
            "spawn_p95_s": quantile([r["spawn_s"] for r in results], 0.95),
            "lesson_p50_s": statistics.median(r["lesson_s"] for r in results),
            "errors": sorted({e for r in results for e in r["errors"]})}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rush", type=int, nargs="+", default=[10, 20], help="learners arriving at once (each a run)")
    ap.add_argument("--lesson", default=FIRST_LESSON)
    args = ap.parse_args(argv)
    hubctl = _hubctl()
    why = hubctl.missing_requirements()
    if why:
        print(f"計測できません: {why}")
        return 1
    import nbformat

    lesson = ROOT / args.lesson
    cells = [c.source for c in nbformat.read(lesson, as_version=4).cells if c.cell_type == "code" and c.source.strip()]
    load = os.getloadavg()
    print(f"マシン: {os.cpu_count()} コア、計測前の負荷（1/5/15 分）{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}"
          "（共有マシン: ほかの作業と同時に計測）")
    print(f"レッスン: {args.lesson}（コードセル {len(cells)} 個）")
    runs = []
    for n in args.rush:
        r = rush(hubctl, n, lesson, cells)
        runs.append(r)
        print(f"\n同時に {n} 人（全員がそろうまで {r['wall_s']:.0f} 秒）")
        print(f"  最初の出力まで: p50 {r['to_first_output_p50_s']:.1f} 秒、p95 {r['to_first_output_p95_s']:.1f} 秒、"
              f"最大 {r['to_first_output_max_s']:.1f} 秒")
        print(f"  サーバーの起動: p50 {r['spawn_p50_s']:.1f} 秒、p95 {r['spawn_p95_s']:.1f} 秒。"
              f"レッスン全体の実行: p50 {r['lesson_p50_s']:.1f} 秒")
        print(f"  メモリ（PSS）: ハブとプロキシ {r['hub_idle_mib']:.0f} MiB、最大 {r['peak_mib']:.0f} MiB、"
              f"終了時 {r['end_mib']:.0f} MiB（受講者 1 人あたり {r['per_learner_mib']:.0f} MiB）")
        if r["errors"]:
            print(f"  セルのエラー: {r['errors'][:3]}")
    per = max(r["per_learner_mib"] for r in runs)
    base = min(r["hub_idle_mib"] for r in runs)
    print(f"\n100 人の見積もり（ハブ {base:.0f} MiB + 100 × {per:.0f} MiB、余裕は別）: 約 {(base + 100 * per) / 1024:.1f} GiB")
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "hub.json").write_text(json.dumps({"load": load, "lesson": args.lesson, "runs": runs},
                                                 ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
