"""Course 01 (BPR): step tables of the fictional town's 窓口 procedures and a 業務量調査 workbook.

All procedures, times and counts are fictional (架空) but plausible for a city of about
30,000 people (みどり野市, the fictional city used across the courses). Everything is written out by hand (process maps and survey rows are
authored, not sampled), so the output is the same byte for byte on every run; SEED is kept
for the datagen convention.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from . import save_workbook, write_csv

SEED = 101
STEP_COLUMNS = ["ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程"]

# (ID, 担当, 作業, 種別, 所要時間, 待ち時間, 処理, 媒体, 次工程)
TENKYO_ASIS = [
    (1, "住民", "記載台で住民異動届を記入する", "作業", 8, 0, "手作業", "紙", "2"),
    (2, "窓口職員", "届出を受け付け本人確認をする", "確認", 3, 12, "手作業", "紙", "3"),
    (3, "窓口職員", "記載内容を点検する", "確認", 2, 0, "手作業", "紙", "5:0.85,4:0.15"),
    (4, "住民", "不備を書き直す", "作業", 4, 0, "手作業", "紙", "3"),
    (5, "窓口職員", "届出書を後方の係へ回す", "移動", 1, 0, "手作業", "紙", "6"),
    (6, "後方職員", "届出書を見て住基システムに入力する", "転記", 7, 10, "手作業", "データ", "7"),
    (7, "後方職員", "入力内容を届出書と読み合わせる", "確認", 3, 0, "手作業", "紙", "8"),
    (8, "住基システム", "住民票を更新する", "作業", 1, 0, "システム", "データ", "9"),
    (9, "後方職員", "関係課への連絡票を手書きする", "転記", 4, 0, "手作業", "紙", "10"),
    (10, "住民", "国保・手当の窓口へ移動する", "移動", 3, 0, "手作業", "なし", "11"),
    (11, "関係課職員", "関係課の届出書に記入してもらい受け付ける", "転記", 6, 8, "手作業", "紙", "12"),
    (12, "関係課職員", "国保・児童手当のシステムに入力する", "転記", 5, 0, "手作業", "データ", "13"),
    (13, "窓口職員", "マイナンバーカード等を返却し説明する", "作業", 2, 6, "手作業", "紙", ""),
]

TENKYO_TOBE = [
    (1, "住民", "本人確認書類を出し職員の質問に答える", "作業", 3, 5, "手作業", "なし", "2"),
    (2, "窓口職員", "聞き取りながら窓口支援システムで届出書を作る", "作業", 4, 0, "手作業", "データ", "3"),
    (3, "住民", "印字された届出書を確かめて署名する", "確認", 1, 0, "手作業", "紙", "4"),
    (4, "窓口支援システム", "住基システムへデータを連携する", "作業", 0.5, 0, "システム", "データ", "5"),
    (5, "窓口職員", "連携結果を画面で確認する", "確認", 1.5, 0, "手作業", "データ", "6"),
    (6, "窓口支援システム", "関係課へ異動情報を連携する", "作業", 0.5, 0, "システム", "データ", "7"),
    (7, "関係課職員", "同じ窓口で関連手続きを案内し確定する", "確認", 3, 0, "手作業", "データ", "8"),
    (8, "窓口職員", "マイナンバーカード等を返却し説明する", "作業", 1, 0, "手作業", "なし", ""),
]

JIDOUTEATE = [
    (1, "申請者", "認定請求書を記入する", "作業", 10, 0, "手作業", "紙", "2"),
    (2, "窓口職員", "受付・本人確認・添付書類を確認する", "確認", 5, 15, "手作業", "紙", "3:0.8,4:0.2"),
    (3, "窓口職員", "受付簿に手書きで記録する", "転記", 2, 0, "手作業", "紙", "5"),
    (4, "申請者", "不足書類をそろえて出し直す", "作業", 5, 1440, "手作業", "紙", "2"),
    (5, "窓口職員", "書類を担当係へ回す", "移動", 1, 0, "手作業", "紙", "6"),
    (6, "担当職員", "所得・世帯を照会し審査票に書き写す", "確認", 12, 240, "手作業", "紙", "7"),
    (7, "担当職員", "児童手当システムに入力する", "転記", 8, 0, "手作業", "データ", "8"),
    (8, "担当職員", "別の職員と入力内容を読み合わせる", "確認", 5, 60, "手作業", "紙", "9"),
    (9, "係長・課長", "紙の起案文書で決裁する", "確認", 3, 960, "手作業", "紙", "10"),
    (10, "担当職員", "認定通知書を印刷し封入する", "作業", 4, 0, "手作業", "紙", "11"),
    (11, "担当職員", "発送簿に手書きで記録する", "転記", 2, 0, "手作業", "紙", ""),
]

SODAIGOMI = [
    (1, "住民", "環境課に電話で申し込む", "作業", 2, 3, "手作業", "なし", "2"),
    (2, "環境課職員", "品目・大きさを聞き取りメモする", "作業", 5, 0, "手作業", "紙", "3"),
    (3, "環境課職員", "品目表を見て手数料を計算する", "確認", 2, 0, "手作業", "紙", "4"),
    (4, "環境課職員", "受付台帳に転記する", "転記", 3, 0, "手作業", "紙", "5"),
    (5, "環境課職員", "収集業者へ FAX で依頼する", "転記", 3, 120, "手作業", "紙", "6"),
    (6, "収集業者", "収集日を決めて FAX で返す", "判断", 5, 240, "手作業", "紙", "7"),
    (7, "環境課職員", "住民に折り返し電話で収集日を伝える", "作業", 3, 60, "手作業", "なし", "8:0.7,7:0.3"),
    (8, "住民", "コンビニ等で処理券を買い貼る", "作業", 15, 0, "手作業", "紙", ""),
]

JUMINHYO = [
    (1, "住民", "交付請求書を記入する", "作業", 4, 0, "手作業", "紙", "2"),
    (2, "窓口職員", "受付・本人確認をする", "確認", 2, 8, "手作業", "紙", "3"),
    (3, "窓口職員", "住基システムで対象者を検索し印刷する", "作業", 2, 0, "手作業", "データ", "4"),
    (4, "窓口職員", "請求書と写しを照合する", "確認", 1, 0, "手作業", "紙", "5"),
    (5, "会計窓口", "手数料を収納する", "作業", 1, 3, "手作業", "紙", "6"),
    (6, "窓口職員", "写しを交付する", "作業", 1, 0, "手作業", "紙", ""),
]

INKAN = [
    (1, "住民", "印鑑登録申請書を記入する", "作業", 5, 0, "手作業", "紙", "2"),
    (2, "窓口職員", "受付・本人確認をする", "確認", 3, 10, "手作業", "紙", "3:0.9,4:0.1"),
    (3, "窓口職員", "印影を登録し印鑑登録証を作る", "作業", 4, 0, "手作業", "データ", "6"),
    (4, "窓口職員", "照会書を本人あてに郵送する", "作業", 5, 0, "手作業", "紙", "5"),
    (5, "住民", "回答書を持って再来庁する", "作業", 3, 2880, "手作業", "紙", "3"),
    (6, "窓口職員", "印鑑登録原票を台帳につづる", "転記", 2, 0, "手作業", "紙", "7"),
    (7, "窓口職員", "印鑑登録証を交付する", "作業", 1, 0, "手作業", "紙", ""),
]

MAPS = {
    "bpr_tenkyo_asis": (TENKYO_ASIS, "cp932", "転居届（As-Is）の工程表",
                        "みどり野市（架空）の住民課窓口での転居届の現状の流れ。CP932 の CSV（職員の Excel から書き出した形）。"),
    "bpr_tenkyo_tobe": (TENKYO_TOBE, "utf-8", "転居届（To-Be）の工程表",
                        "書かないワンストップ窓口にした後の流れ（架空の設計案）。"),
    "bpr_jidouteate": (JIDOUTEATE, "utf-8", "児童手当 認定請求（As-Is）の工程表",
                       "子育て支援課の児童手当 認定請求の現状の流れ（架空）。差し戻しの分岐と決裁待ちを含みます。"),
    "bpr_sodaigomi": (SODAIGOMI, "utf-8", "粗大ごみ収集申込（As-Is）の工程表",
                      "環境課の電話受付による粗大ごみ収集申込の現状の流れ（架空）。"),
    "bpr_juminhyo": (JUMINHYO, "utf-8", "住民票の写し交付（As-Is）の工程表",
                     "住民課窓口での住民票の写し交付の現状の流れ（架空）。"),
    "bpr_inkan": (INKAN, "utf-8", "印鑑登録（As-Is）の工程表",
                  "住民課窓口での印鑑登録の現状の流れ（架空）。代理・本人確認書類なしの場合の照会書郵送を含みます。"),
}

# 業務量調査 rows (all fictional for みどり野市, population about 30,000). The mapped procedures'
# 平均処理時間 equals the staff time computed from their step tables (rounded to 0.1 min).
# (業務名, 担当課, 根拠法令, 目的, 繁忙期の月, 繁忙期の月間件数, 閑散期の月間件数, 平均処理時間（分）, 投入人員)
SURVEY = [
    ("住民票の写し交付", "住民課", "住民基本台帳法", "住民票の写しを交付する", (3, 4), 1400, 900, 7.0, 2.0),
    ("転居届", "住民課", "住民基本台帳法", "市内での住所の異動を住民基本台帳に記録する", (3, 4), 260, 105, 33.4, 1.5),
    ("転入届", "住民課", "住民基本台帳法", "転入者を住民基本台帳に記録する", (3, 4), 230, 95, 45.0, 1.5),
    ("転出届", "住民課", "住民基本台帳法", "転出者に転出証明書を交付する", (3, 4), 210, 90, 15.0, 0.5),
    ("印鑑登録", "住民課", "みどり野市印鑑条例", "印鑑を登録し印鑑登録証を交付する", (3, 4), 110, 70, 10.5, 0.3),
    ("印鑑登録証明書の交付", "住民課", "みどり野市印鑑条例", "印鑑登録証明書を交付する", (3, 4), 900, 650, 5.0, 0.6),
    ("戸籍謄抄本の交付", "住民課", "戸籍法", "戸籍の証明書を交付する", (3,), 420, 300, 8.0, 0.4),
    ("出生届", "住民課", "戸籍法", "出生を戸籍に記載する", (7, 8), 35, 28, 25.0, 0.1),
    ("国民健康保険 加入・喪失", "保険年金課", "国民健康保険法", "国保の資格を取得・喪失させる", (3, 4), 330, 150, 20.0, 0.6),
    ("国民年金 資格取得届", "保険年金課", "国民年金法", "国民年金の資格を記録する", (4,), 60, 35, 15.0, 0.1),
    ("後期高齢者医療 各種申請", "保険年金課", "高齢者の医療の確保に関する法律", "後期高齢者医療の申請を受け付ける", (8,), 180, 90, 18.0, 0.3),
    ("児童手当 認定請求", "子育て支援課", "児童手当法", "児童手当の受給資格を認定し支給を始める", (3, 4), 95, 50, 43.3, 0.4),
    ("保育所 入所申込", "子育て支援課", "子ども・子育て支援法、児童福祉法", "保育の必要性を認定し入所を調整する", (10, 11), 160, 15, 55.0, 0.5),
    ("子ども医療費助成 申請", "子育て支援課", "みどり野市子ども医療費助成条例", "医療費助成の受給者証を交付する", (3, 4), 90, 45, 20.0, 0.2),
    ("所得証明書の交付", "税務課", "地方税法", "所得・課税の証明書を交付する", (5, 6), 600, 250, 6.0, 0.3),
    ("軽自動車税 減免申請", "税務課", "地方税法、みどり野市税条例", "軽自動車税の減免を審査する", (5,), 80, 5, 30.0, 0.1),
    ("介護保険 要介護認定申請", "福祉課", "介護保険法", "要介護度を認定する", (1,), 150, 110, 60.0, 1.0),
    ("障害福祉サービス 支給申請", "福祉課", "障害者総合支援法", "障害福祉サービスの支給を決定する", (3,), 90, 55, 70.0, 0.6),
    ("粗大ごみ収集申込", "環境課", "みどり野市廃棄物の処理及び清掃に関する条例", "粗大ごみの戸別収集を受け付ける", (3, 4, 12), 240, 130, 22.3, 0.5),
    ("犬の登録・注射済票交付", "環境課", "狂犬病予防法", "犬を登録し狂犬病予防注射済票を交付する", (4, 5, 6), 250, 20, 8.0, 0.1),
    ("道路占用許可申請", "建設課", "道路法", "道路の占用を許可する", (6,), 30, 20, 90.0, 0.2),
]


def _steps_frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=STEP_COLUMNS)
    df["所要時間"] = df["所要時間"].astype(float)
    df["待ち時間"] = df["待ち時間"].astype(float)
    return df


def _survey() -> pd.DataFrame:
    out = []
    for i, (name, dept, law, purpose, peak, pm, om, minutes, staff) in enumerate(SURVEY, start=1):
        annual = pm * len(peak) + om * (12 - len(peak))
        out.append({"No": i, "業務名": name, "担当課": dept, "根拠法令": law, "目的": purpose,
                    "年間件数": int(annual), "平均処理時間（分）": minutes,
                    "繁忙期": "・".join(f"{m}月" for m in peak), "繁忙期の月間件数": int(pm),
                    "閑散期の月間件数": int(om), "投入人員（人）": staff})
    return pd.DataFrame(out)


STEP_SCHEMA_COLUMNS = [
    {"name": "ID", "dtype": "int", "required": True, "description": "工程の番号。最初の行が開始工程"},
    {"name": "担当", "dtype": "str", "required": True, "description": "工程を行う人・場所（図のレーン）"},
    {"name": "作業", "dtype": "str", "required": True, "description": "作業の名前"},
    {"name": "種別", "dtype": "str", "required": True, "allowed": ["作業", "確認", "転記", "判断", "移動", "待ち"],
     "description": "工程の種類"},
    {"name": "所要時間", "dtype": "float", "required": True, "min": 0, "description": "工程にかかる時間（分）"},
    {"name": "待ち時間", "dtype": "float", "required": True, "min": 0, "description": "工程が始まるまでの待ち時間（分）"},
    {"name": "処理", "dtype": "str", "required": True, "allowed": ["手作業", "システム"],
     "description": "WFA の手作業／システム処理"},
    {"name": "媒体", "dtype": "str", "required": True, "allowed": ["紙", "データ", "なし"],
     "description": "WFA の情報の実現手段（紙／データ）"},
    {"name": "次工程", "dtype": "str", "required": False,
     "description": "次に進む工程の ID。空欄は終わり。分岐は「3,5」、確率つきは「3:0.8,5:0.2」"},
]

SURVEY_SCHEMA_COLUMNS = [
    {"name": "No", "dtype": "int", "required": True, "description": "行番号"},
    {"name": "業務名", "dtype": "str", "required": True, "description": "手続き・業務の名前"},
    {"name": "担当課", "dtype": "str", "required": True, "description": "所管部署"},
    {"name": "根拠法令", "dtype": "str", "required": True, "description": "業務の根拠となる法令・条例"},
    {"name": "目的", "dtype": "str", "required": True, "description": "業務の目的"},
    {"name": "年間件数", "dtype": "int", "required": True, "min": 0, "description": "1 年間の処理件数"},
    {"name": "平均処理時間（分）", "dtype": "float", "required": True, "min": 0,
     "description": "1 件あたりの職員の平均処理時間（分）"},
    {"name": "繁忙期", "dtype": "str", "required": True, "description": "件数の多い月（例: 3月・4月）"},
    {"name": "繁忙期の月間件数", "dtype": "int", "required": True, "min": 0, "description": "繁忙期の 1 か月あたり件数"},
    {"name": "閑散期の月間件数", "dtype": "int", "required": True, "min": 0, "description": "それ以外の月の 1 か月あたり件数"},
    {"name": "投入人員（人）", "dtype": "float", "required": True, "min": 0, "description": "この業務に充てている人員（常勤換算）"},
]


def _schema(name: str, file: str, title: str, description: str, columns: list, fmt: str,
            encoding: str | None = None, sheet: str | None = None, unique: list | None = None) -> dict:
    schema = {"name": name, "title": title, "file": file, "format": fmt, "description": description,
              "fictional": True, "source": "架空（tools/datagen/bpr.py で生成）", "header_row": 1,
              "unique": unique or [], "columns": columns}
    if encoding:
        schema["encoding"] = encoding
    if sheet:
        schema["sheet"] = sheet
    return schema


def _write_schema(out: Path, schema: dict) -> Path:
    path = out / f"{schema['name']}.schema.json"
    path.write_text(json.dumps(schema, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    return path


def generate(out: Path) -> list[Path]:
    out = Path(out)
    written: list[Path] = []
    for name, (rows, encoding, title, description) in MAPS.items():
        path = write_csv(_steps_frame(rows), out / f"{name}.csv", encoding=encoding)
        written.append(path)
        written.append(_write_schema(out, _schema(name, path.name, title, description, STEP_SCHEMA_COLUMNS,
                                                  "csv", encoding=encoding, unique=["ID"])))
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    survey = _survey()
    wb = Workbook()
    ws = wb.active
    ws.title = "業務量調査"
    ws.append(list(survey.columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for row in survey.itertuples(index=False):
        ws.append([v.item() if hasattr(v, "item") else v for v in row])
    widths = {"A": 5, "B": 30, "C": 14, "D": 30, "E": 40, "F": 10, "G": 18, "H": 12, "I": 16, "J": 16, "K": 14}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "B2"
    note = wb.create_sheet("説明")
    note.append(["この業務量調査は架空のみどり野市のものです。数値はすべて架空です。"])
    note.append(["年間業務時間（時間）= 年間件数 × 平均処理時間（分）÷ 60 で求めます。"])
    path = save_workbook(wb, out / "bpr_gyomuryo.xlsx")
    written.append(path)
    written.append(_write_schema(out, _schema(
        "bpr_gyomuryo", path.name, "業務量調査（みどり野市・架空）",
        "手続きごとの年間件数・平均処理時間・担当課・繁忙期・投入人員（業務説明表の項目を含む）。",
        SURVEY_SCHEMA_COLUMNS, "xlsx", sheet="業務量調査", unique=["業務名"])))
    return written
