"""Estimating the effect of a robot, and scoring candidate tasks.

effect = manual time − robot time − maintenance, per year; payback = build hours / yearly saving.
The worked example is つくば市's published figure for one 市民窓口課 task.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

from dxkit.errors import DxkitError

from . import _html

TSUKUBA_SOURCE = "〔つくば市「RPAを活用した定型的で膨大な業務プロセスの自動化 共同研究実績報告書」2018年5月〕"


def _number(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or value != value:
        raise DxkitError(f"「{name}」は数で指定してください（「{value}」）。")
    if value < 0:
        raise DxkitError(f"「{name}」にマイナスの数は使えません（{value}）。")
    return float(value)


@dataclass(frozen=True)
class EffectEstimate:
    """RPA の効果の見積もり（すべて 1 年あたりの時間。作る時間だけは 1 回きり）。"""

    task: str
    manual_hours: float  # 手作業の時間（年）
    robot_hours: float  # ロボット導入後も人が使う時間（準備・確認、年）
    build_hours: float = 0.0  # ロボットを作る時間（1 回）
    maintenance_hours: float = 0.0  # 保守（様式変更への対応など、年）
    cases_per_year: float | None = None
    source: str = ""

    @property
    def reduced_hours(self) -> float:
        """作業時間の削減（保守を引く前）。"""
        return self.manual_hours - self.robot_hours

    @property
    def reduction_rate(self) -> float:
        """作業時間の削減率（0〜1）。"""
        return self.reduced_hours / self.manual_hours if self.manual_hours else 0.0

    @property
    def hours_saved_per_year(self) -> float:
        """保守の時間も引いた、1 年あたりの正味の削減時間。"""
        return self.manual_hours - self.robot_hours - self.maintenance_hours

    @property
    def payback_years(self) -> float:
        """作る時間を取り戻すまでの年数（削減がなければ inf）。"""
        if self.build_hours == 0:
            return 0.0
        saved = self.hours_saved_per_year
        return self.build_hours / saved if saved > 0 else math.inf

    @property
    def payback_months(self) -> float:
        return self.payback_years * 12

    def net_hours(self, years: float = 1) -> float:
        """``years`` 年間の正味の削減時間（作る時間を引いたもの）。"""
        return self.hours_saved_per_year * years - self.build_hours

    def to_series(self):
        import pandas as pd

        return pd.Series({
            "業務": self.task, "手作業（時間/年）": self.manual_hours, "導入後（時間/年）": self.robot_hours,
            "保守（時間/年）": self.maintenance_hours, "作る時間（時間）": self.build_hours,
            "削減（時間/年）": self.hours_saved_per_year, "削減率": self.reduction_rate,
            "回収期間（年）": self.payback_years,
        })

    def _repr_html_(self) -> str:
        payback = "回収できません（削減より保守が大きい）" if math.isinf(self.payback_years) else \
            f"{self.payback_years:.2f} 年（約 {self.payback_months:.1f} か月）"
        rows = [("業務", self.task)]
        if self.cases_per_year is not None:
            rows.append(("件数（年）", f"{self.cases_per_year:,.0f} 件"))
        rows += [
            ("手作業", f"{self.manual_hours:,.1f} 時間/年"),
            ("導入後（人の作業）", f"{self.robot_hours:,.1f} 時間/年"),
            ("削減率", f"{self.reduction_rate:.1%}"),
            ("保守", f"{self.maintenance_hours:,.1f} 時間/年"),
            ("正味の削減", f"{self.hours_saved_per_year:,.1f} 時間/年"),
            ("作る時間", f"{self.build_hours:,.1f} 時間"),
            ("回収期間", payback),
        ]
        if self.source:
            rows.append(("出典", self.source))
        return "<b>RPA の効果の見積もり</b>" + _html.table(rows)

    def __repr__(self) -> str:
        return (f"EffectEstimate({self.task!r}: {self.manual_hours:.1f}h → {self.robot_hours:.1f}h/年, "
                f"正味 {self.hours_saved_per_year:.1f}h/年, 回収 {self.payback_years:.2f} 年)")


def estimate_effect(task: str, *, manual_minutes_per_case: float, cases_per_year: float,
                    robot_minutes_per_case: float = 0.0, build_hours: float = 0.0,
                    maintenance_hours_per_year: float = 0.0) -> EffectEstimate:
    """1 件あたりの分 × 年間件数から、年間の削減時間と回収期間を見積もります。

    robot_minutes_per_case はロボット導入後も人が 1 件にかける分（準備・確認・例外の処理）です。
    """
    manual = _number(manual_minutes_per_case, "手作業の 1 件あたりの分")
    cases = _number(cases_per_year, "年間件数")
    robot = _number(robot_minutes_per_case, "導入後の 1 件あたりの分")
    return EffectEstimate(task=str(task), manual_hours=manual * cases / 60, robot_hours=robot * cases / 60,
                          build_hours=_number(build_hours, "作る時間"),
                          maintenance_hours=_number(maintenance_hours_per_year, "保守の時間"),
                          cases_per_year=cases)


def effect_from_hours(task: str, *, manual_hours_per_year: float, robot_hours_per_year: float,
                      build_hours: float = 0.0, maintenance_hours_per_year: float = 0.0,
                      cases_per_year: float | None = None, source: str = "") -> EffectEstimate:
    """年間の時間（手作業・導入後）が分かっているときの見積もりです。"""
    return EffectEstimate(task=str(task), manual_hours=_number(manual_hours_per_year, "手作業の時間"),
                          robot_hours=_number(robot_hours_per_year, "導入後の時間"),
                          build_hours=_number(build_hours, "作る時間"),
                          maintenance_hours=_number(maintenance_hours_per_year, "保守の時間"),
                          cases_per_year=None if cases_per_year is None else _number(cases_per_year, "年間件数"),
                          source=source)


def tsukuba_example(*, build_hours: float = 0.0, maintenance_hours_per_year: float = 0.0) -> EffectEstimate:
    """つくば市の公表事例: 市民窓口課の異動届の受付・発送簿の作成（年 85 時間 → 14 時間 10 分）
    〔つくば市「RPAを活用した定型的で膨大な業務プロセスの自動化 共同研究実績報告書」2018年5月〕。

    作る時間と保守の時間は報告の数値ではありません。仮定として自分で入れて、回収期間を考えます。
    """
    return effect_from_hours("市民窓口課: 異動届の受付・発送簿への入力", manual_hours_per_year=85.0,
                             robot_hours_per_year=14 + 10 / 60, build_hours=build_hours,
                             maintenance_hours_per_year=maintenance_hours_per_year, source=TSUKUBA_SOURCE)


CRITERIA = ("定型", "ルール化", "電子データ")


def score_tasks(tasks, *, volume_thresholds: tuple[float, float] = (50, 200)):
    """RPA の候補業務に点数をつけます。

    tasks の列: 業務名, 年間件数, 1件あたり分, 定型, ルール化, 電子データ（後の 3 つは 1〜3 点: 3 がよく当てはまる）。
    「大量」は年間の作業時間（件数 × 分）から 1〜3 点にします（既定: 50 時間未満 1 点、200 時間以上 3 点）。
    判定: 定型かルール化が 1 点なら「先に業務の見直し（BPR）」、全部 2 点以上で合計 10 点以上なら「RPA の候補」、
    それ以外は「要検討」。点数の高い順に並べて返します。
    """
    import pandas as pd

    if not isinstance(tasks, pd.DataFrame):
        raise DxkitError("score_tasks() には候補業務の DataFrame を渡してください。")
    need = ["業務名", "年間件数", "1件あたり分", *CRITERIA]
    missing = [c for c in need if c not in tasks.columns]
    if missing:
        raise DxkitError(f"候補業務の表に列がありません: {'、'.join(missing)}。")
    df = tasks.copy()
    for c in CRITERIA:
        values = pd.to_numeric(df[c], errors="coerce")
        if values.isna().any() or not values.between(1, 3).all():
            raise DxkitError(f"「{c}」は 1〜3 の点数で書いてください。")
        df[c] = values.astype(int)
    for c in ("年間件数", "1件あたり分"):
        values = pd.to_numeric(df[c], errors="coerce")
        if values.isna().any() or (values < 0).any():
            raise DxkitError(f"「{c}」は 0 以上の数で書いてください。")
        df[c] = values
    low, high = volume_thresholds
    df["年間時間"] = (df["年間件数"] * df["1件あたり分"] / 60).round(1)
    df["大量"] = df["年間時間"].map(lambda h: 3 if h >= high else (2 if h >= low else 1)).astype(int)
    df["合計点"] = df[["定型", "ルール化", "電子データ", "大量"]].sum(axis=1).astype(int)

    def verdict(r):
        if r["定型"] == 1 or r["ルール化"] == 1:
            return "先に業務の見直し（BPR）"
        if min(r["定型"], r["ルール化"], r["電子データ"], r["大量"]) >= 2 and r["合計点"] >= 10:
            return "RPA の候補"
        return "要検討"

    df["判定"] = df.apply(verdict, axis=1)
    return df.sort_values(["合計点", "年間時間"], ascending=False, kind="stable").reset_index(drop=True)
