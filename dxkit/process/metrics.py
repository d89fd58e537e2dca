"""工程モデルの指標と、業務量調査の集計（純粋な関数）です。

決めごと（ノートブックと README にも書いています）:

- 時間はすべて「分」です。
- リードタイム = 各工程の（所要時間 + 待ち時間）の合計。種別「待ち」の工程の所要時間は待ち時間に数えます。
- 分岐は既定で **期待値**（確率で重み付け。差し戻しループは「平均何回通るか」を計算）です。
  ``method="longest"`` にすると、いちばん時間のかかる経路（最長経路）だけで計算します
  （ループがあると最長経路は決まらないので、その場合はエラーになります）。
- 作業時間（タッチタイム）= リードタイム − 待ち時間。プロセス効率 = 作業時間 ÷ リードタイム。
- 職員の作業時間 = 住民側（住民・申請者など）以外が「手作業」で行う、待ち以外の工程の所要時間。
- 年間業務時間（時間）= 年間件数 × 職員の作業時間（分）÷ 60（業務量調査と同じ考え方）。
"""

from __future__ import annotations

from dataclasses import dataclass

from dxkit.errors import DxkitError

METRIC_LABELS = {
    "lead_time": "リードタイム（分）",
    "touch_time": "作業時間（分）",
    "wait_time": "待ち時間（分）",
    "efficiency": "プロセス効率",
    "staff_time": "職員の作業時間（分）",
    "handoffs": "引き継ぎ回数",
    "transcriptions": "転記の工程数",
    "paper_steps": "紙の工程数",
    "steps": "工程数",
    "annual_volume": "年間件数",
    "annual_hours": "年間業務時間（時間）",
}


@dataclass(frozen=True)
class ProcessMetrics:
    """1 つの手続きの指標です。``to_series()`` で日本語の見出しつきの Series になります。"""

    name: str
    method: str
    lead_time: float
    touch_time: float
    wait_time: float
    efficiency: float
    staff_time: float
    handoffs: float
    transcriptions: int
    paper_steps: int
    steps: int
    annual_volume: float | None
    annual_hours: float | None

    def to_series(self):
        import pandas as pd

        return pd.Series({label: getattr(self, key) for key, label in METRIC_LABELS.items()}, name=self.name)

    def __getitem__(self, label: str):
        for key, lab in METRIC_LABELS.items():
            if label in (key, lab, lab.split("（")[0]):
                return getattr(self, key)
        raise KeyError(label)

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><th style='text-align:left'>{lab}</th><td>{_fmt(getattr(self, key), key)}</td></tr>"
                       for key, lab in METRIC_LABELS.items())
        how = "期待値（分岐は確率で重み付け）" if self.method == "expected" else "最長経路"
        return f"<table><caption>{self.name} の指標（{how}）</caption>{rows}</table>"

    def __repr__(self) -> str:
        return f"ProcessMetrics({self.name}: " + ", ".join(
            f"{lab}={_fmt(getattr(self, key), key)}" for key, lab in METRIC_LABELS.items()) + ")"


def _fmt(value, key) -> str:
    if value is None:
        return "—（年間件数が未設定）"
    if key == "efficiency":
        return f"{value:.1%}"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}"
    return f"{value:,.0f}"


def _check(process):
    from .model import Process

    if not isinstance(process, Process):
        raise DxkitError("工程モデル（Process）を渡してください。工程表は Process.from_table(表) で工程モデルにできます。")


def expected_visits(process) -> dict[str, float]:
    """各工程を平均何回通るか（分岐の確率と差し戻しループを考えた期待値）を返します。"""
    import numpy as np

    _check(process)
    ids = process.ids
    index = {sid: i for i, sid in enumerate(ids)}
    n = len(ids)
    p = np.zeros((n, n))
    for s in process.steps:
        for t, prob in s.next:
            p[index[s.id], index[t]] += prob
    start = np.zeros(n)
    start[0] = 1.0
    try:
        visits = np.linalg.solve((np.eye(n) - p).T, start)
    except np.linalg.LinAlgError:
        raise DxkitError("ループから抜け出せない流れがあるため、期待値を計算できません。"
                         "差し戻しの確率を 1 未満にしてください。") from None
    return {sid: float(round(v, 12)) for sid, v in zip(ids, visits)}


