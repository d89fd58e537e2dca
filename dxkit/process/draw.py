"""工程モデルの図（端の処理）: 業務流れ図（WFA 風のスイムレーン）、Mermaid、パレート図、比較グラフ。

WFA（総務省の業務流れ図）にならい、横に担当（組織・場所）のレーンを並べ、上から下へ作業の順に
工程を置きます。工程の枠で「手作業」と「システム処理」を、右上の札で「紙」と「データ」を区別し、
待ち時間はオレンジで目立たせます。
"""

from __future__ import annotations

import base64
import html
import io
import re
import textwrap

from dxkit.errors import DxkitError
from dxkit.plotting import GREY, HATCHES, OKABE_ITO, describe

# Okabe–Ito (dxkit.plotting). Waits are also dashed and labelled 「待ち」, systems also square-cornered:
# colour never carries a meaning alone.
WAIT_COLOR = OKABE_ITO["orange"]
FILL = {"手作業": "#ffffff", "システム": "#d6e9f5"}
EDGE = {"手作業": "#333333", "システム": OKABE_ITO["blue"]}


def _fonts():
    from dxkit.plotting import setup

    setup(style=False)  # Japanese glyphs even if the notebook forgot setup()


def _check(process):
    from .model import Process

    if not isinstance(process, Process):
        raise DxkitError("工程モデル（Process）を渡してください。工程表は Process.from_table(表) で工程モデルにできます。")


# --------------------------------------------------------------------------- layout

def _back_edges(process) -> set[tuple[str, str]]:
    succ = {s.id: [t for t, _ in s.next] for s in process.steps}
    back, state = set(), {}

    def dfs(n):
        state[n] = 1
        for t in succ[n]:
            if state.get(t) == 1:
                back.add((n, t))
            elif t not in state:
                dfs(t)
        state[n] = 2

    dfs(process.start.id)
    for s in process.steps:
        if s.id not in state:
            dfs(s.id)
    return back


def layout(process) -> dict[str, tuple[float, int]]:
    """各工程の位置 (x, 行) を返します。x はレーン内の位置を含む横の座標です。"""
    back = _back_edges(process)
    rank = {s.id: 0 for s in process.steps}
    order = [s.id for s in process.steps]
    for _ in range(len(order)):  # longest-path ranks over forward edges (Bellman-Ford style)
        changed = False
        for s in process.steps:
            for t, _ in s.next:
                if (s.id, t) not in back and rank[t] < rank[s.id] + 1:
                    rank[t] = rank[s.id] + 1
                    changed = True
        if not changed:
            break
    actors = process.actors
    slots: dict[tuple[str, int], list[str]] = {}
    for s in process.steps:
        slots.setdefault((s.actor, rank[s.id]), []).append(s.id)
    width = {a: max([len(v) for (act, _), v in slots.items() if act == a] or [1]) for a in actors}
    left, x0 = {}, 0.0
    for a in actors:
        left[a] = x0
        x0 += width[a]
    pos = {}
    for (actor, r), ids in slots.items():
        for k, sid in enumerate(ids):
            pos[sid] = (left[actor] + k + 0.5 + (width[actor] - len(ids)) / 2, r)
    return pos


