"""講座00 オリエンテーションの練習問題です。"""

from __future__ import annotations

import datetime as _dt

from dxkit.check import Course, Item, register, register_course

register_course(Course(
    id="00",
    slug="00_orientation",
    title="オリエンテーション（JupyterLab・Python の基本・自治体DXとは）",
    exercise_parts=("q1", "q2", "q3", "q4", "q5"),
))


# --- small checkers (answer, expected) -> list of Japanese problems ---------------------------

def _register(item: Item) -> Item:
    return register(item)         # called here, so that the item's origin is this module


def _markdown_note(answer, expected):
    if not isinstance(answer, str):
        return ["`note` は文字列にしてください（`\"\"\"` で囲みます）。"]
    lines = [line for line in answer.strip().splitlines() if line.strip()]
    problems = []
    if not lines or not lines[0].lstrip().startswith("#"):
        problems.append("1 行目を `#` で始まる見出しにしてください。")
    elif not lines[0].lstrip().lstrip("#").startswith(" "):
        problems.append("見出しの `#` のあとに半角スペースを 1 つ入れてください（例: `# 窓口メモ`）。")
    elif not lines[0].lstrip().lstrip("#").strip():
        problems.append("見出しの `#` のあとに、見出しの文字を書いてください。")
    bullets = [line for line in lines[1:] if line.lstrip().startswith("- ") and line.strip() != "-"]
    if len(bullets) < 2:
        problems.append(f"`- ` で始まる箇条書きの行を 2 行以上入れてください（いまは {len(bullets)} 行です）。")
    if "ここに" in answer:
        problems.append("「ここに…を書きます」の行は消して、自分のメモに書き換えてください。")
    return problems


def _same_text(what: str):
    def checker(answer, expected):
        if not isinstance(answer, str):
            return [f"{what}は文字列にしてください。"]
        if answer == expected:
            return []
        problems = []
        if answer != answer.strip():
            problems.append("前後に空白が残っています。`.strip()` で取り除きましょう。")
        if any("０" <= ch <= "９" or ch in "－　" for ch in answer):
            problems.append("全角の数字・記号・スペースが残っています。NFKC 正規化を使いましょう。")
        if not problems:
            problems.append(f"{what}が違います。数字は半角で、余分な空白を入れずに書きましょう。")
        return problems
    return checker


def _choice(answer, expected):
    if isinstance(answer, str) and answer.strip().isdigit():
        answer = int(answer.strip())
    if not isinstance(answer, int) or isinstance(answer, bool):
        return ["番号（1〜4 の整数）で答えてください。"]
    if answer != expected:
        return ["その番号ではありません。本文の「カーネルの再起動と『すべて実行』」をもう一度読んでみましょう。"]
    return []


def _call_cases(cases, name):
    """A checker that calls the learner's function on ``cases`` and compares with the solution."""
    def checker(answer, expected):
        if not callable(answer):
            return [f"`{name}` は関数にしてください（`def {name}(...):` で作ります）。"]
        problems = []
        for args, label in cases:
            want = expected(*args)
            try:
                got = answer(*args)
            except Exception as exc:  # noqa: BLE001 - shown to the learner in Japanese
                problems.append(f"{label} でエラーになりました: {type(exc).__name__}: {exc}")
                continue
            if isinstance(want, float) and isinstance(got, (int, float)) and not isinstance(got, bool):
                ok = abs(got - want) <= 1e-9 * max(1.0, abs(want))
            else:
                ok = got == want and type(got) is type(want)
            if not ok:
                problems.append(f"{label} の結果が違います（あなたの関数の結果: {got!r}）。")
        return problems
    return checker


def _labels(allowed, what):
    def checker(answer, expected):
        if not isinstance(answer, dict):
            return [f"{what}は辞書のまま答えてください。"]
        problems = []
        missing = [k for k in expected if k not in answer]
        if missing:
            problems.append(f"答えていない項目があります: {', '.join(map(str, missing))}")
        bad = [k for k, v in answer.items() if v not in allowed]
        if bad:
            shown = "、".join(map(repr, allowed))
            problems.append(f"{', '.join(map(str, bad))} の答えは {shown} のどれかで書いてください。")
        if not problems:
            wrong = [k for k in expected if answer[k] != expected[k]]
            if wrong and len(allowed) == 2:      # naming them would give the answer away: flip those
                problems.append(f"{len(wrong)} 項目が違います。どれが違うかは、本文の説明と照らし合わせて考えましょう。")
            elif wrong:
                problems.append(f"{len(wrong)} 項目が違います: {', '.join(map(str, wrong))}")
        return problems
    return checker


