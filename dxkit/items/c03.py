"""講座03 RPA の基本の練習問題です。"""

from __future__ import annotations

import textwrap

from dxkit.check import Course, Item, register, register_course


def _code(*parts: str) -> str:
    """Join setup fragments written at different indentation levels."""
    return "\n".join(textwrap.dedent(p).strip("\n") for p in parts)

register_course(Course(
    id="03",
    slug="03_rpa",
    title="RPA の基本（Python で作る、安全な転記ロボット）",
    exercise_parts=("q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8"),
))

FIELDS = {"申請番号": "C3", "申請日": "C4", "氏名": "C5", "フリガナ": "C6", "郵便番号": "C7", "住所": "C8",
          "電話番号": "C9", "区分": "C10", "金額": "C11"}

_LESSON_SETUP = """
    import datetime as dt
    import shutil
    import tempfile
    from pathlib import Path
    from dxkit.data import dataset_path
    from dxkit.rpa import *
    FORMS = dataset_path("rpa_forms_lesson")
    TEMPLATE = dataset_path("rpa_ledger_template.xlsx")
    WORK = Path(tempfile.mkdtemp(prefix="dxkit_rpa_item_"))
"""


# --- small checkers (answer, expected) -> list of Japanese problems ---------------------------

def _number_choice(n_options: int, advice: str):
    def checker(answer, expected):
        if isinstance(answer, str) and answer.strip().isdigit():
            answer = int(answer.strip())
        if not isinstance(answer, int) or isinstance(answer, bool) or not 1 <= answer <= n_options:
            return [f"番号（1〜{n_options} の整数）で答えてください。"]
        return [] if answer == expected else [f"その番号ではありません。{advice}"]
    return checker


def _cell_map(answer, expected):
    if not isinstance(answer, dict):
        return ["セルマップは {\"項目名\": \"セル番地\"} の辞書にしてください。"]
    problems = []
    missing = [k for k in expected if k not in answer]
    if missing:
        problems.append(f"項目が足りません: {'、'.join(missing)}")
    extra = [k for k in answer if k not in expected]
    if extra:
        problems.append(f"様式にない項目名があります: {'、'.join(map(str, extra))}（見出しの文字と同じ名前にします）")
    for k in expected:
        if k in answer and str(answer[k]).strip().upper() != expected[k]:
            problems.append(f"「{k}」のセル番地が違います。様式の表示で、見出しの右のセルを確かめましょう。")
    return problems


_POSTAL_CASES = [
    ("000-0001", True), ("0000001", True), ("０００－０００１", True), (" 000-0001 ", True),
    ("000-001", False), ("000-00011", False), ("000-O001", False), ("", False), (None, False), ("abc-defg", False),
]


def _postal_function(answer, expected):
    if not callable(answer):
        return ["`check_postal` は関数にしてください（`def check_postal(value):` で作ります）。"]
    problems = []
    for value, ok in _POSTAL_CASES:
        try:
            got = answer(value)
        except Exception as exc:  # noqa: BLE001 - shown to the learner in Japanese
            problems.append(f"{value!r} でエラーになりました（{type(exc).__name__}）。None や空の文字も考えましょう。")
            continue
        if ok and got is not None:
            problems.append(f"{value!r} は正しい郵便番号なのに、問題あり（{got!r}）になりました。")
        if not ok and (not isinstance(got, str) or not got.strip()):
            problems.append(f"{value!r} は正しくない郵便番号です。理由を日本語の文字で返しましょう（いまは {got!r}）。")
    return problems


_PLACEHOLDERS = ("...", "？", "?", "未定", "なし", "特になし", "不明", "-", "ー", "－", "後で決める")
_CARD_KEYS = ("ロボット名", "担当課", "管理者", "副管理者", "対象業務", "入力", "出力", "止まったときの連絡先", "次の見直し日")