def _wrap(text: str, width: int = 9) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def plot_swimlane(process, ax=None, title: str | None = None):
    """業務流れ図（WFA 風のスイムレーン図）を描き、matplotlib の Axes を返します。"""
    _check(process)
    _fonts()
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

    pos = layout(process)
    actors = process.actors
    lane_left = {}
    for a in actors:
        xs = [pos[s.id][0] for s in process.steps if s.actor == a]
        lane_left[a] = min(xs) - 0.5
    lane_w = {}
    bounds = sorted(lane_left.values()) + [max(p[0] for p in pos.values()) + 0.5]
    for a in actors:
        i = sorted(lane_left.values()).index(lane_left[a])
        lane_w[a] = bounds[i + 1] - bounds[i]
    total_w = bounds[-1]
    rows = max(r for _, r in pos.values()) + 1
    unit_x, unit_y = 2.3, 1.25
    if ax is None:
        fig, ax = plt.subplots(figsize=(max(6.0, total_w * unit_x), 1.2 + rows * unit_y * 0.95))
    ax.set_xlim(0, total_w * unit_x)
    ax.set_ylim(-(rows - 0.3) * unit_y, 1.0 * unit_y)
    ax.axis("off")
    ax.grid(False)
    by_id = {s.id: s for s in process.steps}

    for i, a in enumerate(actors):  # lanes
        x = lane_left[a] * unit_x
        w = lane_w[a] * unit_x
        ax.add_patch(Rectangle((x, -(rows - 0.3) * unit_y), w, (rows + 0.7) * unit_y,
                               facecolor="#f4f6f8" if i % 2 == 0 else "#ffffff", edgecolor="#b0b7bf", lw=0.8))
        ax.text(x + w / 2, 0.65 * unit_y, _wrap(a, 10), ha="center", va="center", fontsize=10)
    ax.axhline(0.35 * unit_y, color="#b0b7bf", lw=0.8)

    bw, bh = 1.8, 0.8
    centers = {sid: (x * unit_x, -r * unit_y) for sid, (x, r) in pos.items()}
    back = _back_edges(process)
    for s in process.steps:  # arrows first, boxes on top
        for t, prob in s.next:
            (x1, y1), (x2, y2) = centers[s.id], centers[t]
            is_back = (s.id, t) in back
            start = (x1, y1 - bh / 2) if y2 < y1 else (x1 + (bw / 2 if x2 > x1 else -bw / 2), y1)
            end = (x2, y2 + bh / 2) if y2 < y1 else (x2 + (-bw / 2 if x2 > x1 else bw / 2), y2)
            if is_back:
                start, end = (x1 + bw / 2, y1), (x2 + bw / 2, y2)
            target = by_id[t]
            waits = target.wait > 0
            arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                    color=WAIT_COLOR if waits else "#555555", lw=2.0 if waits else 1.0,
                                    linestyle="--" if is_back else "-",
                                    connectionstyle="arc3,rad=-0.5" if is_back else "arc3,rad=0")
            ax.add_patch(arrow)
            label = []
            if len(s.next) > 1:
                label.append(f"{prob:.0%}")
            if waits and len(s.next) > 1:
                label.append(f"待ち{target.wait:g}分")
            if label:
                mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
                ax.text(mx + 0.05, my, " ".join(label), fontsize=7.5, color="#333333", ha="left", va="center",
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    for s in process.steps:
        cx, cy = centers[s.id]
        if s.wait > 0:
            ax.text(cx, cy + bh / 2 + 0.06, f"待ち {s.wait:g} 分", ha="center", va="bottom", fontsize=7.5,
                    color=WAIT_COLOR)
        waiting = s.kind == "待ち"
        style = "round,pad=0.02,rounding_size=0.25" if s.processing == "手作業" else "square,pad=0.02"
        ax.add_patch(FancyBboxPatch((cx - bw / 2, cy - bh / 2), bw, bh, boxstyle=style,
                                    facecolor="#fde9d2" if waiting else FILL[s.processing],
                                    edgecolor=WAIT_COLOR if waiting else EDGE[s.processing],
                                    lw=1.8 if s.processing == "システム" or waiting else 1.1,
                                    linestyle="--" if waiting else "-"))
        ax.text(cx, cy + 0.02, _wrap(s.name, 10), ha="center", va="center", fontsize=8)
        ax.text(cx - bw / 2 + 0.05, cy + bh / 2 - 0.04, f"{s.id}", ha="left", va="top", fontsize=7, color="#666666")
        ax.text(cx, cy - bh / 2 + 0.03, f"{s.kind}・{s.duration:g}分", ha="center", va="bottom", fontsize=6.5,
                color=WAIT_COLOR if waiting else "#555555")
        tag = {"紙": "紙", "データ": "データ", "なし": ""}[s.medium]
        if tag:
            ax.text(cx + bw / 2 - 0.04, cy + bh / 2 - 0.04, tag, ha="right", va="top", fontsize=6.5,
                    color="white", bbox=dict(boxstyle="square,pad=0.12",
                                             fc="#7d6e55" if s.medium == "紙" else OKABE_ITO["blue"], ec="none"))
    ax.set_title(title or f"業務流れ図: {process.name}", loc="left")
    ax.text(0, -(rows - 0.3) * unit_y - 0.15,
            "角丸の枠=手作業 / 四角の青い枠=システム処理 / 札: 紙・データ / オレンジ=待ち", fontsize=7.5,
            color="#555555", va="top")
    describe(ax, _swimlane_text(process, title or f"業務流れ図: {process.name}"))
    return ax


def _swimlane_text(process, title: str) -> str:
    """The flow in words, for readers who cannot see the figure (alt text of the HTML edition)."""
    kinds = [s.processing for s in process.steps]
    steps = "→".join(f"{s.id} {s.name}（{s.actor}・{s.kind}・{s.duration:g}分"
                     + (f"・待ち{s.wait:g}分" if s.wait > 0 else "") + "）" for s in process.steps[:20])
    more = f" ほか {len(process.steps) - 20} 工程" if len(process.steps) > 20 else ""
    return (f"{title}（スイムレーン図）。担当: {'、'.join(process.actors)}。工程 {len(kinds)} 個"
            f"（手作業 {kinds.count('手作業')}、システム処理 {kinds.count('システム')}）。流れ: {steps}{more}。")


# --------------------------------------------------------------------------- mermaid

def _mid(sid: str) -> str:
    return "s_" + re.sub(r"\W", "_", sid, flags=re.ASCII)


def _mtext(text: str) -> str:
    return text.replace('"', "'").replace("\n", " ")


def to_mermaid(process, direction: str = "TD") -> str:
    """Mermaid の flowchart の文字列を返します（担当ごとに subgraph、待ちは色付き）。

    JupyterLab 4 では ``show_mermaid(process)`` で図として表示されます。
    """
    _check(process)
    if direction not in ("TD", "TB", "LR", "RL", "BT"):
        raise DxkitError("direction は \"TD\"（上から下）か \"LR\"（左から右）などにしてください。")
    lines = [f"flowchart {direction}"]
    for i, actor in enumerate(process.actors):
        lines.append(f'    subgraph lane{i}["{_mtext(actor)}"]')
        for s in process.steps:
            if s.actor != actor:
                continue
            label = f"{s.id}. {_mtext(s.name)}<br/>{s.kind}・{s.duration:g}分"
            if s.medium != "なし":
                label += f"・{s.medium}"
            if s.kind == "判断":
                node = f'{_mid(s.id)}{{"{label}"}}'
            elif s.kind == "待ち":
                node = f'{_mid(s.id)}(["{label}"])'
            elif s.processing == "システム":
                node = f'{_mid(s.id)}[["{label}"]]'
            else:
                node = f'{_mid(s.id)}["{label}"]'
            lines.append(f"        {node}")
        lines.append("    end")
    for s in process.steps:
        for t, prob in s.next:
            target = process.step(t)
            parts = []
            if len(s.next) > 1:
                parts.append(f"{prob:.0%}")
            if target.wait > 0:
                parts.append(f"待ち{target.wait:g}分")
            arrow = f' -->|"{" ".join(parts)}"| ' if parts else " --> "
            lines.append(f"    {_mid(s.id)}{arrow}{_mid(t)}")
    lines.append("    classDef wait fill:#fde9d2,stroke:#e07b00,stroke-width:2px")
    lines.append("    classDef system fill:#dbe8f7,stroke:#1f5aa6,stroke-width:2px")
    waits = [_mid(s.id) for s in process.steps if s.kind == "待ち" or s.wait > 0]
    systems = [_mid(s.id) for s in process.steps if s.processing == "システム" and s.kind != "待ち" and s.wait == 0]
    if waits:
        lines.append(f"    class {','.join(waits)} wait")
    if systems:
        lines.append(f"    class {','.join(systems)} system")
    return "\n".join(lines)


def show_mermaid(process, direction: str = "TD"):
    """Mermaid の図を ```mermaid のコードブロック（IPython の Markdown）として返します。

    JupyterLab 4 はこれをそのまま図として表示します。インターネット上のスクリプトは使いません。
    """
    from IPython.display import Markdown

    return Markdown("```mermaid\n" + to_mermaid(process, direction) + "\n```")


# --------------------------------------------------------------------------- charts

def plot_pareto(ranking, ax=None, title: str = "業務量調査のパレート図", top: int | None = None):
    """``workload_ranking`` の結果から、年間業務時間の棒と累積構成比の折れ線（パレート図）を描きます。"""
    import matplotlib.pyplot as plt

    need = {"年間業務時間（時間）", "累積構成比"}
    if not need <= set(getattr(ranking, "columns", [])):
        raise DxkitError("plot_pareto には workload_ranking(表) の結果を渡してください。")
    _fonts()
    df = ranking.head(top) if top else ranking
    if ax is None:
        _, ax = plt.subplots(figsize=(max(7.0, 0.7 * len(df)), 4.5))
    labels = [str(i) for i in df.index]
    ranks = list(df.get("ランク", ["B"] * len(df)))
    bars = ax.bar(labels, df["年間業務時間（時間）"],
                  color=[OKABE_ITO["vermillion"] if r == "A" else OKABE_ITO["blue"] for r in ranks])
    for bar, r in zip(bars, ranks):
        bar.set_hatch(HATCHES[1] if r == "A" else "")  # rank A differs by hatch too, not only by colour
    ax.set_ylabel("年間業務時間（時間）")
    ax.tick_params(axis="x", rotation=45)
    for lab in ax.get_xticklabels():
        lab.set_ha("right")
    ax2 = ax.twinx()
    ax2.plot(labels, df["累積構成比"] * 100, color=OKABE_ITO["black"], marker="o")
    ax2.axhline(80, color=OKABE_ITO["black"], lw=0.8, ls="--")
    ax2.set_ylim(0, 105)
    ax2.set_ylabel("累積構成比（%）")
    ax2.grid(False)
    ax.set_title(title)
    top_a = [lab for lab, r in zip(labels, ranks) if r == "A"]
    describe(ax, f"{title}（年間業務時間の棒グラフと累積構成比の折れ線グラフ。80% に破線）。多い順に "
             + "、".join(f"{lab} {v:,.0f} 時間" for lab, v in zip(labels[:5], df["年間業務時間（時間）"]))
             + (f"。A ランク（斜線の赤い棒）: {'、'.join(top_a)}。" if top_a else "。"))
    return ax


def plot_compare(comparison, ax=None):
    """As-Is と To-Be の比較を 2 つのグラフ（時間の内訳・回数）で描き、Axes の配列を返します。"""
    import matplotlib.pyplot as plt
    import numpy as np

    from .compare import Comparison

    if not isinstance(comparison, Comparison):
        raise DxkitError("plot_compare には compare(as_is, to_be) の結果を渡してください。")
    _fonts()
    if ax is None:
        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), gridspec_kw={"width_ratios": [1.1, 1]})
    else:
        axes = ax
    a, b = comparison.asis, comparison.tobe
    names = ["As-Is", "To-Be"]
    touch = [a.touch_time, b.touch_time]
    wait = [a.wait_time, b.wait_time]
    ax0, ax1 = axes[0], axes[1]
    ax0.barh(names, touch, color=OKABE_ITO["blue"], label="作業時間")
    ax0.barh(names, wait, left=touch, color=WAIT_COLOR, hatch=HATCHES[1], label="待ち時間")
    for i, (t, w) in enumerate(zip(touch, wait)):
        ax0.text(t + w, i, f" {t + w:,.1f} 分", va="center", fontsize=9)
    ax0.invert_yaxis()
    ax0.set_xlabel("1 件あたりの時間（分）")
    ax0.set_title("リードタイムの内訳")
    ax0.legend(loc="lower right")
    ax0.set_xlim(0, max(t + w for t, w in zip(touch, wait)) * 1.25 or 1)
    keys = [("handoffs", "引き継ぎ"), ("transcriptions", "転記"), ("paper_steps", "紙の工程"), ("steps", "工程数")]
    x = np.arange(len(keys))
    ax1.bar(x - 0.2, [getattr(a, k) for k, _ in keys], width=0.4, color=GREY, label="As-Is")
    ax1.bar(x + 0.2, [getattr(b, k) for k, _ in keys], width=0.4, color=OKABE_ITO["green"], hatch=HATCHES[2],
            label="To-Be")
    ax1.set_xticks(x, [lab for _, lab in keys])
    ax1.set_title("回数・工程数")
    ax1.legend()
    saved = comparison.hours_saved
    head = f"{a.name} → {b.name}"
    if saved is not None:
        head += f"：年間 {saved:,.0f} 時間の削減（{comparison.volume:,.0f} 件/年）"
    ax0.figure.suptitle(head, x=0.02, ha="left", fontsize=12)
    ax0.figure.tight_layout()
    counts = "、".join(f"{lab} {getattr(a, k):g}→{getattr(b, k):g}" for k, lab in keys)
    describe(ax0, f"{head}。As-Is と To-Be の比較の横棒グラフと棒グラフ。1 件あたりの時間: As-Is {touch[0] + wait[0]:,.1f} 分"
             f"（作業 {touch[0]:,.1f}・待ち {wait[0]:,.1f}）→ To-Be {touch[1] + wait[1]:,.1f} 分"
             f"（作業 {touch[1]:,.1f}・待ち {wait[1]:,.1f}）。回数・工程数（As-Is→To-Be）: {counts}。")
    return axes


# --------------------------------------------------------------------------- export

def figure_to_base64(fig, fmt: str = "png") -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def to_html(process, path=None) -> str:
    """業務流れ図（画像を埋め込み）・工程表・指標を 1 枚の HTML にします（外部スクリプトは使いません）。

    path を渡すとファイルに保存し、HTML の文字列を返します。
    """
    _check(process)
    import matplotlib.pyplot as plt

    ax = plot_swimlane(process)
    img = figure_to_base64(ax.figure)
    plt.close(ax.figure)
    metrics = process.metrics()
    body = (f"<h1>{html.escape(process.name)}</h1>"
            f"<img alt='業務流れ図' src='data:image/png;base64,{img}'/>"
            f"{process.info._repr_html_() if process.info else ''}"
            f"{metrics._repr_html_()}<h2>工程表</h2>{process.to_frame().to_html(index=False)}")
    doc = ("<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'>"
           f"<title>{html.escape(process.name)}</title></head><body>{body}</body></html>")
    if path is not None:
        from pathlib import Path

        Path(path).write_text(doc, encoding="utf-8")
    return doc
