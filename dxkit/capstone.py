"""修了課題（講座05のあと）: 自分の職場の業務 1 つについて、上司に見せる 1 枚の要約を作ります。

講座01〜05 の道具で作った結果（指標・KPI・ルール検査・三層の判定・個人情報・集計表）を受け取り、
見出しつきの要約にまとめます::

    from dxkit.capstone import make_summary, save_summary
    summary = make_summary(task="…", office="…", date="2026-12-01", metrics=m, kpi=kpi,
                           automation="…", checks=results, segment=seg, pii=found, ai_use="…",
                           finding="…", table=monthly, request="…")
    summary                                          # ノートブックで下書きを確かめる
    save_summary(summary, "上司への1枚.html", chart=fig)  # A4 1 枚で印刷できる HTML

``make_summary`` は計算と文章づくりだけをする純粋な関数で、ファイルに書くのは ``save_summary`` だけです。
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from dxkit.errors import DxkitError

MAX_TEXT = 160        # characters per free-text piece: the page must stay one A4 sheet
MAX_SHORT = 40        # task, office, date
MAX_TABLE_ROWS = 12
MAX_TABLE_COLUMNS = 6
MAX_CELL = 10         # characters in one cell or column name of that table
MEASURE, GOAL, AUTOMATE, DATA, ANALYSIS, REQUEST = (
    "1. 現状（測る・講座01）", "2. 目標（KPI・講座02）", "3. 自動化の試行（講座03）",
    "4. データの扱い（講座04）", "5. 分析（講座05）", "6. お願いしたいこと")

_TEXTS = {"task": "業務名", "office": "所属", "date": "作成日", "automation": "自動化する工程",
          "ai_use": "生成AIに入力してよいかの判断", "finding": "分析で分かったこと", "request": "上司へのお願い"}


@dataclass(frozen=True)
class Summary:
    """上司に見せる 1 枚の要約です。``to_markdown()`` / ``to_html()`` で文章にします。"""

    title: str
    meta: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]  # (見出し, 行)
    table: object = None                                # 分析の集計表（DataFrame）

    def to_markdown(self) -> str:
        parts = [f"# {self.title}", "", self.meta]
        for heading, lines in self.sections:
            parts += ["", f"## {heading}", ""] + [f"- {line}" for line in lines]
            if heading == ANALYSIS and self.table is not None:
                parts += ["", _markdown_table(self.table)]
        return "\n".join(parts) + "\n"

    def body_html(self, chart_png: str | None = None, chart_alt: str = "") -> str:
        e = html.escape
        out = [f"<h1>{e(self.title)}</h1>", f"<p class='meta'>{e(self.meta)}</p>"]
        for heading, lines in self.sections:
            out.append(f"<h2>{e(heading)}</h2><ul>" + "".join(f"<li>{e(x)}</li>" for x in lines) + "</ul>")
            if heading == ANALYSIS and (self.table is not None or chart_png):
                out.append("<div class='figs'>")
                if self.table is not None:
                    out.append(self.table.to_html(index=False, escape=True, border=0, na_rep=""))
                if chart_png:
                    out.append(f"<img alt='{e(chart_alt, quote=True)}' src='data:image/png;base64,{chart_png}'>")
                out.append("</div>")
        return "\n".join(out)

    def to_html(self, chart_png: str | None = None, chart_alt: str = "") -> str:
        """印刷すると A4 1 枚に収まる HTML ページ（``lang="ja"``、外部のファイルは使いません）です。"""
        return ("<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                f"<title>{html.escape(self.title)}</title><style>{PAGE_CSS}</style></head>\n<body>\n"
                f"{self.body_html(chart_png, chart_alt)}\n</body></html>\n")

    def _repr_html_(self) -> str:
        return f"<div style='max-width:48em'>{self.body_html()}<p>（グラフは保存した HTML に入ります）</p></div>"


PAGE_CSS = """
@page { size: A4; margin: 12mm; }
html { font-family: "IPAexGothic", "IPAGothic", "Noto Sans CJK JP", "Yu Gothic", "Meiryo", sans-serif; }
body { margin: 0 auto; max-width: 186mm; font-size: 9pt; line-height: 1.35; color: #1a1a1a; }
h1 { font-size: 14pt; margin: 0 0 2pt; } h2 { font-size: 10.5pt; margin: 6pt 0 1pt; border-bottom: 1px solid #5F6B76; }
p.meta { margin: 0; color: #4a4a4a; } ul { margin: 1pt 0; padding-left: 1.2em; } li { margin: 0; }
table { border-collapse: collapse; font-size: 7.5pt; margin: 2pt 0; }
th, td { border: 1px solid #999; padding: 0.5pt 4pt; text-align: right; white-space: nowrap; }
div.figs { display: flex; flex-wrap: wrap; gap: 1mm 4mm; align-items: flex-start; }
img { display: block; flex: 1 1 80mm; min-width: 80mm; max-width: 100%; max-height: 50mm; object-fit: contain;
      object-position: left top; }
"""


def _markdown_table(df) -> str:
    rows = [[str(c) for c in df.columns]] + [["" if v is None else str(v) for v in r] for r in df.itertuples(index=False)]
    lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
    return "\n".join(lines[:1] + ["|" + "---|" * len(df.columns)] + lines[1:])


def _text(name: str, value) -> str:
    label = _TEXTS[name]
    if value is Ellipsis or value is None or not str(value).strip():
        raise DxkitError(f"「{label}」（{name}）がまだ書かれていません。... を自分の言葉に書き換えてください。")
    text = " ".join(str(value).split())
    limit = MAX_SHORT if name in ("task", "office", "date") else MAX_TEXT
    if len(text) > limit:
        raise DxkitError(f"「{label}」が {len(text)} 字あります。1 枚に収めるため {limit} 字以内に縮めてください。")
    return text


def _need(value, kind: type, name: str, how: str):
    if not isinstance(value, kind):
        raise DxkitError(f"{name} には {how} を渡してください（いまは {type(value).__name__}）。")
    return value


def _n(x) -> str:
    return f"{x:,.0f}" if abs(x - round(x)) < 1e-9 else f"{x:,.1f}"


def _none(x) -> str:
    return "—" if x is None else _n(x)


def measure_lines(metrics) -> tuple[str, ...]:
    """講座01: 工程モデルの指標から、リードタイム・職員の作業時間・年間業務時間の 2 行を作ります。"""
    from dxkit.process import ProcessMetrics

    m = _need(metrics, ProcessMetrics, "metrics", "工程モデルの metrics(volume=年間件数) の結果")
    if m.annual_hours is None:
        raise DxkitError("年間件数が入っていません。metrics(volume=年間件数) で計算した結果を渡してください。")
    return (f"「{m.name}」: リードタイム {_n(m.lead_time)} 分（うち待ち時間 {_n(m.wait_time)} 分）、"
            f"工程数 {m.steps}、担当の引き継ぎ {_n(m.handoffs)} 回",
            f"職員の作業時間 1 件 {_n(m.staff_time)} 分 × 年間 {_n(m.annual_volume)} 件 ＝ 年間 {_n(m.annual_hours)} 時間")


def goal_lines(kpi) -> tuple[str, ...]:
    """講座02: KPI の基準・目標・期限と、SMART の判定（smart_review）の行を作ります。"""
    from dxkit.kpi import KPI, smart_review

    k = _need(kpi, KPI, "kpi", "KPI(...) で作った指標")
    review = smart_review(k)
    marks = " ".join(f"{c.letter}{c.mark}" for c in review.criteria)
    unit = k.unit or ""
    lines = [f"{k.label}（{k.kind or '区分なし'}）: 基準 {_none(k.baseline)}{unit}（{k.baseline_date or '基準日なし'}）"
             f" → 目標 {_none(k.target)}{unit}（{k.deadline or '期限なし'}まで・{k.direction or '向きなし'}）",
             f"データ源: {k.source or '未定'} ／ 担当: {k.owner or '未定'} ／ SMART: {marks}"]
    if not review.ok:
        lines.append("直すところ: " + review.problems[0] + (f"（ほか {len(review.problems) - 1} 件）"
                                                        if len(review.problems) > 1 else ""))
    return tuple(lines)


def automation_lines(automation: str, checks) -> tuple[str, ...]:
    """講座03: 自動化する工程と、小さな表での試行（validate_record の結果の並び、またはドライラン）の行です。"""
    from dxkit.rpa import RunResult, ValidationResult

    what = _text("automation", automation)
    if isinstance(checks, RunResult):
        counts = "、".join(f"{k} {v} 件" for k, v in checks.summary.items())
        return (what, f"ドライラン（{'台帳には書いていません' if checks.dry_run else '本番'}）: {counts}")
    checks = list(checks) if isinstance(checks, (list, tuple)) else checks
    if not isinstance(checks, list) or not checks or not all(isinstance(c, ValidationResult) for c in checks):
        raise DxkitError("checks には validate_record() の結果のリスト（1 件以上）か、robot.run(..., dry_run=True) "
                         "の結果を渡してください。")
    bad = [c for c in checks if not c.ok]
    line = f"見本 {len(checks)} 件をルールで検査: そのまま進める {len(checks) - len(bad)} 件、人が確認する {len(bad)} 件"
    if bad:
        line += f"（例: {bad[0].reasons[0]}）"
    return what, line


def data_lines(segment, pii, ai_use: str) -> tuple[str, ...]:
    """講座04: 三層のどこで扱うか（classify_segment）、資料の個人情報（find_pii）、生成AIの判断の行です。"""
    from dxkit.security import PiiFinding, SegmentResult

    seg = _need(segment, SegmentResult, "segment", "classify_segment(...) の結果")
    if not isinstance(pii, (list, tuple)) or not all(isinstance(f, PiiFinding) for f in pii):
        raise DxkitError("pii には find_pii(...) の結果（見つからなければ空のリスト）を渡してください。")
    counts: dict[str, int] = {}
    for f in pii:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    found = "、".join(f"{k} {v} 件" for k, v in counts.items()) or "見つかりませんでした"
    return (f"扱う領域: {seg.segment}", f"資料に含まれる個人情報: {found}", f"生成AI: {_text('ai_use', ai_use)}")


def _table(table):
    import pandas as pd

    if table is None:
        return None
    df = _need(table, pd.DataFrame, "table", "集計した表（DataFrame）")
    if df.empty or len(df) > MAX_TABLE_ROWS or len(df.columns) > MAX_TABLE_COLUMNS:
        raise DxkitError(f"1 枚に載せる表は 1〜{MAX_TABLE_ROWS} 行・{MAX_TABLE_COLUMNS} 列までです"
                         f"（いまは {len(df)} 行・{len(df.columns)} 列）。集計してから渡してください。")
    df = df.reset_index() if df.index.name else df.copy()
    words = [str(c) for c in df.columns] + [str(v) for v in df.to_numpy().ravel()]
    if max(len(w) for w in words) > MAX_CELL:
        raise DxkitError(f"表の列名や値は {MAX_CELL} 字までにしてください（「{max(words, key=len)}」が長すぎます）。")
    return df


def make_summary(*, task, office, date, metrics, kpi, automation, checks, segment, pii, ai_use, finding,
                 request, table=None) -> Summary:
    """講座01〜05 の結果から、上司に見せる 1 枚の要約（``Summary``）を作ります（ファイルには書きません）。

    数字は渡された結果から取ります。文章は task・office・date が 40 字、automation・ai_use・finding・request が 160 字までです。
    足りないもの・型の違うもの・長すぎるものは、何を直せばよいかを日本語のエラーで伝えます。
    """
    title = f"業務改善の提案: {_text('task', task)}"
    meta = f"{_text('office', office)} ／ 作成日 {_text('date', date)}"
    sections = ((MEASURE, measure_lines(metrics)), (GOAL, goal_lines(kpi)),
                (AUTOMATE, automation_lines(automation, checks)), (DATA, data_lines(segment, pii, ai_use)),
                (ANALYSIS, (_text("finding", finding),)), (REQUEST, (_text("request", request),)))
    return Summary(title, meta, sections, _table(table))


def save_summary(summary: Summary, path, chart=None) -> Path:
    """要約を HTML ファイルに保存します。``chart`` に matplotlib の図を渡すと、画像として埋め込みます。"""
    _need(summary, Summary, "summary", "make_summary(...) の結果")
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise DxkitError("保存先は .html のファイル名にしてください（例: 上司への1枚.html）。")
    png = alt = None
    if chart is not None:
        from dxkit.plotting import describe_figure
        from dxkit.process.draw import figure_to_base64

        fig = getattr(chart, "figure", None) or chart
        png, alt = figure_to_base64(fig), describe_figure(fig)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(summary.to_html(png, alt or ""), encoding="utf-8")
    return path
