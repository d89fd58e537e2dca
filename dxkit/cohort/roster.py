"""受講者名簿（CSV / Excel）を読み込み、nbgrader の成績簿に登録します。

学習者 ID は「団体コード-職員番号」です（例: 992011-1234）。職員番号は自治体の中でしか一意でなく、
Excel では先頭の 0 が消えるので、値はすべて文字列として読み、職員番号の先頭の 0 は ID では省きます。
所属（所属自治体・所属課）は nbgrader の学習者の記録に欄が無いため、成績簿の横の
``cohort/roster.csv`` に保存します。
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dxkit.errors import DxkitError

COLUMNS = {  # canonical column -> accepted header spellings (normalized)
    "団体コード": ("団体コード", "地方公共団体コード", "自治体コード", "全国地方公共団体コード"),
    "職員番号": ("職員番号", "職員コード", "職員id"),
    "氏名": ("氏名", "名前", "なまえ"),
    "所属自治体": ("所属自治体", "自治体", "自治体名", "団体名"),
    "所属課": ("所属課", "所属", "課", "部署", "所属部署"),
    "e-mail": ("e-mail", "email", "メール", "メールアドレス", "mail", "電子メール"),
}
REQUIRED = ("団体コード", "職員番号", "氏名", "所属自治体")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ROSTER_FIELDS = ("learner_id", "code", "staff_no", "name", "town", "section", "email")


@dataclass(frozen=True)
class Learner:
    """受講者 1 人です。"""

    learner_id: str
    code: str
    staff_no: str
    name: str
    town: str
    section: str = ""
    email: str = ""

    @property
    def name_key(self) -> str:
        return re.sub(r"\s+", "", normalize(self.name))


@dataclass
class RosterReport:
    """名簿の読み込み結果です。``rejected`` は (行番号, 理由) の一覧です。"""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)   # imported, but to be confirmed

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        out = [f"名簿を読み込みました: 追加 {len(self.added)} 人、更新 {len(self.updated)} 人、"
               f"変更なし {len(self.unchanged)} 人、取り込まなかった行 {len(self.rejected)} 行"]
        out += [f"  {line} 行目: {reason}" for line, reason in self.rejected]
        if self.warnings:
            out.append("確認してください（取り込みました）:")
            out += [f"  {line} 行目: {note}" for line, note in self.warnings]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def normalize(text) -> str:
    """全角英数字を半角にし、前後の空白を取ります。"""
    if text is None:
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def check_digit_ok(code: str) -> bool:
    """全国地方公共団体コード（6 桁）の検査数字を確かめます。"""
    if not re.fullmatch(r"\d{6}", code):
        return False
    total = sum(int(d) * w for d, w in zip(code[:5], (6, 5, 4, 3, 2)))
    digit = (11 - total % 11) % 10
    return digit == int(code[5])


def with_check_digit(five: str) -> str:
    """5 桁の団体コードに検査数字を付けて 6 桁にします。"""
    total = sum(int(d) * w for d, w in zip(five, (6, 5, 4, 3, 2)))
    return five + str((11 - total % 11) % 10)


def normalize_code(value) -> str:
    """団体コードを 6 桁の文字列にします（Excel で消えた先頭の 0 を補います）。"""
    text = normalize(value)
    if re.fullmatch(r"\d+\.0", text):  # a number cell read as float
        text = text[:-2]
    text = text.replace("-", "")
    if re.fullmatch(r"\d{1,5}", text):
        text = text.zfill(6)
    return text


def normalize_staff_no(value) -> str:
    """職員番号を ID 用の形にします（数字だけなら先頭の 0 を省きます）。"""
    text = normalize(value)
    if re.fullmatch(r"\d+\.0", text):
        text = text[:-2]
    if re.fullmatch(r"\d+", text):
        text = text.lstrip("0") or "0"
    return text


def make_learner_id(code, staff_no) -> str:
    """学習者 ID「団体コード-職員番号」を作ります。"""
    return f"{normalize_code(code)}-{normalize_staff_no(staff_no)}"


# ------------------------------------------------------------------ reading tables

def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None / NaN
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(path: Path | str) -> list[tuple[int, dict[str, str]]]:
    """CSV / Excel の表を (行番号, {列名: 文字列}) の一覧で返します。値はすべて文字列として読みます。"""
    path = Path(path)
    if not path.is_file():
        raise DxkitError(f"名簿のファイルが見つかりません: {path}")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        wb.close()
    elif path.suffix.lower() in (".csv", ".txt"):
        from dxkit.data import read_csv_auto

        df = read_csv_auto(path, dtype=str, keep_default_na=False, header=None,
                           skip_blank_lines=False)
        rows = [[_cell_text(v) for v in row] for row in df.itertuples(index=False, name=None)]
    else:
        raise DxkitError(f"名簿は CSV か Excel（.xlsx）にしてください: {path.name}")
    if not rows:
        raise DxkitError(f"名簿が空です: {path}")
    header = [normalize(h).lower().replace(" ", "") for h in rows[0]]
    mapping: dict[int, str] = {}
    for canonical, names in COLUMNS.items():
        for i, h in enumerate(header):
            if h in {n.lower() for n in names} and i not in mapping:
                mapping[i] = canonical
                break
    missing = [c for c in REQUIRED if c not in mapping.values()]
    if missing:
        raise DxkitError(f"名簿の 1 行目（見出し）に必要な列がありません: {'、'.join(missing)}。"
                         f"見出しは {'・'.join(COLUMNS)} にしてください。")
    table = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(normalize(v) for v in row):
            continue
        table.append((n, {mapping[i]: normalize(v) for i, v in enumerate(row) if i in mapping}))
    return table


def parse_rows(table, warned: list[tuple[int, str]] | None = None
               ) -> tuple[list[tuple[int, Learner]], list[tuple[int, str]]]:
    """行を検査し、正しい行と（行番号, 理由）の一覧に分けます。確認が要る行は ``warned`` に加えます。"""
    good: list[tuple[int, Learner]] = []
    bad: list[tuple[int, str]] = []
    warned = warned if warned is not None else []
    seen: dict[str, int] = {}
    emails: dict[str, int] = {}
    for line, row in table:
        problems = [f"{c}が空です" for c in REQUIRED if not row.get(c)]
        code = normalize_code(row.get("団体コード", ""))
        if row.get("団体コード"):
            if not re.fullmatch(r"\d{6}", code):
                problems.append(f"団体コード「{row['団体コード']}」は 6 桁の数字にしてください")
            elif not check_digit_ok(code):
                problems.append(f"団体コード「{row['団体コード']}」の検査数字（6 桁目）が合いません")
        staff = normalize_staff_no(row.get("職員番号", ""))
        if row.get("職員番号") and not re.fullmatch(r"[0-9A-Za-z_]+", staff):
            problems.append(f"職員番号「{row['職員番号']}」には英数字だけを使ってください")
        email = row.get("e-mail", "")
        if email and not EMAIL.match(email):
            problems.append(f"メールアドレス「{email}」の形が正しくありません")
        if problems:
            bad.append((line, "、".join(problems) + "。"))
            continue
        lid = make_learner_id(code, staff)
        if lid in seen:
            bad.append((line, f"学習者 ID {lid}（団体コードと職員番号）が {seen[lid]} 行目と重複しています。"))
            continue
        if email and email.lower() in emails:
            bad.append((line, f"メールアドレス {email} が {emails[email.lower()]} 行目と重複しています。"))
            continue
        raw = re.sub(r"\.0$", "", row.get("団体コード", "").replace("-", ""))
        if re.fullmatch(r"\d{1,5}", raw):
            warned.append((line, f"団体コード「{row['団体コード']}」は {len(raw)} 桁なので、先頭に 0 を補って {code} と"
                                 f"しました（Excel で消えた 0 のとき）。検査数字の無い 5 桁のコードなら "
                                 f"{with_check_digit(raw.zfill(5)) if len(raw) == 5 else '6 桁のコード'} のはずです。"
                                 "名簿を確かめてください。"))
        seen[lid] = line
        if email:
            emails[email.lower()] = line
        good.append((line, Learner(lid, code, normalize(row["職員番号"]), row["氏名"], row["所属自治体"],
                                   row.get("所属課", ""), email)))
    return good, bad


# ------------------------------------------------------------------ the roster file

def roster_path(course) -> Path:
    return course.cohort_dir / "roster.csv"


def load_roster(course) -> dict[str, Learner]:
    """保存した名簿を ``{学習者ID: Learner}`` で返します。"""
    path = roster_path(course)
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["learner_id"]: Learner(**{k: r.get(k, "") for k in ROSTER_FIELDS}) for r in csv.DictReader(fh)}


def save_roster(course, learners: dict[str, Learner]) -> None:
    path = roster_path(course)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=ROSTER_FIELDS)
        writer.writeheader()
        for learner in sorted(learners.values(), key=lambda x: x.learner_id):
            writer.writerow(asdict(learner))
    tmp.replace(path)


def _split_name(name: str) -> tuple[str, str]:
    parts = re.split(r"[\s　]+", name.strip(), maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (name.strip(), "")


def import_roster(course, path: Path | str, strict: bool = False) -> RosterReport:
    """名簿を読み込み、成績簿（nbgrader）と ``cohort/roster.csv`` に登録します。

    同じ学習者 ID・メールアドレスの行や、必要な値が欠けた行は取り込まず、行番号つきで報告します。
    ``strict=True`` なら、1 行でも問題があれば何も登録しません。
    """
    report = RosterReport()
    good, report.rejected = parse_rows(read_table(path), report.warnings)
    if strict and bad:
        return report
    roster = load_roster(course)
    with course.gradebook() as gb:
        for _line, learner in good:
            old = roster.get(learner.learner_id)
            if old == learner:
                report.unchanged.append(learner.learner_id)
            else:
                (report.updated if old else report.added).append(learner.learner_id)
            last, first = _split_name(learner.name)
            gb.update_or_create_student(learner.learner_id, last_name=last, first_name=first,
                                        email=learner.email or None)
            roster[learner.learner_id] = learner
    save_roster(course, roster)
    return report
