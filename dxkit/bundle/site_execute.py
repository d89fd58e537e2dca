"""閲覧用 HTML 版のためにレッスンを実行します: 新しいカーネルで上から。結果は使い回します。

実行結果は、ノートブック・dxkit のコード・データ・主なライブラリの版から作った鍵で
キャッシュ（既定は ``~/.cache/dxkit/site``、環境変数 ``DXKIT_SITE_CACHE`` で変更）に置き、
どれも変わっていなければ実行しなおしません。
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from pathlib import Path

from dxkit.errors import DxkitError

_INLINE = "module://matplotlib_inline.backend_inline"
_VERSIONED = ("pandas", "numpy", "matplotlib", "matplotlib-fontja", "ipykernel", "openpyxl", "ipywidgets")


def default_cache() -> Path:
    base = os.environ.get("DXKIT_SITE_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "dxkit", "site")
    return Path(base)


# What the lessons' kernels never run: the bundle builder itself (except the preamble's module).
_NOT_IN_KERNEL = re.compile(r"^bundle/(?!site_quiz\.py$)")


def _tree_digest(h, folder: Path, pattern: str, skip: re.Pattern | None = None) -> None:
    if folder is None or not folder.is_dir():
        return
    for path in sorted(folder.rglob(pattern)):
        rel = path.relative_to(folder).as_posix()
        if skip is not None and skip.match(rel):
            continue
        if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())


def environment_key(data_dir: Path | None) -> str:
    """レッスン以外で実行結果を変えうるもの（dxkit・データ・ライブラリの版）の要約です。"""
    from importlib.metadata import PackageNotFoundError, version

    import dxkit

    h = hashlib.sha256(sys.version.encode())
    for name in _VERSIONED:
        try:
            h.update(f"{name}={version(name)}".encode())
        except PackageNotFoundError:
            h.update(f"{name}=-".encode())
    _tree_digest(h, Path(dxkit.__file__).parent, "*.py", _NOT_IN_KERNEL)
    from importlib.util import find_spec

    for folder in find_spec("dxkit.datasets").submodule_search_locations or []:
        _tree_digest(h, Path(folder), "*")
    town = data_dir or os.environ.get("DXKIT_DATA_DIR")
    _tree_digest(h, Path(town) if town else None, "*")
    return h.hexdigest()


def execute_notebook(path: Path, *, timeout: int = 180, env: dict | None = None, preamble: str = ""):
    """ノートブックを新しいカーネルで上から実行し、出力つきのノートブックを返します。

    ``preamble`` はレッスンのセルより前にカーネルで実行するコードで、結果のノートブックには残りません。
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    if preamble:
        nb.cells.insert(0, nbformat.v4.new_code_cell(preamble))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(**({"env": env} if env else {}))
    except CellExecutionError as exc:
        from nbconvert.filters import strip_ansi

        last = strip_ansi(str(exc)).strip().splitlines()[-1][:200]
        raise DxkitError(f"{path.name} を実行できませんでした（{last}）。") from None
    if preamble:
        first = nb.cells.pop(0)
        if first.get("outputs"):
            raise DxkitError(f"{path.name}: 閲覧用 HTML 版の準備のコードが出力を出しました（dxkit の不具合です）。")
    return nb


def kernel_env(home: Path) -> dict:
    """レッスンを実行するカーネルの環境変数です（グラフは inline で表示、進捗の記録は ``home`` へ）。"""
    env = dict(os.environ)
    env["MPLBACKEND"] = _INLINE   # figures must be shown even when the caller runs headless (Agg)
    env["DXKIT_HOME"] = str(home)  # the build's own check() records, never the user's
    return env


def executed(path: Path, env: dict, *, cache: Path | None, salt: str, preamble: str = ""):
    """``path`` を実行したノートブックと、キャッシュから取り出したかどうかを返します。

    キャッシュの鍵は ``salt``（``environment_key`` と準備のコード）とノートブックの中身です。
    """
    import nbformat

    key = hashlib.sha256((salt + preamble).encode() + path.read_bytes()).hexdigest()
    cached = cache / f"{key}.ipynb" if cache else None
    if cached is not None and cached.is_file():
        try:
            return nbformat.read(cached, as_version=4), True
        except Exception:  # noqa: BLE001 - a damaged cache entry is simply rebuilt
            cached.unlink(missing_ok=True)
    nb = execute_notebook(path, env=env, preamble=preamble)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, cached)
    return nb, False