# --- 01 JupyterLab -------------------------------------------------------------------------------

_register(Item(
    id="00/01/wait_total",
    title="5 人の待ち時間の合計",
    var="total_wait",
    solution="total_wait = 12 + 5 + 8 + 20 + 15",
    hints=["`+` で 5 つの数を足します。", "`total_wait = 12 + 5 + ...` のように、5 つすべてを足します。"],
))

_register(Item(
    id="00/01/wait_average",
    title="1 人あたりの平均の待ち時間",
    var="average_wait",
    setup="total_wait = 12 + 5 + 8 + 20 + 15",
    solution="average_wait = total_wait / 5",
    hints=["合計を人数で割ります。", "`average_wait = total_wait / 5` のように書きます。"],
))

_register(Item(
    id="00/01/run_order",
    title="セルを 2 回実行したときの在庫",
    var="predicted_stock",
    solution="predicted_stock = 100 - 30 - 30",
    hints=["セルB は実行するたびに 30 を引きます。", "100 から 30 を 2 回引いた数です。"],
))

_register(Item(
    id="00/01/restart_quiz",
    title="カーネルの再起動で消えるもの",
    var="restart_answer",
    solution="restart_answer = 2",
    hints=["再起動で消えるのは「カーネルの記憶」です。", "ノートブックに書いたコードはファイルに残っています。"],
    checker=_choice,
))

_register(Item(
    id="00/02/markdown_note",
    title="Markdown の窓口メモ",
    var="note",
    solution='''
        note = """
        # 今日の窓口メモ
        - 午前は待ち時間が平均 12 分でした
        - 20 分以上待った方が 1 人いました
        """
    ''',
    hints=["1 行目は `# 今日の窓口メモ` のように書きます。", "箇条書きは `- ` で始めます。2 行以上書きましょう。"],
    checker=_markdown_note,
))

# --- 02 Python basics ----------------------------------------------------------------------------

_register(Item(
    id="00/02/fee_total",
    title="住民票の写し 2 通と戸籍謄本 1 通の手数料",
    var="total_fee",
    setup="""
        copy_fee = 300
        koseki_fee = 450
    """,
    solution="total_fee = copy_fee * 2 + koseki_fee * 1",
    hints=["単価 × 通数 を足し合わせます。", "`copy_fee * 2 + koseki_fee * 1` です。"],
))

_register(Item(
    id="00/02/hours_label",
    title="分を「○時間○分」の文字列にする",
    var="label",
    setup="total_minutes = 135",
    solution='label = f"{total_minutes // 60}時間{total_minutes % 60}分"',
    hints=["時間は `total_minutes // 60`、残りの分は `total_minutes % 60` です。",
           '`f"{total_minutes // 60}時間{total_minutes % 60}分"` のように f 文字列で組み立てます。'],
    checker=_same_text("文字列"),
))

_register(Item(
    id="00/02/normalize_address",
    title="住所の全角・半角をそろえる",
    var="clean",
    setup="""
        import unicodedata
        raw = "みどり野市中央２丁目３－１５　"
    """,
    solution='clean = unicodedata.normalize("NFKC", raw).strip()',
    hints=['`unicodedata.normalize("NFKC", raw)` で全角の数字と記号を半角にします。',
           "そのあとに `.strip()` をつなげて、末尾のスペースを取り除きます。"],
    checker=_same_text("住所"),
))

_register(Item(
    id="00/03/procedures_plus",
    title="手続の一覧に 1 つ加えた新しいリスト",
    var="new_procedures",
    setup='procedures = ["転入届", "転出届", "転居届", "住民票の写し交付請求", "印鑑登録"]',
    solution='new_procedures = procedures + ["児童手当認定請求"]',
    hints=["リストどうしは `+` でつなげられます。", '`procedures + ["児童手当認定請求"]` のように、追加する方も `[ ]` で囲みます。'],
))

