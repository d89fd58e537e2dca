"""applications: monthly counts of applications by procedure (UTF-8 CSV with BOM, 和暦 months).

The raw file is written the way a shared spreadsheet kept by several people looks: months as
「令和4年4月」, 「R4.5」 or with 全角 digits, and some counts with thousands separators or 全角
digits. ``load_dataset("applications")`` turns them into dates and integers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from tools.datagen import write_csv
from tools.datagen._town import write_schema

SEED = 20240403
FIRST = dt.date(2022, 4, 1)  # 令和4年4月 .. 令和7年3月 (three fiscal years)
MONTHS = 36

# name, cases per month, online share at start and end, minutes per case at the counter and online,
# seasonal peaks {month: multiplier}
PROCEDURES = [
    ("住民票の写しの交付請求", 820, 0.04, 0.16, 8, 3, {3: 1.35, 4: 1.3}),
    ("印鑑登録証明書の交付請求", 430, 0.02, 0.09, 7, 3, {3: 1.2}),
    ("市税の証明書の交付請求", 380, 0.03, 0.14, 9, 3, {6: 1.5, 7: 1.2}),
    ("転出届", 110, 0.12, 0.48, 15, 6, {3: 2.1, 4: 1.6}),
    ("児童手当の認定請求", 38, 0.18, 0.58, 25, 12, {4: 1.5}),
    ("保育所等の利用申込", 55, 0.22, 0.72, 40, 18, {10: 2.6, 11: 2.2, 2: 1.3}),
    ("要介護認定の申請", 95, 0.01, 0.07, 30, 20, {}),
    ("粗大ごみ収集の申込", 390, 0.30, 0.66, 6, 2, {3: 1.5, 4: 1.3, 12: 1.3}),
    ("公共施設の利用予約", 1150, 0.42, 0.81, 5, 1, {8: 0.8, 1: 0.85}),
    ("水道の使用開始・中止届", 280, 0.26, 0.61, 6, 2, {3: 1.8, 4: 1.5}),
]
PROCEDURE_NAMES = [p[0] for p in PROCEDURES]
COLUMNS = ["年月", "手続名", "件数", "オンライン件数", "平均処理時間(分)"]


def months() -> list[dt.date]:
    return [dt.date(FIRST.year + (FIRST.month - 1 + i) // 12, (FIRST.month - 1 + i) % 12 + 1, 1) for i in range(MONTHS)]


def _zenkaku(text: str) -> str:
    return text.translate(str.maketrans("0123456789,", "０１２３４５６７８９，"))


def _month_label(rng, month: dt.date) -> str:
    reiwa = month.year - 2018
    style = rng.choice(4, p=[0.7, 0.15, 0.1, 0.05])
    return [f"令和{reiwa}年{month.month}月", f"R{reiwa}.{month.month}",
            _zenkaku(f"令和{reiwa}年{month.month}月"), f"R{reiwa}/{month.month}"][style]


def _count_label(rng, value: int) -> str:
    style = rng.choice(3, p=[0.8, 0.12, 0.08])
    return [str(value), f"{value:,}", _zenkaku(f"{value:,}")][style]


def _row(rng, i: int, month: dt.date, proc) -> list:
    name, base, share0, share1, counter_min, online_min, peaks = proc
    count = int(rng.poisson(base * peaks.get(month.month, 1.0)))
    progress = i / (MONTHS - 1)
    share = share0 + (share1 - share0) * (3 * progress**2 - 2 * progress**3)  # smooth S-curve
    online = int(rng.binomial(count, min(share * rng.normal(1, 0.05), 1.0)))
    online_rate = online / count if count else 0.0
    minutes = (counter_min * (1 - online_rate) + online_min * online_rate) * rng.normal(1, 0.04)
    return [_month_label(rng, month), name, _count_label(rng, count), _count_label(rng, online), round(minutes, 1)]


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    rows = [_row(rng, i, month, proc) for i, month in enumerate(months()) for proc in PROCEDURES]
    return pd.DataFrame(rows, columns=COLUMNS)


def schema() -> dict:
    count = {"dtype": "int", "min": 0, "max": 100000}
    return {
        "name": "applications",
        "title": "手続別・月別の申請件数",
        "description": "架空のみどり野市の主な手続について、月ごとの申請件数、そのうちオンライン申請の件数、"
                       "1 件あたりの職員の平均処理時間です（令和4年4月〜令和7年3月）。年月は和暦で、"
                       "「令和4年4月」「R4.5」や全角数字が混ざっています。件数にはカンマ区切りや全角数字があります。",
        "file": "applications.csv",
        "format": "csv",
        "encoding": "utf-8-sig",
        "header_row": 1,
        "unique": ["年月", "手続名"],
        "not_greater": [["オンライン件数", "件数"]],
        "columns": [
            {"name": "年月", "dtype": "date", "format": "wareki_month", "min": "2019-05-01",
             "description": "集計した月（和暦。読み込むとその月の1日の日付になります）"},
            {"name": "手続名", "dtype": "str", "description": "手続の名前"},
            {"name": "件数", **count, "description": "その月に受け付けた申請の件数（窓口＋オンライン）"},
            {"name": "オンライン件数", **count, "description": "そのうちオンラインで受け付けた件数"},
            {"name": "平均処理時間(分)", "dtype": "float", "min": 0, "max": 600,
             "description": "1 件あたりの職員の平均処理時間（分）"},
        ],
    }


def generate(out: Path) -> list[Path]:
    return [write_csv(build(), out / "applications.csv", encoding="utf-8-sig"),
            write_schema(schema(), out / "applications.schema.json")]
