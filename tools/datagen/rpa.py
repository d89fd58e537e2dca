"""Course 03 (RPA): application workbooks (申請書), a ledger template, a CSV export and task candidates.

Everything is fictional (架空): みどり野市's 住宅改修補助金 申請書, filled in by invented people with
invented addresses, postal codes of the unassigned 000- range and phone numbers that cannot be
dialled (090-0000-…, 0123-00-…). Some forms carry the mistakes staff really meet; the lists
ERRORS_LESSON / ERRORS_EXERCISE below say which file has which problem.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from . import save_workbook, write_csv

SEED = 303
TOWN = "みどり野市"
TITLE = f"{TOWN} 住宅改修補助金 交付申請書"
FIELDS = ["申請番号", "申請日", "氏名", "フリガナ", "郵便番号", "住所", "電話番号", "区分", "金額"]
FIRST_ROW = 3  # 申請番号 is on row 3, the others below it
KINDS = {"省エネ改修": 200_000, "バリアフリー改修": 200_000, "耐震改修": 500_000}
LEDGER_COLUMNS = ["No", "申請番号", "申請日", "氏名", "フリガナ", "郵便番号", "住所", "電話番号", "区分", "金額", "元ファイル"]

SURNAMES = [("青葉", "アオバ"), ("桜井", "サクライ"), ("若草", "ワカクサ"), ("緑川", "ミドリカワ"), ("白浜", "シラハマ"),
            ("星野", "ホシノ"), ("森谷", "モリヤ"), ("山吹", "ヤマブキ"), ("川瀬", "カワセ"), ("朝霧", "アサギリ"),
            ("椿原", "ツバキハラ"), ("藤ヶ谷", "フジガヤ"), ("柚木", "ユノキ"), ("水城", "ミズキ"), ("野分", "ノワキ")]
GIVEN = [("花子", "ハナコ"), ("太郎", "タロウ"), ("陽菜", "ヒナ"), ("蓮", "レン"), ("結衣", "ユイ"), ("大和", "ヤマト"),
         ("美咲", "ミサキ"), ("健太", "ケンタ"), ("さくら", "サクラ"), ("翔", "ショウ"), ("葵", "アオイ"), ("湊", "ミナト")]
AREAS = [("中央", "001"), ("駅前", "002"), ("桜台", "003"), ("西台", "004"), ("東町", "005"), ("南が丘", "006"),
         ("本郷", "007"), ("川辺", "008"), ("北山", "009")]  # the districts of datasets/README.md

ZEN = str.maketrans("0123456789-", "０１２３４５６７８９－")

# File stem → what is wrong with it (documented in datasets/README.md and used by the lessons).
ERRORS_LESSON = {
    "申請書_R6-006": "申請日が存在しない日付（令和6年2月30日）",
    "申請書_R6-008": "電話番号が空欄",
    "申請書_R6-003_再提出": "申請書_R6-003 と同じ内容の二重提出",
    "申請書_R6-010": "区分が選択肢にない（耐震）",
}
ERRORS_EXERCISE = {
    "申請書_R6-104": "氏名が空欄",
    "申請書_R6-107": "申請日が存在しない日付（令和6年6月31日）",
    "申請書_R6-109": "郵便番号が6桁",
    "申請書_R6-111": "電話番号の桁数が足りない",
    "申請書_R6-113": "区分が選択肢にない（屋根改修）",
    "申請書_R6-116": "金額が区分の上限を超える（省エネ改修で 250,000 円）",
    "申請書_R6-118": "金額が数字でない（二十万円）",
    "申請書_R6-120": "フリガナがひらがな",
    "申請書_R6-122": "申請日が受付期間（令和6年4月1日〜令和7年3月31日）より前",
    "申請書_R6-102_再提出": "申請書_R6-102 と同じ内容の二重提出",
    "申請書_R6-125": "申請番号が R6-105 と同じで内容が違う（R6-105 も人の確認が必要）",
    "申請書_R6-127": "ファイルが壊れていて開けない",
    "申請書_R6-129": "電話番号が空欄、かつ郵便番号に英字",
}


def _person(rng, i: int) -> dict:
    s, sk = SURNAMES[int(rng.integers(len(SURNAMES)))]
    g, gk = GIVEN[int(rng.integers(len(GIVEN)))]
    area, code = AREAS[int(rng.integers(len(AREAS)))]
    block = f"{int(rng.integers(1, 5))}-{int(rng.integers(1, 30))}-{int(rng.integers(1, 20))}"
    if rng.random() < 0.5:
        phone = f"0{int(rng.choice([8, 9]))}0-0000-{int(rng.integers(1000, 9999))}"
    else:
        phone = f"0123-00-{int(rng.integers(1000, 9999))}"
    kind = list(KINDS)[int(rng.integers(len(KINDS)))]
    amount = int(rng.integers(5, KINDS[kind] // 10_000 + 1)) * 10_000
    return {"氏名": f"{s}　{g}", "フリガナ": f"{sk}　{gk}", "郵便番号": f"000-0{code}",
            "住所": f"{TOWN}{area}{block}", "電話番号": phone, "区分": kind, "金額": amount}


def _date_text(rng, day: _dt.date):
    """Dates as people write them: 和暦, 略記, 西暦, or a real Excel date cell."""
    style = int(rng.integers(4))
    reiwa = day.year - 2018
    if style == 0:
        return f"令和{reiwa}年{day.month}月{day.day}日"
    if style == 1:
        return f"R{reiwa}.{day.month}.{day.day}"
    if style == 2:
        return f"{day.year}/{day.month:02d}/{day.day:02d}"
    return _dt.datetime(day.year, day.month, day.day)


def _messy(rng, rec: dict) -> dict:
    """Harmless variation the rules must tolerate (全角 digits, 半角 kana, 「円」, spaces)."""
    rec = dict(rec)
    r = rng.random()
    if r < 0.2:
        rec["郵便番号"] = rec["郵便番号"].translate(ZEN)
    elif r < 0.3:
        rec["郵便番号"] = rec["郵便番号"].replace("-", "")
    r = rng.random()
    if r < 0.2:
        rec["電話番号"] = rec["電話番号"].translate(ZEN)
    r = rng.random()
    if r < 0.2:
        rec["金額"] = f"{rec['金額']:,}円"
    elif r < 0.3:
        rec["金額"] = str(rec["金額"]).translate(ZEN)
    if rng.random() < 0.1:
        import unicodedata

        # half-width katakana, as some old systems print it
        rec["フリガナ"] = "".join(_HANKAKU.get(ch, ch) for ch in unicodedata.normalize("NFKC", rec["フリガナ"]))
    return rec


_HANKAKU = {}
for _z, _h in zip("アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン",
                  "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ"):
    _HANKAKU[_z] = _h
_HANKAKU.update({"ガ": "ｶﾞ", "ギ": "ｷﾞ", "グ": "ｸﾞ", "ゲ": "ｹﾞ", "ゴ": "ｺﾞ", "ザ": "ｻﾞ", "ジ": "ｼﾞ", "ズ": "ｽﾞ",
                 "ゼ": "ｾﾞ", "ゾ": "ｿﾞ", "ダ": "ﾀﾞ", "デ": "ﾃﾞ", "ド": "ﾄﾞ", "バ": "ﾊﾞ", "ビ": "ﾋﾞ", "ブ": "ﾌﾞ",
                 "ベ": "ﾍﾞ", "ボ": "ﾎﾞ", "パ": "ﾊﾟ", "ピ": "ﾋﾟ", "プ": "ﾌﾟ", "ペ": "ﾍﾟ", "ポ": "ﾎﾟ", "ー": "ｰ",
                 "ャ": "ｬ", "ュ": "ｭ", "ョ": "ｮ", "ッ": "ｯ", " ": " "})

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABEL_FILL = PatternFill("solid", fgColor="E2EFDA")


def form_workbook(values: dict) -> Workbook:
    """The fixed-layout 申請書: labels in column B (rows 3–11), values in column C."""
    wb = Workbook()
    ws = wb.active
    ws.title = "申請書"
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["B"].width = 14
    ws.column_dimensions["C"].width = 40
    ws.column_dimensions["D"].width = 8
    ws.merge_cells("B1:D1")
    ws["B1"] = TITLE
    ws["B1"].font = Font(bold=True, size=14)
    ws["B2"] = "※ 講座用の架空の様式です。"
    ws["B2"].font = Font(size=9, color="808080")
    for i, name in enumerate(FIELDS):
        r = FIRST_ROW + i
        label, cell = ws.cell(r, 2, name), ws.cell(r, 3, values.get(name))
        label.fill, label.border, label.font = LABEL_FILL, BOX, Font(bold=True)
        cell.border = BOX
        cell.alignment = Alignment(horizontal="left")
        if isinstance(cell.value, _dt.datetime):
            cell.number_format = "yyyy/mm/dd"
    ws.cell(FIRST_ROW + FIELDS.index("金額"), 4, "円")
    dv = DataValidation(type="list", formula1='"' + ",".join(KINDS) + '"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(f"C{FIRST_ROW + FIELDS.index('区分')}")
    note = FIRST_ROW + len(FIELDS) + 1
    ws.cell(note, 2, "補助の上限: 省エネ改修・バリアフリー改修 200,000 円、耐震改修 500,000 円").font = Font(size=9)
    ws.cell(note + 1, 2, f"受付期間: 令和6年4月1日〜令和7年3月31日（{TOWN}・架空）").font = Font(size=9)
    return wb


def ledger_workbook() -> Workbook:
    """The 受付台帳 template: title, header on row 3, a formatted (empty) row 4, widths, filter, frozen panes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "受付台帳"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LEDGER_COLUMNS))
    ws["A1"] = f"{TOWN} 住宅改修補助金 受付台帳（架空）"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "※ 3 行目が見出しです。4 行目から下に 1 件 1 行で書き足します。見出しと書式は変えないでください。"
    ws["A2"].font = Font(size=9, color="808080")
    widths = [6, 11, 12, 16, 20, 10, 30, 15, 16, 11, 26]
    head_fill = PatternFill("solid", fgColor="375623")
    for c, (name, width) in enumerate(zip(LEDGER_COLUMNS, widths), start=1):
        h = ws.cell(3, c, name)
        h.font, h.fill, h.border = Font(bold=True, color="FFFFFF"), head_fill, BOX
        h.alignment = Alignment(horizontal="center")
        ws.column_dimensions[h.column_letter].width = width
        body = ws.cell(4, c)
        body.border = BOX
        if name == "申請日":
            body.number_format = "yyyy/mm/dd"
        elif name == "金額":
            body.number_format = "#,##0"
        elif name in ("申請番号", "郵便番号", "電話番号"):
            body.number_format = "@"
    ws.freeze_panes = "A4"
    ws.auto_filter.ref = f"A3:{ws.cell(3, len(LEDGER_COLUMNS)).column_letter}3"
    info = wb.create_sheet("記入要領")
    info["A1"] = "受付台帳の記入要領（架空）"
    info["A1"].font = Font(bold=True)
    for i, line in enumerate([
        "・申請書 1 枚を 1 行に転記します。申請番号が同じ申請は二重に登録しません。",
        "・不備のある申請書は台帳に書かず、例外リストに理由を書いて担当者が確認します。",
        "・元ファイル列には、転記元の申請書のファイル名を書きます。",
    ], start=3):
        info.cell(i, 1, line)
    info.column_dimensions["A"].width = 80
    return wb


