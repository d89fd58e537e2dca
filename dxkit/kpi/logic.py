"""ロジックモデルです。

ロジックモデル: インプット → 活動 → アウトプット → 短期アウトカム → 中期アウトカム → インパクト
（EBPM で使われる「事業がどのような道筋で成果につながるか」の図です）。
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dxkit.errors import DxkitError

from ._util import esc
from .model import KPI

#: (属性名, 表示名) の順番。ロジックモデルの段階です。
STAGES = (
    ("inputs", "インプット"),
    ("activities", "活動"),
    ("outputs", "アウトプット"),
    ("short_outcomes", "短期アウトカム"),
    ("mid_outcomes", "中期アウトカム"),
    ("impacts", "インパクト"),
)
_ALIASES = {
    "インプット": "inputs", "投入": "inputs", "活動": "activities", "アクティビティ": "activities",
    "アウトプット": "outputs", "短期アウトカム": "short_outcomes", "アウトカム(短期)": "short_outcomes",
    "アウトカム（短期）": "short_outcomes", "中期アウトカム": "mid_outcomes", "アウトカム(中期)": "mid_outcomes",
    "アウトカム（中期）": "mid_outcomes", "インパクト": "impacts", "長期アウトカム": "impacts",
}
_STAGE_KEYS = [key for key, _ in STAGES]


def _as_list(value, label) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    try:
        items = [str(v).strip() for v in value if v is not Ellipsis and v is not None]
    except TypeError:
        raise DxkitError(f"{label}は文字列のリストで書いてください。") from None
    return [v for v in items if v]


@dataclass
class LogicModel:
    """事業のロジックモデルです。各段階は文字列のリストで書きます。

    Args:
        title: 事業名。
        inputs: インプット（予算・人・システムなど、投入する資源）。
        activities: 活動（行政が行うこと）。
        outputs: アウトプット（活動の直接の結果。回数・件数・導入数など）。
        short_outcomes: 短期アウトカム（住民や業務に起きるすぐの変化）。
        mid_outcomes: 中期アウトカム（数年で起きる変化）。
        impacts: インパクト（目指す地域・組織の姿）。
        indicators: {段階の表示名または属性名: [指標名, …]}。各段階を測る指標です。

    ``LogicModel.from_dict({"インプット": [...], "活動": [...], ...}, title=...)`` でも作れます。
    """

    title: str
    inputs: list[str] = field(default_factory=list)
    activities: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    short_outcomes: list[str] = field(default_factory=list)
    mid_outcomes: list[str] = field(default_factory=list)
    impacts: list[str] = field(default_factory=list)
    indicators: dict = field(default_factory=dict)

    def __post_init__(self):
        if not str(self.title or "").strip():
            raise DxkitError("ロジックモデルには事業名（title）をつけてください。")
        for key, label in STAGES:
            setattr(self, key, _as_list(getattr(self, key), label))
        fixed = {}
        for stage, names in dict(self.indicators or {}).items():
            key = stage if stage in _STAGE_KEYS else _ALIASES.get(str(stage))
            if key is None:
                raise DxkitError(f"指標の段階「{stage}」はありません。{'・'.join(l for _, l in STAGES)} のどれかにしてください。")
            if isinstance(names, (str, KPI)):
                names = [names]
            fixed[key] = _as_list([n.name if isinstance(n, KPI) else n for n in names], f"「{stage}」の指標")
        self.indicators = fixed

    @classmethod
    def from_dict(cls, stages: dict, title: str, indicators: dict | None = None) -> "LogicModel":
        """{"インプット": [...], "活動": [...], "アウトプット": [...], "短期アウトカム": [...], "中期アウトカム": [...],
        "インパクト": [...]} の辞書から作ります。"""
        kwargs = {}
        for stage, items in stages.items():
            key = stage if stage in _STAGE_KEYS else _ALIASES.get(str(stage))
            if key is None:
                raise DxkitError(f"段階「{stage}」はありません。{'・'.join(l for _, l in STAGES)} のどれかにしてください。")
            kwargs[key] = items
        return cls(title=title, indicators=indicators or {}, **kwargs)

    def stages(self) -> list[tuple[str, list[str]]]:
        """(段階の表示名, 項目のリスト) を順に並べたリストです。"""
        return [(label, list(getattr(self, key))) for key, label in STAGES]

    def stage_of(self, item: str) -> str | None:
        """項目または指標名がどの段階にあるかを表示名で返します。なければ None です。"""
        for key, label in STAGES:
            if item in getattr(self, key) or item in self.indicators.get(key, []):
                return label
        return None

    def issues(self) -> list[str]:
        """ロジックモデルの書き漏れを日本語で並べます（空のリストなら問題なし）。"""
        problems = [f"「{label}」が空です。" for key, label in STAGES if not getattr(self, key)]
        if (self.outputs or self.indicators.get("outputs")) and not any(
                self.indicators.get(k) for k in ("short_outcomes", "mid_outcomes")):
            problems.append("アウトカムを測る指標がありません。アウトプット（回数・導入数）だけでは、"
                            "住民や業務が変わったかどうかが分かりません。")
        return problems

    def to_frame(self):
        """段階・項目・指標の表（DataFrame）にします。"""
        import pandas as pd

        rows = []
        for key, label in STAGES:
            items = getattr(self, key)
            inds = "、".join(self.indicators.get(key, []))
            for item in items or [""]:
                rows.append({"段階": label, "項目": item, "指標": inds})
        return pd.DataFrame(rows)

    def to_text(self) -> str:
        """矢印でつないだ文字の図にします。"""
        lines = [f"ロジックモデル「{self.title}」"]
        for i, (key, label) in enumerate(STAGES):
            items = getattr(self, key)
            lines.append(f"【{label}】")
            lines.extend(f"  ・{item}" for item in items or ["（未記入）"])
            for ind in self.indicators.get(key, []):
                lines.append(f"  📏 指標: {ind}")
            if i < len(STAGES) - 1:
                lines.append("   ↓")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        colors = ["#eef2f7", "#e3ecf7", "#d5e4f5", "#fdebd3", "#fbdcb5", "#d9f0e3"]
        boxes = []
        for (key, label), color in zip(STAGES, colors):
            items = "".join(f"<li>{esc(i)}</li>" for i in getattr(self, key)) or "<li><i>（未記入）</i></li>"
            inds = "".join(f"<div style='font-size:90%'>📏 {esc(i)}</div>" for i in self.indicators.get(key, []))
            boxes.append(f"<div style='background:{color};border-radius:6px;padding:6px;min-width:110px;flex:1'>"
                         f"<b>{label}</b><ul style='margin:4px 0 4px 16px;padding:0'>{items}</ul>{inds}</div>")
        arrow = "<div style='align-self:center;font-size:20px'>→</div>"
        return (f"<div><b>ロジックモデル「{esc(self.title)}」</b>"
                f"<div style='display:flex;gap:4px;align-items:stretch'>{arrow.join(boxes)}</div></div>")


def _wrap_item(prefix: str, text: str, width: int) -> str:
    import textwrap

    lines = textwrap.wrap(prefix + text, width) or [prefix]
    return "\n".join([lines[0]] + ["  " + line for line in lines[1:]])


def plot_logic_model(model: LogicModel, ax=None, wrap: int = 10):
    """ロジックモデルを横に並んだ箱と矢印の図にします（matplotlib の Figure を返します）。

    日本語を表示するため、先に ``dxkit.plotting.setup()`` を呼んでください。
    ``wrap`` は箱の中で折り返す文字数です。
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyBboxPatch

    if not isinstance(model, LogicModel):
        raise DxkitError("plot_logic_model() には LogicModel(...) を渡してください。")
    texts = []
    for key, _ in STAGES:
        parts = [_wrap_item("・", item, wrap) for item in getattr(model, key) or ["（未記入）"]]
        parts += [_wrap_item("［指標］", ind, wrap) for ind in model.indicators.get(key, [])]
        texts.append("\n".join(parts))
    n_lines = max(t.count("\n") + 1 for t in texts)
    n = len(STAGES)
    if ax is None:
        fig, ax = plt.subplots(figsize=(2.2 * n, 1.3 + 0.2 * n_lines))
    else:
        fig = ax.figure
    colors = ["#eef2f7", "#dce8f6", "#c9dcf2", "#fde3c2", "#fbd09a", "#cdebd9"]
    width, gap = 1.0, 0.35
    height = 1.6 + n_lines  # in text-line units
    for i, ((key, label), color, text) in enumerate(zip(STAGES, colors, texts)):
        x = i * (width + gap)
        ax.add_patch(FancyBboxPatch((x, 0), width, height, boxstyle="round,pad=0.02,rounding_size=0.08",
                                    facecolor=color, edgecolor="#5d6d7e", mutation_aspect=height))
        ax.text(x + width / 2, height - 0.3, label, ha="center", va="top", fontsize=11)
        ax.text(x + 0.05, height - 1.3, text, ha="left", va="top", fontsize=8.5, linespacing=1.35)
        if i < n - 1:
            ax.annotate("", xy=(x + width + gap - 0.03, height / 2), xytext=(x + width + 0.03, height / 2),
                        arrowprops=dict(arrowstyle="-|>", color="#1f5aa6", lw=2))
    ax.set_xlim(-0.1, n * (width + gap) - gap + 0.1)
    ax.set_ylim(-0.2, height + 0.2)
    ax.axis("off")
    ax.grid(False)
    ax.set_title(f"ロジックモデル: {model.title}")
    return fig
