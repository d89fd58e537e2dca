"""population: 地域・年齢別人口 of the fictional みどり野市 (CP932 CSV, デジタル庁 standard columns).

A small cohort model by single year of age, district and sex: everyone ages a year, some die,
births follow district fertility, and each district has its own migration pattern (young adults
leave the mountains, families move into the new housing estate, and so on). Five-year bands are
summed from single years, so totals are consistent by construction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tools.datagen import write_csv
from tools.datagen._town import DISTRICTS, TOWN_CODE, TOWN_NAME, write_schema

SEED = 20240401
YEARS = [2020, 2021, 2022, 2023, 2024]  # 調査年月日 = April 1st of each year
MAX_AGE = 104  # single-year ages 0..104; the last band is 100歳以上
BANDS = [f"{a}-{a + 4}歳" for a in range(0, 100, 5)] + ["100歳以上"]

# Japan-like shape of the 5-year bands (relative sizes), before district tilts.
BASE_BANDS = [45, 51, 54, 57, 63, 64, 67, 75, 85, 99, 87, 79, 74, 82, 92, 71, 54, 37, 18, 5, 1]

# name -> (people in 2020, household size, total fertility, age tilts, migration per year)
# tilts: (age_from, age_to, multiplier); migration: (age_from, age_to, net rate per year)
PROFILES = {
    "urban_core": (4700, 2.15, 1.20, [(20, 39, 1.1), (65, 104, 1.1)], [(18, 24, -0.02), (30, 39, -0.015)]),
    "station": (4300, 1.75, 0.95, [(20, 34, 2.0), (0, 14, 0.6), (65, 104, 0.7)],
                [(18, 27, 0.035), (28, 39, -0.04), (0, 6, -0.06)]),
    "new_town_young": (4400, 2.85, 1.65, [(0, 12, 1.9), (28, 44, 1.8), (55, 104, 0.45)],
                       [(0, 6, 0.06), (28, 42, 0.05)]),
    "suburb": (3800, 2.55, 1.45, [(0, 14, 1.3), (30, 49, 1.3), (70, 104, 0.8)],
               [(0, 6, 0.025), (28, 42, 0.02)]),
    "mixed": (3600, 2.30, 1.30, [], [(18, 24, -0.03)]),
    "new_town_old": (3900, 2.00, 1.10, [(65, 84, 1.9), (25, 44, 0.6), (0, 14, 0.5)],
                     [(18, 29, -0.04), (75, 104, -0.01)]),
    "old_town": (2000, 2.40, 1.25, [(55, 89, 1.3), (20, 34, 0.8)], [(18, 24, -0.03)]),
    "rural": (2300, 2.80, 1.35, [(60, 89, 1.5), (18, 34, 0.6), (0, 14, 0.8)], [(18, 24, -0.06), (25, 34, -0.01)]),
    "mountain": (1400, 2.20, 1.15, [(65, 104, 2.1), (0, 14, 0.45), (18, 39, 0.4)],
                 [(18, 24, -0.09), (25, 39, -0.02), (0, 9, -0.01)]),
}


def band_columns() -> list[str]:
    return [f"{band}の{sex}" for band in BANDS for sex in ("男性", "女性")]


def _male_share(age: np.ndarray) -> np.ndarray:
    # About 51% boys at birth, falling to about a quarter of the over-95s.
    return np.clip(0.512 - 0.0045 * np.maximum(age - 55, 0), 0.22, None)


def _mortality(age: np.ndarray, male: bool) -> np.ndarray:
    q = 0.00015 * np.exp(0.095 * (age - 25)) * (1.6 if male else 1.0)
    return np.clip(np.where(age == 0, 0.002, q), 0.0002, 0.6)


def _fertility(age: np.ndarray, tfr: float) -> np.ndarray:
    shape = np.exp(-0.5 * ((age - 32) / 5.0) ** 2) * (age >= 15) * (age <= 49)
    return tfr * shape / shape.sum()


def _initial(rng, people: int, tilts) -> np.ndarray:
    """Return (2, MAX_AGE+1) counts: row 0 men, row 1 women."""
    weights = np.repeat(np.array(BASE_BANDS, dtype=float) / 5, [5] * 20 + [MAX_AGE - 99])
    age = np.arange(MAX_AGE + 1)
    weights = weights * np.exp(-0.35 * np.maximum(age - 100, 0))
    for lo, hi, mult in tilts:
        weights[lo:hi + 1] *= mult
    total = rng.multinomial(people, weights / weights.sum())
    men = rng.binomial(total, _male_share(age))
    return np.vstack([men, total - men])


def _step(rng, pop: np.ndarray, tfr: float, migration) -> np.ndarray:
    age = np.arange(MAX_AGE + 1)
    nxt = np.zeros_like(pop)
    for sex in (0, 1):
        alive = rng.binomial(pop[sex], 1 - _mortality(age, male=sex == 0))
        nxt[sex, 1:] = alive[:-1]
        nxt[sex, MAX_AGE] += alive[MAX_AGE]
    births = rng.poisson((pop[1] * _fertility(age, tfr)).sum())
    boys = rng.binomial(births, 0.512)
    nxt[:, 0] = [boys, births - boys]
    for lo, hi, rate in migration:
        part = nxt[:, lo:hi + 1]
        change = rng.poisson(part * rate) if rate > 0 else -rng.binomial(part, -rate)
        nxt[:, lo:hi + 1] = part + change
    return nxt


def _bands(counts: np.ndarray) -> list[int]:
    edges = list(range(0, 101, 5)) + [MAX_AGE + 1]
    return [int(counts[s, lo:hi].sum()) for lo, hi in zip(edges, edges[1:]) for s in (0, 1)]


def build() -> pd.DataFrame:
    rng = np.random.default_rng(SEED)
    rows = []
    for code, name, kind, _pos in DISTRICTS:
        people, hh_size, tfr, tilts, migration = PROFILES[kind]
        pop = _initial(rng, people, tilts)
        for i, year in enumerate(YEARS):
            if i:
                pop = _step(rng, pop, tfr, migration)
            bands = _bands(pop)
            men, women = sum(bands[0::2]), sum(bands[1::2])
            households = round((men + women) / (hh_size - 0.015 * i) * rng.normal(1, 0.004))
            rows.append([TOWN_CODE, code, TOWN_NAME, f"{year}-04-01", name, men + women, men, women,
                         *bands, households])
    columns = ["全国地方公共団体コード", "地域コード", "地方公共団体名", "調査年月日", "地域名",
               "総人口", "男性", "女性", *band_columns(), "世帯数"]
    return pd.DataFrame(rows, columns=columns).sort_values(["調査年月日", "地域コード"], ignore_index=True)


TOTAL_ROW_NAMES = ["市全体", "町全体", "村全体", "区全体", "全体", "合計", "総数", "計", "市計", "町計", "村計", "区計"]


def schema() -> dict:
    """The 地域・年齢別人口 schema: the standard's columns, the names other layouts use, the optional parts."""
    count = {"dtype": "int", "min": 0}
    return {
        "name": "population",
        "title": "地域・年齢別人口",
        "standard": "デジタル庁「自治体標準オープンデータセット」の「地域・年齢別人口」（2024 年版の列名と、"
                    "それより前の推奨データセットの列名のどちらも読めます）",
        "description": "地区別・5歳階級別・男女別の人口です。同梱の見本は架空のみどり野市（各年4月1日現在、"
                       "住民基本台帳の想定）。年齢階級の最後は「100歳以上」ですが、「85歳以上」などで終わるファイルも読めます。",
        "file": "population.csv",
        "file_patterns": ["*population*.csv", "*population*.xlsx", "*地域・年齢別人口*.csv", "*地域・年齢別人口*.xlsx"],
        "format": "csv",
        "encoding": "cp932",
        "header_row": 1,
        "missing_hint": "1 行が「年 × 年齢」の縦長の表（LinkData の population_statistics など）なら、"
                        "dxkit data convert ファイル --as population で書き直してから置いてください。",
        "unique": [["調査年月日", "地域コード"], ["調査年月日", "地域名"]],
        "totals": [{"total": "総人口", "parts": ["男性", "女性"], "label": "男性・女性"}],
        "age_bands": {"sexes": ["男性", "女性"], "tops": [85, 90, 95, 100], "after": "女性",
                      "unknown": "年齢不詳", "unknown_aliases": ["不詳者", "不詳"]},
        "header_rewrites": [[r"^(\d+)歳の(男性|女性)以上$", r"\1歳以上の\2"]],
        "total_row": {"code": "地域コード", "name": "地域名", "town": "地方公共団体名", "date": "調査年月日", "value": "総人口",
                      "names": TOTAL_ROW_NAMES},
        "columns": [
            {"name": "全国地方公共団体コード", "dtype": "str", "pattern": r"\d{6}", "pattern_hint": "6 桁の数字",
             "aliases": ["都道府県コード又は市区町村コード", "市区町村コード", "地方公共団体コード"],
             "description": "市区町村のコード（検査数字つき 6 桁）。同梱の見本は 99 で始まる架空のコードです。"},
            {"name": "地域コード", "dtype": "str", "required": False,
             "description": "市区町村の中の地区のコード（先頭の 0 を残すため文字列）。桁数は自治体によって違います"},
            {"name": "都道府県名", "dtype": "str", "required": False, "description": "都道府県名（2024 年版の列）"},
            {"name": "地方公共団体名", "dtype": "str", "aliases": ["市区町村名"], "description": "市区町村名"},
            {"name": "調査年月日", "dtype": "date", "format": "any",
             "description": "人口を数えた日（2024-04-01、2024/4/1、令和6年4月1日、Excel の日付の通し番号も読めます）"},
            {"name": "地域名", "dtype": "str", "required": False,
             "description": "地区の名前。空欄や「市全体」の行は市区町村全体の合計の行として分けます"},
            {"name": "総人口", **count, "description": "男性と女性の合計"},
            {"name": "男性", **count, "description": "男性の人数（年齢階級別の男性と年齢不詳の男性の合計）"},
            {"name": "女性", **count, "description": "女性の人数（年齢階級別の女性と年齢不詳の女性の合計）"},
            {"name": "世帯数", **count, "required": False, "description": "世帯の数"},
            {"name": "備考", "dtype": "str", "required": False, "description": "備考"},
        ],
    }


def generate(out: Path) -> list[Path]:
    return [write_csv(build(), out / "population.csv", encoding="cp932"),
            write_schema(schema(), out / "population.schema.json")]
