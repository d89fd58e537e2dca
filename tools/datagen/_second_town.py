"""Test fixtures: two more fictional towns, shaped unlike みどり野市 (not shipped in the wheel).

- ``tests/fixtures/town2/``: やまなみ村, a village of 3 districts with a 村全体 total row, surveyed on
  October 1st of 2021-2023, CP932 files with the 2024 header names (都道府県コード又は市区町村コード,
  市区町村名, 年齢不詳), a 「-」 cell; it supplies population, preschool (子育て施設一覧) and applications
  (fiscal years 2021-2022). Every course lesson that loads these datasets runs on it (tests/test_second_town.py).
- ``tests/fixtures/town3/population.csv``: あさひ台市, a city whose 市全体 row is over 100,000, in the older
  推奨データセット layout (top band 85歳以上), with a `#` note line, a title row, 2024/4/1 dates and quoted
  thousands separators.

    python -m tools.datagen._second_town        # rewrites both folders
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2] / "tests" / "fixtures"
SEED = 20231001
BANDS = [f"{a}-{a + 4}歳" for a in range(0, 100, 5)] + ["100歳以上"]
SHAPE = np.array([40, 44, 47, 45, 38, 42, 48, 55, 62, 70, 72, 70, 74, 82, 95, 88, 70, 50, 28, 10, 2], float)

VILLAGE, VILLAGE_CODE = "やまなみ村", "999024"  # 99902 + check digit 4; no prefecture uses 99
VILLAGE_DISTRICTS = [("010", "北川", 1.0), ("020", "南原", 0.7), ("030", "東谷", 0.45)]
CITY, CITY_CODE = "あさひ台市", "999032"
CITY_DISTRICTS = [("01", "あさひ台", 41000), ("02", "みなと", 33500), ("03", "ひかり", 27800), ("04", "やまて", 9600)]


def _bands(rng, people: int, old: float) -> list[int]:
    weights = SHAPE * np.linspace(1, old, len(SHAPE))
    counts = rng.multinomial(people, weights / weights.sum())
    men = rng.binomial(counts, 0.49)
    return [int(v) for pair in zip(men, counts - men) for v in pair]


def _write(rows: list[list], path: Path, encoding: str, before: list[str] = ()) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO(newline="")
    for line in before:
        buf.write(line + "\r\n")
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def village_population(rng) -> list[list]:
    header = ["都道府県コード又は市区町村コード", "地域コード", "都道府県名", "市区町村名", "調査年月日", "地域名",
              "総人口", "男性", "女性", *[f"{b}の{s}" for b in BANDS for s in ("男性", "女性")],
              "年齢不詳の男性", "年齢不詳の女性", "世帯数", "備考"]
    rows = [header]
    for year in (2021, 2022, 2023):
        districts = []
        for code, name, old in VILLAGE_DISTRICTS:
            people = int(900 * (1.6 - old) * (1 - 0.02 * (year - 2021)))
            bands = _bands(rng, people, 1 + old)
            unknown = [1, 0] if (code, year) == ("020", 2022) else [0, 0]
            men, women = sum(bands[0::2]) + unknown[0], sum(bands[1::2]) + unknown[1]
            households = round((men + women) / 2.6)
            districts.append([VILLAGE_CODE, code, "架空県", VILLAGE, f"{year}-10-01", name, men + women, men, women,
                              *bands, *unknown, households, ""])
        total = [sum(r[i] for r in districts) for i in range(6, len(header) - 1)]
        rows.append([VILLAGE_CODE, "", "架空県", VILLAGE, f"{year}-10-01", "村全体", *total, "村全体の合計"])
        rows += districts
    rows[-1][-2] = "-"  # 世帯数 not published for one district: read as missing, with a note
    return rows


def village_preschool() -> list[list]:
    from tools.datagen.nursery import STANDARD_COLUMNS

    facilities = [("Y001", "やまなみ村立北川保育所", "認可公立保育所", "北川", "123-4", 60),
                  ("Y002", "南原こども園", "認定こども園（幼保連携型）", "南原", "45", 40),
                  ("Y003", "東谷へき地保育所", "認可公立保育所", "東谷", "7-2", 15),
                  ("Y004", "北川放課後児童クラブ", "放課後児童クラブ", "北川", "130", "")]
    rows = [STANDARD_COLUMNS]
    for fid, name, kind, district, banchi, capacity in facilities:
        rec = dict.fromkeys(STANDARD_COLUMNS, "")
        rec.update({"全国地方公共団体コード": VILLAGE_CODE, "ID": fid, "地方公共団体名": f"架空県{VILLAGE}", "名称": name,
                    "種別": kind, "所在地_連結表記": f"架空県{VILLAGE}大字{district}{banchi}", "所在地_都道府県": "架空県",
                    "所在地_市区町村": VILLAGE, "所在地_町字": f"大字{district}", "所在地_番地以下": banchi,
                    "収容定員": capacity, "認可等年月日": "1980/4/1" if capacity else ""})
        rows.append([rec[c] for c in STANDARD_COLUMNS])
    return rows


def village_applications(rng) -> list[list]:
    procedures = [("住民票の写しの交付請求", 60, 0.05, 0.20), ("転出届", 12, 0.10, 0.40),
                  ("児童手当の認定請求", 5, 0.15, 0.45), ("保育所等の利用申込", 6, 0.20, 0.60),
                  ("粗大ごみ収集の申込", 30, 0.25, 0.55)]
    rows = [["年月", "手続名", "件数", "オンライン件数", "平均処理時間(分)"]]
    for m in range(24):
        month = dt.date(2021 + (3 + m) // 12, (3 + m) % 12 + 1, 1)
        era_year = month.year - 2018
        for name, per_month, start, end in procedures:
            count = int(rng.poisson(per_month))
            online = int(rng.binomial(count, start + (end - start) * m / 23))
            label = f"令和{era_year}年{month.month}月" if m % 3 else f"R{era_year}.{month.month}"
            rows.append([label, name, count, online, round(12 - 6 * online / max(count, 1), 1)])
    return rows


def city_population(rng) -> list[list]:
    bands = [f"{a}-{a + 4}歳" for a in range(0, 85, 5)] + ["85歳以上"]
    header = ["全国地方公共団体コード", "地域コード", "地方公共団体名", "調査年月日", "地域名", "総人口", "男性", "女性",
              *[f"{b}の{s}" for b in bands for s in ("男性", "女性")], "世帯数", "備考"]
    rows = [[f"{CITY} 地域・年齢別人口（各年4月1日現在、架空のデータです）"], header]
    for year in (2023, 2024):
        districts = []
        for code, name, people in CITY_DISTRICTS:
            full = _bands(rng, people + 150 * (year - 2023), 1.3)
            top = [sum(full[34::2]), sum(full[35::2])]  # 85歳以上 = 85-89 .. 100歳以上
            cells = full[:34] + top
            men, women = sum(cells[0::2]), sum(cells[1::2])
            districts.append([CITY_CODE, code, CITY, f"{year}/4/1", name, men + women, men, women, *cells,
                              round((men + women) / 2.3), ""])
        total = [sum(r[i] for r in districts) for i in range(5, len(header) - 1)]
        rows.append([CITY_CODE, "", CITY, f"{year}/4/1", "市全体", *total, ""])
        rows += districts
    for row in rows[2:]:
        row[5:8] = [f"{v:,}" for v in row[5:8]]  # 総人口・男性・女性 with thousands separators, quoted by csv
    return rows


def generate(root: Path = ROOT) -> list[Path]:
    rng = np.random.default_rng(SEED)
    town2, town3 = root / "town2", root / "town3"
    return [
        _write(village_population(rng), town2 / "999024_population_20231001.csv", "cp932"),
        _write(village_preschool(), town2 / "999024_preschool.csv", "cp932"),
        _write(village_applications(rng), town2 / "applications.csv", "cp932"),
        _write(city_population(rng), town3 / "population.csv", "utf-8-sig", ["# 出典: あさひ台市（架空）"]),
    ]


if __name__ == "__main__":
    for path in generate():
        print(path.relative_to(ROOT.parents[1]))
