"""A small robot runner: named steps, dry run, audit log, idempotency, exception list.

``Robot`` runs its named steps over each item (a file, a CSV row …). A step may
- hand the item to a human: ``raise HandToHuman(field, reason)`` → 例外リスト,
- skip it: ``raise SkipItem(reason)`` (e.g. already in the ledger),
- stop the whole run safely: ``raise StopRun(reason)`` (e.g. the form's layout changed).
Any other error in a step also goes to the exception list: one bad file never stops
the run. Rows are written only at the end, all together, and never in a dry run.

``FormRobot`` is the ready-made robot of this course: 申請書 (Excel) → 検査 → 台帳.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from dxkit.errors import DxkitError

from . import _html
from .forms import CellMap, FormReadError, LayoutError, list_forms, read_form
from .ledger import append_rows, ledger_columns, ledger_keys, read_ledger
from .rules import Problem, Rule, RecordRule, validate_record

AUDIT_COLUMNS = ["順番", "ファイル", "キー", "結果", "手順", "理由", "指紋"]
EXCEPTION_COLUMNS = ["ファイル", "キー", "項目", "理由"]

WRITTEN, PLANNED, SKIPPED, EXCEPTION, STOPPED, NOT_RUN, NOT_WRITTEN, DONE = (
    "転記", "転記予定（ドライラン）", "スキップ", "例外", "中止", "未処理", "未転記", "完了")


class HandToHuman(Exception):
    """この件は人が判断します（例外リストへ）。problems は (項目, 理由) か Problem の並びです。"""

    def __init__(self, field_or_problems: Any, reason: str | None = None):
        if reason is not None:
            problems = [Problem(str(field_or_problems), reason)]
        else:
            problems = [p if isinstance(p, Problem) else Problem(str(p[0]), str(p[1]))
                        for p in field_or_problems]
        self.problems = problems
        super().__init__("; ".join(p.reason for p in problems))


class SkipItem(Exception):
    """この件は処理しません（理由は監査ログに残ります）。"""


class StopRun(Exception):
    """実行全体を安全に止めます。台帳には何も書きません。"""


def record_hash(record: Mapping[str, Any]) -> str:
    """申請の内容の指紋（ハッシュ値の先頭 12 文字）です。同じ内容なら同じ値になります。"""
    items = {str(k): ("" if v is None else str(v)) for k, v in sorted(record.items(), key=lambda kv: str(kv[0]))}
    return hashlib.sha256(json.dumps(items, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()[:12]


@dataclass
class Case:
    """ロボットが処理中の 1 件です。手順（step）はここに読み取った内容や書く行を置きます。"""

    item: Any
    source: str
    number: int
    record: dict[str, Any] = field(default_factory=dict)
    key: str | None = None
    digest: str = ""
    row: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    run: Any = None


class _RunState:
    def __init__(self):
        self.audit: dict[int, dict] = {}
        self.exceptions: list[dict] = []
        self.pending: dict[int, Case] = {}

    def log(self, case: Case, result: str, step: str, reason: str = ""):
        self.audit[case.number] = {"順番": case.number, "ファイル": case.source, "キー": case.key or "",
                                   "結果": result, "手順": step, "理由": reason, "指紋": case.digest}

    def to_human(self, case: Case, step: str, problems: Sequence[Problem]):
        for p in problems:
            self.exceptions.append({"ファイル": case.source, "キー": case.key or "", "項目": p.field, "理由": p.reason})
        self.log(case, EXCEPTION, step, " / ".join(p.reason for p in problems))

    def withdraw(self, case: Case, step: str, field_name: str, reason: str):
        """すでに転記待ちになっていた件を取り下げ、例外リストに回します。"""
        if self.pending.pop(case.number, None) is not None:
            self.to_human(case, step, [Problem(field_name, reason)])


@dataclass
class RunResult:
    """ロボットの 1 回の実行結果です。audit: 監査ログ、exceptions: 例外リスト、rows: 台帳に書いた（書く予定の）行。"""

    robot: str
    dry_run: bool
    audit: Any
    exceptions: Any
    rows: Any
    stopped: str | None = None
    key_label: str = "キー"

    @property
    def written(self) -> int:
        return int((self.audit["結果"] == WRITTEN).sum()) if len(self.audit) else 0

    @property
    def summary(self) -> dict[str, int]:
        counts = self.audit["結果"].value_counts() if len(self.audit) else {}
        out = {"対象": len(self.audit)}
        for label in (WRITTEN, PLANNED, SKIPPED, EXCEPTION, STOPPED, NOT_WRITTEN, NOT_RUN, DONE):
            n = int(counts.get(label, 0)) if len(self.audit) else 0
            if n or label in (WRITTEN, SKIPPED, EXCEPTION):
                out[label] = n
        return out

    def save(self, path: str | Path) -> Path:
        """監査ログを保存します。.csv なら監査ログだけ（Excel で読める UTF-8 BOM 付き）、
        .xlsx なら「監査ログ」「例外リスト」「転記内容」の 3 シートです。"""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.suffix.lower() == ".csv":
            self.audit.to_csv(path, index=False, encoding="utf-8-sig")
        elif path.suffix.lower() == ".xlsx":
            import pandas as pd

            with pd.ExcelWriter(path, engine="openpyxl") as xw:
                self.audit.to_excel(xw, sheet_name="監査ログ", index=False)
                self.exceptions.to_excel(xw, sheet_name="例外リスト", index=False)
                self.rows.to_excel(xw, sheet_name="転記内容", index=False)
        else:
            raise DxkitError("監査ログの保存先は .csv か .xlsx のファイル名にしてください。")
        return path

    def _repr_html_(self) -> str:
        mode = "ドライラン（台帳には何も書いていません）" if self.dry_run else "本番"
        head = f"<b>{_html.esc(self.robot)}</b>（{mode}）"
        if self.stopped:
            head += f"<p>⛔ 実行を中止しました: {_html.esc(self.stopped)}</p>"
        parts = "、".join(f"{k} {v} 件" for k, v in self.summary.items())
        return (head + f"<p>{_html.esc(parts)}</p><b>例外リスト（人が確認するもの）</b>" + _html.frame(self.exceptions)
                + "<b>監査ログ</b>" + _html.frame(self.audit, 40))

    def __repr__(self) -> str:
        stop = f", stopped={self.stopped!r}" if self.stopped else ""
        return f"RunResult({self.robot!r}, dry_run={self.dry_run}, {self.summary}{stop})"


StepFunc = Callable[[Case], None]


class Robot:
    """名前のついた手順（step）を、1 件ずつ順に実行する小さなロボットです。

    ``write(rows) -> int`` は最後にまとめて行を書く関数です（ドライランでは呼びません）。
    """

    def __init__(self, name: str, steps: Sequence[tuple[str, StepFunc]] = (), *,
                 write: Callable[[list[dict]], int] | None = None, key_label: str = "キー"):
        if not isinstance(name, str) or not name.strip():
            raise DxkitError("ロボットには名前をつけてください（誰が何のために動かすものか分かるように）。")
        self.name = name
        self.steps: list[tuple[str, StepFunc]] = []
        for step_name, func in steps:
            self.add_step(step_name, func)
        self.write = write
        self.key_label = key_label

    def add_step(self, name: str, func: StepFunc) -> "Robot":
        if not callable(func):
            raise DxkitError(f"手順「{name}」には関数を渡してください。")
        if any(n == name for n, _ in self.steps):
            raise DxkitError(f"手順「{name}」はすでにあります。手順には別々の名前をつけてください。")
        self.steps.append((name, func))
        return self

    def step(self, name: str):
        """デコレーター: ``@robot.step("読み取り")`` で関数を手順に加えます。"""
        def deco(func):
            self.add_step(name, func)
            return func
        return deco

    def _source(self, item: Any) -> str:
        return item.name if isinstance(item, Path) else str(item)

    def _items(self, items: Any) -> list:
        return list(items)

    def _before_run(self, dry_run: bool) -> None:
        """実行の前の準備（台帳の読み込みなど）。"""

    def run(self, items: Iterable[Any], *, dry_run: bool = False) -> RunResult:
        """すべての件を処理します。1 件で問題が起きても止まらず、例外リストに回して次へ進みます。"""
        import pandas as pd

        if not self.steps:
            raise DxkitError(f"ロボット「{self.name}」に手順がありません。add_step() で手順を加えてください。")
        items = self._items(items)
        self._before_run(dry_run)
        state = _RunState()
        stopped: str | None = None
        for n, item in enumerate(items, start=1):
            case = Case(item=item, source=self._source(item), number=n, dry_run=dry_run, run=state)
            if stopped:
                state.log(case, NOT_RUN, "", "実行を中止したため処理していません。")
                continue
            for step_name, func in self.steps:
                try:
                    func(case)
                except HandToHuman as exc:
                    state.to_human(case, step_name, exc.problems)
                    break
                except SkipItem as exc:
                    state.log(case, SKIPPED, step_name, str(exc))
                    break
                except StopRun as exc:
                    stopped = f"{case.source}: {exc}"
                    state.log(case, STOPPED, step_name, str(exc))
                    break
                except Exception as exc:  # never let one item stop the run
                    state.to_human(case, step_name, [Problem("（処理）", f"想定外のエラー（{type(exc).__name__}）: {exc}")])
                    break
            else:
                if case.row is not None:
                    state.pending[n] = case
                else:
                    state.log(case, DONE, self.steps[-1][0])
        rows = [c.row for _, c in sorted(state.pending.items())]
        if stopped:
            for c in state.pending.values():
                state.log(c, NOT_WRITTEN, "書き込み", "実行を中止したため台帳に書いていません。")
            rows = []
        elif dry_run:
            for c in state.pending.values():
                state.log(c, PLANNED, "書き込み")
        elif rows:
            try:
                if self.write is None:
                    raise DxkitError("書き込み先（write）が決まっていません。")
                self.write(rows)
                for c in state.pending.values():
                    state.log(c, WRITTEN, "書き込み")
            except Exception as exc:
                stopped = f"台帳に書き込めませんでした: {exc}"
                for c in state.pending.values():
                    state.log(c, NOT_WRITTEN, "書き込み", str(exc))
                rows = []
        audit = pd.DataFrame([state.audit[k] for k in sorted(state.audit)], columns=AUDIT_COLUMNS)
        audit = audit.rename(columns={"キー": self.key_label})
        exceptions = pd.DataFrame(state.exceptions, columns=EXCEPTION_COLUMNS).rename(columns={"キー": self.key_label})
        row_frame = pd.DataFrame(rows, dtype=object) if rows else pd.DataFrame()
        return RunResult(self.name, dry_run, audit, exceptions, row_frame, stopped, self.key_label)


class FormRobot(Robot):
    """申請書（Excel）を読み、検査し、台帳に転記するロボットです。

    cell_map: 申請書のセルマップ（CellMap か {項目名: セル}）
    rules:    検査ルールの一覧（dxkit.rpa.rules）
    ledger:   台帳の Excel ファイル（書式の入ったもの）。ドライランでは書きません。
    key:      二重登録を防ぐための項目（既定「申請番号」）。None なら申請の内容の指紋で見分けます。
    columns:  項目名 → 台帳の列名（名前が違うときだけ）
    on_layout_change: 様式が変わっていたら "stop"（実行を止める）か "exception"（その件だけ例外リスト）
    """

    def __init__(self, cell_map: CellMap | Mapping[str, str], rules: Sequence[Rule | RecordRule],
                 ledger: str | Path, *, key: str | None = "申請番号", columns: Mapping[str, str] | None = None,
                 sheet: str | None = None, header_row: int | None = None, source_column: str | None = "元ファイル",
                 on_layout_change: str = "stop", name: str = "申請書の台帳転記ロボット"):
        super().__init__(name, key_label=key or "指紋")
        self.cell_map = cell_map if isinstance(cell_map, CellMap) else CellMap(cell_map)
        self.rules = list(rules)
        self.ledger = Path(ledger)
        self.key = key
        self.columns = dict(columns or {})
        self.sheet = sheet
        self.header_row = header_row
        if on_layout_change not in ("stop", "exception"):
            raise DxkitError('on_layout_change には "stop" か "exception" を指定してください。')
        self.on_layout_change = on_layout_change
        if key is not None and key not in self.cell_map.fields:
            raise DxkitError(f"キーの項目「{key}」がセルマップにありません（ある項目: {'、'.join(self.cell_map.fields)}）。")
        have = ledger_columns(self.ledger, sheet=sheet, header_row=header_row)
        missing = [self.columns.get(f, f) for f in self.cell_map.fields if self.columns.get(f, f) not in have]
        if missing:
            raise DxkitError(f"台帳「{self.ledger.name}」に列がありません: {'、'.join(missing)}。"
                             "columns= で項目名と台帳の列名の対応を指定してください。")
        self.source_column = source_column if source_column in have else None
        self._known: set[str] = set()
        self._seen: dict[str, Case] = {}
        self.add_step("読み取り", self._read)
        self.add_step("検査", self._validate)
        self.add_step("重複確認", self._dedupe)
        self.add_step("台帳の形に整える", self._to_row)
        self.write = lambda rows: append_rows(self.ledger, rows, sheet=self.sheet, header_row=self.header_row)

    def _items(self, items):
        if isinstance(items, (str, Path)):
            p = Path(items)
            return list_forms(p) if p.is_dir() else [p]
        return [Path(p) for p in items]

    def _before_run(self, dry_run):
        from dxkit.japanese import normalize_text

        self._seen = {}
        self._known = set()
        if self.key is not None:
            col = self.columns.get(self.key, self.key)
            self._known = {normalize_text(k) for k in ledger_keys(self.ledger, col, sheet=self.sheet,
                                                                  header_row=self.header_row)}
        else:  # no key: recognise earlier entries by the fingerprint of their content
            table = read_ledger(self.ledger, sheet=self.sheet, header_row=self.header_row)
            for row in table.to_dict("records"):
                self._known.add(record_hash({f: row.get(self.columns.get(f, f)) for f in self.cell_map.fields}))

    def _read(self, case: Case):
        try:
            case.record = read_form(case.item, self.cell_map)
        except LayoutError as exc:
            if self.on_layout_change == "stop":
                raise StopRun(exc.reason) from None
            raise HandToHuman(exc.field, exc.reason) from None
        except FormReadError as exc:
            raise HandToHuman(exc.field, exc.reason) from None
        if self.key is not None and case.record.get(self.key) is not None:
            case.key = str(case.record[self.key])

    def _validate(self, case: Case):
        result = validate_record(case.record, self.rules)
        case.data["raw"] = case.record
        case.record = result.record
        case.digest = record_hash(result.record)
        if self.key is not None and result.record.get(self.key) is not None:
            case.key = str(result.record[self.key])
        if not result.ok:
            raise HandToHuman(result.problems)

    def _dedupe(self, case: Case):
        from dxkit.japanese import normalize_text

        if self.key is not None:
            if case.key is None:
                raise HandToHuman(self.key, f"「{self.key}」が空欄のため、二重登録かどうか確かめられません。")
            ident = normalize_text(case.key)
        else:
            ident = case.key = case.digest
        if ident in self._known:
            raise SkipItem(f"台帳に登録済みです（{self.key_label} {case.key}）。二重には登録しません。")
        first = self._seen.get(ident)
        if first is not None:
            if first.digest == case.digest:
                raise SkipItem(f"{first.source} と同じ内容の申請です（二重提出）。1 件だけ登録します。")
            reason = f"{self.key_label}が {first.source} と {case.source} で重複していますが、内容が違います。どちらが正しいか確認してください。"
            case.run.withdraw(first, "重複確認", self.key or "指紋", reason)
            raise HandToHuman(self.key or "指紋", reason)
        self._seen[ident] = case

    def _to_row(self, case: Case):
        row = {self.columns.get(f, f): case.record.get(f) for f in self.cell_map.fields}
        if self.source_column:
            row[self.source_column] = case.source
        case.row = row
