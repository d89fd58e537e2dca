"""工程表の読み込み・検査・書き換え（純粋な関数）です。列の意味は ``dxkit.process.model`` の説明にあります。"""

from __future__ import annotations

import math
import re
from pathlib import Path

from dxkit.errors import DxkitError

from .model import (_KIND_ALIASES, _MEDIA_ALIASES, _PROC_ALIASES, COLUMNS, KINDS, MEDIA, PROCESSING, REQUIRED, Process,
                    Step, _norm, _norm_column)

# --------------------------------------------------------------------------- parsing

def _parse_next(text: str) -> tuple[list[tuple[str, float | None]], list[str]]:
    """'3:0.8,5:0.2' -> [('3', 0.8), ('5', 0.2)]; returns (targets, problems)."""
    text = _norm(text).replace("、", ",").replace("→", ",").replace("/", ",").replace(";", ",")
    out: list[tuple[str, float | None]] = []
    problems: list[str] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*(?::\s*([^:]+)|\(\s*([^()]+)\s*\))", part)
        if m:
            target, raw = m.group(1).strip(), (m.group(2) or m.group(3)).strip()
            pct = raw.endswith("%")
            try:
                prob = float(raw.rstrip("%")) / (100 if pct else 1)
            except ValueError:
                problems.append(f"「{part}」の確率「{raw}」が数ではありません（例: 3:0.8）")
                continue
            out.append((target, prob))
        else:
            out.append((part, None))
    return out, problems


def _to_number(value, label: str, problems: list[str], where: str, default: float | None) -> float:
    text = _norm(value)
    if text == "":
        if default is None:
            problems.append(f"{where}: 「{label}」が空です。分で書いてください")
            return 0.0
        return default
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        problems.append(f"{where}: 「{label}」が数ではありません（{text}）。分を数字で書いてください")
        return 0.0
    if math.isnan(number) or math.isinf(number):
        problems.append(f"{where}: 「{label}」が数ではありません（{text}）")
        return 0.0
    if number < 0:
        problems.append(f"{where}: 「{label}」がマイナス（{text}）です。0 以上にしてください")
        return 0.0
    return number


def _choice(value, allowed, aliases, default, label, problems, where) -> str:
    text = _norm(value)
    if text == "":
        return default
    text = aliases.get(text, text)
    if text not in allowed:
        problems.append(f"{where}: 「{label}」の「{text}」は使えません。{' / '.join(allowed)} のどれかにしてください")
        return default
    return text


def _as_frame(table):
    import pandas as pd

    if isinstance(table, (str, Path)):
        return read_table(table)
    if isinstance(table, pd.DataFrame):
        return table
    if isinstance(table, (list, tuple)) and all(isinstance(r, dict) for r in table):
        return pd.DataFrame(list(table))
    raise DxkitError("工程表は DataFrame（または CSV・Excel のファイル名、行の dict のリスト）で渡してください"
                     f"（いまは {type(table).__name__} です）。")


