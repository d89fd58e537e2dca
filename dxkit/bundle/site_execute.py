"""閲覧用 HTML 版のためにレッスンを実行します: 新しいカーネルで上から。結果は使い回します。

実行結果はキャッシュ（既定は ``~/.cache/dxkit/site``、環境変数 ``DXKIT_SITE_CACHE`` で変更）に置きます。
鍵はノートブックの中身・データ・主なライブラリの版で、さらにそのレッスンが実際に読み込んだ dxkit の
モジュールの中身を記録しておき、どれも変わっていなければ実行しなおしません。
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
from pathlib import Path

from dxkit.errors import DxkitError

_INLINE = "module://matplotlib_inline.backend_inline"
_VERSIONED = ("pandas", "numpy", "matplotlib", "matplotlib-fontja", "ipykernel", "openpyxl", "ipywidgets")
# Run after the lesson: which dxkit modules did it load? (their content decides whether the result is reused)
_MODULES_CELL = ("import sys as _s, json as _j\n"
                 "print(_j.dumps(sorted({m.__file__ for n, m in list(_s.modules.items())\n"
                 "                       if n.split('.')[0] == 'dxkit' and getattr(m, '__file__', None)})))")


def default_cache() -> Path:
    base = os.environ.get("DXKIT_SITE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "dxkit", "site")
    return Path(base)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tree_digest(h, folder: Path | None) -> None:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode() + _digest(path).encode())


def environment_key(data_dir: Path | None) -> str:
    """レッスンの外で実行結果を変えうるもの（データ・Python と主なライブラリの版）の要約です。"""
    from importlib.metadata import PackageNotFoundError, version
    from importlib.util import find_spec

    h = hashlib.sha256(sys.version.encode())
    for name in _VERSIONED:
        try:
            h.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-".encode())
    for folder in find_spec("dxkit.datasets").submodule_search_locations or []:
        _tree_digest(h, Path(folder))
    town = data_dir or os.environ.get("DXKIT_DATA_DIR")
    _tree_digest(h, Path(town) if town else None)
    return h.hexdigest()


def _run(path: Path, *, timeout: int, env: dict | None, preamble: str, epilogue: str):
    """The executed notebook (without the preamble/epilogue cells) and what the epilogue printed."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    if preamble:
        nb.cells.insert(0, nbformat.v4.new_code_cell(preamble))
    if epilogue:
        nb.cells.append(nbformat.v4.new_code_cell(epilogue))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(**({"env": env} if env else {}))
    except CellExecutionError as exc:
        from nbconvert.filters import strip_ansi

        last = strip_ansi(str(exc)).strip().splitlines()[-1][:200]
        raise DxkitError(f"{path.name} を実行できませんでした（{last}）。") from None
    printed = "".join(o.get("text", "") for o in nb.cells.pop().outputs) if epilogue else ""
    if preamble and nb.cells.pop(0).get("outputs"):
        raise DxkitError(f"{path.name}: 閲覧用 HTML 版の準備のコードが出力を出しました（dxkit の不具合です）。")
    return nb, printed


def execute_notebook(path: Path, *, timeout: int = 180, env: dict | None = None, preamble: str = ""):
    """ノートブックを新しいカーネルで上から実行し、出力つきのノートブックを返します。

    ``preamble`` はレッスンのセルより前にカーネルで実行するコードで、結果のノートブックには残りません。
    """
    return _run(path, timeout=timeout, env=env, preamble=preamble, epilogue="")[0]


def kernel_env(home: Path) -> dict:
    """レッスンを実行するカーネルの環境変数です（グラフは inline で表示、進捗の記録は ``home`` へ）。"""
    env = dict(os.environ)
    env["MPLBACKEND"] = _INLINE   # figures must be shown even when the caller runs headless (Agg)
    env["DXKIT_HOME"] = str(home)  # the build's own check() records, never the user's
    return env


def _unchanged(modules: dict[str, str]) -> bool:
    return all(Path(f).is_file() and _digest(Path(f)) == digest for f, digest in modules.items())


def executed(path: Path, env: dict, *, cache: Path | None, salt: str, preamble: str = ""):
    """``path`` を実行したノートブックと、キャッシュから取り出したかどうかを返します。

    キャッシュの鍵は ``salt``（``environment_key``）・準備のコード・ノートブックの中身で、前回そのレッスンが
    読み込んだ dxkit のモジュールが 1 つでも変わっていれば、実行しなおします。
    """
    import nbformat

    key = hashlib.sha256((salt + preamble).encode() + path.read_bytes()).hexdigest()
    entry, deps = (cache / f"{key}.ipynb", cache / f"{key}.modules.json") if cache else (None, None)
    if entry is not None and entry.is_file() and deps.is_file():
        try:
            if _unchanged(json.loads(deps.read_text(encoding="utf-8"))):
                return nbformat.read(entry, as_version=4), True
        except (OSError, ValueError):  # a damaged cache entry is simply rebuilt
            pass
    nb, printed = _run(path, timeout=180, env=env, preamble=preamble, epilogue=_MODULES_CELL)
    if entry is not None:
        modules = {f: _digest(Path(f)) for f in json.loads(printed.strip().splitlines()[-1]) if Path(f).is_file()}
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, entry)
        deps.write_text(json.dumps(modules, ensure_ascii=False), encoding="utf-8")
    return nb, False