def _days(rng, n: int, start=_dt.date(2024, 4, 8), span=100) -> list[_dt.date]:
    return sorted(start + _dt.timedelta(days=int(d)) for d in rng.integers(0, span, n))


def _write_forms(folder: Path, forms: list[tuple[str, dict]]) -> list[Path]:
    if folder.exists():
        for old in folder.glob("*.xlsx"):
            old.unlink()
    paths = []
    for stem, values in forms:
        paths.append(save_workbook(form_workbook(values), folder / f"{stem}.xlsx"))
    return paths


def lesson_forms(rng) -> list[tuple[str, dict]]:
    days = _days(rng, 10)
    forms = []
    for i in range(1, 10):
        rec = {"申請番号": f"R6-{i:03d}", "申請日": _date_text(rng, days[i - 1]), **_person(rng, i)}
        if i in (2, 5):
            rec = _messy(rng, rec)
        forms.append((f"申請書_R6-{i:03d}", rec))
    forms = dict(forms)
    forms["申請書_R6-004"]["郵便番号"] = forms["申請書_R6-004"]["郵便番号"].translate(ZEN)  # harmless 全角
    forms["申請書_R6-006"]["申請日"] = "令和6年2月30日"
    forms["申請書_R6-008"]["電話番号"] = None
    forms["申請書_R6-003_再提出"] = dict(forms["申請書_R6-003"])
    forms["申請書_R6-009"]["金額"] = f"{forms['申請書_R6-009']['金額']:,}円"
    rec = {"申請番号": "R6-010", "申請日": _date_text(rng, days[9]), **_person(rng, 10)}
    rec["区分"] = "耐震"
    forms["申請書_R6-010"] = rec
    return sorted(forms.items())


