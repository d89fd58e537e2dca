"""matplotlib で日本語を正しく表示し、読みやすく、色覚の多様性に配慮した見た目にそろえるためのモジュールです。

ノートブックの最初で一度だけ ``setup()`` を呼んでください::

    from dxkit.plotting import setup
    setup()

- 色は Okabe–Ito の配色（色覚の違いがあっても見分けやすい 8 色）で、折れ線は色ごとに印（○□△…）も変えます。
- ノートブックに表示したグラフには、タイトル・軸の名前・系列名から作った短い説明（代替テキスト）が付き、
  閲覧用 HTML 版の ``<img alt>`` になります。自分で書くときは ``describe(fig, "…")`` を使います。
"""

from __future__ import annotations

# Okabe & Ito, "Color Universal Design" (2008): distinguishable with every common colour-vision type.
OKABE_ITO = {"blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
             "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000"}
PALETTE = list(OKABE_ITO.values())
# Second channel besides colour: one marker / hatch per series, in the palette's order.
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "//", "..", "xx", "\\\\", "++", "oo", "--"]
GREY = "#5F6B76"  # neutral (baselines, "other"); 5.6:1 on white
# The same hues darkened to at least 4.5:1 on white and on table stripes (#eeeeee), for coloured text in
# HTML outputs (WCAG 2.1 1.4.3).
TEXT_COLORS = {"green": "#007958", "orange": "#8E6200", "vermillion": "#AE4D00", "blue": "#0068A3", "grey": GREY}

_STYLE = {
    "figure.figsize": (8.0, 4.5),
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "axes.titlesize": 14,
    "axes.titleweight": "normal",  # IPAexGothic has no bold face; "bold" only logs findfont warnings
    "axes.labelsize": 12,
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.unicode_minus": False,  # IPAexGothic has no U+2212; avoids a box for "−"
    "grid.alpha": 0.35,
    "legend.frameon": False,
    "lines.markersize": 4.5,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
}

ALT_ATTRIBUTE = "dxkit_description"  # set by describe(); read by the display formatter


def setup(style: bool = True) -> str:
    """日本語フォントを設定し、dxkit の見やすいグラフ設定（Okabe–Ito の配色と印）を適用します。

    フォントは matplotlib-fontja に同梱の IPAex ゴシックを使うため、
    インターネットにつながらない環境（LGWAN 接続系など）でも文字化け（豆腐）しません。
    ノートブックの中で呼ぶと、表示するグラフに代替テキストが付くようにもします。

    Args:
        style: False にすると日本語フォントだけを設定し、見た目の設定は変えません。

    Returns:
        使われるフォント名です。
    """
    import matplotlib
    import matplotlib_fontja  # registers the bundled IPAexGothic and selects it

    matplotlib_fontja.japanize()
    if style:
        from cycler import cycler

        matplotlib.rcParams.update(_STYLE)
        matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE) + cycler(marker=MARKERS)
    register_alt_text()
    return matplotlib.rcParams["font.family"][0]


def describe(fig_or_ax, text: str):
    """グラフの説明（閲覧用 HTML 版の代替テキスト）を自分で決めます。Figure か Axes を返します。

    例: ``describe(fig, "地区別の待機児童数の棒グラフ。駅前地区が 12 人で最も多い。")``
    """
    text = " ".join(str(text).split())
    if not text:
        from dxkit.errors import DxkitError

        raise DxkitError("グラフの説明が空です。何のグラフで、何が読み取れるかを短い文で書いてください。")
    fig = getattr(fig_or_ax, "figure", None) or fig_or_ax
    setattr(fig, ALT_ATTRIBUTE, text)
    return fig_or_ax