def longest_path(process) -> list[str]:
    """いちばん時間（所要時間 + 待ち時間）のかかる経路の工程 ID を、開始から順に返します。"""
    _check(process)
    by_id = {s.id: s for s in process.steps}
    memo: dict[str, tuple[float, list[str]]] = {}
    state: dict[str, int] = {}

    def best(sid: str) -> tuple[float, list[str]]:
        if sid in memo:
            return memo[sid]
        if state.get(sid) == 1:
            raise DxkitError("差し戻しなどのループがあるため、最長経路は決まりません。"
                             "method=\"expected\"（期待値）で計算してください。")
        state[sid] = 1
        s = by_id[sid]
        own = s.duration + s.wait
        tails = [best(t) for t, prob in s.next if prob > 0]
        tail = max(tails, key=lambda x: x[0]) if tails else (0.0, [])
        state[sid] = 2
        memo[sid] = (own + tail[0], [sid] + tail[1])
        return memo[sid]

    return best(process.start.id)[1]


def _weights(process, method: str) -> tuple[dict[str, float], dict[tuple[str, str], float]]:
    """Per-step visit weights and per-edge traversal weights for the chosen method."""
    if method == "expected":
        visits = expected_visits(process)
        edges = {(s.id, t): visits[s.id] * prob for s in process.steps for t, prob in s.next}
        return visits, edges
    if method == "longest":
        path = longest_path(process)
        visits = {sid: 0.0 for sid in process.ids}
        for sid in path:
            visits[sid] += 1.0
        return visits, {(a, b): 1.0 for a, b in zip(path, path[1:])}
    raise DxkitError(f"method は \"expected\"（期待値）か \"longest\"（最長経路）にしてください（いまは {method!r}）。")


def compute_metrics(process, volume: float | None = None, method: str = "expected") -> ProcessMetrics:
    """手続き 1 件あたりの指標と、年間件数から年間業務時間を計算します。

    Args:
        process: 工程モデル
        volume: 年間件数。省略すると業務説明表（process.info）の年間件数を使います。
        method: "expected"（分岐を確率で重み付けした期待値、既定）か "longest"（最長経路）
    """
    _check(process)
    visits, edges = _weights(process, method)
    lead = touch = wait = staff = 0.0
    for s in process.steps:
        v = visits[s.id]
        if not v:
            continue
        lead += v * (s.duration + s.wait)
        if s.kind == "待ち":
            wait += v * (s.duration + s.wait)
        else:
            wait += v * s.wait
            touch += v * s.duration
            if s.processing == "手作業" and s.actor not in process.customers:
                staff += v * s.duration
    by_id = {s.id: s for s in process.steps}
    handoffs = sum(w for (a, b), w in edges.items() if by_id[a].actor != by_id[b].actor)
    if volume is None and process.info is not None:
        volume = process.info.annual_volume
    if volume is not None:
        try:
            volume = float(volume)
        except (TypeError, ValueError):
            raise DxkitError(f"年間件数は数で渡してください（いまは {volume!r}）。") from None
        if volume < 0:
            raise DxkitError("年間件数がマイナスです。0 以上にしてください。")
    used = [s for s in process.steps if visits[s.id] > 0]
    return ProcessMetrics(
        name=process.name, method=method,
        lead_time=_r(lead), touch_time=_r(touch), wait_time=_r(wait),
        efficiency=_r(touch / lead) if lead else 0.0, staff_time=_r(staff), handoffs=_r(handoffs),
        transcriptions=sum(1 for s in used if s.kind == "転記"),
        paper_steps=sum(1 for s in used if s.medium == "紙"),
        steps=len(used), annual_volume=volume,
        annual_hours=_r(volume * staff / 60) if volume is not None else None,
    )