_register(Item(
    id="00/03/procedures_slice",
    title="スライスで 2〜4 番目を取り出す",
    var="middle",
    setup='procedures = ["転入届", "転出届", "転居届", "住民票の写し交付請求", "印鑑登録"]',
    solution="middle = procedures[1:4]",
    hints=["インデックスは 0 から数えるので、2 番目は `1` です。", "`[開始:終了]` の終了は含まれません。4 番目（インデックス 3）まで欲しいときの終了は `4` です。"],
))

_register(Item(
    id="00/03/week_total",
    title="1 週間の窓口件数の合計",
    var="week_total",
    setup='counts = {"月": 132, "火": 98, "水": 156, "木": 87, "金": 105}',
    solution="week_total = sum(counts.values())",
    hints=["`counts.values()` で件数だけを取り出せます。", "`sum(counts.values())` です。"],
))

_register(Item(
    id="00/03/busiest_day",
    title="件数がいちばん多い曜日",
    var="busiest",
    setup='counts = {"月": 132, "火": 98, "水": 156, "木": 87, "金": 105}',
    solution="busiest = max(counts, key=counts.get)",
    hints=["答えは件数ではなく曜日（キー）です。", "`max(counts, key=counts.get)` と書きます。"],
))

_LEDGER = """
    ledger = [
        {"受付番号": "A-001", "受付日": "2024-04-01", "手続": "転入届", "人数": 3, "オンライン": False},
        {"受付番号": "A-002", "受付日": "2024-04-01", "手続": "住民票の写し交付請求", "人数": 1, "オンライン": True},
        {"受付番号": "A-003", "受付日": "2024-04-01", "手続": "転居届", "人数": 4, "オンライン": False},
        {"受付番号": "A-004", "受付日": "2024-04-02", "手続": "印鑑登録", "人数": 1, "オンライン": False},
        {"受付番号": "A-005", "受付日": "2024-04-02", "手続": "転出届", "人数": 2, "オンライン": True},
    ]
"""

_register(Item(
    id="00/03/ledger_people",
    title="台帳の 3 行目の人数",
    var="people_third",
    setup=_LEDGER,
    solution='people_third = ledger[2]["人数"]',
    hints=["3 行目はインデックス `2` です。", '`ledger[2]["人数"]` のように、行の番号 → 列名 の順に書きます。'],
))

# --- 03 loops, functions, errors -----------------------------------------------------------------

_RECORDS = """
    records = [
        {"受付番号": "B-001", "手続": "転入届", "人数": 3, "オンライン": False, "待ち時間": 35},
        {"受付番号": "B-002", "手続": "住民票の写し交付請求", "人数": 1, "オンライン": True, "待ち時間": 0},
        {"受付番号": "B-003", "手続": "転居届", "人数": 4, "オンライン": False, "待ち時間": 28},
        {"受付番号": "B-004", "手続": "印鑑登録", "人数": 1, "オンライン": False, "待ち時間": 12},
        {"受付番号": "B-005", "手続": "転出届", "人数": 2, "オンライン": True, "待ち時間": 0},
        {"受付番号": "B-006", "手続": "転入届", "人数": 1, "オンライン": False, "待ち時間": 41},
        {"受付番号": "B-007", "手続": "住民票の写し交付請求", "人数": 1, "オンライン": False, "待ち時間": 9},
        {"受付番号": "B-008", "手続": "転出届", "人数": 3, "オンライン": True, "待ち時間": 0},
        {"受付番号": "B-009", "手続": "転居届", "人数": 2, "オンライン": False, "待ち時間": 30},
        {"受付番号": "B-010", "手続": "印鑑登録", "人数": 1, "オンライン": False, "待ち時間": 6},
    ]
"""

_FEES = 'FEES = {"住民票の写し": 300, "印鑑登録証明書": 300, "戸籍謄本": 450, "所得証明書": 300}'

_register(Item(
    id="00/04/online_count",
    title="オンラインで受け付けた行の数",
    var="online_count",
    setup=_RECORDS,
    solution="""
        online_count = 0
        for r in records:
            if r["オンライン"]:
                online_count += 1
    """,
    hints=['`if r["オンライン"]:` の下で `online_count += 1` とします。',
           "`if` の行の下は、さらに 1 段（スペース 4 つ）字下げします。"],
))

