"""nbgrader の exchange（JupyterHub などで共有する受け渡しフォルダー）への配布と、そこからの回収です。

exchange の提出フォルダーの名前は ``<学習者>+<課題>+<日時>[+<乱数>]`` です（nbgrader の ExchangeSubmit）。
学習者の名前は JupyterHub のログイン名なので、ノートブックのメタデータやファイル名より先に信頼します。
提出の新しさは、学習者のファイルの更新日時ではなく exchange が記録した提出日時で決めます。
"""

from __future__ import annotations

import re
from datetime import timezone
from pathlib import Path

RANDOM = r"[A-Za-z0-9_=-]{12}"      # nbgrader's add_random_string: urlsafe base64 of 9 bytes


def root(course) -> Path | None:
    """設定された exchange のフォルダーです（設定が無ければ None）。"""
    return course.exchange_root


def inbound(course) -> Path | None:
    """exchange の提出が届くフォルダーです（nbgrader の ExchangeCollect と同じ場所）。"""
    base = root(course)
    return base / course.course_id / "inbound" if base else None


def parse_folder(name: str, assignment: str) -> tuple[str, str] | None:
    """提出フォルダーの名前を (学習者, 日時の文字列) に分けます。この課題の提出でなければ None です。"""
    m = re.fullmatch(rf"(?P<user>.+?)\+{re.escape(assignment)}\+(?P<ts>[^+]+?)(?:\+{RANDOM})?", name)
    if not m:
        return None
    return m.group("user"), m.group("ts")


def submitted_at(folder: Path, stamp: str) -> float:
    """exchange が記録した提出日時（timestamp.txt、無ければフォルダー名）を UNIX 時刻で返します。"""
    from nbgrader.utils import parse_utc

    txt = folder / "timestamp.txt"
    for text in ((txt.read_text(encoding="utf-8").strip() if txt.is_file() else ""), stamp):
        try:
            return parse_utc(text).replace(tzinfo=timezone.utc).timestamp()
        except (ValueError, OverflowError, TypeError):
            continue
    return max((p.stat().st_mtime for p in folder.glob("*.ipynb")), default=folder.stat().st_mtime)


def candidates(course, assignment: str, make) -> list:
    """exchange の inbound に届いた、この課題の提出ノートブックを ``make(...)`` で候補にして返します。"""
    where = inbound(course)
    if where is None or not where.is_dir():
        return []
    out = []
    for folder in sorted(p for p in where.iterdir() if p.is_dir()):
        parsed = parse_folder(folder.name, assignment)
        if parsed is None:
            continue
        user, stamp = parsed
        when = submitted_at(folder, stamp)
        for nb in sorted(folder.rglob("*.ipynb")):
            if ".ipynb_checkpoints" in nb.parts:
                continue
            rel = nb.relative_to(folder)
            out.append(make(label=f"exchange/{folder.name}/{rel}", data=nb.read_bytes(), mtime=when,
                            user=user))
    return out


def release(course, assignment: str) -> str:
    """配布版を exchange に置き（nbgrader release_assignment、同じ課題は置き直し）、結果を日本語の 1 行で返します。"""
    from traitlets.config import Config

    base = root(course)
    if base is None:
        return "exchange の設定が無いので、exchange には配布していません。"
    force = Config()
    force.ExchangeReleaseAssignment.force = True
    result = course.api(extra_config=force).release_assignment(assignment) or {}
    if result.get("success"):
        return f"exchange にも配布しました: {base / course.course_id / 'outbound' / assignment}"
    last = [ln for ln in (result.get("error") or result.get("log") or "").splitlines() if ln.strip()]
    return ("exchange には配布できませんでした（メールなどで配るだけならこのままでかまいません）: "
            + (last[-1][:200] if last else "（理由不明）"))