def _robot_card(answer, expected):
    if not isinstance(answer, dict):
        return ["ロボットの管理票は辞書（{\"項目\": \"内容\"}）にしてください。"]
    problems = []
    missing = [k for k in _CARD_KEYS if k not in answer]
    if missing:
        problems.append(f"管理票に項目が足りません: {'、'.join(missing)}")
    empty = [k for k in _CARD_KEYS if k in answer and (not isinstance(answer[k], str) or not answer[k].strip()
                                                       or answer[k].strip() in _PLACEHOLDERS)]
    if empty:
        problems.append(f"中身が書かれていない項目があります: {'、'.join(empty)}")
    if not problems and answer["管理者"].strip() == answer["副管理者"].strip():
        problems.append("管理者と副管理者は別の人にします（一人しか分からないロボットは野良ロボットの始まりです）。")
    return problems


# --- 01 RPA とは ------------------------------------------------------------------------------

register(Item(
    id="03/01/suitable_quiz",
    title="RPA に向いている業務",
    var="answer_suitable",
    solution="answer_suitable = 3",
    hints=["RPA は「決まった手順」を「電子データ」で「大量に」繰り返す作業が得意です。",
           "判断が毎回違う業務や、紙が入力の業務は、そのままでは向きません。"],
    checker=_number_choice(4, "定型・大量・ルール化・電子データの 4 つに当てはめてみましょう。"),
))

register(Item(
    id="03/01/annual_hours",
    title="候補業務ごとの年間の作業時間",
    var="annual_hours",
    setup="""
        from dxkit.data import load_dataset
        tasks = load_dataset("rpa_task_candidates")
    """,
    solution='annual_hours = tasks["年間件数"] * tasks["1件あたり分"] / 60',
    hints=["年間件数 × 1 件あたりの分 で、1 年間の分が出ます。", "時間にするには 60 で割ります。"],
))

register(Item(
    id="03/01/bpr_first",
    title="先に業務の見直しが必要な業務",
    var="bpr_first",
    setup="""
        from dxkit.data import load_dataset
        from dxkit.rpa import score_tasks
        tasks = load_dataset("rpa_task_candidates")
        scored = score_tasks(tasks)
    """,
    solution='bpr_first = scored.loc[scored["判定"] == "先に業務の見直し（BPR）", "業務名"].tolist()',
    hints=["`scored[\"判定\"] == \"先に業務の見直し（BPR）\"` で行を選びます。",
           "選んだ行の「業務名」の列を `.tolist()` でリストにします。"],
    ignore_order=True,
))

register(Item(
    id="03/01/tsukuba_saved",
    title="つくば市の事例: 1 年間で減った時間",
    var="saved_hours",
    solution="saved_hours = 85 - (14 + 10 / 60)",
    hints=["14 時間 10 分は 14 + 10/60 時間です。", "手作業の 85 時間から引きます。"],
    tol=1e-4,   # 70.83 (rounded) passes; 85 - 14.10 (10 minutes read as 0.10 hours) does not
))

_EFFECT_FIGURES = """
    cases_per_year = 600        # 年間の件数
    manual_minutes = 6          # 手作業の 1 件あたりの分
    robot_minutes = 1           # 導入後も人が使う 1 件あたりの分
    build_hours = 40            # ロボットを作る時間（1 回）
    maintenance_hours = 12      # 保守の時間（年）
"""

register(Item(
    id="03/01/net_hours",
    title="転記ロボットの正味の削減時間（年）",
    var="net_hours",
    setup=_EFFECT_FIGURES,
    solution="""
        manual_hours = cases_per_year * manual_minutes / 60
        robot_hours = cases_per_year * robot_minutes / 60
        net_hours = manual_hours - robot_hours - maintenance_hours
    """,
    hints=["まず手作業の時間（年）を出します。件数 × 1 件あたりの分 ÷ 60 で「時間」になります。",
           "導入後も人が使う時間（年）も同じように出し、手作業の時間から引きます。保守の時間も引きます。",
           "`cases_per_year * manual_minutes / 60 - cases_per_year * robot_minutes / 60 - maintenance_hours` です。"],
    tol=1e-6,
))