_register(Item(
    id="00/04/long_waits",
    title="30 分以上待った受付番号の一覧",
    var="long_waits",
    setup=_RECORDS,
    solution="""
        long_waits = []
        for r in records:
            if r["待ち時間"] >= 30:
                long_waits.append(r["受付番号"])
    """,
    hints=['条件は `r["待ち時間"] >= 30` です（30 分ちょうども含みます）。',
           '集めるのは行全体ではなく `r["受付番号"]` です。`long_waits.append(r["受付番号"])`。'],
))

_register(Item(
    id="00/04/people_by_proc",
    title="手続ごとの人数の合計",
    var="people_by_proc",
    setup=_RECORDS,
    solution="""
        people_by_proc = {}
        for r in records:
            name = r["手続"]
            people_by_proc[name] = people_by_proc.get(name, 0) + r["人数"]
    """,
    hints=['キーは `r["手続"]`、足すのは `r["人数"]` です。',
           '`people_by_proc[r["手続"]] = people_by_proc.get(r["手続"], 0) + r["人数"]` と書きます。'],
))


def _calls(cases, name):
    inner = _call_cases(cases, name)

    def checker(answer, expected):
        if callable(answer):
            for args, _label in cases[:1]:
                try:
                    if answer(*args) is ...:
                        return ["関数の中の `...` を、計算の式に書き換えてください。"]
                except Exception:  # noqa: BLE001 - reported by inner
                    pass
        return inner(answer, expected)
    return checker


_register(Item(
    id="00/05/fee_function",
    title="手数料を計算する関数",
    var="calc_fee",
    setup=_FEES,
    solution="""
        def calc_fee(kind, copies=1):
            return FEES[kind] * copies
    """,
    hints=["1 通の手数料は `FEES[kind]` です。", "`return FEES[kind] * copies` と書きます。"],
    checker=_calls([
        (("住民票の写し", 2), 'calc_fee("住民票の写し", 2)'),
        (("戸籍謄本", 3), 'calc_fee("戸籍謄本", 3)'),
        (("印鑑登録証明書", 0), 'calc_fee("印鑑登録証明書", 0)'),
        (("戸籍謄本",), 'calc_fee("戸籍謄本")（通数を省略）'),
    ], "calc_fee"),
))

_register(Item(
    id="00/05/age_function",
    title="基準日時点の満年齢を求める関数",
    var="age_on",
    setup="from datetime import date",
    solution="""
        def age_on(birth, base):
            age = base.year - birth.year
            if (base.month, base.day) < (birth.month, birth.day):
                age -= 1
            return age
    """,
    hints=["誕生日がまだ来ていないのは `(base.month, base.day) < (birth.month, birth.day)` のときです。",
           "そのとき `age -= 1` とします。誕生日当日は引きません（`<` で、`<=` ではありません）。"],
    checker=_calls([
        ((_dt.date(1960, 4, 1), _dt.date(2025, 4, 1)), "誕生日当日（1960-04-01 生まれ、基準日 2025-04-01）"),
        ((_dt.date(1960, 4, 2), _dt.date(2025, 4, 1)), "誕生日の前日（1960-04-02 生まれ、基準日 2025-04-01）"),
        ((_dt.date(1990, 12, 31), _dt.date(2025, 4, 1)), "年末生まれ（1990-12-31 生まれ、基準日 2025-04-01）"),
        ((_dt.date(1985, 1, 1), _dt.date(2025, 4, 1)), "年始生まれ（1985-01-01 生まれ、基準日 2025-04-01）"),
        ((_dt.date(2000, 2, 29), _dt.date(2025, 2, 28)), "うるう日生まれ（2000-02-29 生まれ、基準日 2025-02-28）"),
        ((_dt.date(2025, 4, 1), _dt.date(2025, 4, 1)), "生まれた日（0 歳）"),
    ], "age_on"),
))

_register(Item(
    id="00/02/fix_message",
    title="TypeError を直したメッセージ",
    var="message",
    setup="count = 25",
    solution='message = "本日の受付件数は" + str(count) + "件です"',
    hints=["数を文字列にするには `str(count)` を使います。",
           '`f"本日の受付件数は{count}件です"` でも作れます。空白を入れないように注意しましょう。'],
    checker=_same_text("メッセージ"),
))

