"""dxkit benchmarks: print the figures the project reports.

    python benchmarks/run.py              # import time, every notebook, the whole test suite
    python benchmarks/run.py --no-suite   # skip the full test suite run
    python benchmarks/run.py --only courses/05_data_analysis

Figures:
- ``import dxkit`` and ``from dxkit.check import check`` time in a fresh interpreter (median of 5);
- the time to execute each notebook in a fresh kernel (nbclient, as nbval does), kernel start included;
- the wall time of the README's test command (pytest -n 2 --dist loadscope --nbval-lax).
Results are also written to benchmarks/results/latest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def import_time(statement: str, runs: int = 5) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                    check=True, cwd=tempfile.gettempdir()).stdout) for _ in range(runs)]
    return statistics.median(samples)


def notebook_time(path: Path) -> tuple[float, str]:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    status = "ok"
    try:
        client.execute()
    except CellExecutionError as err:  # nbclient already skips cells tagged raises-exception
        status = "error: " + str(err).strip().splitlines()[-1][:80]
    return time.perf_counter() - start, status


def suite_time() -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadscope",
                           "--nbval-lax", "--nbval-current-env"], cwd=ROOT)
    return time.perf_counter() - start, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description="dxkit の性能を計測します。")
    parser.add_argument("--no-suite", action="store_true", help="テスト全体の実行時間を測りません")
    parser.add_argument("--only", action="append", default=[], help="このフォルダのノートブックだけを測ります")
    args = parser.parse_args()
    os.environ.setdefault("DXKIT_HOME", tempfile.mkdtemp(prefix="dxkit-bench-"))
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
    results: dict = {}

    results["import dxkit (s)"] = import_time("import dxkit")
    results["from dxkit.check import check (s)"] = import_time("from dxkit.check import check")
    for key, value in results.items():
        print(f"{key:45s} {value:8.3f}")

    folders = [ROOT / p for p in args.only] or [ROOT / "courses", ROOT / "exercises"]
    notebooks = sorted(nb for folder in folders for nb in folder.rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in nb.parts)
    results["notebooks (s)"] = {}
    total = 0.0
    for nb in notebooks:
        seconds, status = notebook_time(nb)
        total += seconds
        results["notebooks (s)"][str(nb.relative_to(ROOT))] = round(seconds, 2)
        print(f"{str(nb.relative_to(ROOT)):60s} {seconds:7.2f} s  {status}")
    print(f"{'all notebooks, one after another':60s} {total:7.2f} s")
    results["all notebooks serial (s)"] = round(total, 2)

    if not args.no_suite:
        seconds, code = suite_time()
        results["test suite wall time (s)"] = round(seconds, 1)
        print(f"{'test suite (pytest -n 2, exit ' + str(code) + ')':60s} {seconds:7.1f} s")

    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
