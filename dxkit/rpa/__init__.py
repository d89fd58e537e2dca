"""RPA の基本（講座 03）: 申請書を読み、検査し、台帳に転記する小さなロボットです。

- forms:  申請書（Excel）をセルマップで読む・CSV の出力を読む
- rules:  1 件の申請を検査する小さなルール（理由は日本語）
- ledger: 書式を保ったまま Excel の台帳に行を書き足す
- robot:  名前のついた手順・ドライラン・監査ログ・二重登録の防止・例外リスト
- effect: 効果の見積もり（つくば市の公表事例）と候補業務の点数づけ

計算は純粋な関数で、ファイルの読み書きは read_* / append_rows / RunResult.save などの端で行います。
"""

from .effect import EffectEstimate, effect_from_hours, estimate_effect, score_tasks, tsukuba_example
from .forms import (CellMap, FormBatch, FormReadError, LayoutError, check_layout, list_forms, open_workbook,
                    read_csv_records, read_form, read_forms)
from .ledger import append_rows, ledger_columns, ledger_keys, read_ledger
from .robot import (Case, FormRobot, HandToHuman, Robot, RunResult, SkipItem, StopRun, record_hash)
from .rules import (Invalid, Problem, RecordRule, Rule, ValidationResult, choice, custom, date, integer, is_blank,
                    katakana, max_by_choice, parse_date, pattern, phone, postal_code, record_rule, required, text,
                    to_integer, validate_record)

__all__ = [
    "CellMap", "FormBatch", "FormReadError", "LayoutError", "check_layout", "list_forms", "open_workbook",
    "read_csv_records", "read_form", "read_forms",
    "append_rows", "ledger_columns", "ledger_keys", "read_ledger",
    "Case", "FormRobot", "HandToHuman", "Robot", "RunResult", "SkipItem", "StopRun", "record_hash",
    "Invalid", "Problem", "RecordRule", "Rule", "ValidationResult", "choice", "custom", "date", "integer",
    "is_blank", "katakana", "max_by_choice", "parse_date", "pattern", "phone", "postal_code", "record_rule",
    "required", "text", "to_integer", "validate_record",
    "EffectEstimate", "effect_from_hours", "estimate_effect", "score_tasks", "tsukuba_example",
]
