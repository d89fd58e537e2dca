"""自治体ごとの設定ファイル（TOML）の読み込みと、自治体が用意したデータの検証です。

設定ファイルの例はリポジトリの ``bundle.example.toml`` にあります。
"""

from __future__ import annotations

import os
import tomllib
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dxkit.errors import DxkitError

_KEYS = {"municipality": {"name", "contact"}, "bundle": {"courses"}, "data": {"dir"}}


@dataclass
class Settings:
    """配布パッケージの自治体ごとの設定です。"""

    municipality: str | None = None
    contact: str | None = None
    courses: list[str] | None = None
    data_dir: Path | None = None


def load_settings(path: Path | str) -> Settings:
    """設定ファイル（TOML）を読み込みます。書き方の誤りは日本語の ``DxkitError`` で示します。"""
    path = Path(path)
    if not path.is_file():
        raise DxkitError(f"設定ファイル {path} が見つかりません。")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise DxkitError(f"設定ファイル {path.name} は UTF-8 で保存してください。") from None
    except tomllib.TOMLDecodeError as exc:
        raise DxkitError(f"設定ファイル {path.name} の書き方に誤りがあります（{exc}）。"
                         "bundle.example.toml の書き方と比べてください。") from None
    problems = []
    for section, value in raw.items():
        if section not in _KEYS or not isinstance(value, dict):
            problems.append(f"[{section}] という欄はありません（使える欄: {'、'.join(f'[{k}]' for k in _KEYS)}）。")
            continue
        for key in value:
            if key not in _KEYS[section]:
                problems.append(f"[{section}] に「{key}」という項目はありません（使える項目: {'、'.join(sorted(_KEYS[section]))}）。")
    muni, bundle, data = raw.get("municipality", {}), raw.get("bundle", {}), raw.get("data", {})
    for key in ("name", "contact"):
        if key in muni and not isinstance(muni[key], str):
            problems.append(f"[municipality] の {key} は \"…\" で囲んだ文字で書いてください。")
    courses = bundle.get("courses")
    if courses is not None and not (isinstance(courses, list) and all(isinstance(c, str) for c in courses)):
        problems.append('[bundle] の courses は ["00_orientation", "05_data_analysis"] のように書いてください。')
    data_dir = data.get("dir")
    if data_dir is not None and not isinstance(data_dir, str):
        problems.append("[data] の dir はフォルダの場所を \"…\" で囲んで書いてください。")
    if problems:
        raise DxkitError(f"設定ファイル {path.name} に問題があります。\n" + "\n".join(f"・{p}" for p in problems))
    resolved = None
    if data_dir:
        resolved = (path.parent / Path(data_dir).expanduser()).resolve()
        if not resolved.is_dir():
            raise DxkitError(f"設定ファイル {path.name} の [data] dir のフォルダ {resolved} が見つかりません。")
    return Settings(muni.get("name"), muni.get("contact"), courses, resolved)


# ---------------------------------------------------------------- town data

@contextmanager
def town_data(data_dir: Path | None):
    """この中では ``dxkit.data`` が ``data_dir`` の自治体のデータを読みます（環境変数 DXKIT_DATA_DIR）。"""
    from dxkit.data import ENV_DATA_DIR

    before = os.environ.get(ENV_DATA_DIR)
    if data_dir is None:
        os.environ.pop(ENV_DATA_DIR, None)
    else:
        os.environ[ENV_DATA_DIR] = str(data_dir)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENV_DATA_DIR, None)
        else:
            os.environ[ENV_DATA_DIR] = before


@dataclass
class TownDataReport:
    """自治体のデータの検証結果です。``ok`` が True なら、すべてのファイルがスキーマに合っています。"""

    data_dir: Path
    accepted: dict[str, str] = field(default_factory=dict)  # file name -> dataset name / note
    problems: dict[str, str] = field(default_factory=dict)  # file name -> Japanese message

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        lines = [f"自治体のデータ（{self.data_dir}）の確認結果です。"]
        for name, note in sorted(self.accepted.items()):
            lines.append(f"✓ {name}: {note}")
        for name, message in sorted(self.problems.items()):
            lines.append(f"✗ {name}:")
            lines += [f"    {line}" for line in message.splitlines()]
        if self.problems:
            lines.append(f"{len(self.problems)} 個のファイルに問題があります。直してから、もう一度パッケージを作ってください。"
                         "列の名前・型・値の範囲は datasets/README.md と各 .schema.json に書いてあります。")
        return "\n".join(lines)


def check_town_data(data_dir: Path | str) -> TownDataReport:
    """``data_dir`` の各ファイルを、同じ名前の同梱データセットのスキーマで検証します。

    ファイル名が同梱のデータセット（スキーマの ``file``）のどれとも合わないもの、スキーマに合わないものを
    日本語で報告します。スキーマのないフォルダ（様式のフォルダなど）は、同じ名前のものがあるかだけを確かめます。
    """
    from dxkit.data import available_datasets, bundled_dir, load_dataset, load_schema

    data_dir = Path(data_dir)
    report = TownDataReport(data_dir)
    by_file, folders = {}, set()
    for name in available_datasets():
        if (bundled_dir() / f"{name}.schema.json").is_file():
            by_file[load_schema(name)["file"]] = name
        else:
            folders.add(name)
    entries = sorted(p for p in data_dir.iterdir() if not p.name.startswith((".", "_")))
    if not entries:
        report.problems["（フォルダ）"] = "ファイルが一つもありません。"
    for entry in entries:
        if entry.is_dir():
            if entry.name in folders:
                report.accepted[entry.name + "/"] = "同梱のフォルダの代わりに使います（中の形式は確かめていません）。"
            else:
                report.problems[entry.name + "/"] = ("同じ名前の同梱フォルダがありません。使えるフォルダ: "
                                                     + "、".join(sorted(folders)))
            continue
        name = by_file.get(entry.name)
        if name is None:
            report.problems[entry.name] = ("どの同梱データセットとも名前が合いません。置き換えたいデータセットと"
                                           "同じファイル名にしてください。使えるファイル名: " + "、".join(sorted(by_file)))
            continue
        with town_data(data_dir), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                df = load_dataset(name)
            except DxkitError as exc:
                report.problems[entry.name] = str(exc)
                continue
        report.accepted[entry.name] = f"データセット「{name}」として使えます（{len(df)} 行）。"
    return report
