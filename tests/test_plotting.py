"""dxkit.plotting: Japanese text renders with a real glyph, never a box."""

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.font_manager import findfont, FontProperties  # noqa: E402

from dxkit.plotting import PALETTE, setup  # noqa: E402


def test_setup_selects_a_japanese_font_and_house_style():
    name = setup()
    assert name == "IPAexGothic"
    path = findfont(FontProperties(family=name), fallback_to_default=False)
    assert path.lower().endswith((".ttf", ".otf"))
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == PALETTE[0]


def test_japanese_labels_draw_without_missing_glyph_warnings():
    setup()
    fig, ax = plt.subplots()
    ax.bar(["中央地区", "みどり台", "東部"], [3, 2, -1])
    ax.set_title("地区別の保育所定員（架空）")
    ax.set_ylabel("人数 −1 は不足")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font" is a UserWarning
        fig.canvas.draw()
    plt.close(fig)


def test_setup_can_leave_the_style_alone():
    matplotlib.rcdefaults()
    setup(style=False)
    assert matplotlib.rcParams["axes.grid"] is False
    assert matplotlib.rcParams["font.family"][0] == "IPAexGothic"


# ---------------------------------------------------------------- palette and alt text (HTML edition)

from dxkit.plotting import (GREY, HATCHES, MARKERS, OKABE_ITO, TEXT_COLORS,  # noqa: E402
                            describe, describe_figure, hatch_bars, register_alt_text)

OKABE_ITO_HEX = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}


def _contrast(a: str, b: str) -> float:
    def lum(h):
        r, g, b_ = (int(h.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        f = lambda c: c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4  # noqa: E731
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b_)
    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_palette_is_okabe_ito_and_lines_also_differ_by_marker():
    setup()
    cycle = matplotlib.rcParams["axes.prop_cycle"].by_key()
    assert {c.upper() for c in cycle["color"]} == OKABE_ITO_HEX == {c.upper() for c in OKABE_ITO.values()}
    assert len(set(cycle["marker"])) == len(cycle["color"]) == len(MARKERS)
    fig, ax = plt.subplots()
    first, second = ax.plot([1, 2, 3], [1, 2, 3]) + ax.plot([1, 2, 3], [3, 2, 1])
    assert first.get_marker() != second.get_marker() and first.get_color() != second.get_color()
    plt.close(fig)
    assert len(set(HATCHES)) == len(HATCHES)
    for name, colour in TEXT_COLORS.items():  # coloured text in HTML outputs stays readable
        assert _contrast(colour, "#FFFFFF") >= 4.5 and _contrast(colour, "#EEEEEE") >= 4.5, name


def test_a_figure_is_described_from_its_titles_kind_axes_and_series():
    setup()
    fig, (left, right) = plt.subplots(1, 2)
    left.plot([2021, 2022, 2023], [10, 20, 30], label="オンライン申請")
    left.plot([2021, 2022, 2023], [30, 20, 10], label="窓口")
    left.set(title="申請の方法の推移", xlabel="年度", ylabel="件数")
    left.legend()
    right.barh(["中央", "東部"], [3, 5])
    right.set_title("地区別の待機児童数")
    fig.suptitle("みどり野市（架空）")
    text = describe_figure(fig)
    plt.close(fig)
    assert text.startswith("みどり野市（架空）。申請の方法の推移（折れ線グラフ）")
    assert "横軸: 年度" in text and "縦軸: 件数" in text and "系列: オンライン申請、窓口" in text
    assert "地区別の待機児童数（横棒グラフ）" in text


def test_describe_overrides_and_an_empty_description_is_refused():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3])
    assert describe(ax, "  待ち時間は 9 月に 15 分まで減った。 ") is ax
    assert describe_figure(fig) == "待ち時間は 9 月に 15 分まで減った。"
    import pytest

    from dxkit.errors import DxkitError

    with pytest.raises(DxkitError, match="説明が空です"):
        describe(fig, "  ")
    plt.close(fig)


def test_figures_shown_in_ipython_carry_the_description_as_png_alt_even_after_inline_reconfigures():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.core.pylabtools import select_figure_formats

    shell = InteractiveShell.instance()
    try:
        assert register_alt_text()
        select_figure_formats(shell, {"png"})  # what matplotlib-inline does when it (re)activates
        fig, ax = plt.subplots()
        ax.bar(["A", "B"], [1, 2])
        ax.set_title("窓口別の件数")
        data, metadata = shell.display_formatter.format(fig)
        plt.close(fig)
    finally:
        InteractiveShell.clear_instance()
    assert "image/png" in data
    assert metadata["image/png"]["alt"] == "窓口別の件数（棒グラフ）。"


def _artist_colours(fig) -> set[str]:
    from matplotlib.colors import to_hex

    out = set()
    for ax in fig.axes:
        for line in ax.lines:
            out.add(to_hex(line.get_color()).upper())
        for patch in ax.patches:
            if patch.get_fill() and patch.get_facecolor()[3] > 0:
                out.add(to_hex(patch.get_facecolor()).upper())
        for coll in ax.collections:
            out |= {to_hex(c).upper() for c in coll.get_facecolors()}
    return out


def test_dxkit_charts_use_the_palette_with_a_second_channel_and_describe_themselves():
    import pandas as pd

    from dxkit.data import load_dataset
    from dxkit.kpi import kpis_from_frame, plot_dashboard
    from dxkit.process import Process, compare

    setup()
    asis = Process.from_table(load_dataset("bpr_tenkyo_asis"), name="転居届（As-Is）")
    tobe = Process.from_table(load_dataset("bpr_tenkyo_tobe"), name="転居届（To-Be）")
    axes = compare(asis, tobe, volume=1000).plot()
    fig = axes[0].figure
    assert _artist_colours(fig) <= OKABE_ITO_HEX | {GREY.upper()}
    hatches = {p.get_hatch() for ax in fig.axes for p in ax.patches}
    assert len(hatches) >= 2, "As-Is / To-Be and work / wait must differ by hatch as well as colour"
    assert "As-Is" in describe_figure(fig) and "To-Be" in describe_figure(fig) and "分" in describe_figure(fig)
    plt.close(fig)

    ax = asis.plot()
    text = describe_figure(ax.figure)
    assert "スイムレーン" in text and asis.steps[0].name in text and asis.steps[-1].name in text
    plt.close(ax.figure)

    kpis = kpis_from_frame(load_dataset("kpi_definitions"))[:2]
    fig = plot_dashboard(kpis, load_dataset("kpi_monthly"), as_of=pd.Timestamp("2025-09-30"))
    assert _artist_colours(fig) <= OKABE_ITO_HEX | {GREY.upper()}
    text = describe_figure(fig)
    assert text.startswith("KPI ダッシュボード（2025年09月30日 時点）") and kpis[0].name in text and "達成率" in text
    plt.close(fig)


def test_hatch_bars_gives_each_bar_series_its_own_pattern_in_the_legend_too():
    import pandas as pd

    setup()
    fig, ax = plt.subplots()
    pd.DataFrame({"児童数": [3, 5], "定員": [4, 4]}, index=["東部", "西部"]).plot.bar(ax=ax)
    assert hatch_bars(ax) is ax
    per_series = [{p.get_hatch() or "" for p in c} for c in ax.containers]
    assert per_series == [{HATCHES[0]}, {HATCHES[1]}]
    assert [h.get_hatch() or "" for h in ax.get_legend().legend_handles] == HATCHES[:2]
    plt.close(fig)