def _r(x: float) -> float:
    return float(round(x, 9))


def step_table(process):
    """工程ごとの時間の内訳（期待回数つき）を DataFrame で返します。ボトルネック探しに使います。"""
    import pandas as pd

    visits = expected_visits(process)
    numeric = all(s.id.isdigit() for s in process.steps)
    rows = []
    for s in process.steps:
        v = visits[s.id]
        total = v * (s.duration + s.wait)
        rows.append({"ID": int(s.id) if numeric else s.id, "担当": s.actor, "作業": s.name, "種別": s.kind, "期待回数": _r(v),
                     "所要時間": s.duration, "待ち時間": s.wait, "合計時間": _r(total)})
    df = pd.DataFrame(rows)
    lead = df["合計時間"].sum()
    df["割合"] = (df["合計時間"] / lead).round(4) if lead else 0.0
    return df


def bottleneck(process) -> str:
    """リードタイムにいちばん多く効いている工程（期待回数 ×（所要時間 + 待ち時間）が最大）の ID です。"""
    df = step_table(process)
    return str(df.loc[df["合計時間"].idxmax(), "ID"])


# --------------------------------------------------------------------------- 業務量調査

SURVEY_VOLUME = "年間件数"
SURVEY_MINUTES = "平均処理時間（分）"


def _survey_columns(df, volume_col, minutes_col):
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise DxkitError("業務量調査表は DataFrame で渡してください。")
    missing = [c for c in (volume_col, minutes_col) if c not in df.columns]
    if missing:
        raise DxkitError(f"業務量調査表に列「{'」「'.join(missing)}」がありません（ある列: {'、'.join(map(str, df.columns))}）。")
    out = {}
    for col in (volume_col, minutes_col):
        values = pd.to_numeric(df[col], errors="coerce")
        bad = df.index[values.isna()].tolist()
        if bad:
            raise DxkitError(f"業務量調査表の「{col}」に数でない値があります（行: {bad[:5]}）。")
        if (values < 0).any():
            raise DxkitError(f"業務量調査表の「{col}」にマイナスの値があります。")
        out[col] = values.astype(float)
    return out[volume_col], out[minutes_col]


def annual_hours(survey, volume_col: str = SURVEY_VOLUME, minutes_col: str = SURVEY_MINUTES):
    """業務量調査表の各行の年間業務時間（時間）= 年間件数 × 平均処理時間（分）÷ 60 を Series で返します。"""
    volume, minutes = _survey_columns(survey, volume_col, minutes_col)
    return (volume * minutes / 60).rename("年間業務時間（時間）")


def workload_ranking(survey, volume_col: str = SURVEY_VOLUME, minutes_col: str = SURVEY_MINUTES,
                     label_col: str = "業務名"):
    """年間業務時間の多い順に並べ、構成比と累積構成比（パレート分析）をつけた表を返します。

    累積構成比が 0.8 までの業務を「A」、0.95 までを「B」、残りを「C」とします（ABC 分析）。
    """
    hours = annual_hours(survey, volume_col, minutes_col)
    df = survey.assign(**{"年間業務時間（時間）": hours.round(1)})
    df = df.sort_values("年間業務時間（時間）", ascending=False, kind="stable").reset_index(drop=True)
    total = df["年間業務時間（時間）"].sum()
    if total <= 0:
        raise DxkitError("年間業務時間の合計が 0 です。年間件数と平均処理時間を確かめてください。")
    df["構成比"] = (df["年間業務時間（時間）"] / total).round(4)
    cum = df["年間業務時間（時間）"].cumsum() / total
    df["累積構成比"] = cum.round(4)
    prev = cum.shift(1, fill_value=0.0)
    df["ランク"] = ["A" if p < 0.8 - 1e-9 else ("B" if p < 0.95 - 1e-9 else "C") for p in prev]
    if label_col in df.columns:
        df.index = df[label_col]
        df.index.name = None
    return df