def parse_steps(table) -> tuple[list[Step], list[str]]:
    """工程表を Step のリストにします。問題は例外にせず、日本語の文のリストで返します。"""
    df = _as_frame(table)
    problems: list[str] = []
    if len(df.columns) == 0 or len(df) == 0:
        return [], ["工程表が空です。1 行に 1 つの工程を書いてください"]
    mapping: dict = {}
    for col in df.columns:
        canon = _norm_column(col)
        if canon in COLUMNS and canon not in mapping.values():
            mapping[col] = canon
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        return [], [f"列「{c}」がありません（必要な列: {'、'.join(REQUIRED)}。ほかに 種別・待ち時間・処理・媒体・次工程 が使えます）"
                    for c in missing]
    records = df.rename(columns=mapping)[[c for c in COLUMNS if c in mapping.values()]].to_dict("records")
    steps: list[Step] = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(records):
        sid = _norm(rec.get("ID"))
        where = f"{i + 1} 行目" + (f"（ID {sid}）" if sid else "")
        if not sid:
            problems.append(f"{where}: ID が空です")
            continue
        if sid in seen:
            problems.append(f"{where}: ID「{sid}」が {seen[sid]} 行目と重複しています。ID は 1 つずつ別にしてください")
            continue
        seen[sid] = i + 1
        actor = _norm(rec.get("担当"))
        if not actor:
            problems.append(f"{where}: 「担当」が空です。誰（どこ）が行う工程かを書いてください")
        name = _norm(rec.get("作業"))
        if not name:
            problems.append(f"{where}: 「作業」が空です。作業の名前を書いてください")
        kind = _choice(rec.get("種別"), KINDS, _KIND_ALIASES, "作業", "種別", problems, where)
        duration = _to_number(rec.get("所要時間"), "所要時間", problems, where, None)
        wait = _to_number(rec.get("待ち時間"), "待ち時間", problems, where, 0.0)
        processing = _choice(rec.get("処理"), PROCESSING, _PROC_ALIASES, "手作業", "処理", problems, where)
        medium = _choice(rec.get("媒体"), MEDIA, _MEDIA_ALIASES, "紙", "媒体", problems, where)
        targets, next_problems = _parse_next(rec.get("次工程", ""))
        problems.extend(f"{where}: {p}" for p in next_problems)
        nxt = _resolve_probs(targets, problems, where)
        steps.append(Step(sid, actor or "（担当なし）", name or "（作業名なし）", kind, duration, wait,
                          processing, medium, nxt))
    problems.extend(_check_graph(steps))
    return steps, problems


def _resolve_probs(targets, problems, where) -> tuple[tuple[str, float], ...]:
    if not targets:
        return ()
    ids = [t for t, _ in targets]
    if len(set(ids)) != len(ids):
        problems.append(f"{where}: 「次工程」に同じ ID が 2 回あります")
    given = [p for _, p in targets if p is not None]
    if given and len(given) != len(targets):
        problems.append(f"{where}: 「次工程」の確率は、全部の行き先に書くか、全部書かないかのどちらかにしてください")
        return tuple((t, 1 / len(targets)) for t in ids)
    if not given:
        return tuple((t, 1 / len(targets)) for t in ids)
    if any(p < 0 or p > 1 for p in given):
        problems.append(f"{where}: 「次工程」の確率は 0〜1 の数（または 0〜100%）にしてください")
    elif abs(sum(given) - 1) > 1e-6:
        problems.append(f"{where}: 「次工程」の確率の合計が {sum(given):g} です。合計を 1 にしてください")
    return tuple((t, float(p)) for t, p in targets)


def _reachable(starts, edges: dict[str, list[str]]) -> set[str]:
    """Every node reachable from ``starts`` along ``edges`` (starts included)."""
    seen, stack = set(), list(starts)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(edges[n])
    return seen


def _check_graph(steps: list[Step]) -> list[str]:
    problems: list[str] = []
    if not steps:
        return problems
    ids = {s.id for s in steps}
    for s in steps:
        for t, _ in s.next:
            if t not in ids:
                problems.append(f"ID {s.id}: 次工程「{t}」という工程はありません（ID の書き間違いか、行が抜けていないか確かめてください）")
            elif t == s.id and len(s.next) == 1:
                problems.append(f"ID {s.id}: 次工程が自分自身です。ここから先に進めません")
    if problems:
        return problems
    succ = {s.id: [t for t, p in s.next if p > 0] for s in steps}
    seen = _reachable([steps[0].id], succ)          # reachable from the start (first row)
    unreachable = [s.id for s in steps if s.id not in seen]
    if unreachable:
        problems.append(f"最初の工程（ID {steps[0].id}）からたどり着けない工程があります: ID {', '.join(unreachable)}。"
                        "どこかの「次工程」に書き忘れていないか確かめてください")
    ends = {s.id for s in steps if s.is_end}
    if not ends:
        problems.append("終わりの工程（「次工程」が空の行）がありません。最後の工程の「次工程」は空欄にしてください")
        return problems
    pred: dict[str, list[str]] = {s.id: [] for s in steps}
    for n, ts in succ.items():
        for t in ts:
            pred[t].append(n)
    can_end = _reachable(ends, pred)                # steps from which an end can be reached
    stuck = [s.id for s in steps if s.id in seen and s.id not in can_end]
    if stuck:
        problems.append(f"終わらないループがあります: ID {', '.join(stuck)} から終わりの工程にたどり着けません。"
                        "ループから抜ける「次工程」を書いてください")
    return problems