def exercise_forms(rng) -> list[tuple[str, dict]]:
    days = _days(rng, 29, start=_dt.date(2024, 5, 7), span=90)
    forms = {}
    for k, i in enumerate(range(101, 130)):
        rec = {"申請番号": f"R6-{i}", "申請日": _date_text(rng, days[k]), **_person(rng, i)}
        forms[f"申請書_R6-{i}"] = _messy(rng, rec)
    forms["申請書_R6-104"]["氏名"] = None
    forms["申請書_R6-107"]["申請日"] = "令和6年6月31日"
    forms["申請書_R6-109"]["郵便番号"] = "000-012"
    forms["申請書_R6-111"]["電話番号"] = "090-0000-123"
    forms["申請書_R6-113"]["区分"] = "屋根改修"
    forms["申請書_R6-116"]["区分"] = "省エネ改修"
    forms["申請書_R6-116"]["金額"] = 250_000
    forms["申請書_R6-118"]["金額"] = "二十万円"
    forms["申請書_R6-120"]["フリガナ"] = "あさぎり　みさき"
    forms["申請書_R6-122"]["申請日"] = "令和6年3月29日"
    forms["申請書_R6-102_再提出"] = dict(forms["申請書_R6-102"])
    conflict = dict(forms["申請書_R6-125"])
    conflict["申請番号"] = "R6-105"
    forms["申請書_R6-125"] = conflict
    forms["申請書_R6-129"]["電話番号"] = None
    forms["申請書_R6-129"]["郵便番号"] = "000-O12"  # letter O typed for zero
    return sorted(forms.items())


