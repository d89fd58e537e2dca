"""KPI の進み具合（達成率・計画との差・予測・状態）を計算します。

言葉の定義:

- **達成率** = (実績 − 基準値) ÷ (目標値 − 基準値)。基準値のままなら 0%、目標値に届けば 100% です。
  「増やす」指標も「減らす」指標も同じ式で計算できます（減らす指標は分子も分母も負になるため）。
- **計画値**: 基準日の基準値から期限の目標値までを直線で結んだ線の上の値です。
- **計画上の達成率** = 基準日からの経過日数 ÷ (期限 − 基準日) の日数。計画どおりならこの達成率になっているはずです。
- **計画との差** = 達成率 − 計画上の達成率（ポイント）。マイナスなら計画より遅れています。
- **予測**: 直近 ``window`` か月（既定 12 か月）の月次実績に直線を当てはめ（最小二乗法）、期限の月まで延ばした値です。
- 月次実績は、その月の末日の値として扱います（例: 2024-04 の実績 = 2024 年 4 月 30 日の値）。
  ``as_of``（評価日）より後の月の実績は使いません。
"""

from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass

from dxkit.errors import DxkitError

from ._util import esc, fmt, is_missing, pct, to_date, to_number
from .model import DECREASE, INCREASE, KPI

#: 計画との差がこれより大きく遅れていると「注意」（0.10 = 10 ポイント）。
WARN_GAP = 0.10
#: 計画との差がこれより大きく遅れていると「遅延」（0.20 = 20 ポイント）。
DELAY_GAP = 0.20
#: 期限時点の予測達成率がこれ未満だと「遅延」（0.80 = 80%）。
DELAY_FORECAST = 0.80
#: 予測に使う直近の月数の既定値。
WINDOW = 12

STATUSES = ("順調", "注意", "遅延")


def status_rule(warn_gap: float = WARN_GAP, delay_gap: float = DELAY_GAP,
                delay_forecast: float = DELAY_FORECAST) -> str:
    """状態（順調/注意/遅延）を決めるきまりを文章で返します。"""
    return (
        f"遅延: 計画との差が −{delay_gap * 100:.0f} ポイントより遅れている、"
        f"または期限時点の予測達成率が {delay_forecast * 100:.0f}% 未満。"
        f"／注意: 遅延ではないが、計画との差が −{warn_gap * 100:.0f} ポイントより遅れている、"
        f"または予測達成率が 100% 未満。"
        f"／順調: それ以外（すでに目標に届いている場合を含む）。"
    )


def month_end(day: _dt.date) -> _dt.date:
    return _dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _month_index(day: _dt.date) -> int:
    return day.year * 12 + day.month - 1


