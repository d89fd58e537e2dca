"""Course 02 (PDCA/KPI) datasets: monthly actuals of the town's DX KPIs, a KPI definition workbook
(good and badly written KPIs for the SMART repair lesson) and the exercise's monthly actuals.

All values are synthetic (架空). Shapes are designed for the lessons: on-track KPIs, one at risk
(コンビニ交付率: fast start, then a plateau), and an output that rises (書かない窓口 利用件数) while the
outcome it was meant to move (窓口平均待ち時間) stays flat.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from . import save_workbook, write_csv

SEED = 20240402

# name, unit, decimals
MAIN_KPIS = {
    "K01": ("オンライン申請率", "%", 1),
    "K02": ("窓口平均待ち時間", "分", 1),
    "K03": ("RPAによる削減時間", "時間", 0),
    "K04": ("書かない窓口 利用件数", "件", 0),
    "K05": ("証明書のコンビニ交付率", "%", 1),
}
EXERCISE_KPIS = {
    "E01": ("保育所入所申込のオンライン申込率", "%", 1),
    "E02": ("申込書の不備による差戻し件数", "件", 0),
    "E03": ("申込1件あたりの受付処理時間", "分", 1),
}


def _months(start: str, n: int) -> list[pd.Timestamp]:
    return list(pd.date_range(start, periods=n, freq="MS"))


def _main_values(rng: np.random.Generator, months: list[pd.Timestamp]) -> dict[str, list[float]]:
    n = len(months)
    t = np.arange(1, n + 1)
    busy = np.array([1.0 if m.month in (3, 4) else 0.0 for m in months])  # 転入・転出の繁忙期

    k01 = 12 + 0.86 * t - 1.2 * busy + rng.normal(0, 0.6, n)

    k02 = np.where(t <= 6, 25 - 0.35 * t, 22.9) + 4.5 * busy + rng.normal(0, 0.7, n)

    steps = {"2023-07": 15, "2023-10": 15, "2024-01": 15, "2024-05": 15, "2024-09": 15, "2025-01": 15,
             "2025-05": 15}
    k03 = np.array([sum(v for k, v in steps.items() if m >= pd.Timestamp(k)) for m in months], dtype=float)
    k03 = np.where(k03 > 0, k03 + rng.normal(0, 2.0, n), 0.0)

    start = pd.Timestamp("2023-10-01")
    k04 = np.array([0.0 if m < start else 80 + 22 * ((m.year - 2023) * 12 + m.month - 10) for m in months])
    k04 = np.where(k04 > 0, k04 * (1 + rng.normal(0, 0.05, n)) + 25 * busy, 0.0)

    k05 = np.where(t <= 12, 8 + 0.9 * t, 8 + 0.9 * 12 + 0.35 * (t - 12)) + rng.normal(0, 0.4, n)

    return {"K01": k01, "K02": k02, "K03": k03, "K04": k04, "K05": k05}


def _exercise_values(rng: np.random.Generator, months: list[pd.Timestamp]) -> dict[str, list[float]]:
    n = len(months)
    t = np.arange(1, n + 1)
    e01 = 5 + 1.7 * t + rng.normal(0, 0.9, n)
    e02 = 40 - 1.2 * t + rng.normal(0, 1.5, n)
    e03 = np.where(t <= 10, 45 - 1.0 * t, 35 - 0.3 * (t - 10)) + rng.normal(0, 0.6, n)
    return {"E01": e01, "E02": e02, "E03": e03}


def _long_frame(months, values, kpis) -> pd.DataFrame:
    rows = []
    for kpi_id, (name, unit, decimals) in kpis.items():
        for month, value in zip(months, values[kpi_id]):
            number = round(float(value), decimals)
            rows.append({"年月": f"{month:%Y-%m}", "指標ID": kpi_id, "指標名": name, "単位": unit,
                         "実績値": int(number) if decimals == 0 else number})
    df = pd.DataFrame(rows)
    return df.sort_values(["年月", "指標ID"], kind="stable").reset_index(drop=True)


DEF_COLUMNS = ["指標ID", "指標名", "単位", "基準値", "基準日", "目標値", "期限", "向き", "担当", "データ源",
               "指標の区分", "測りたいもの", "備考"]

DEFINITIONS = [
    # The town's DX plan KPIs (well written). Dates in 和暦, as staff type them.
    ["K01", "オンライン申請率", "%", 12, "令和5年3月31日", 40, "令和8年3月31日", "増やす", "DX推進課",
     "電子申請システムと窓口の受付件数（月次）", "アウトカム", "アウトカム",
     "オンライン化した手続の申請のうちオンラインで受け付けた割合"],
    ["K02", "窓口平均待ち時間", "分", 25, "令和5年3月31日", 15, "令和8年3月31日", "減らす", "住民課",
     "窓口の発券機の記録（月平均）", "アウトカム", "アウトカム", "番号札の発券から呼出しまでの平均"],
    ["K03", "RPAによる削減時間", "時間", 0, "令和5年3月31日", 120, "令和8年3月31日", "増やす", "DX推進課",
     "RPA稼働ログと手作業時間の実測（月次）", "アウトカム", "アウトカム", "1か月あたりの職員の作業時間の削減"],
    ["K04", "書かない窓口 利用件数", "件", 0, "令和5年3月31日", 500, "令和8年3月31日", "増やす", "住民課",
     "窓口支援システムの利用記録（月次）", "アウトプット", "アウトプット", "申請書作成支援を使った受付の件数"],
    ["K05", "証明書のコンビニ交付率", "%", 8, "令和5年3月31日", 30, "令和8年3月31日", "増やす", "住民課",
     "証明書発行システムの交付件数（月次）", "アウトカム", "アウトカム", "住民票の写し等の交付のうちコンビニ交付の割合"],
    # Badly written KPIs for the SMART repair lesson.
    ["B01", "窓口のDXを推進する", None, None, None, None, None, "増やす", "DX推進課", None, None, "アウトカム",
     "計画書の文言をそのまま指標にしてしまった例"],
    ["B02", "職員向けRPA研修の開催回数", "回", 0, "令和5年3月31日", 6, "令和6年3月31日", "増やす", "総務課",
     "研修の実施記録", "アウトプット", "アウトカム", "本当に知りたいのは業務時間が減ったかどうか"],
    ["B03", "窓口平均待ち時間（案）", "分", 25, "令和5年3月31日", 30, "令和8年3月31日", "減らす", "住民課",
     "窓口の発券機の記録（月平均）", "アウトカム", "アウトカム", "目標値の入力ミス"],
    ["B04", "電子申請の利用件数", "件", None, None, 3000, "令和8年3月31日", "増やす", "DX推進課",
     "電子申請システムの受付件数", "アウトカム", "アウトカム", "基準値を測らずに目標だけ決めた例"],
    ["B05", "証明書のコンビニ交付率（案）", "%", 8, "令和5年3月31日", 30, None, "増やす", None,
     "証明書発行システムの交付件数", "アウトカム", "アウトカム", "期限と担当が決まっていない"],
    ["B06", "LINE公式アカウントの友だち登録者数", "人", 1200, "令和5年3月31日", 5000, "令和4年3月31日", "増やす",
     "広報課", None, "アウトカム", "アウトカム", "期限の年の書き間違い・データ源が未定"],
]


def _definitions_workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "KPI定義"
    ws.append(DEF_COLUMNS)
    for row in DEFINITIONS:
        ws.append(row)
    head = PatternFill("solid", fgColor="DCE8F6")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = head
        cell.alignment = Alignment(horizontal="center")
    widths = [8, 30, 6, 8, 16, 8, 16, 8, 12, 36, 12, 12, 44]
    for col, width in zip("ABCDEFGHIJKLM", widths):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    note = wb.create_sheet("注記")
    note.append(["この表は dxkit の教材用の架空のデータです。実在の自治体の計画ではありません。"])
    note.append(["K01〜K05 は架空の市（みどり野市）の DX 推進計画の KPI、B01〜B06 は SMART レビューで直す練習用のわざと不十分な KPI です。"])
    return save_workbook(wb, path)


def generate(out: Path) -> list[Path]:
    rng = np.random.default_rng(SEED)
    out = Path(out)
    main_months = _months("2023-04-01", 30)  # 2023-04 .. 2025-09
    main = _long_frame(main_months, _main_values(rng, main_months), MAIN_KPIS)
    ex_months = _months("2023-10-01", 24)  # 2023-10 .. 2025-09
    exercise = _long_frame(ex_months, _exercise_values(rng, ex_months), EXERCISE_KPIS)
    return [
        write_csv(main, out / "kpi_monthly.csv", encoding="cp932"),
        _definitions_workbook(out / "kpi_definitions.xlsx"),
        write_csv(exercise, out / "kpi_exercise_monthly.csv"),
    ]