def validate_table(table) -> list[str]:
    """工程表を検査し、問題点を日本語の文のリストで返します（問題が無ければ空のリスト）。

    例外を出さないので、ワークショップのメモを直すときに「何を直せばよいか」を一覧できます。
    """
    try:
        return parse_steps(table)[1]
    except DxkitError as exc:
        return [str(exc)]


def read_table(path, sheet_name=0):
    """工程表や業務量調査表を CSV（CP932/UTF-8 を自動判定）か Excel から読み込みます。"""
    import pandas as pd

    path = Path(path)
    if not path.exists():
        raise DxkitError(f"ファイル「{path}」が見つかりません。場所と名前を確かめてください。")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            return pd.read_excel(path, sheet_name=sheet_name, dtype=str)
        except ValueError as exc:
            raise DxkitError(f"Excel ファイル「{path.name}」のシートを読めません（{exc}）。") from None
    try:
        from dxkit.data import read_csv_auto
    except ImportError:  # pragma: no cover - dxkit.data lands with another module
        read_csv_auto = None
    if read_csv_auto is not None:
        return read_csv_auto(path, dtype=str)
    for enc in ("utf-8-sig", "cp932"):
        try:
            return pd.read_csv(path, encoding=enc, dtype=str)
        except UnicodeDecodeError:
            continue
    raise DxkitError(f"「{path.name}」の文字コードが判別できません。UTF-8 か Shift_JIS(CP932) で保存してください。")



def drop_steps(table, ids) -> "object":
    """工程を取り除き、その前後をつなぎ直した新しい工程表（DataFrame）を返します。

    To-Be（あるべき姿）を考えるとき「転記をやめる」「確認を 1 回にする」などに使います。
    取り除いた工程へ向かっていた矢印は、その工程の次工程へ（確率を掛け合わせて）付け替えます。
    取り除いた工程が終わりの工程なら、その前の工程が新しい終わりになります。
    分岐の一部が消えたときは、残った行き先の確率を合計 1 になるように割り直します。元の表は変えません。
    """
    process = Process.from_table(table)
    drop = {_norm(i) for i in ([ids] if isinstance(ids, (str, int)) else ids)}
    unknown = drop - set(process.ids)
    if unknown:
        raise DxkitError(f"取り除く ID {', '.join(sorted(unknown))} は工程表にありません。")
    if process.start.id in drop and len(process.start.next) != 1:
        raise DxkitError("最初の工程を取り除くときは、その次工程が 1 つだけである必要があります。")
    by_id = {s.id: s for s in process.steps}

    def expand(target: str, prob: float, depth: int = 0) -> list[tuple[str, float]]:
        if target not in drop:
            return [(target, prob)]
        if depth > len(by_id):
            raise DxkitError("取り除く工程どうしがループになっているため、つなぎ直せません。")
        out: list[tuple[str, float]] = []
        for t, p in by_id[target].next:
            out.extend(expand(t, prob * p, depth + 1))
        return out

    kept = []
    for s in process.steps:
        if s.id in drop:
            continue
        merged: dict[str, float] = {}
        for t, p in s.next:
            for t2, p2 in expand(t, p):
                if t2 != s.id:  # a loop back onto itself disappears with the dropped step
                    merged[t2] = merged.get(t2, 0.0) + p2
        # A dropped end step makes its predecessor an end; a partly dropped branch is renormalised.
        total = sum(merged.values())
        merged = {t: p / total for t, p in merged.items()} if merged else {}
        kept.append(Step(s.id, s.actor, s.name, s.kind, s.duration, s.wait, s.processing, s.medium,
                         tuple(merged.items())))
    if process.start.id in drop:  # the start's single successor becomes the first row
        first = expand(process.start.id, 1.0)[0][0]
        kept.sort(key=lambda s: s.id != first)
    return Process(process.name, tuple(kept), process.info, process.customers).to_frame()