_register(Item(
    id="00/05/safe_average",
    title="空のリストでもエラーにならない平均",
    var="safe_average",
    solution="""
        def safe_average(values):
            if len(values) == 0:
                return None
            return sum(values) / len(values)
    """,
    hints=["まず `if len(values) == 0:` で空かどうかを確かめ、空なら `return None` します。",
           "空でなければ `return sum(values) / len(values)` です。"],
    checker=_calls([
        (([10, 20],), "safe_average([10, 20])"),
        (([35, 28, 12],), "safe_average([35, 28, 12])"),
        (([7],), "safe_average([7])"),
        (([7, 8],), "safe_average([7, 8])"),
        (([],), "safe_average([])（空のリスト）"),
    ], "safe_average"),
))

_APPS = """
    from dxkit.data import load_dataset
    apps = load_dataset("applications")
"""

_register(Item(
    id="00/06/apps_total",
    title="申請件数の合計",
    var="total_apps",
    setup=_APPS,
    solution='total_apps = apps["件数"].sum()',
    hints=['`apps["件数"]` で列を取り出します。', '`apps["件数"].sum()` です。'],
))

_register(Item(
    id="00/06/apps_online_total",
    title="オンライン件数の合計",
    var="online_apps",
    setup=_APPS,
    solution='online_apps = apps["オンライン件数"].sum()',
    hints=['列名は `"オンライン件数"` です。`list(apps.columns)` で確かめられます。', '`apps["オンライン件数"].sum()` です。'],
))

# --- 04 what is 自治体DX -------------------------------------------------------------------------

_register(Item(
    id="00/08/classify",
    title="デジタル化か DX か",
    var="classified",
    solution="""
        classified = {"A": "デジタル化", "B": "デジタル化", "C": "DX", "D": "デジタル化", "E": "DX", "F": "デジタル化"}
    """,
    hints=["「住民の体験」や「課をまたぐ仕事の流れ」が変わったものが DX です。",
           "今の作業 1 つを置き換えただけ（スキャン、入力、PDF 配布、転記の自動化）はデジタル化です。"],
    checker=_labels(("デジタル化", "DX"), "分類"),
))

_register(Item(
    id="00/08/match_priority",
    title="取組と重点取組事項の対応",
    var="matched",
    solution="""
        matched = {"A": 2, "B": 1, "C": 3, "D": 4, "E": 5, "F": 6, "G": 7}
    """,
    hints=["リモート窓口は「住民との接点」を増やす取組です。",
           "基幹業務システムの移行は 2、地方税以外の公金の納付は 3、テレワークは 7 です。"],
    checker=_labels((1, 2, 3, 4, 5, 6, 7), "対応"),
))

_register(Item(
    id="00/08/steps_order",
    title="自治体DX全体手順書のステップの順番",
    var="ordered_steps",
    setup='steps = ["推進体制の整備", "DXの取組みの実行", "DXの認識共有・機運醸成", "全体方針の決定"]',
    solution='ordered_steps = ["DXの認識共有・機運醸成", "全体方針の決定", "推進体制の整備", "DXの取組みの実行"]',
    hints=["ステップ0 は「なぜ DX が必要か」を共有する段階です。",
           "認識共有・機運醸成 → 全体方針の決定 → 推進体制の整備 → 取組みの実行 の順です。"],
))

_register(Item(
    id="00/09/tsukuba_cut",
    title="つくば市の事例の削減率",
    var="tsukuba_cut",
    setup="""
        before_hours = 85
        after_hours = 14
    """,
    solution="tsukuba_cut = (before_hours - after_hours) / before_hours",
    hints=["削減した時間を、導入前の時間で割ります。", "`(before_hours - after_hours) / before_hours` です。0.835 くらいになります。"],
))

_register(Item(
    id="00/09/kitami_hours",
    title="試行の数字（架空）を当てはめた年間の短縮時間（試算）",
    var="kitami_hours",
    setup="""
        cases_per_year = 600
        before_min = 7
        after_min = 2.5
    """,
    solution="kitami_hours = (before_min - after_min) * cases_per_year / 60",
    hints=["1 件あたりの短縮（分）× 件数 で、年間の短縮（分）です。", "分を時間にするには 60 で割ります。"],
))

