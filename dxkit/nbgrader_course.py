"""nbgrader のコース（``grading/nbgrader_config.py``）を、別のフォルダをコースの置き場にして使うための関数です。

講師の採点の流れ（``dxkit cohort``）や配布パッケージ（``dxkit bundle``）が、リポジトリの設定を
そのまま使いながら、生成物（release/・gradebook.db など）を一時フォルダや講師のフォルダに置けるようにします。

    from dxkit.nbgrader_course import generate_release
    generate_release("05_data_analysis", Path("配布版"))   # 配布版/05_data_analysis/ ができます
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from dxkit.errors import DxkitError

__all__ = ["repo_root", "config_path", "source_dir", "list_assignments", "load_config", "make_api",
           "generate_release", "generate_releases"]


def repo_root() -> Path:
    """dxkit のリポジトリ（``grading/`` と ``exercises/`` のあるフォルダ）を返します。"""
    from dxkit.cohort.course import checkout

    root = checkout()
    if root is None:
        raise DxkitError("教材のリポジトリ（grading/nbgrader_config.py のあるフォルダ）が見つかりません。"
                         "この操作は、dxkit のリポジトリを取り出したフォルダで実行してください。")
    return root


def config_path() -> Path:
    """nbgrader の設定ファイル ``grading/nbgrader_config.py`` の場所を返します。"""
    return repo_root() / "grading" / "nbgrader_config.py"


def source_dir() -> Path:
    """演習の原本のフォルダ（リポジトリの ``exercises/``）を返します。"""
    return repo_root() / "exercises"


def list_assignments(source: Path | None = None) -> list[str]:
    """演習（ノートブックのある ``exercises/`` のサブフォルダ）の名前を、番号順に返します。"""
    source = Path(source) if source else source_dir()
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def load_config(course_root: Path | str | None = None, *, exchange_root: Path | str | None = None,
                source: Path | str | None = None, log_level: str = "WARN"):
    """講座の nbgrader 設定（``dxkit.cohort.course.load_config`` と同じ読み方）を、差し替えつきで返します。

    - ``course_root``: release/・submitted/・gradebook.db などを置くフォルダ（省略すると ``grading/``）。
    - ``exchange_root``: 配布・回収の受け渡しフォルダ（省略すると設定の値、講座が別の場所なら ``course_root/exchange``）。
    - ``source``: 演習の原本のフォルダ（省略すると設定の値）。
    """
    from dxkit.cohort.course import load_config as course_config

    config = course_config(course_root or repo_root() / "grading")
    if exchange_root is not None:
        config.Exchange.root = str(Path(exchange_root).resolve())
    if source is not None:
        config.CourseDirectory.source_directory = str(Path(source).resolve())
    config.NbGraderAPI.log_level = log_level
    return config


def make_api(course_root: Path | str | None = None, **kwargs):
    """``load_config`` の設定で nbgrader の ``NbGraderAPI`` を作って返します（引数は ``load_config`` と同じです）。"""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from dxkit.cohort.course import _ensure_bin_on_path

    _ensure_bin_on_path()
    config = load_config(course_root, **kwargs)
    exchange = Path(config.Exchange.get("root") or "/nonexistent")
    if course_root is not None and Path(course_root).resolve() in exchange.parents:
        exchange.mkdir(parents=True, exist_ok=True)
    return NbGraderAPI(CourseDirectory(config=config), config=config)


def generate_release(assignment: str, out_dir: Path | str, *, source: Path | str | None = None) -> Path:
    """演習 ``assignment`` の配布版（解答と隠しテストを除いたもの）を作り、``out_dir/<assignment>/`` に置きます。

    nbgrader の generate_assignment を、一時フォルダをコースの置き場にして実行します。
    作ったフォルダを返します。すでにあるときは置き換えます。
    """
    return generate_releases([assignment], out_dir, source=source)[0]


def generate_releases(assignments, out_dir: Path | str, *, source: Path | str | None = None) -> list[Path]:
    """いくつかの演習の配布版を、一つの一時コースでまとめて作ります（``generate_release`` より速く済みます）。"""
    outs = []
    with tempfile.TemporaryDirectory(prefix="dxkit-release-") as tmp:
        api = make_api(tmp, source=source)
        for assignment in assignments:
            result = api.generate_assignment(assignment)
            if not result.get("success"):
                raise DxkitError(f"演習「{assignment}」の配布版を作れませんでした。\n"
                                 f"{result.get('error') or result.get('log') or ''}".rstrip())
            out = Path(out_dir) / assignment
            if out.exists():
                shutil.rmtree(out)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(Path(tmp) / "release" / assignment, out)
            outs.append(out)
    return outs
