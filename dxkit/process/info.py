"""業務説明表（総務省 自治体 EA 事業の様式にある業務の概要）の項目を持つクラスです。"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dxkit.errors import DxkitError

from .model import _norm


@dataclass(frozen=True)
class ProcedureInfo:
    """業務説明表（総務省の自治体 EA 事業の様式にある、業務の概要）の項目です。

    Args:
        name: 業務名
        purpose: 目的
        legal_basis: 根拠法令
        department: 所管部署
        annual_volume: 年間件数
        peak: 繁忙期（例: "3〜4月"）
        peak_monthly: 繁忙期の月あたり件数
        offpeak_monthly: 閑散期の月あたり件数
        staff: 投入人員（人）
    """

    name: str
    purpose: str = ""
    legal_basis: str = ""
    department: str = ""
    annual_volume: float | None = None
    peak: str = ""
    peak_monthly: float | None = None
    offpeak_monthly: float | None = None
    staff: float | None = None

    def __post_init__(self):
        for label, value in (("年間件数", self.annual_volume), ("繁忙期の月間件数", self.peak_monthly),
                             ("閑散期の月間件数", self.offpeak_monthly), ("投入人員", self.staff)):
            if value is None:
                continue
            if not isinstance(value, (int, float)) or isinstance(value, bool) or math.isnan(value):
                raise DxkitError(f"業務説明表の「{label}」は数で書いてください（いまは {value!r} です）。")
            if value < 0:
                raise DxkitError(f"業務説明表の「{label}」がマイナス（{value}）です。0 以上の数にしてください。")

    @property
    def peak_ratio(self) -> float | None:
        """繁忙期の件数が閑散期の何倍かです（どちらかが無ければ None）。"""
        if not self.peak_monthly or not self.offpeak_monthly:
            return None
        return self.peak_monthly / self.offpeak_monthly

    def to_dict(self) -> dict:
        return {"業務名": self.name, "目的": self.purpose, "根拠法令": self.legal_basis,
                "所管部署": self.department, "年間件数": self.annual_volume, "繁忙期": self.peak,
                "繁忙期の月間件数": self.peak_monthly, "閑散期の月間件数": self.offpeak_monthly,
                "投入人員（人）": self.staff}

    @classmethod
    def from_row(cls, row) -> "ProcedureInfo":
        """業務量調査表の 1 行（Series や dict）から作ります。列名は日本語です。"""
        get = (lambda k: row.get(k)) if hasattr(row, "get") else (lambda k: None)

        def num(*keys):
            for k in keys:
                v = get(k)
                if v is not None and _norm(v) != "":
                    try:
                        return float(v)
                    except (TypeError, ValueError):
                        raise DxkitError(f"業務説明表の「{k}」が数ではありません（{v!r}）。") from None
            return None

        name = _norm(get("業務名"))
        if not name:
            raise DxkitError("業務説明表に「業務名」がありません。")
        return cls(name=name, purpose=_norm(get("目的")), legal_basis=_norm(get("根拠法令")),
                   department=_norm(get("所管部署")) or _norm(get("担当課")),
                   annual_volume=num("年間件数"), peak=_norm(get("繁忙期")),
                   peak_monthly=num("繁忙期の月間件数"), offpeak_monthly=num("閑散期の月間件数"),
                   staff=num("投入人員", "投入人員（人）", "投入人員(人)"))

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{k}</th><td style='text-align:left'>{_fmt(v)}</td></tr>"
                       for k, v in self.to_dict().items())
        return f"<table><caption>業務説明表</caption>{rows}</table>"

    def __repr__(self) -> str:
        return "業務説明表(" + ", ".join(f"{k}={_fmt(v)}" for k, v in self.to_dict().items() if v not in ("", None)) + ")"


def _fmt(v) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, float) and v.is_integer():
        return f"{int(v):,}"
    if isinstance(v, (int, float)):
        return f"{v:,.1f}"
    return str(v)


