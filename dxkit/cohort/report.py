"""受講者全体のレポート（HTML 1 ファイル）を作ります。

得点の分布、問ごとの正答率（どの問が難しかったか）、所属自治体ごとの平均、未提出・要確認の一覧を載せます。
グラフは PNG を HTML の中に埋め込むので、インターネットに接続しない環境でもそのまま開けます。
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import pandas as pd

from dxkit.cohort.export import _cells, assignment_table
from dxkit.cohort.sandbox import UNSAFE_BANNER


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _table(df: pd.DataFrame) -> str:
    if df.empty:
        return "<p>（該当なし）</p>"
    return df.to_html(index=False, na_rep="", classes="t", border=0, escape=True)


def question_rates(course, assignment: str, table: pd.DataFrame) -> pd.DataFrame:
    """問ごとの正答率（満点を取った人の割合）と平均得点です（採点できた提出だけで計算します）。"""
    graded = table[table["得点"].notna()]
    rows = []
    for _nb, cell, points in _cells(course, assignment):
        col = cell if cell in table.columns else next(c for c in table.columns if c.endswith(":" + cell))
        scores = pd.to_numeric(graded[col], errors="coerce").dropna()
        pending = int(graded[col].isna().sum())    # manually graded questions not graded yet
        rows.append({"問（セル）": col, "配点": points, "採点済みの人数": len(scores),
                     "満点の割合(%)": round(100 * (scores >= points - 1e-9).mean(), 1) if len(scores) else None,
                     "平均得点": round(scores.mean(), 2) if len(scores) else None,
                     "状態": f"要手動採点（{pending} 人）" if pending else ""})
    return pd.DataFrame(rows)


def cohort_report(course, assignment: str, out: Path | str | None = None) -> Path:
    """課題 1 つの受講者全体のレポートを HTML で書き出し、そのパスを返します。"""
    from dxkit.plotting import setup

    setup()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = assignment_table(course, assignment)
    rates = question_rates(course, assignment, table)
    graded = table[table["得点"].notna()]
    missing = table[table["提出"] == "なし"][["学習者ID", "所属自治体", "所属課", "氏名"]]
    review = table[table["要確認"] == "要確認"][["学習者ID", "所属自治体", "氏名", "要確認の理由"]]
    notes = table[(table["備考"] != "") & table["備考"].notna()][["学習者ID", "所属自治体", "氏名", "備考"]]
    untouched = table[table["備考"].fillna("").str.contains("未着手")][["学習者ID", "所属自治体", "氏名"]]
    unsafe = table["備考"].fillna("").str.contains("隔離せずに採点").any()
    towns = (table.assign(提出した=table["提出"] == "あり")
             .groupby("所属自治体", as_index=False)
             .agg(人数=("学習者ID", "count"), 提出=("提出した", "sum"), 平均得点=("得点", "mean")))
    towns["平均得点"] = towns["平均得点"].round(2)

    fig, ax = plt.subplots(figsize=(6, 3.2))
    max_total = float(table["満点"].iloc[0]) if len(table) else 1.0
    ax.hist(graded["得点"], bins=min(20, int(max_total) + 1), range=(0, max_total), color="#1565c0")
    ax.set_xlabel("得点")
    ax.set_ylabel("人数")
    ax.set_title(f"{assignment} の得点の分布（{len(graded)} 人）")
    hist = _png(fig)

    fig, ax = plt.subplots(figsize=(6, 0.45 * max(len(rates), 2) + 1))
    ax.barh(rates["問（セル）"], rates["満点の割合(%)"].fillna(0), color="#2e7d32")
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("満点を取った人の割合（%）")
    ax.set_title("問ごとの正答率（低い問ほど難しい）")
    bars = _png(fig)

    hardest = rates[rates["状態"] == ""].dropna(subset=["満点の割合(%)"]).sort_values("満点の割合(%)").head(1)
    hard_text = (f"いちばん難しかった問は {hardest.iloc[0]['問（セル）']}（満点の割合 {hardest.iloc[0]['満点の割合(%)']}%）です。"
                 if len(hardest) else "")
    e = html.escape
    body = f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8"><title>{e(assignment)} 受講者レポート</title>
<style>
body {{ font-family: sans-serif; margin: 2em; color: #1b1b1b; line-height: 1.6; }}
table.t {{ border-collapse: collapse; margin: .5em 0 1.5em; }}
table.t th, table.t td {{ border: 1px solid #ccc; padding: 3px 8px; }}
table.t th {{ background: #f0f4f8; }}
.kpi {{ display: inline-block; margin-right: 2em; font-size: 120%; }}
</style></head><body>
<h1>{e(assignment)} 受講者レポート</h1>
{f'<p style="color:#b00;font-weight:bold">{e(UNSAFE_BANNER)}</p>' if unsafe else ''}
<p class="kpi">名簿 {len(table)} 人</p><p class="kpi">提出 {int((table['提出'] == 'あり').sum())} 人</p>
<p class="kpi">採点済み {len(graded)} 人</p><p class="kpi">要確認 {len(review)} 人</p>
<p class="kpi">平均 {graded['得点'].mean() if len(graded) else float('nan'):.1f} / {max_total:g} 点</p>
<h2>得点の分布</h2><img alt="得点の分布" src="{hist}">
<h2>問ごとの正答率</h2><p>{e(hard_text)}</p><img alt="問ごとの正答率" src="{bars}">
{_table(rates)}
<h2>所属自治体ごとの提出と平均</h2>{_table(towns)}
<h2>未提出の人（{len(missing)} 人）</h2>{_table(missing)}
<h2>未着手（{len(untouched)} 人）</h2><p>配布されたままで、解答が 1 つも無い提出です（0 点）。</p>{_table(untouched)}
<h2>要確認（{len(review)} 人）</h2><p>採点できなかった提出です。得点は空欄にしています。</p>{_table(review)}
<h2>備考（セルの復元・再提出・打ち切りなど）</h2>{_table(notes)}
<p style="color:#666">手動採点（記述式）の得点は、講師が採点したあとに反映されます。このレポートは dxkit cohort report で作りました。</p>
</body></html>"""
    out = Path(out) if out else course.cohort_dir / "report" / f"レポート_{assignment}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(body, encoding="utf-8")
    return out
