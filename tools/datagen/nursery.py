"""nursery: 保育施設一覧 of the fictional みどり野市 (Excel workbook with a title above the header).

Capacity is deliberately uneven: the new housing estate 桜台 and the suburb 西台 have far fewer
places than young children (full, even over capacity), while 南が丘 and 北山 have spare places.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from tools.datagen import save_workbook
from tools.datagen._town import DISTRICTS, TOWN_NAME, latlon, write_schema

SEED = 20240402
SHEET = "保育施設一覧"
AGES = [f"{a}歳児" for a in range(6)]
KINDS = ["認可保育所", "認定こども園", "小規模保育"]

# name, kind, owner, district, capacity, opened
FACILITIES = [
    ("みどり野市立中央保育所", "認可保育所", "公立", "中央", 90, 1975),
    ("中央ひだまり保育室", "小規模保育", "私立", "中央", 19, 2016),
    ("みどり野こども園", "認定こども園", "私立", "中央", 45, 2015),
    ("えきまえ虹いろ保育園", "認可保育所", "私立", "駅前", 60, 2012),
    ("駅前すくすく保育室", "小規模保育", "私立", "駅前", 19, 2017),
    ("駅前ちいさな森保育室", "小規模保育", "私立", "駅前", 12, 2021),
    ("さくらだい保育園", "認可保育所", "私立", "桜台", 120, 2014),
    ("桜台こども園", "認定こども園", "私立", "桜台", 60, 2019),
    ("さくらんぼ保育室", "小規模保育", "私立", "桜台", 19, 2022),
    ("みどり野市立西台保育所", "認可保育所", "公立", "西台", 70, 1980),
    ("西台のびのび保育室", "小規模保育", "私立", "西台", 15, 2020),
    ("東町ひまわり保育園", "認可保育所", "私立", "東町", 90, 1998),
    ("ひがしまちこども園", "認定こども園", "私立", "東町", 30, 2018),
    ("みどり野市立南が丘保育所", "認可保育所", "公立", "南が丘", 120, 1978),
    ("本郷保育園", "認可保育所", "私立", "本郷", 45, 1968),
    ("みどり野市立川辺保育所", "認可保育所", "公立", "川辺", 60, 1972),
    ("みどり野市立北山保育所", "認可保育所", "公立", "北山", 30, 1970),
]
# Share of each age class in the places, and how full each district's nurseries are.
AGE_SHARE = {"小規模保育": [0.25, 0.38, 0.37, 0, 0, 0], "other": [0.08, 0.15, 0.17, 0.20, 0.20, 0.20]}
OCCUPANCY = {"中央": 0.86, "駅前": 0.97, "桜台": 1.04, "西台": 1.03, "東町": 0.93,
             "南が丘": 0.48, "本郷": 0.9, "川辺": 0.7, "北山": 0.37}
COLUMNS = ["施設番号", "名称", "種別", "設置主体", "地域名", "住所", "緯度", "経度", "定員",
           *AGES, "在籍児童数", "開設年"]


def _enrolled(rng, kind: str, district: str, capacity: int) -> list[int]:
    share = np.array(AGE_SHARE.get(kind, AGE_SHARE["other"]))
    expected = capacity * share * OCCUPANCY[district] * rng.normal(1, 0.06, size=6)
    return [int(v) for v in np.maximum(np.rint(expected), 0).astype(int) * (share > 0)]


def build() -> list[list]:
    rng = np.random.default_rng(SEED)
    positions = {name: pos for _code, name, _kind, pos in DISTRICTS}
    rows = []
    for i, (name, kind, owner, district, capacity, opened) in enumerate(FACILITIES, start=1):
        north, east = positions[district]
        lat, lon = latlon(north + rng.uniform(-0.6, 0.6), east + rng.uniform(-0.6, 0.6))
        address = f"{TOWN_NAME}{district}{rng.integers(1, 5)}丁目{rng.integers(1, 30)}-{rng.integers(1, 20)}"
        kids = _enrolled(rng, kind, district, capacity)
        rows.append([f"N{i:03d}", name, kind, owner, district, address, lat, lon, capacity, *kids, sum(kids), opened])
    return rows


def workbook(rows: list[list]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = f"{TOWN_NAME} 保育施設一覧（架空のデータです）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "令和6年4月1日現在　（単位：人）"
    ws.append(COLUMNS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    for col, width in zip("ABCDEFGH", [10, 26, 14, 10, 10, 30, 12, 12]):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    notes = wb.create_sheet("注記")
    for line in ["このファイルは dxkit の学習用に作った架空のデータです。実在の施設・住所ではありません。",
                 "定員は保育の利用定員です（認定こども園は保育を必要とする子ども（2号・3号）の定員）。",
                 "年齢は令和6年4月1日時点のクラス年齢です。小規模保育は0〜2歳児が対象です。",
                 "緯度・経度は架空の位置です（地図上では海の上になります）。"]:
        notes.append([line])
    return wb


def schema() -> dict:
    kids = [{"name": a, "dtype": "int", "min": 0, "max": 100, "description": f"在籍している{a}クラスの子どもの数"}
            for a in AGES]
    return {
        "name": "nursery",
        "title": "保育施設一覧（架空のみどり野市）",
        "description": "架空のみどり野市の保育施設（認可保育所・認定こども園・小規模保育）の定員と、"
                       "年齢クラス別の在籍児童数です（令和6年4月1日現在）。1 行目にタイトル、2 行目に基準日がある Excel です。",
        "file": "nursery.xlsx",
        "format": "xlsx",
        "sheet": SHEET,
        "header_row": 3,
        "unique": ["施設番号"],
        "totals": [{"total": "在籍児童数", "parts": AGES, "label": "0歳児〜5歳児"}],
        "columns": [
            {"name": "施設番号", "dtype": "str", "pattern": r"N\d{3}", "pattern_hint": "N と 3 桁の数字（例: N001）",
             "description": "施設を区別する番号"},
            {"name": "名称", "dtype": "str", "description": "施設の名前"},
            {"name": "種別", "dtype": "category", "allowed": KINDS, "description": "施設の種類"},
            {"name": "設置主体", "dtype": "category", "allowed": ["公立", "私立"], "description": "公立か私立か"},
            {"name": "地域名", "dtype": "str", "description": "施設のある地区（population の地域名と同じ）"},
            {"name": "住所", "dtype": "str", "description": "所在地（架空）"},
            {"name": "緯度", "dtype": "float", "min": 20.0, "max": 46.0, "description": "世界測地系の緯度（架空の位置）"},
            {"name": "経度", "dtype": "float", "min": 122.0, "max": 154.0, "description": "世界測地系の経度（架空の位置）"},
            {"name": "定員", "dtype": "int", "min": 1, "max": 300, "description": "保育の利用定員"},
            *kids,
            {"name": "在籍児童数", "dtype": "int", "min": 0, "max": 400, "description": "0歳児〜5歳児の合計"},
            {"name": "開設年", "dtype": "int", "min": 1900, "max": 2024, "description": "開設した年（西暦）"},
        ],
    }


def generate(out: Path) -> list[Path]:
    return [save_workbook(workbook(build()), out / "nursery.xlsx"),
            write_schema(schema(), out / "nursery.schema.json")]