register(Item(
    id="03/01/payback_months",
    title="転記ロボットの回収期間（か月）",
    var="payback_months",
    setup=_code(_EFFECT_FIGURES, """
        net_hours = cases_per_year * manual_minutes / 60 - cases_per_year * robot_minutes / 60 - maintenance_hours
    """),
    solution="payback_months = build_hours / net_hours * 12",
    hints=["回収期間（年）は、作る時間 ÷ 正味の削減時間（年）です。",
           "か月にするには 12 を掛けます。",
           "`build_hours / net_hours * 12` です。"],
    tol=1e-3,
))

# --- 02 申請書から台帳へ ------------------------------------------------------------------------

register(Item(
    id="03/02/cell_map",
    title="申請書のセルマップ",
    var="fields",
    solution="fields = " + repr(FIELDS),
    hints=["見出しは B 列、値は C 列です。", "申請番号が 3 行目で、そこから 1 行ずつ下がります。金額は 11 行目です。"],
    checker=_cell_map,
))

register(Item(
    id="03/02/raw_postal",
    title="R6-004 の郵便番号（読んだままの値）",
    var="raw_postal",
    setup=_code(_LESSON_SETUP, f"""
        cell_map = CellMap.beside_labels({FIELDS!r}, sheet="申請書")
    """),
    solution="""
        record = read_form(FORMS / "申請書_R6-004.xlsx", cell_map)
        raw_postal = record["郵便番号"]
    """,
    hints=["read_form(ファイル, cell_map) は {項目名: 値} の辞書を返します。", "辞書から record[\"郵便番号\"] で取り出します。"],
))

register(Item(
    id="03/02/unique_numbers",
    title="申請番号の種類の数",
    var="n_unique",
    setup=_code(_LESSON_SETUP, f"""
        cell_map = CellMap.beside_labels({FIELDS!r}, sheet="申請書")
        batch = read_forms(FORMS, cell_map)
    """),
    solution='n_unique = batch.records["申請番号"].nunique()',
    hints=["batch.records は読んだ申請書の DataFrame です。", "列の「種類の数」は `.nunique()` で数えます。"],
))

register(Item(
    id="03/02/ledger_rows",
    title="そのまま転記した台帳の行数",
    var="ledger_rows",
    setup=_code(_LESSON_SETUP, f"""
        cell_map = CellMap.beside_labels({FIELDS!r}, sheet="申請書")
        batch = read_forms(FORMS, cell_map)
        LEDGER = WORK / "受付台帳_練習.xlsx"
        shutil.copy(TEMPLATE, LEDGER)
        rows = batch.records.rename(columns={{"ファイル": "元ファイル"}})
        append_rows(LEDGER, rows)
    """),
    solution="ledger_rows = len(read_ledger(LEDGER))",
    hints=["read_ledger(LEDGER) で台帳を DataFrame として読みます。", "行数は len(...) です。"],
))

register(Item(
    id="03/02/csv_quake_total",
    title="電子申請 CSV の耐震改修の金額の合計",
    var="quake_total",
    setup="""
        from dxkit.data import dataset_path
        from dxkit.rpa import read_csv_records, to_integer
        online = read_csv_records(dataset_path("rpa_online_applications"))
    """,
    solution='quake_total = sum(to_integer(r["金額"]) for r in online if r["区分"] == "耐震改修")',
    hints=["CSV の値はすべて文字です。to_integer(...) で数にします。",
           "`for r in online if r[\"区分\"] == \"耐震改修\"` で耐震改修の行だけを選び、sum(...) で足します。"],
))

# --- 03 安全なロボット --------------------------------------------------------------------------

