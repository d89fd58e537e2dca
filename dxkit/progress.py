"""学習の進み具合（進捗）を、学習者の PC の中の小さな JSON ファイルに記録します。

記録はどこにも送信しません。場所は環境変数 ``DXKIT_HOME``（既定は ``~/.dxkit/``）の
``progress.json`` です。書き込みは一時ファイルに書いてから置き換えるので、途中で止まっても
ファイルは壊れません。ノートブックを 2 つ同時に開いていても記録が消えないように、読んで書き換える間は
ロックファイル（``progress.json.lock``）で順番を守ります。壊れたファイルや古い形式のファイルは別名で残して、
新しく始めます。
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from datetime import date, datetime
from pathlib import Path

from dxkit.errors import DxkitError

VERSION = 1
FILENAME = "progress.json"
LOCK_SECONDS = 10
STATUSES = ("incorrect", "correct")          # ranked: a later one is better
RESULT_LABELS = {"correct": "正解", "incorrect": "未正解", None: "未着手"}
TABLE_COLUMNS = ["講座", "講座名", "練習問題 正解", "練習問題 全体", "演習 合格", "演習 全体", "自己評価", "最終学習日"]
DETAIL_COLUMNS = ["講座", "種類", "ID", "内容", "結果", "回数", "最初の日時", "最後の日時"]


def home() -> Path:
    """記録を置くフォルダ（``$DXKIT_HOME``、既定は ``~/.dxkit``）を返します。"""
    env = os.environ.get("DXKIT_HOME")
    return Path(env).expanduser() if env else Path.home() / ".dxkit"


def progress_path() -> Path:
    """進捗ファイルの場所を返します。"""
    return home() / FILENAME


def empty() -> dict:
    return {"version": VERSION, "items": {}, "exercises": {}}


# ---------------------------------------------------------------- read / write

def load(path: Path | None = None) -> dict:
    """進捗を読み込みます。ファイルがなければ空の記録を、壊れていれば退避してから空の記録を返します。"""
    path = Path(path) if path else progress_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty()
    except (OSError, UnicodeDecodeError) as exc:
        if isinstance(exc, UnicodeDecodeError):
            return _start_over(path, "文字コードが読めません")
        raise DxkitError(f"進捗ファイル {path} を読めませんでした（{exc.strerror or exc}）。") from exc
    try:
        return _validated(json.loads(text))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        return _start_over(path, str(exc))


def _validated(data) -> dict:
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError("形式（version）が違います")
    items, exercises = data["items"], data["exercises"]
    if not isinstance(items, dict) or not isinstance(exercises, dict):
        raise ValueError("items / exercises が辞書ではありません")
    for entry in items.values():
        if entry["best"] not in STATUSES or not isinstance(entry["attempts"], int):
            raise ValueError("練習問題の記録の形が違います")
        str(entry["first"]) + str(entry["last"])
    for parts in exercises.values():
        for entry in parts.values():
            if not isinstance(entry["passes"], int):
                raise ValueError("演習の記録の形が違います")
            str(entry["first"]) + str(entry["last"])
    for phases in data.get("assessments", {}).values():
        for entry in phases.values():
            if not all(isinstance(x, int) for x in entry["levels"]):
                raise ValueError("自己評価の記録の形が違います")
            str(entry["at"])
    return data


def _start_over(path: Path, reason: str) -> dict:
    backup = path.with_name(f"progress.broken-{datetime.now():%Y%m%d-%H%M%S}.json")
    n = 1
    while backup.exists():
        n += 1
        backup = path.with_name(f"progress.broken-{datetime.now():%Y%m%d-%H%M%S}-{n}.json")
    try:
        os.replace(path, backup)
        where = f"元のファイルは {backup.name} として残しました。"
    except OSError:
        where = "元のファイルを別名で残せませんでした。"
    warnings.warn(f"進捗ファイル {path} が壊れているか古い形式でした（{reason}）。{where}"
                  "新しい記録を始めます。", stacklevel=3)
    return empty()


def save(data: dict, path: Path | None = None) -> Path:
    """進捗を書き込みます（一時ファイルに書いてから置き換えるので、途中で止まっても壊れません）。"""
    path = Path(path) if path else progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def _update(change):
    """ロックを取ってから読み込み、``change(data)`` で書き換えて保存し、その戻り値を返します。"""
    from filelock import FileLock, Timeout

    path = progress_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(f"{path}.lock", timeout=LOCK_SECONDS):
            data = load(path)
            result = change(data)
            save(data, path)
    except Timeout as exc:
        raise DxkitError(f"進捗ファイル {path} が {LOCK_SECONDS} 秒たっても使用中のままでした。"
                         "ほかの Jupyter が止まっていないか確かめてください。") from exc
    return result


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now()).isoformat(timespec="seconds")


# ---------------------------------------------------------------- recording

def record_attempt(item_id: str, status: str, now: datetime | None = None) -> dict:
    """練習問題への 1 回の取り組みを記録し、その問題の記録を返します。``status`` は correct / incorrect。"""
    if status not in STATUSES:
        raise DxkitError(f"記録できる結果は correct か incorrect です（{status!r} が渡されました）。")
    stamp = _stamp(now)

    def change(data: dict) -> dict:
        entry = data["items"].setdefault(str(item_id), {"first": stamp, "last": stamp, "attempts": 0, "best": status})
        entry["last"] = stamp
        entry["attempts"] += 1
        if STATUSES.index(status) > STATUSES.index(entry["best"]):
            entry["best"] = status
        return entry

    return _update(change)


def record_part(exercise_id: str, part: str, now: datetime | None = None) -> dict:
    """演習（採点課題）の 1 問が確認テストに合格したことを記録します。"""
    stamp = _stamp(now)

    def change(data: dict) -> dict:
        parts = data["exercises"].setdefault(str(exercise_id), {})
        entry = parts.setdefault(str(part), {"first": stamp, "last": stamp, "passes": 0})
        entry["last"] = stamp
        entry["passes"] += 1
        return entry

    return _update(change)


def record_assessment(course_id: str, phase: str, levels: list[int], now: datetime | None = None) -> dict:
    """講座の自己評価（``phase`` は before / after）を記録します。答え直すと新しい答えで置き換えます。"""
    stamp = _stamp(now)

    def change(data: dict) -> dict:
        entry = {"levels": list(levels), "at": stamp}
        data.setdefault("assessments", {}).setdefault(str(course_id), {})[phase] = entry
        return entry

    return _update(change)


# ---------------------------------------------------------------- summaries

def _resolved(items: dict) -> dict:
    """Records kept under a practice item's former id (before a lesson was split or moved) count for its
    current id; where both exist, the better result and the sum of attempts are kept."""
    from dxkit.items.aliases import ALIASES

    out = {k: dict(v) for k, v in items.items() if k not in ALIASES}
    for old, new in ALIASES.items():
        if old not in items:
            continue
        mine, theirs = out.get(new), items[old]
        if mine is None:
            out[new] = dict(theirs)
            continue
        mine["attempts"] += theirs["attempts"]
        mine["first"], mine["last"] = min(mine["first"], theirs["first"]), max(mine["last"], theirs["last"])
        if STATUSES.index(theirs["best"]) > STATUSES.index(mine["best"]):
            mine["best"] = theirs["best"]
    return out

def _course_rows(data: dict) -> list[dict]:
    from dxkit.check import courses, registry
    from dxkit.selfassess import summary

    items = registry()
    data = {**data, "items": _resolved(data["items"])}
    rows = []
    for course in courses():
        ids = [i for i in items if i.startswith(course.id + "/")]
        parts = data["exercises"].get(course.slug, {})
        stamps = [data["items"][i]["last"] for i in ids if i in data["items"]]
        stamps += [parts[p]["last"] for p in course.exercise_parts if p in parts]
        rows.append({
            "講座": course.id, "講座名": course.title,
            "練習問題 正解": sum(data["items"].get(i, {}).get("best") == "correct" for i in ids),
            "練習問題 全体": len(ids),
            "演習 合格": sum(p in parts for p in course.exercise_parts),
            "演習 全体": len(course.exercise_parts),
            "自己評価": summary(data, course.id),
            "最終学習日": max(stamps)[:10] if stamps else "",
        })
    return rows


def progress_table(data: dict | None = None):
    """講座ごとの進み具合を pandas の DataFrame で返します（練習問題の正解数・演習の合格数など）。"""
    import pandas as pd

    data = load() if data is None else data
    return pd.DataFrame(_course_rows(data), columns=TABLE_COLUMNS)


def _detail_rows(data: dict) -> list[dict]:
    from dxkit.check import courses, registry

    data = {**data, "items": _resolved(data["items"])}
    rows = []
    for item_id, item in sorted(registry().items()):
        rows.append(_item_row(item_id, item.title, data["items"].get(item_id)))
    for item_id in sorted(set(data["items"]) - set(registry())):
        # Widget quizzes record each question as <lesson>/quiz/<question>; anything else is retired material.
        title = "クイズの問題" if "/quiz/" in item_id else "（現在の教材にない問題）"
        rows.append(_item_row(item_id, title, data["items"][item_id]))
    known = set()
    for course in courses():
        known.add(course.slug)
        done = data["exercises"].get(course.slug, {})
        for part in course.exercise_parts:
            rows.append(_part_row(course.slug, part, done.get(part)))
    for slug in sorted(set(data["exercises"]) - known):
        for part, entry in sorted(data["exercises"][slug].items()):
            rows.append(_part_row(slug, part, entry))
    return rows


def _item_row(item_id: str, title: str, entry: dict | None) -> dict:
    entry = entry or {}
    return {"講座": item_id.split("/")[0], "種類": "練習問題", "ID": item_id, "内容": title,
            "結果": RESULT_LABELS[entry.get("best")], "回数": entry.get("attempts", 0),
            "最初の日時": entry.get("first", ""), "最後の日時": entry.get("last", "")}


def _part_row(slug: str, part: str, entry: dict | None) -> dict:
    entry = entry or {}
    return {"講座": slug.split("_")[0], "種類": "演習", "ID": f"{slug}/{part}", "内容": f"問 {part} の確認テスト",
            "結果": "合格" if entry else "未合格", "回数": entry.get("passes", 0),
            "最初の日時": entry.get("first", ""), "最後の日時": entry.get("last", "")}


def progress_details(data: dict | None = None):
    """練習問題と演習の 1 問ずつの記録を DataFrame で返します（未着手の問題も含みます）。"""
    import pandas as pd

    data = load() if data is None else data
    return pd.DataFrame(_detail_rows(data), columns=DETAIL_COLUMNS)


class ProgressView:
    """ノートブックで進み具合を表として表示するオブジェクトです。"""

    def __init__(self, rows: list[dict]):
        self.rows = rows

    def __repr__(self) -> str:
        if not self.rows:
            return "まだ講座が登録されていません。"
        lines = ["学習の進み具合"]
        for r in self.rows:
            lines.append(f"  {r['講座']} {r['講座名']}")
            lines.append(f"     練習問題 {r['練習問題 正解']} / {r['練習問題 全体']} 問正解　"
                         f"演習 {r['演習 合格']} / {r['演習 全体']} 問合格　自己評価 {r['自己評価']}　"
                         f"最終学習日 {r['最終学習日'] or '—'}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
                       for h in ("講座", "講座名", "練習問題", "演習", "自己評価（4 段階）", "最終学習日"))
        body = "".join(
            f"<tr><td style='padding:2px 8px'>{escape(r['講座'])}</td><td style='padding:2px 8px'>{escape(r['講座名'])}</td>"
            f"<td style='padding:2px 8px'>{_bar(r['練習問題 正解'], r['練習問題 全体'])}</td>"
            f"<td style='padding:2px 8px'>{_bar(r['演習 合格'], r['演習 全体'])}</td>"
            f"<td style='padding:2px 8px'>{escape(r['自己評価'])}</td>"
            f"<td style='padding:2px 8px'>{escape(r['最終学習日'] or '—')}</td></tr>" for r in self.rows)
        return (f"<div style='font-family:sans-serif'><strong>学習の進み具合</strong>"
                f"<table style='border-collapse:collapse'><tr>{head}</tr>{body}</table></div>")


def _bar(done: int, total: int) -> str:
    pct = int(round(100 * done / total)) if total else 0
    return (f"<span style='display:inline-block;width:80px;height:10px;background:#e0e0e0;border-radius:3px;"
            f"vertical-align:middle'><span style='display:block;width:{pct}%;height:10px;background:#2e7d32;"
            f"border-radius:3px'></span></span> {done} / {total}")


def show_progress() -> ProgressView:
    """講座ごとの進み具合を表示します（ノートブックのセルの最後に書きます）。"""
    return ProgressView(_course_rows(load()))


# ---------------------------------------------------------------- Excel export

def export_progress(path, name: str | None = None, affiliation: str | None = None,
                    exported_on: date | None = None) -> Path:
    """受講記録を Excel ファイル（.xlsx）に書き出し、その場所を返します。人事担当への提出などに使えます。"""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise DxkitError(f"受講記録のファイル名は .xlsx で終わるようにしてください（{path.name}）。")
    if not path.parent.exists():
        raise DxkitError(f"保存先のフォルダ {path.parent} がありません。先にフォルダを作ってください。")
    data = load()
    wb = _workbook(_course_rows(data), _detail_rows(data), name, affiliation,
                               exported_on or date.today())
    try:
        wb.save(path)
    except PermissionError as exc:
        raise DxkitError(f"{path} に書き込めません。Excel で開いている場合は閉じてから、もう一度実行してください。") from exc
    return path


def _width(text) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _fit_columns(ws, minimum: int = 6, maximum: int = 60) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value) + 2)
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = max(minimum, min(maximum, width))


def _header(ws, row: int, names) -> None:
    from openpyxl.styles import Font, PatternFill

    for col, name in enumerate(names, start=1):
        cell = ws.cell(row=row, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")


def _when(text: str):
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return text


def _workbook(course_rows, detail_rows, name, affiliation, exported_on: date):
    from openpyxl import Workbook

    wb = Workbook()
    _summary_sheet(wb.active, course_rows, name, affiliation, exported_on)
    _detail_sheet(wb.create_sheet("明細"), detail_rows)
    return wb


def _summary_sheet(ws, course_rows, name, affiliation, exported_on: date) -> None:
    from openpyxl.styles import Font

    ws.title = "概要"
    ws["A1"] = "自治体DX 学習 受講記録"
    ws["A1"].font = Font(bold=True, size=14)
    for row, (label, value) in enumerate([("氏名", name or ""), ("所属", affiliation or ""),
                                          ("出力日", exported_on)], start=3):
        ws.cell(row=row, column=1, value=label).font = Font(bold=True)
        ws.cell(row=row, column=2, value=value)
    ws["B5"].number_format = 'yyyy"年"m"月"d"日"'
    ws["A6"] = "この記録は、dxkit の自己チェックの結果を学習者の PC の中に保存したものです。"
    _header(ws, 8, ["講座", "講座名", "練習問題（正解）", "練習問題（全体）", "達成率", "演習（合格）", "演習（全体）",
                    "最終学習日", "自己評価（4 段階の平均）"])
    keys = ["練習問題 正解", "練習問題 全体", "演習 合格", "演習 全体"]
    total_row = {"講座": "合計", "講座名": "", **{k: sum(r[k] for r in course_rows) for k in keys},
                 "最終学習日": max((r["最終学習日"] for r in course_rows), default=""), "自己評価": ""}
    for i, r in enumerate([*course_rows, total_row], start=9):
        total = r["練習問題 全体"] + r["演習 全体"]
        rate = (r["練習問題 正解"] + r["演習 合格"]) / total if total else 0
        last = date.fromisoformat(r["最終学習日"]) if r["最終学習日"] else None
        values = [r["講座"], r["講座名"], r["練習問題 正解"], r["練習問題 全体"], rate, r["演習 合格"], r["演習 全体"], last,
                  r["自己評価"]]
        for col, value in enumerate(values, start=1):
            ws.cell(row=i, column=col, value=value).font = Font(bold=r is total_row)
        ws.cell(row=i, column=5).number_format = "0%"
        ws.cell(row=i, column=8).number_format = "yyyy/mm/dd"
    _fit_columns(ws)
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["H"].width = 12


def _detail_sheet(ws, detail_rows) -> None:
    _header(ws, 1, DETAIL_COLUMNS)
    for i, r in enumerate(detail_rows, start=2):
        for col, key in enumerate(DETAIL_COLUMNS, start=1):
            value = _when(r[key]) if key.endswith("日時") else r[key]
            cell = ws.cell(row=i, column=col, value=value)
            if isinstance(value, datetime):
                cell.number_format = "yyyy/mm/dd hh:mm"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    _fit_columns(ws)
    for col in "GH":
        ws.column_dimensions[col].width = 18