def _from_month_index(index: float) -> _dt.date:
    whole = int(index)
    return month_end(_dt.date(whole // 12, whole % 12 + 1, 1))


# --------------------------------------------------------------------------- validation

def require_trackable(kpi: KPI) -> KPI:
    """達成率や計画値を計算できる KPI か（基準値・目標値・基準日・期限がそろい、向きと合っているか）を確かめます。"""
    if not isinstance(kpi, KPI):
        raise DxkitError("KPI(...) で作った指標を渡してください。")
    name = kpi.name
    if kpi.baseline is None:
        raise DxkitError(f"「{name}」には基準値がありません。達成率は基準値からの変化で計算するので、基準値を入れてください。")
    if kpi.target is None:
        raise DxkitError(f"「{name}」には目標値がありません。目標値を入れてください。")
    if kpi.target == kpi.baseline:
        raise DxkitError(f"「{name}」の目標値が基準値と同じ（{fmt(kpi.target)}）なので、達成率を計算できません。")
    if kpi.baseline_date is None or kpi.deadline is None:
        missing = "基準日" if kpi.baseline_date is None else "期限"
        raise DxkitError(f"「{name}」には{missing}がありません。計画の線を引くには基準日と期限の両方が必要です。")
    if kpi.deadline <= kpi.baseline_date:
        raise DxkitError(f"「{name}」の期限 {kpi.deadline} が基準日 {kpi.baseline_date} より前（または同じ日）です。"
                         "日付の順番を確かめてください。")
    if kpi.direction == INCREASE and kpi.target < kpi.baseline:
        raise DxkitError(f"「{name}」は向きが「増やす」なのに、目標値が基準値より小さくなっています。")
    if kpi.direction == DECREASE and kpi.target > kpi.baseline:
        raise DxkitError(f"「{name}」は向きが「減らす」なのに、目標値が基準値より大きくなっています。")
    return kpi


def monthly_series(data, name: str = "実績", date_col: str | None = None, value_col: str | None = None):
    """月次実績を、月末日を index とする float の Series に整えます。

    ``data`` は次のどれでもかまいません: 年月を index にした Series、{年月: 値} の辞書、
    (年月, 値) のリスト、年月の列と値の列を持つ DataFrame（``date_col`` / ``value_col`` で列名を指定。
    省略すると最初の列を年月、最後の列を値とみなします）。年月は "2024-04"、"2024/4"、"令和6年4月" などで書けます。

    値が空の月は除きます。数値でない値（「集計中」など）や、同じ月が 2 回あると ``DxkitError`` になります。
    """
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        if data.shape[1] < 2:
            raise DxkitError(f"{name}の表には、年月の列と値の列の 2 列が必要です。")
        dcol = date_col or data.columns[0]
        vcol = value_col or data.columns[-1]
        for col in (dcol, vcol):
            if col not in data.columns:
                raise DxkitError(f"{name}の表に「{col}」という列がありません。列名を確かめてください。")
        pairs = list(zip(data[dcol].tolist(), data[vcol].tolist()))
    elif isinstance(data, pd.Series):
        pairs = list(zip(data.index.tolist(), data.tolist()))
    elif isinstance(data, dict):
        pairs = list(data.items())
    elif isinstance(data, (list, tuple)):
        try:
            pairs = [(d, v) for d, v in data]
        except (TypeError, ValueError):
            raise DxkitError(f"{name}は (年月, 値) の組のリストにしてください。") from None
    else:
        raise DxkitError(f"{name}は Series・DataFrame・辞書・(年月, 値) のリストのどれかで渡してください。")

    dates, values, bad = [], [], []
    for when, value in pairs:
        day = to_date(when, f"{name}の年月")
        if day is None:
            raise DxkitError(f"{name}に年月が空の行があります。")
        if is_missing(value):
            continue
        try:
            number = to_number(value, f"{name}の値")
        except DxkitError:
            bad.append(f"{day:%Y-%m} の「{value}」")
            continue
        dates.append(month_end(day))
        values.append(number)
    if bad:
        raise DxkitError(f"{name}に数値でない値があります: {'、'.join(bad[:3])}"
                         f"{' ほか' if len(bad) > 3 else ''}。数値だけにしてください（未集計なら空欄にします）。")
    series = pd.Series(values, index=pd.DatetimeIndex(dates, name="年月"), name=name, dtype="float64")
    if series.index.has_duplicates:
        dup = sorted({f"{d:%Y-%m}" for d in series.index[series.index.duplicated()]})
        raise DxkitError(f"{name}に同じ月が 2 回以上あります: {'、'.join(dup)}。1 か月 1 つの値にしてください。")
    return series.sort_index()


# --------------------------------------------------------------------------- pure calculations

def achievement_rate(actual, baseline, target) -> float:
    """達成率 = (実績 − 基準値) ÷ (目標値 − 基準値) を返します（1.0 = 100%）。

    増やす指標（基準 20%→目標 60%、実績 40% なら 0.5）も、減らす指標（基準 30 分→目標 10 分、実績 25 分なら 0.25）も
    同じ式です。目標値と基準値が同じだと計算できないので ``DxkitError`` になります。
    """
    a = to_number(actual, "実績", allow_missing=False)
    b = to_number(baseline, "基準値", allow_missing=False)
    t = to_number(target, "目標値", allow_missing=False)
    if t == b:
        raise DxkitError("目標値と基準値が同じなので、達成率を計算できません（0 で割ることになります）。")
    return (a - b) / (t - b)


def elapsed_ratio(kpi: KPI, on) -> float:
    """基準日から期限までのうち、``on`` の日までに経過した割合（0〜1）です。"""
    require_trackable(kpi)
    day = to_date(on, "日付")
    if day is None:
        raise DxkitError("日付がありません。評価する日を渡してください。")
    total = (kpi.deadline - kpi.baseline_date).days
    return min(max((day - kpi.baseline_date).days / total, 0.0), 1.0)


def planned_value(kpi: KPI, on) -> float:
    """基準値から目標値への直線（計画の線）の、``on`` の日の値です。基準日より前は基準値、期限より後は目標値です。"""
    ratio = elapsed_ratio(kpi, on)
    return kpi.baseline + (kpi.target - kpi.baseline) * ratio


@dataclass
class Forecast:
    """直線の当てはめによる予測の結果です。"""

    kpi: KPI
    slope_per_month: float
    value_at_deadline: float
    achievement_at_deadline: float
    reach_date: _dt.date | None
    months_used: int
    fitted: object  # pandas Series: fitted line from the first used month to the deadline month

    @property
    def will_meet(self) -> bool:
        """このままのペースで期限までに目標に届く見込みなら True です。"""
        return self.achievement_at_deadline >= 1.0

    def __repr__(self) -> str:
        verdict = "届く見込み" if self.will_meet else "届かない見込み"
        reach = f"、目標到達は {self.reach_date:%Y年%m月}ごろ" if self.reach_date else ""
        return (f"予測「{self.kpi.name}」: 期限 {self.kpi.deadline} に {fmt(self.value_at_deadline)}{self.kpi.unit or ''}"
                f"（予測達成率 {pct(self.achievement_at_deadline)}）→ {verdict}{reach}"
                f"（直近 {self.months_used} か月の傾き {fmt(self.slope_per_month, 2)}/月）")

    def _repr_html_(self) -> str:
        return f"<p>{esc(repr(self))}</p>"


def forecast(kpi: KPI, actuals, as_of=None, window: int | None = WINDOW) -> Forecast:
    """月次実績に直線を当てはめて、期限の月の値と、目標に届くかを予測します。

    Args:
        kpi: 指標。
        actuals: 月次実績（``monthly_series`` が受け取れる形）。
        as_of: 評価日。これより後の実績は使いません。省略するとすべての実績を使います。
        window: 直近何か月の実績に当てはめるか（既定 12）。None ならすべて。3 か月以上の実績が必要です。
    """
    import numpy as np
    import pandas as pd

    require_trackable(kpi)
    series = _upto(monthly_series(actuals, f"「{kpi.name}」の実績"), as_of)
    if window is not None:
        if int(window) < 3:
            raise DxkitError("window は 3 以上にしてください（直線を当てはめるには 3 か月以上必要です）。")
        series = series.iloc[-int(window):]
    if len(series) < 3:
        raise DxkitError(f"「{kpi.name}」の予測には 3 か月分以上の実績が必要です（いまは {len(series)} か月分）。")
    x = np.array([_month_index(d.date()) for d in series.index], dtype=float)
    slope, intercept = np.polyfit(x, series.to_numpy(), 1)
    end_x = _month_index(kpi.deadline)
    value_at_deadline = slope * end_x + intercept
    ach = achievement_rate(value_at_deadline, kpi.baseline, kpi.target)
    reach = None
    # A flat series fits a slope of rounding noise (1e-17): that is "no trend", not a date millennia away.
    flat = abs(slope) <= 1e-9 * max(1.0, float(np.abs(series.to_numpy()).max()))
    if not flat and (kpi.target - kpi.baseline) * slope > 0:
        reach_x = (kpi.target - intercept) / slope
        if reach_x - x[-1] <= 12 * 100:          # beyond a century the line never reaches it in practice
            reach = _from_month_index(max(np.ceil(reach_x - 1e-9), x[0]))
    fit_x = np.arange(x[0], max(end_x, x[-1]) + 1)
    fitted = pd.Series(slope * fit_x + intercept, index=pd.DatetimeIndex([_from_month_index(v) for v in fit_x]),
                       name="予測")
    return Forecast(kpi, float(slope), float(value_at_deadline), float(ach), reach, len(series), fitted)


def decide_status(gap: float, forecast_achievement: float | None, achievement: float | None = None,
                  warn_gap: float = WARN_GAP, delay_gap: float = DELAY_GAP,
                  delay_forecast: float = DELAY_FORECAST) -> tuple[str, str]:
    """計画との差と予測達成率から、状態（順調/注意/遅延）とその理由を返します。きまりは ``status_rule()`` です。"""
    if achievement is not None and achievement >= 1.0:
        return "順調", f"すでに目標に届いています（達成率 {pct(achievement)}）。"
    reasons_delay, reasons_warn = [], []
    if gap < -delay_gap:
        reasons_delay.append(f"計画より {abs(gap) * 100:.0f} ポイント遅れています（{delay_gap * 100:.0f} ポイント超）")
    elif gap < -warn_gap:
        reasons_warn.append(f"計画より {abs(gap) * 100:.0f} ポイント遅れています（{warn_gap * 100:.0f} ポイント超）")
    if forecast_achievement is not None:
        if forecast_achievement < delay_forecast:
            reasons_delay.append(f"期限時点の予測達成率が {pct(forecast_achievement)} です（{delay_forecast * 100:.0f}% 未満）")
        elif forecast_achievement < 1.0:
            reasons_warn.append(f"期限時点の予測達成率が {pct(forecast_achievement)} で、100% に届きません")
    if reasons_delay:
        return "遅延", "。".join(reasons_delay + reasons_warn) + "。"
    if reasons_warn:
        return "注意", "。".join(reasons_warn) + "。"
    lead = "計画どおりか計画より進んでいて" if gap >= 0 else f"計画との差は {gap * 100:.0f} ポイントで許容の範囲にあり"
    return "順調", f"{lead}、このままのペースで期限までに目標に届く見込みです。"


@dataclass
class Tracking:
    """``track()`` の結果です。``to_dict()`` で表の 1 行にできます。"""

    kpi: KPI
    as_of: _dt.date
    latest_month: _dt.date
    latest: float
    achievement: float
    planned: float
    planned_achievement: float
    gap: float
    forecast: Forecast | None
    status: str
    reason: str
    rule: str

    def to_dict(self) -> dict:
        f = self.forecast
        return {
            "指標名": self.kpi.name, "単位": self.kpi.unit, "向き": self.kpi.direction,
            "最新の月": f"{self.latest_month:%Y-%m}", "最新の実績": self.latest,
            "基準値": self.kpi.baseline, "目標値": self.kpi.target, "期限": self.kpi.deadline,
            "達成率": self.achievement, "計画値": self.planned, "計画上の達成率": self.planned_achievement,
            "計画との差": self.gap, "期限時点の予測": f.value_at_deadline if f else None,
            "予測達成率": f.achievement_at_deadline if f else None,
            "状態": self.status, "理由": self.reason,
        }

    def __repr__(self) -> str:
        u = self.kpi.unit or ""
        lines = [
            f"【{self.status}】{self.kpi.name}（{self.as_of} 時点）",
            f"  最新の実績 {fmt(self.latest)}{u}（{self.latest_month:%Y-%m}）／計画値 {fmt(self.planned)}{u}",
            f"  達成率 {pct(self.achievement)}／計画上の達成率 {pct(self.planned_achievement)}"
            f"／計画との差 {self.gap * 100:+.0f} ポイント",
        ]
        if self.forecast:
            lines.append(f"  {self.forecast!r}")
        lines.append(f"  理由: {self.reason}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from dxkit.plotting import TEXT_COLORS as c  # readable (4.5:1) status colours, one palette

        color = {"順調": c["green"], "注意": c["orange"], "遅延": c["vermillion"]}[self.status]
        body = "<br>".join(esc(line.strip()) for line in repr(self).splitlines()[1:])
        return (f"<div style='border-left:6px solid {color};padding:4px 10px'>"
                f"<b style='color:{color}'>【{self.status}】</b> <b>{esc(self.kpi.name)}</b>"
                f"（{self.as_of} 時点）<br>{body}"
                f"<br><small>判定のきまり: {esc(self.rule)}</small></div>")


def _upto(series, as_of):
    if as_of is None:
        return series
    day = to_date(as_of, "評価日")
    return series[series.index <= _ts(day)]


def _ts(day):
    import pandas as pd

    return pd.Timestamp(day)


def track(kpi: KPI, actuals, as_of, window: int | None = WINDOW, warn_gap: float = WARN_GAP,
          delay_gap: float = DELAY_GAP, delay_forecast: float = DELAY_FORECAST) -> Tracking:
    """1 つの KPI の、評価日 ``as_of`` 時点の達成率・計画との差・予測・状態をまとめて計算します。

    ``as_of`` は必ず渡します（今日の日付は使いません）。予測は実績が 3 か月以上あるときだけ計算し、
    ないときは計画との差だけで状態を決めます。状態のきまりは ``status_rule()`` を見てください。
    """
    require_trackable(kpi)
    day = to_date(as_of, "評価日")
    if day is None:
        raise DxkitError("評価日（as_of）を渡してください。例: as_of=\"2025-03-31\"")
    series = _upto(monthly_series(actuals, f"「{kpi.name}」の実績"), day)
    if series.empty:
        raise DxkitError(f"「{kpi.name}」には {day} までの実績がありません。評価日と実績の年月を確かめてください。")
    latest_month = series.index[-1].date()
    latest = float(series.iloc[-1])
    ach = achievement_rate(latest, kpi.baseline, kpi.target)
    planned_ach = elapsed_ratio(kpi, latest_month)
    planned = planned_value(kpi, latest_month)
    gap = ach - planned_ach
    fc = forecast(kpi, series, window=window) if len(series) >= 3 else None
    status, reason = decide_status(gap, fc.achievement_at_deadline if fc else None, ach,
                                   warn_gap, delay_gap, delay_forecast)
    return Tracking(kpi, day, latest_month, latest, ach, planned, planned_ach, gap, fc, status, reason,
                    status_rule(warn_gap, delay_gap, delay_forecast))


def actuals_for(kpi: KPI, actuals, date_col: str = "年月", value_col: str = "実績値"):
    """複数の指標の実績から、その KPI の分を取り出します。

    ``actuals`` は {指標名または指標ID: 月次実績} の辞書か、「指標ID」または「指標名」の列・年月の列・値の列を持つ
    縦長の DataFrame（データセット ``kpi_monthly`` の形）です。
    """
    import pandas as pd

    if isinstance(actuals, dict):
        for key in (kpi.kpi_id, kpi.name):
            if key is not None and key in actuals:
                return actuals[key]
        raise DxkitError(f"実績の辞書に「{kpi.name}」の分がありません。キーを指標名か指標IDにしてください。")
    if isinstance(actuals, pd.DataFrame):
        for col, key in (("指標ID", kpi.kpi_id), ("指標名", kpi.name)):
            if key is not None and col in actuals.columns:
                part = actuals[actuals[col] == key]
                if not part.empty:
                    for needed in (date_col, value_col):
                        if needed not in part.columns:
                            raise DxkitError(f"実績の表に「{needed}」の列がありません。")
                    return part[[date_col, value_col]]
        raise DxkitError(f"実績の表に「{kpi.name}」の行がありません。「指標名」か「指標ID」の列を確かめてください。")
    raise DxkitError("複数の指標の実績は、辞書か DataFrame で渡してください。")


def track_many(kpis, actuals, as_of, **kwargs):
    """複数の KPI をまとめて ``track()`` し、1 行 1 指標の DataFrame を返します（会議資料の一覧表に使えます）。"""
    import pandas as pd

    rows = [track(kpi, actuals_for(kpi, actuals), as_of, **kwargs).to_dict() for kpi in kpis]
    return pd.DataFrame(rows)
