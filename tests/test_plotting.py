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