def online_export(rng) -> pd.DataFrame:
    """電子申請システムから出した CSV（同じ項目、申請番号は W6-…）。"""
    rows = []
    for i, day in enumerate(_days(rng, 8, start=_dt.date(2024, 5, 13), span=40), start=1):
        p = _person(rng, 200 + i)
        rows.append({"申請番号": f"W6-{i:03d}", "申請日": f"{day:%Y-%m-%d}", **p,
                     "金額": str(p["金額"])})
    rows[3]["郵便番号"] = rows[3]["郵便番号"].translate(ZEN)
    rows[5]["区分"] = "耐震　改修"  # a stray space the rule must report
    return pd.DataFrame(rows, columns=FIELDS)


TASKS = [
    # 業務名, 担当課, 年間件数, 1件あたり分, 定型, ルール化, 電子データ, メモ
    ("住宅改修補助金の申請書を受付台帳に転記", "建設課", 600, 6, 3, 3, 3, "Excel の申請書を台帳へ手入力"),
    ("異動届の受理通知の発送簿づくり", "住民課", 1800, 3, 3, 3, 3, "住基システムの画面から Excel へ貼り付け"),
    ("ふるさと納税の寄附受付データの取込み", "企画課", 2500, 2, 3, 3, 3, "ポータルの CSV を会計システムへ入力"),
    ("会議室の予約の受付", "総務課", 900, 2, 3, 2, 2, "電話とメールで受付"),
    ("保育所入所の利用調整（選考）", "子育て支援課", 300, 25, 1, 2, 2, "個別の事情を聞き取り判断"),
    ("生活保護の相談対応", "福祉課", 400, 45, 1, 1, 1, "面談が中心"),
    ("職員の時間外勤務の集計", "総務課", 12, 240, 3, 3, 3, "月1回、各課の Excel を集計"),
    ("道路の損傷の通報の受付", "建設課", 350, 8, 2, 2, 1, "電話・紙の通報票"),
    ("各種証明書の郵送請求の受付", "住民課", 1200, 10, 2, 3, 1, "紙の請求書・定額小為替"),
    ("議会答弁書の作成", "各課", 150, 120, 1, 1, 2, "内容は毎回違う"),
    ("口座振替依頼書の登録", "税務課", 1500, 4, 3, 3, 1, "紙の依頼書を見て入力"),
    ("公民館の講座アンケートの集計", "生涯学習課", 20, 90, 2, 2, 2, "紙のアンケートを Excel へ"),
]