def hatch_bars(ax):
    """棒グラフの系列ごとに斜線・点などの模様を変え（色だけに頼らない）、凡例にも反映します。Axes を返します。

    例: ``表.plot.bar(ax=ax)`` のあとに ``hatch_bars(ax)``。
    """
    from matplotlib.container import BarContainer

    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    for container, hatch in zip(bars, HATCHES * (len(bars) // len(HATCHES) + 1)):
        for patch in container:
            patch.set_hatch(hatch)
    if ax.get_legend() is not None:
        ax.legend()
    return ax


def _texts(items) -> list[str]:
    return [t for t in (" ".join(str(i).split()) for i in items) if t and not t.startswith("_")]


def _kind(ax) -> str:
    from matplotlib.collections import PathCollection
    from matplotlib.container import BarContainer

    kinds = []
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    if bars:
        kinds.append("横棒グラフ" if getattr(bars[0], "orientation", "vertical") == "horizontal" else "棒グラフ")
    if not ax.axison:  # a diagram (flow, tree, logic model): its lines are connectors, not data
        return "図"
    if any(len(line.get_xdata()) > 2 for line in ax.lines):
        kinds.append("折れ線グラフ")
    if any(isinstance(c, PathCollection) for c in ax.collections):
        kinds.append("散布図")
    return "と".join(kinds) or "グラフ"


def _series(ax) -> list[str]:
    legend = ax.get_legend()
    if legend is not None:
        return _texts(t.get_text() for t in legend.get_texts())
    return _texts(line.get_label() for line in ax.lines) + _texts(c.get_label() for c in ax.containers)


def describe_figure(fig) -> str:
    """グラフの説明文を返します: ``describe()`` で決めた文か、タイトル・種類・軸の名前・系列名から作った文です。"""
    own = getattr(fig, ALT_ATTRIBUTE, None)
    if own:
        return own
    parts = []
    if getattr(fig, "_suptitle", None) is not None and fig._suptitle.get_text().strip():
        parts.append(" ".join(fig._suptitle.get_text().split()) + "。")
    series_seen: set[str] = set()
    for legend in getattr(fig, "legends", []):
        series_seen.update(_texts(t.get_text() for t in legend.get_texts()))
    for ax in fig.axes:
        if not ax.get_visible() or (not ax.has_data() and not ax.texts and not ax.patches):
            continue
        title = _texts([ax.get_title("center"), ax.get_title("left"), ax.get_title("right")])
        detail = []
        xlabel, ylabel = _texts([ax.get_xlabel()]), _texts([ax.get_ylabel()])
        if xlabel:
            detail.append(f"横軸: {xlabel[0]}")
        if ylabel:
            detail.append(f"縦軸: {ylabel[0]}")
        series = [s for s in _series(ax) if s not in series_seen]
        series_seen.update(series)
        if series:
            detail.append(f"系列: {'、'.join(series[:8])}")
        if not ax.axison and ax.texts:  # a diagram: what is written in it
            detail.append("図の中の文字: " + " ／ ".join(_texts(t.get_text() for t in ax.texts)[:20]))
        head = f"{' '.join(title)}（{_kind(ax)}）" if title else _kind(ax)
        parts.append(head + (f"。{'、'.join(detail)}" if detail else "") + "。")
    if getattr(fig, "legends", None) and series_seen:
        parts.append(f"凡例: {'、'.join(sorted(series_seen))}。")
    text = "".join(parts).strip()
    return text if text else "グラフ（タイトルのない図）"


def _alt_metadata(fig):
    return {}, {"image/png": {"alt": describe_figure(fig)}}


def register_alt_text() -> bool:
    """IPython の中なら、表示する matplotlib の図の PNG に説明（metadata の ``alt``）を付けます。

    matplotlib の inline 表示が PNG の formatter を登録し直しても残るよう、mimebundle の formatter に
    metadata だけを返す関数を登録します（画像そのものは matplotlib の通常の formatter が作ります）。
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    from matplotlib.figure import Figure

    shell.display_formatter.mimebundle_formatter.for_type(Figure, _alt_metadata)
    return True
