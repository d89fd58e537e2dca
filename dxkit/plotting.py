"""matplotlib で日本語を正しく表示し、読みやすい見た目にそろえるためのモジュールです。

ノートブックの最初で一度だけ ``setup()`` を呼んでください::

    from dxkit.plotting import setup
    setup()
"""

from __future__ import annotations

# A restrained palette that stays readable in grayscale print-outs.
PALETTE = ["#1f5aa6", "#e07b00", "#2e8b57", "#c0392b", "#7d3c98", "#5d6d7e", "#b7950b", "#17a589"]

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
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
}


def setup(style: bool = True) -> str:
    """日本語フォントを設定し、dxkit の見やすいグラフ設定を適用します。

    フォントは matplotlib-fontja に同梱の IPAex ゴシックを使うため、
    インターネットにつながらない環境（LGWAN 接続系など）でも文字化け（豆腐）しません。

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
        matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    return matplotlib.rcParams["font.family"][0]