register(Item(
    id="03/03/postal_function",
    title="郵便番号を確かめる関数",
    var="check_postal",
    solution='''
        import re
        from dxkit.data import normalize_text

        def check_postal(value):
            if value is None or not str(value).strip():
                return "郵便番号が空欄です。"
            digits = normalize_text(str(value)).replace("-", "")
            if re.fullmatch(r"[0-9]{7}", digits) is None:
                return f"郵便番号は 7 桁の数字です（「{value}」）。"
            return None
    ''',
    hints=["None や空の文字が来たときは、最初に理由の文字を返してしまいましょう。",
           "normalize_text で全角を半角にしてから、.replace でハイフンを取り除きます。",
           "残りが「数字がちょうど 7 個」のパターンに合うかを re.fullmatch で確かめます。合わなければ None が返ります。",
           "`re.fullmatch(r\"[0-9]{7}\", digits) is None` なら理由の文字を、そうでなければ None を返します。"],
    checker=_postal_function,
))

_RULES = """
    rules = [*(required(f) for f in cell_map.fields), text("申請番号"),
             date("申請日", not_before=dt.date(2024, 4, 1), not_after=dt.date(2025, 3, 31)),
             text("氏名"), katakana("フリガナ"), postal_code("郵便番号"), text("住所"), phone("電話番号"),
             integer("金額", minimum=1)]
"""

register(Item(
    id="03/03/problem_files",
    title="例外リストに回るファイル",
    var="problem_files",
    setup=_code(_LESSON_SETUP, f"""
        cell_map = CellMap.beside_labels({FIELDS!r}, sheet="申請書")
        batch = read_forms(FORMS, cell_map)
    """, _RULES),
    solution="""
        rules_with_kind = rules + [choice("区分", ["省エネ改修", "バリアフリー改修", "耐震改修"])]
        problem_files = []
        for rec in batch.records.to_dict("records"):
            result = validate_record(rec, rules_with_kind)
            if not result.ok:
                problem_files.append(rec["ファイル"])
    """,
    hints=["rules に choice(\"区分\", [...]) を足します。",
           "validate_record(rec, rules).ok が False のファイルを集めます。"],
    ignore_order=True,
))

register(Item(
    id="03/03/dry_run_planned",
    title="転記する件数を、ロボットより先に自分で数える",
    var="planned",
    setup=_code(_LESSON_SETUP, f"""
        cell_map = CellMap.beside_labels({FIELDS!r}, sheet="申請書")
        batch = read_forms(FORMS, cell_map)
    """, _RULES, """
        rules_with_kind = rules + [choice("区分", ["省エネ改修", "バリアフリー改修", "耐震改修"])]
        problem_files = [rec["ファイル"] for rec in batch.records.to_dict("records")
                         if not validate_record(rec, rules_with_kind).ok]
    """),
    solution="""
        ok = batch.records[~batch.records["ファイル"].isin(problem_files)]
        planned = ok["申請番号"].nunique()
    """,
    hints=["まず、問題のあったファイル（problem_files）を除いた行だけを batch.records から選びます。",
           "二重提出は同じ申請番号なので 1 件と数えます。残った行の申請番号の「種類の数」を数えます。",
           "`batch.records[~batch.records[\"ファイル\"].isin(problem_files)]` で選び、`[\"申請番号\"].nunique()` で数えます。"],
))

register(Item(
    id="03/03/rerun_skipped",
    title="2 回目の実行でスキップした件数",
    var="skipped",
    setup=_code(_LESSON_SETUP, f"""
        cell_map = CellMap.beside_labels({FIELDS!r}, sheet="申請書")
    """, _RULES, """
        rules.append(choice("区分", ["省エネ改修", "バリアフリー改修", "耐震改修"]))
        LEDGER = WORK / "受付台帳.xlsx"
        shutil.copy(TEMPLATE, LEDGER)
        robot = FormRobot(cell_map, rules, LEDGER)
        first = robot.run(FORMS)
        second = robot.run(FORMS)
    """),
    solution='skipped = int((second.audit["結果"] == "スキップ").sum())',
    hints=["second.audit の「結果」の列を見ます。", "「スキップ」の行を数えます（二重提出の 1 件も入ります）。"],
))