_register(Item(
    id="00/09/online_rate",
    title="年度ごとのオンライン率",
    var="online_rate",
    setup="""
        from dxkit.data import load_dataset
        apps = load_dataset("applications")
        apps["年度"] = apps["年月"].dt.year - (apps["年月"].dt.month < 4).astype(int)
        by_year = apps.groupby("年度")[["件数", "オンライン件数"]].sum()
    """,
    solution='online_rate = by_year["オンライン件数"] / by_year["件数"]',
    hints=['`by_year["オンライン件数"]` を `by_year["件数"]` で割ります。',
           "割る順番に注意しましょう。オンライン率は 0〜1 の値です。"],
))

_register(Item(
    id="00/09/rate_change",
    title="オンライン率の上がり幅（ポイント）",
    var="rate_change",
    setup="""
        from dxkit.data import load_dataset
        apps = load_dataset("applications")
        apps["年度"] = apps["年月"].dt.year - (apps["年月"].dt.month < 4).astype(int)
        by_year = apps.groupby("年度")[["件数", "オンライン件数"]].sum()
        online_rate = by_year["オンライン件数"] / by_year["件数"]
    """,
    solution="rate_change = (online_rate.iloc[-1] - online_rate.iloc[0]) * 100",
    hints=["最後の値 − 最初の値 を計算します。", "割合（0〜1）の差に 100 を掛けると「ポイント」になります。"],
))


# --- restructured course 00: new practice items (lessons 04–07) ---------------------------------

_register(Item(
    id="00/04/counter_waits",
    title="窓口で受け付けた行の待ち時間の一覧（内包表記）",
    var="counter_waits",
    setup=_RECORDS,
    solution='counter_waits = [r["待ち時間"] for r in records if not r["オンライン"]]',
    hints=["`[取り出す値 for r in records if 条件]` の形です。取り出す値は待ち時間、条件は「オンラインではない」です。",
           '`[r["待ち時間"] for r in records if not r["オンライン"]]` と書きます。'],
))


def _raises_cases(good, bad, name):
    """Like ``_calls`` for the ``good`` cases; each ``bad`` case must raise ValueError."""
    inner = _calls(good, name)

    def checker(answer, expected):
        problems = inner(answer, expected)
        if not callable(answer) or problems:
            return problems
        for args, label in bad:
            try:
                got = answer(*args)
            except ValueError:
                continue
            except Exception as exc:  # noqa: BLE001 - shown to the learner in Japanese
                problems.append(f"{label} で {type(exc).__name__} になりました。`raise ValueError(\"…\")` で ValueError を出してください。")
                continue
            problems.append(f"{label} でエラーになりませんでした（結果: {got!r}）。`raise ValueError(\"…\")` で止めてください。")
        return problems
    return checker


_register(Item(
    id="00/05/to_count",
    title="数に直せない文字列は None にする関数（try / except）",
    var="to_count",
    solution="""
        def to_count(text):
            try:
                return int(text)
            except ValueError:
                return None
    """,
    hints=["`try:` の下で `int(text)` を返し、`except ValueError:` の下で `None` を返します。",
           "`isdigit()` で調べる方法では、前後に空白がある `\" 7 \"` を読めません。`int()` に任せて、失敗したら受け止めます。"],
    checker=_calls([
        (("12",), 'to_count("12")'),
        ((" 7 ",), 'to_count(" 7 ")（前後に空白）'),
        (("１２",), 'to_count("１２")（全角の数字）'),
        (("12件",), 'to_count("12件")'),
        (("",), 'to_count("")（空欄）'),
        (("1,200",), 'to_count("1,200")（カンマ入り）'),
        (("3.5",), 'to_count("3.5")（小数）'),
    ], "to_count"),
))

