"""KPI の定義と SMART レビューです。

``KPI`` は 1 つの指標の定義（指標名・単位・基準値と基準日・目標値と期限・向き・担当・データ源・区分）を持ちます。
書き方が不十分な KPI もそのまま作れます（レビューで直すため）。``smart_review(kpi)`` が
S/M/A/R/T の 5 つの観点で ✅/❌ と理由を日本語で返します。
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field, fields, replace

from dxkit.errors import DxkitError

from ._util import esc, fmt, is_missing, to_date, to_number

INCREASE = "増やす"
DECREASE = "減らす"
OUTPUT = "アウトプット"
OUTCOME = "アウトカム"

_DIRECTIONS = {
    INCREASE: INCREASE, "増加": INCREASE, "上げる": INCREASE, "高める": INCREASE, "↑": INCREASE,
    "up": INCREASE, "increase": INCREASE, "+": INCREASE,
    DECREASE: DECREASE, "減少": DECREASE, "下げる": DECREASE, "短くする": DECREASE, "↓": DECREASE,
    "down": DECREASE, "decrease": DECREASE, "-": DECREASE,
}
_KINDS = {
    OUTPUT: OUTPUT, "output": OUTPUT, "活動指標": OUTPUT, "活動": OUTPUT,
    OUTCOME: OUTCOME, "outcome": OUTCOME, "成果指標": OUTCOME, "成果": OUTCOME,
}

#: Words that describe an effort rather than something you can count (S: 具体的 fails).
VAGUE_WORDS = (
    "推進", "図る", "強化", "充実", "促進", "努める", "目指す", "検討", "積極的", "着実",
    "適切", "効果的", "円滑", "向上させる", "改善する", "活性化", "進める",
)
#: Words that usually name an activity count (a hint that an outcome KPI is really an output).
OUTPUT_WORDS = ("開催回数", "実施回数", "開催数", "研修回数", "配布", "導入数", "掲載", "作成数", "説明会", "周知回数")

# Japanese column names used by kpi_from_row / kpis_from_frame and KPI.to_dict.
COLUMNS = {
    "name": "指標名", "unit": "単位", "baseline": "基準値", "baseline_date": "基準日",
    "target": "目標値", "deadline": "期限", "direction": "向き", "owner": "担当",
    "source": "データ源", "kind": "指標の区分", "intended": "測りたいもの", "kpi_id": "指標ID",
}


def _norm_choice(value, table: dict, field_name: str, allowed: str):
    if is_missing(value):
        return None
    key = str(value).strip()
    if key in table:
        return table[key]
    if key.lower() in table:
        return table[key.lower()]
    raise DxkitError(f"{field_name}「{value}」は使えません。{allowed} のどちらかにしてください。")


@dataclass(frozen=True)
class KPI:
    """1 つの KPI（重要業績評価指標）の定義です。

    Args:
        name: 指標名（例「オンライン申請率」）。
        unit: 単位（例「%」「分」「時間」「件」）。
        baseline: 基準値（取組を始める前の値）。
        baseline_date: 基準日（基準値を測った日）。日付、"2023-04-01"、"令和5年4月1日" など。
        target: 目標値。
        deadline: 期限（目標値を達成する日）。
        direction: 向き。「増やす」または「減らす」。
        owner: 担当（課・係）。
        source: データ源（どの台帳・システムから数えるか）。
        kind: 指標の区分。「アウトプット」（行政が行ったこと）または「アウトカム」（住民や業務に起きた変化）。
        intended: 測りたいもの。「アウトカム」を測りたいのにアウトプット指標を置いていないかの確認に使います。
        kpi_id: 指標ID（表の中で指標を区別する記号。省略できます）。

    足りない項目があっても作れます。``smart_review()`` で何が足りないかを確かめてください。
    数値や日付として読めない値、向き・区分に使えない言葉のときは ``DxkitError`` になります。
    """

    name: str
    unit: str | None = None
    baseline: float | None = None
    baseline_date: _dt.date | None = None
    target: float | None = None
    deadline: _dt.date | None = None
    direction: str | None = INCREASE
    owner: str | None = None
    source: str | None = None
    kind: str | None = None
    intended: str | None = None
    kpi_id: str | None = None

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen dataclass)
        if is_missing(self.name):
            raise DxkitError("指標名がありません。何を測る指標かを name に書いてください。")
        set_("name", str(self.name).strip())
        for key in ("unit", "owner", "source", "kpi_id"):
            value = getattr(self, key)
            set_(key, None if is_missing(value) else str(value).strip())
        set_("baseline", to_number(self.baseline, f"「{self.name}」の基準値"))
        set_("target", to_number(self.target, f"「{self.name}」の目標値"))
        set_("baseline_date", to_date(self.baseline_date, f"「{self.name}」の基準日"))
        set_("deadline", to_date(self.deadline, f"「{self.name}」の期限"))
        set_("direction", _norm_choice(self.direction, _DIRECTIONS, "向き", "「増やす」「減らす」"))
        set_("kind", _norm_choice(self.kind, _KINDS, "指標の区分", "「アウトプット」「アウトカム」"))
        set_("intended", _norm_choice(self.intended, _KINDS, "測りたいもの", "「アウトプット」「アウトカム」"))

    @property
    def label(self) -> str:
        """単位つきの表示名（例「窓口平均待ち時間（分）」）。"""
        return f"{self.name}（{self.unit}）" if self.unit and self.unit not in self.name else self.name

    def with_(self, **changes) -> "KPI":
        """一部の項目だけを変えた新しい KPI を返します（例: ``kpi.with_(deadline="2026-03-31")``）。"""
        unknown = set(changes) - {f.name for f in fields(self)}
        if unknown:
            raise DxkitError(f"KPI に {', '.join(sorted(unknown))} という項目はありません。")
        return replace(self, **changes)

    def to_dict(self, japanese: bool = True) -> dict:
        """項目を辞書にします。``japanese=True`` なら列名は日本語です（Excel の定義表と同じ）。"""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        return {COLUMNS[k]: v for k, v in data.items()} if japanese else data

    def __repr__(self) -> str:
        parts = [f"KPI「{self.label}」",
                 f"基準 {fmt(self.baseline)}（{self.baseline_date or '基準日なし'}）",
                 f"→ 目標 {fmt(self.target)}（{self.deadline or '期限なし'}）",
                 f"{self.direction or '向きなし'}", f"{self.kind or '区分なし'}"]
        return " ".join(parts)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th style='text-align:left'>{esc(label)}</th><td style='text-align:left'>"
            f"{esc('—' if getattr(self, key) is None else getattr(self, key))}</td></tr>"
            for key, label in COLUMNS.items() if key != "kpi_id"
        )
        return f"<table><caption style='text-align:left'><b>KPI</b></caption>{rows}</table>"


def kpi_from_row(row) -> KPI:
    """日本語の列名（指標名・単位・基準値・基準日・目標値・期限・向き・担当・データ源・指標の区分・測りたいもの・指標ID）を
    持つ 1 行（dict や pandas の Series）から KPI を作ります。ない列は空とみなします。"""
    getter = row.get if hasattr(row, "get") else (lambda k, d=None: d)
    kwargs = {key: getter(col, None) for key, col in COLUMNS.items()}
    if is_missing(kwargs["direction"]):
        kwargs["direction"] = None
    return KPI(**kwargs)


def kpis_from_frame(df) -> list[KPI]:
    """KPI 定義表（DataFrame。列名は ``kpi_from_row`` と同じ）から KPI のリストを作ります。"""
    if "指標名" not in getattr(df, "columns", []):
        raise DxkitError("KPI 定義表に「指標名」の列がありません。列名を確かめてください。")
    return [kpi_from_row(row) for _, row in df.iterrows()]


# --------------------------------------------------------------------------- SMART review

SMART_LABELS = {
    "S": "具体的（Specific）",
    "M": "測定できる（Measurable）",
    "A": "達成可能・担当が明確（Achievable / Assignable）",
    "R": "目的とつながる（Relevant）",
    "T": "期限がある（Time-bound）",
}


@dataclass
class Criterion:
    """SMART の 1 つの観点の判定です。``ok`` が True なら ✅、理由は ``reasons`` にあります。"""

    letter: str
    label: str
    ok: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def mark(self) -> str:
        return "✅" if self.ok else "❌"

    def __repr__(self) -> str:
        text = "・".join(self.reasons) if self.reasons else ""
        return f"{self.mark} {self.letter} {self.label}: {text}".rstrip(": ")


@dataclass
class SmartReview:
    """``smart_review()`` の結果です。

    Attributes:
        kpi: レビューした KPI。
        criteria: S, M, A, R, T の順の ``Criterion`` のリスト。
    """

    kpi: KPI
    criteria: list[Criterion]

    def __getitem__(self, letter: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.letter == letter.upper():
                return criterion
        raise DxkitError(f"SMART の観点は S, M, A, R, T のどれかです（「{letter}」はありません）。")

    @property
    def ok(self) -> bool:
        """5 つの観点がすべて ✅ なら True です。"""
        return all(c.ok for c in self.criteria)

    @property
    def failed(self) -> list[str]:
        """❌ になった観点の文字のリスト（例 ``["M", "T"]``）。"""
        return [c.letter for c in self.criteria if not c.ok]

    @property
    def problems(self) -> list[str]:
        """❌ の観点の理由をすべて並べたリストです。"""
        return [f"{c.letter}: {r}" for c in self.criteria if not c.ok for r in c.reasons]

    def to_frame(self):
        """観点ごとの判定を DataFrame（列: 観点, 判定, 理由）にします。"""
        import pandas as pd

        return pd.DataFrame({
            "観点": [f"{c.letter} {c.label}" for c in self.criteria],
            "判定": [c.mark for c in self.criteria],
            "理由": ["／".join(c.reasons) for c in self.criteria],
        })

    def __repr__(self) -> str:
        head = f"SMART レビュー「{self.kpi.name}」: " + ("すべて ✅" if self.ok else f"❌ {''.join(self.failed)}")
        return "\n".join([head] + [f"  {c!r}" for c in self.criteria])

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{c.mark}</td><td style='text-align:left'><b>{c.letter}</b> {esc(c.label)}</td>"
            f"<td style='text-align:left'>{'<br>'.join(esc(r) for r in c.reasons)}</td></tr>"
            for c in self.criteria
        )
        verdict = "すべての観点を満たしています ✅" if self.ok else f"直すところがあります（❌ {''.join(self.failed)}）"
        return (f"<div><b>SMART レビュー「{esc(self.kpi.name)}」</b>: {verdict}"
                f"<table><tr><th></th><th>観点</th><th>理由</th></tr>{rows}</table></div>")


def smart_review(kpi: KPI) -> SmartReview:
    """KPI を SMART の 5 つの観点で確かめ、足りない点を日本語で説明します。

    判定のきまり:

    - **S 具体的**: 指標名があり、「推進」「強化」「図る」など取組の姿勢を表す言葉（``VAGUE_WORDS``）を含まず、単位がある。
    - **M 測定できる**: 基準値・目標値が数値で、データ源（どこから数えるか）が書いてある。
    - **A 達成可能・担当が明確**: 目標値が基準値と違い、向き（増やす/減らす）に合っている。% の目標は 0〜100。担当がある。
    - **R 目的とつながる**: 区分（アウトプット/アウトカム）が書いてあり、アウトカムを測りたいのにアウトプット指標になっていない。
    - **T 期限がある**: 基準日と期限があり、期限が基準日より後。

    Returns:
        ``SmartReview``（``.ok``, ``.failed``, ``.problems``, ``.to_frame()``）。
    """
    if not isinstance(kpi, KPI):
        raise DxkitError("smart_review() には KPI(...) で作った指標を渡してください。")
    k = kpi
    s, m, a, r, t = [], [], [], [], []

    vague = [w for w in VAGUE_WORDS if w in k.name]
    if vague:
        s.append(f"指標名に「{'」「'.join(vague)}」があり、取組の姿勢を表していて、何を数えるのかが分かりません。"
                 "「○○の割合」「○○の件数」「○○の平均時間」のように、数えられるものの名前にしてください。")
    if not k.unit:
        s.append("単位がありません。%・分・件・時間など、何で数えるかを決めてください。")

    if k.baseline is None:
        m.append("基準値がありません。取組を始める前の値を測らないと、変化が分かりません。")
    if k.target is None:
        m.append("目標値がありません。「いくつになれば達成か」を数値で決めてください。")
    if not k.source:
        m.append("データ源がありません。どの台帳・システム・調査から数えるかを決めておかないと、毎月同じ方法で測れません。")

    if k.baseline is not None and k.target is not None:
        if k.target == k.baseline:
            a.append("目標値が基準値と同じです。変化を目指す値にしてください。")
        elif k.direction == INCREASE and k.target < k.baseline:
            a.append(f"向きは「増やす」なのに、目標値 {fmt(k.target)} が基準値 {fmt(k.baseline)} より小さくなっています。")
        elif k.direction == DECREASE and k.target > k.baseline:
            a.append(f"向きは「減らす」なのに、目標値 {fmt(k.target)} が基準値 {fmt(k.baseline)} より大きくなっています。")
    if k.direction is None:
        a.append("向き（増やす/減らす）がありません。数値が上がるのと下がるのと、どちらが良いのかを決めてください。")
    if k.unit in ("%", "％") and k.target is not None and not 0 <= k.target <= 100:
        a.append(f"単位が % なのに目標値が {fmt(k.target)} です。0〜100 の範囲にしてください。")
    if not k.owner:
        a.append("担当がありません。誰（どの課・係）が達成に責任を持ち、数値を報告するのかを決めてください。")

    if k.kind is None:
        r.append("指標の区分（アウトプット/アウトカム）がありません。行政が行ったこと（アウトプット）か、"
                 "住民や業務に起きた変化（アウトカム）かを決めてください。")
    elif k.intended == OUTCOME and k.kind == OUTPUT:
        r.append("測りたいものはアウトカム（住民や業務に起きた変化）なのに、この指標はアウトプット（行政が行ったこと）です。"
                 "回数や導入数ではなく、その結果として変わる数値（利用率・時間・件数など）を選んでください。")
    elif k.kind == OUTCOME and any(w in k.name for w in OUTPUT_WORDS):
        r.append("区分はアウトカムですが、指標名は行政の活動の回数・数のように見えます。区分を見直してください。")

    if k.baseline_date is None:
        t.append("基準日がありません。基準値をいつ測ったかを書いてください。")
    if k.deadline is None:
        t.append("期限がありません。「いつまでに」を決めないと、進み具合を判断できません。")
    if k.baseline_date and k.deadline and k.deadline <= k.baseline_date:
        t.append(f"期限 {k.deadline} が基準日 {k.baseline_date} より前（または同じ日）です。")

    ok_text = {
        "S": "何を何で数えるかが具体的です。",
        "M": "基準値・目標値・データ源がそろっていて測れます。",
        "A": "目標の向きが正しく、担当が決まっています（目標の高さが現実的かは実績の伸びで確かめます）。",
        "R": "区分が明確で、測りたいものと合っています。",
        "T": "基準日と期限があります。",
    }
    criteria = [
        Criterion(letter, SMART_LABELS[letter], not reasons, reasons or [ok_text[letter]])
        for letter, reasons in zip("SMART", (s, m, a, r, t))
    ]
    return SmartReview(kpi, criteria)


def review_table(kpis) -> "object":
    """複数の KPI をまとめてレビューし、1 行 1 指標の DataFrame（S〜T の ✅/❌ と直すところ）を返します。"""
    import pandas as pd

    rows = []
    for kpi in kpis:
        review = smart_review(kpi)
        row = {"指標名": kpi.name}
        row.update({c.letter: c.mark for c in review.criteria})
        row["直すところ"] = "／".join(review.problems)
        rows.append(row)
    return pd.DataFrame(rows)