# --- 04 ロボットを運用する ------------------------------------------------------------------------

register(Item(
    id="03/04/robot_card",
    title="ロボットの管理票",
    var="robot_card",
    solution='''
        robot_card = {
            "ロボット名": "住宅改修補助金 申請書転記ロボット",
            "担当課": "建設課",
            "管理者": "建設課 住宅係 主任",
            "副管理者": "建設課 住宅係 主事",
            "対象業務": "住宅改修補助金の申請書（Excel）を受付台帳に転記する",
            "入力": "申請書フォルダの .xlsx（様式: 令和6年度版）",
            "出力": "受付台帳.xlsx、例外リスト、監査ログ",
            "止まったときの連絡先": "建設課 住宅係（内線 1234）→ 情報政策担当",
            "次の見直し日": "2025-03-31（様式の改定時も見直す）",
        }
    ''',
    hints=["9 つの項目（ロボット名・担当課・管理者・副管理者・対象業務・入力・出力・止まったときの連絡先・次の見直し日）をすべて書きます。",
           "管理者と副管理者は別の人にします。"],
    checker=_robot_card,
))

register(Item(
    id="03/04/stopped_file",
    title="ロボットが止まったファイル",
    var="stopped_file",
    setup=_code(_LESSON_SETUP, """
        import pandas as pd
        from openpyxl import load_workbook
        cell_map = CellMap.beside_labels(""" + repr(FIELDS) + """, sheet="申請書")
        NEW = WORK / "新様式の申請書"
        shutil.copytree(FORMS, NEW)
        for name in ["申請書_R6-007.xlsx", "申請書_R6-009.xlsx"]:
            wb = load_workbook(NEW / name)
            ws = wb["申請書"]
            ws.insert_rows(6)
            ws["B6"] = "生年月日"
            ws["C6"] = "昭和55年4月1日"
            wb.save(NEW / name)
        LEDGER = WORK / "受付台帳.xlsx"
        shutil.copy(TEMPLATE, LEDGER)
        result = FormRobot(cell_map, [required("申請番号")], LEDGER).run(NEW)
    """),
    solution='stopped_file = result.audit.loc[result.audit["結果"] == "中止", "ファイル"].iloc[0]',
    hints=["result.audit の「結果」が「中止」の行を探します。", "その行の「ファイル」の値を .iloc[0] で取り出します。"],
))

register(Item(
    id="03/04/new_fields",
    title="新しい様式のセルマップ",
    var="new_fields",
    solution="""
        new_fields = {"申請番号": "C3", "申請日": "C4", "氏名": "C5", "生年月日": "C6", "フリガナ": "C7",
                      "郵便番号": "C8", "住所": "C9", "電話番号": "C10", "区分": "C11", "金額": "C12"}
    """,
    hints=["6 行目に「生年月日」が入り、フリガナから下が 1 行ずつ下がりました。",
           "申請番号・申請日・氏名は変わりません。生年月日も項目に加えます。"],
    checker=_cell_map,
))

register(Item(
    id="03/04/bpr_quiz",
    title="RPA の前に考えること",
    var="answer_bpr",
    solution="answer_bpr = 2",
    hints=["申請書がはじめから電子データで届けば、転記そのものがいらなくなります。",
           "ロボットで速く転記するより、転記をなくすほうが効果も安全性も大きいことがあります。"],
    checker=_number_choice(4, "「転記そのものをなくせないか」から考えましょう。"),
))

register(Item(
    id="03/04/credential_quiz",
    title="ロボットのパスワードの扱い",
    var="answer_credential",
    solution="answer_credential = 4",
    hints=["パスワードをプログラムやメモに書くと、ファイルを見た人すべてに漏れます。",
           "ロボット専用で権限を絞ったアカウントを作り、パスワードは決められた保管場所から読み込みます。"],
    checker=_number_choice(4, "「誰のアカウントで」「どこに保管して」「何ができるか」を考えましょう。"),
))
