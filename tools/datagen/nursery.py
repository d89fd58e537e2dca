"""preschool and nursery_enrollment: the fictional みどり野市's nurseries, in two files.

- ``preschool.csv``: 子育て施設一覧 in デジタル庁's 自治体標準オープンデータセット layout (the standard's
  columns, 収容定員 for capacity, 所在地_連結表記 for the address). A real town's file can replace it.
- ``nursery_enrollment.xlsx``: 保育所等の入所状況, a made-up office spreadsheet (title rows above the
  header, 「-」 for age classes a nursery does not take) with what the standard lacks: children enrolled
  by age class. Used in course 05 to practise reading a sheet with a title row.

Capacity is deliberately uneven: the new housing estate 桜台 and the suburb 西台 have far fewer
places than young children (full, even over capacity), while 南が丘 and 北山 have spare places.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from tools.datagen import save_workbook, write_csv
from tools.datagen._town import DISTRICTS, TOWN_CODE, TOWN_NAME, latlon, write_schema

SEED = 20240402
SHEET = "入所状況"
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
# The 子育て施設一覧 columns of the 自治体標準オープンデータセット, in the standard's order.
STANDARD_COLUMNS = [
    "全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字", "種別", "所在地_全国地方公共団体コード",
    "町字ID", "所在地_連結表記", "所在地_都道府県", "所在地_市区町村", "所在地_町字", "所在地_番地以下", "建物名等(方書)",
    "緯度", "経度", "高度の種別", "高度の値", "アクセス方法", "駐車場情報", "電話番号", "内線番号", "FAX番号",
    "連絡先メールアドレス", "連絡先FormURL", "連絡先備考（その他、SNSなど）", "郵便番号", "法人番号", "団体名", "認可等年月日",
    "収容定員", "受入年齢", "利用可能曜日", "開始時間", "終了時間", "利用可能日時特記事項", "一時預かりの有無",
    "子供預かり料金種別", "子供預かり料金", "子供預かり料金備考", "子供預かり開所時間", "子供預かり閉所時間", "病児保育の有無",
    "授乳室", "おむつ替えコーナー", "飲食可否", "ベビーカー貸出", "ベビーカー利用", "URL", "画像", "画像_ライセンス", "備考",
]
ENROLLMENT_COLUMNS = ["施設名", "種別", "定員", *AGES, "在籍児童数"]


def _enrolled(rng, kind: str, district: str, capacity: int) -> list[int]:
    share = np.array(AGE_SHARE.get(kind, AGE_SHARE["other"]))
    expected = capacity * share * OCCUPANCY[district] * rng.normal(1, 0.06, size=6)
    return [int(v) for v in np.maximum(np.rint(expected), 0).astype(int) * (share > 0)]


def build() -> list[dict]:
    rng = np.random.default_rng(SEED)
    positions = {name: pos for _code, name, _kind, pos in DISTRICTS}
    rows = []
    for i, (name, kind, owner, district, capacity, opened) in enumerate(FACILITIES, start=1):
        north, east = positions[district]
        lat, lon = latlon(north + rng.uniform(-0.6, 0.6), east + rng.uniform(-0.6, 0.6))
        chome, banchi = f"{district}{rng.integers(1, 5)}丁目", f"{rng.integers(1, 30)}-{rng.integers(1, 20)}"
        kids = _enrolled(rng, kind, district, capacity)
        rows.append(dict(id=f"N{i:03d}", name=name, kind=kind, owner=owner, district=district, chome=chome,
                         banchi=banchi, lat=lat, lon=lon, capacity=capacity, kids=kids, opened=opened))
    return rows


def preschool_table(rows: list[dict]) -> pd.DataFrame:
    records = []
    for r in rows:
        small = r["kind"] == "小規模保育"
        rec = dict.fromkeys(STANDARD_COLUMNS, "")
        rec.update({
            "全国地方公共団体コード": TOWN_CODE, "ID": r["id"], "地方公共団体名": TOWN_NAME, "名称": r["name"],
            "種別": r["kind"], "所在地_全国地方公共団体コード": TOWN_CODE,
            "所在地_連結表記": f"{TOWN_NAME}{r['chome']}{r['banchi']}", "所在地_市区町村": TOWN_NAME,
            "所在地_町字": r["chome"], "所在地_番地以下": r["banchi"], "緯度": r["lat"], "経度": r["lon"],
            "団体名": TOWN_NAME if r["owner"] == "公立" else "", "認可等年月日": f"{r['opened']}/4/1",
            "収容定員": r["capacity"], "受入年齢": "0歳から2歳" if small else "0歳から5歳",
            "利用可能曜日": "月火水木金土", "開始時間": "7:00", "終了時間": "19:00",
            "備考": "架空のデータです（公立）" if r["owner"] == "公立" else "架空のデータです（私立）",
        })
        records.append(rec)
    return pd.DataFrame(records, columns=STANDARD_COLUMNS)


def workbook(rows: list[dict]) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = f"{TOWN_NAME} 保育所等の入所状況（架空のデータです）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "令和6年4月1日現在　（単位：人）　「-」はその年齢の子どもを受け入れていないことを表します"
    ws.append(ENROLLMENT_COLUMNS)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center")
    for r in rows:
        share = AGE_SHARE.get(r["kind"], AGE_SHARE["other"])
        ages = [k if s > 0 else "-" for k, s in zip(r["kids"], share)]
        ws.append([r["name"], r["kind"], r["capacity"], *ages, sum(r["kids"])])
    for col, width in zip("ABC", [26, 14, 8]):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    notes = wb.create_sheet("注記")
    for line in ["このファイルは dxkit の学習用に作った架空のデータです。実在の施設ではありません。",
                 "定員は保育の利用定員です（認定こども園は保育を必要とする子ども（2号・3号）の定員）。",
                 "年齢は令和6年4月1日時点のクラス年齢です。小規模保育は0〜2歳児が対象です（3〜5歳児は「-」）。",
                 "施設の所在地などは、子育て施設一覧（preschool.csv）にあります。施設名で突き合わせられます。"]:
        notes.append([line])
    return wb


def preschool_schema() -> dict:
    typed = {
        "全国地方公共団体コード": {"dtype": "str", "pattern": r"\d{6}", "pattern_hint": "6 桁の数字",
                          "aliases": ["都道府県コード又は市区町村コード"], "description": "施設のある市区町村のコード"},
        "名称": {"dtype": "str", "description": "施設の名前"},
        "種別": {"dtype": "str", "required": False, "description": "施設の種類（認可保育所、認定こども園、幼稚園、放課後児童クラブなど）"},
        "所在地_連結表記": {"dtype": "str", "description": "所在地（都道府県から番地まで続けて書いたもの）。地区を決めるのに使います"},
        "緯度": {"dtype": "float", "required": False, "min": 20.0, "max": 46.0, "description": "世界測地系の緯度"},
        "経度": {"dtype": "float", "required": False, "min": 122.0, "max": 154.0, "description": "世界測地系の経度"},
        "認可等年月日": {"dtype": "date", "format": "any", "required": False, "description": "認可などを受けた日"},
        "収容定員": {"dtype": "int", "required": False, "min": 0, "description": "施設の定員（人）"},
    }
    columns = [{"name": c, **typed.get(c, {"dtype": "str", "required": False})} for c in STANDARD_COLUMNS]
    return {
        "name": "preschool",
        "title": "子育て施設一覧",
        "standard": "デジタル庁「自治体標準オープンデータセット」の「子育て施設一覧」",
        "description": "保育所・認定こども園・幼稚園・放課後児童クラブなどの一覧です。同梱の見本は架空のみどり野市の保育施設"
                       "（令和6年4月1日現在）。地区の列はないので、所在地_連結表記 から dxkit.data.match_district で地区を決めます。",
        "file": "preschool.csv",
        "file_patterns": ["*preschool*.csv", "*子育て施設*.csv", "*preschool*.xlsx", "*子育て施設*.xlsx"],
        "format": "csv",
        "encoding": "utf-8-sig",
        "header_row": 1,
        "unique": ["ID"],
        "columns": columns,
    }


def enrollment_schema() -> dict:
    kids = [{"name": a, "dtype": "int", "min": 0, "max": 100, "required": False,
             "description": f"在籍している{a}クラスの子どもの数（「-」は受け入れていない年齢）"} for a in AGES]
    return {
        "name": "nursery_enrollment",
        "title": "保育所等の入所状況（架空のみどり野市）",
        "description": "架空のみどり野市の保育施設ごとの定員と、年齢クラス別の在籍児童数です（令和6年4月1日現在）。"
                       "1 行目にタイトル、2 行目に基準日と注記がある Excel で、受け入れていない年齢は「-」です。",
        "file": "nursery_enrollment.xlsx",
        "format": "xlsx",
        "sheet": SHEET,
        "header_row": 3,
        "unique": ["施設名"],
        "totals": [{"total": "在籍児童数", "parts": AGES, "optional_parts": AGES, "label": "0歳児〜5歳児"}],
        "columns": [
            {"name": "施設名", "dtype": "str", "description": "施設の名前（子育て施設一覧の「名称」と同じ）"},
            {"name": "種別", "dtype": "category", "allowed": KINDS, "description": "施設の種類"},
            {"name": "定員", "dtype": "int", "min": 1, "max": 300, "description": "保育の利用定員"},
            *kids,
            {"name": "在籍児童数", "dtype": "int", "min": 0, "max": 400, "description": "0歳児〜5歳児の合計"},
        ],
    }


def generate(out: Path) -> list[Path]:
    rows = build()
    return [write_csv(preschool_table(rows), out / "preschool.csv", encoding="utf-8-sig"),
            write_schema(preschool_schema(), out / "preschool.schema.json"),
            save_workbook(workbook(rows), out / "nursery_enrollment.xlsx"),
            write_schema(enrollment_schema(), out / "nursery_enrollment.schema.json")]