_register(Item(
    id="00/05/safe_fee",
    title="おかしな値では ValueError を出す手数料の関数（raise）",
    var="safe_fee",
    setup=_FEES,
    solution="""
        def safe_fee(kind, copies=1):
            if kind not in FEES:
                raise ValueError(f"「{kind}」は手数料表にありません。{list(FEES)} のどれかにしてください。")
            if copies < 0:
                raise ValueError(f"通数は 0 以上にしてください（{copies} が渡されました）。")
            return FEES[kind] * copies
    """,
    hints=["種類が手数料表に無いかは `kind not in FEES`、通数がマイナスかは `copies < 0` で確かめます。",
           "それぞれ `if` の下で `raise ValueError(\"説明\")` とし、どちらでもなければ `return FEES[kind] * copies` です。"],
    checker=_raises_cases(
        [(("住民票の写し", 2), 'safe_fee("住民票の写し", 2)'),
         (("戸籍謄本",), 'safe_fee("戸籍謄本")（通数を省略）'),
         (("所得証明書", 0), 'safe_fee("所得証明書", 0)（0 通）')],
        [(("住民票",), 'safe_fee("住民票")（手数料表に無い種類）'),
         (("戸籍謄本", -1), 'safe_fee("戸籍謄本", -1)（マイナスの通数）')],
        "safe_fee"),
))

_register(Item(
    id="00/06/busy_rows",
    title="件数が平均より多い行（条件で絞り込む）",
    var="busy_rows",
    setup=_APPS,
    solution='busy_rows = apps[apps["件数"] > apps["件数"].mean()]',
    hints=['条件は「件数の列 > 件数の列の平均」です。できた True / False の列を `apps[ ]` の中に入れます。',
           '`apps[apps["件数"] > apps["件数"].mean()]` です。'],
))

_register(Item(
    id="00/06/moving_out",
    title="転出届の件数の合計（.loc）",
    var="moving_out",
    setup=_APPS,
    solution='moving_out = apps.loc[apps["手続名"] == "転出届", "件数"].sum()',
    hints=['行の条件は「手続名が転出届」、列は `"件数"` です。取り出したあとに `.sum()` で合計します。',
           '`apps.loc[apps["手続名"] == "転出届", "件数"].sum()` です。'],
))

_register(Item(
    id="00/06/busy_by_proc",
    title="件数が平均より多い行の、手続ごとの行数（value_counts）",
    var="busy_by_proc",
    setup=_APPS + '    busy_rows = apps[apps["件数"] > apps["件数"].mean()]\n',
    solution='busy_by_proc = busy_rows["手続名"].value_counts()',
    hints=["数えるのは `apps` 全体ではなく、`busy_rows` の手続名の列です。",
           '`busy_rows["手続名"].value_counts()` です。'],
))

_APPS_YEAR = _APPS + '    apps["年度"] = apps["年月"].dt.year - (apps["年月"].dt.month < 4).astype(int)\n'

_register(Item(
    id="00/07/online_by_proc",
    title="手続ごとのオンライン件数の合計（groupby）",
    var="online_by_proc",
    setup=_APPS_YEAR,
    solution='online_by_proc = apps.groupby("手続名")["オンライン件数"].sum()',
    hints=['グループに分ける列は `"手続名"`、合計する列は `"オンライン件数"` です。',
           '`apps.groupby("手続名")["オンライン件数"].sum()` です。'],
))

_register(Item(
    id="00/07/online_table",
    title="手続 × 年度のオンライン件数のクロス集計表（pivot_table）",
    var="online_table",
    setup=_APPS_YEAR,
    solution='online_table = apps.pivot_table(index="手続名", columns="年度", values="オンライン件数", aggfunc="sum")',
    hints=['行は `index="手続名"`、列は `columns="年度"`、値は `values="オンライン件数"` です。',
           '`aggfunc="sum"` を忘れると平均になります。'],
))

_register(Item(
    id="00/07/labels",
    title="オンライン率の区分（apply）",
    var="labels",
    setup=_APPS_YEAR + (
        '    by_proc = apps.groupby("手続名")[["件数", "オンライン件数"]].sum()\n'
        '    by_proc["オンライン率"] = by_proc["オンライン件数"] / by_proc["件数"]\n'),
    solution="""
        def rate_label(rate):
            if rate >= 0.3:
                return "進んでいる"
            return "これから"


        labels = by_proc["オンライン率"].apply(rate_label)
    """,
    hints=['関数の中は `if rate >= 0.3:` で分け、それぞれ `return "進んでいる"` / `return "これから"` とします。',
           '`labels = by_proc["オンライン率"].apply(rate_label)` です（`rate_label` のあとに `()` は付けません）。'],
))
