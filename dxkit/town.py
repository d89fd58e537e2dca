"""自治体のデータのフォルダ（環境変数 ``DXKIT_DATA_DIR``）の扱いです。

- フォルダが指定されているのに存在しないときはエラーにします（同梱の見本に黙って戻しません）。
- データセットごとに、フォルダの中のファイルを探します（``population.csv`` のような同じ名前か、
  ``131105_population.csv`` のような標準のファイル名。候補はスキーマの ``file_patterns``）。
- 最初にデータを読み込んだとき、どのデータが自治体のもので、どれが同梱の見本かを一度だけ表示します。
"""

from __future__ import annotations

import fnmatch
import html
import os
from pathlib import Path

from dxkit.errors import DxkitError

ENV_DATA_DIR = "DXKIT_DATA_DIR"
_ANNOUNCED: set[str] = set()


def town_dir() -> Path | None:
    """``DXKIT_DATA_DIR`` のフォルダ（設定されていなければ None）。存在しないフォルダならエラーです。"""
    value = os.environ.get(ENV_DATA_DIR, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.is_dir():
        what = "ファイルです（フォルダを指定してください）" if path.exists() else "存在しません"
        raise DxkitError(f"環境変数 {ENV_DATA_DIR} のフォルダ {path} は{what}。フォルダの場所を確かめてください。"
                         f"同梱の見本（架空のみどり野市）を使うときは、環境変数 {ENV_DATA_DIR} を消してください。")
    return path


def find_file(folder: Path, schema: dict) -> Path | None:
    """フォルダの中から、このデータセットのファイルを探します（見つからなければ None、2 つ以上ならエラー）。"""
    exact = folder / schema["file"]
    if exact.is_file():
        return exact
    patterns = schema.get("file_patterns", [])
    found = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))
                   and any(fnmatch.fnmatch(p.name.lower(), pat.lower()) for pat in patterns))
    if len(found) > 1:
        raise DxkitError(f"{folder} に「{schema.get('title', schema['name'])}」のファイルが {len(found)} つあります"
                         f"（{'、'.join(p.name for p in found)}）。使うファイルを 1 つにするか、"
                         f"使うものを「{schema['file']}」という名前にしてください。")
    return found[0] if found else None


def inventory(folder: Path) -> tuple[list[tuple[str, str, Path | str | None]], list[str]]:
    """((データセット名, 題名, 自治体のファイル・選べない理由・None) のリスト, どのデータセットにも使われないファイル名)。"""
    from dxkit.data import available_datasets, bundled_dir, load_schema

    rows, used = [], set()
    for name in available_datasets():
        if not (bundled_dir() / f"{name}.schema.json").is_file():
            continue
        schema = load_schema(name)
        try:
            path = find_file(folder, schema)
        except DxkitError as exc:
            path = str(exc)  # two candidates: say so instead of picking one
        rows.append((name, schema.get("title", name), path))
        if isinstance(path, Path):
            used.add(path.name)
    unused = sorted(p.name for p in folder.iterdir()
                    if p.is_file() and p.name not in used and not p.name.startswith((".", "~$")))
    return rows, unused


def banner_text(folder: Path) -> tuple[str, str]:
    """(プレーンテキスト, HTML) の表示。"""
    rows, unused = inventory(folder)
    town = [(n, t, p) for n, t, p in rows if isinstance(p, Path)]
    sample = [(n, t, p) for n, t, p in rows if not isinstance(p, Path)]
    lines = [f"自治体のデータのフォルダ（{ENV_DATA_DIR}）: {folder}",
             "■ 自治体のデータを使うもの: " + ("、".join(f"{n}（{p.name}）" for n, _t, p in town) or "なし"),
             "■ 同梱の見本（架空のみどり野市）を使うもの: " + ("、".join(n for n, _t, _p in sample) or "なし")]
    if unused:
        lines.append("■ このフォルダにあって使われていないファイル: " + "、".join(unused)
                     + "（名前を見直してください。datasets/README.md の「ファイル名」を参照）")
    items = "".join(f"<li>{html.escape(line[2:] if line.startswith('■') else line)}</li>" for line in lines[1:])
    markup = (f'<div style="border-left:4px solid #1565c0;background:#e3f2fd;padding:6px 10px;margin:4px 0">'
              f"<b>{html.escape(lines[0])}</b><ul style=\"margin:4px 0\">{items}</ul></div>")
    return "\n".join(lines), markup


class _Banner:
    def __init__(self, text: str, markup: str):
        self.text, self.markup = text, markup

    def __repr__(self) -> str:
        return self.text

    def _repr_html_(self) -> str:
        return self.markup


def announce(folder: Path) -> None:
    """このフォルダについて、まだ表示していなければ、どのデータが自治体のものかを表示します（カーネルごとに 1 回）。"""
    key = str(folder.resolve())
    if key in _ANNOUNCED:
        return
    _ANNOUNCED.add(key)
    banner = _Banner(*banner_text(folder))
    try:
        from IPython import get_ipython
        from IPython.display import display

        if get_ipython() is not None:
            display(banner)
            return
    except ImportError:
        pass
    print(banner.text)


def check_folder(folder: Path) -> tuple[str, bool]:
    """フォルダのファイルを 1 つずつ読み込んで検証し、(報告の文章, すべて読めたか) を返します。"""
    from dxkit.data import load_file

    if not folder.is_dir():
        raise DxkitError(f"フォルダ {folder} がありません。場所を確かめてください。")
    rows, unused = inventory(folder)
    lines, ok = [f"フォルダ {folder} を調べました。"], True
    for name, title, path in rows:
        if path is None:
            lines.append(f"－ {name}（{title}）: ファイルがないので、同梱の見本を使います。")
            continue
        if isinstance(path, str):
            ok = False
            lines.append(f"✗ {name}（{title}）: {path}")
            continue
        try:
            df = load_file(path, name)
        except DxkitError as exc:
            ok = False
            lines.append(f"✗ {name}（{title}）: {path.name} は使えません。")
            lines += [f"    {line}" for line in str(exc).splitlines()]
            continue
        extra = f"、市区町村全体の合計の行 {df.attrs['total_rows']} 行" if df.attrs.get("total_rows") else ""
        lines.append(f"✓ {name}（{title}）: {path.name} の {len(df)} 行を読めました{extra}。")
        lines += [f"    ・{note}" for note in df.attrs.get("notes", [])]
    if unused:
        lines.append("？ どのデータセットにも使われていないファイル: " + "、".join(unused))
    return "\n".join(lines), ok