def tasks_frame() -> pd.DataFrame:
    return pd.DataFrame(TASKS, columns=["業務名", "担当課", "年間件数", "1件あたり分", "定型", "ルール化", "電子データ", "メモ"])


def _schema(name, title, file, description, columns, encoding=None, unique=None) -> dict:
    schema = {"name": name, "title": title, "file": file, "format": "csv", "description": description,
              "fictional": True, "source": "架空（tools/datagen/rpa.py で生成）", "columns": columns}
    if unique:
        schema["unique"] = unique
    if encoding:
        schema["encoding"] = encoding
    return schema


def _col(name, dtype, description, required=True, **extra) -> dict:
    return {"name": name, "dtype": dtype, "required": required, **extra, "description": description}


def _write_json(obj, path: Path) -> Path:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def generate(out: Path) -> list[Path]:
    rng = np.random.default_rng(SEED)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    written += _write_forms(out / "rpa_forms_lesson", lesson_forms(rng))
    ex = exercise_forms(rng)
    written += _write_forms(out / "rpa_forms_exercise", ex)
    broken = out / "rpa_forms_exercise" / "申請書_R6-127.xlsx"
    data = broken.read_bytes()
    broken.write_bytes(data[: len(data) * 2 // 5])  # cut short, as a failed copy or mail attachment is
    written.append(save_workbook(ledger_workbook(), out / "rpa_ledger_template.xlsx"))

    export = online_export(rng)
    written.append(write_csv(export, out / "rpa_online_applications.csv", encoding="cp932"))
    written.append(_write_json(_schema(
        "rpa_online_applications", "電子申請の CSV 出力（住宅改修補助金・架空）", "rpa_online_applications.csv",
        "電子申請システムから出した申請の一覧（CP932）。紙の申請書と同じ項目で、検査前の生の値です。",
        [_col("申請番号", "str", "電子申請の番号（W6-連番）", unique=True),
         _col("申請日", "str", "申請日（西暦 2024-05-13 の形）"),
         _col("氏名", "str", "氏名（架空）"), _col("フリガナ", "str", "フリガナ（カタカナ）"),
         _col("郵便番号", "str", "郵便番号（架空の 000- の番号。全角のものを含む）"),
         _col("住所", "str", "住所（架空）"), _col("電話番号", "str", "電話番号（つながらない架空の番号）"),
         _col("区分", "str", "省エネ改修・バリアフリー改修・耐震改修（誤記を含む）"),
         _col("金額", "str", "補助申請額（円）。文字のまま")],
        encoding="cp932"), out / "rpa_online_applications.schema.json"))

    written.append(write_csv(tasks_frame(), out / "rpa_task_candidates.csv", encoding="utf-8"))
    written.append(_write_json(_schema(
        "rpa_task_candidates", "RPA の候補業務の棚卸し（みどり野市・架空）", "rpa_task_candidates.csv",
        "RPA を使うか考えるための業務の一覧。定型・ルール化・電子データは 1〜3 点（3 がよく当てはまる）。",
        [_col("業務名", "str", "業務の名前", unique=True), _col("担当課", "str", "担当の課"),
         _col("年間件数", "int", "1 年間の件数", min=0), _col("1件あたり分", "float", "1 件の手作業の時間（分）", min=0),
         _col("定型", "int", "手順が毎回同じか（1〜3）", min=1, max=3),
         _col("ルール化", "int", "判断が明文化されたルールで決まるか（1〜3）", min=1, max=3),
         _col("電子データ", "int", "入力が電子データか（1〜3。紙なら 1）", min=1, max=3),
         _col("メモ", "str", "今のやり方", required=False)]), out / "rpa_task_candidates.schema.json"))
    return written
