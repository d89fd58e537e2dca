"""講座05 データ分析とEBPM の練習問題です。

期待値は ``setup`` と ``solution`` をその場で実行して求めます（同梱データセットから計算します）。
"""

from __future__ import annotations

from dxkit.check import Course, Item, register, register_course

register_course(Course(
    id="05",
    slug="05_data_analysis",
    title="データ分析とEBPM（証拠に基づく政策立案）",
    exercise_parts=("q1", "q2", "q3", "q4", "q5", "q6", "q7"),
))


# --- small checkers (answer, expected) -> list of Japanese problems ---------------------------

def _register(item: Item) -> Item:
    return register(item)         # called here, so that the item's origin is this module


def _choice(n_options: int):
    def checker(answer, expected):
        if isinstance(answer, str) and answer.strip().isdigit():
            answer = int(answer.strip())
        if isinstance(answer, bool) or not isinstance(answer, int):
            return [f"番号（1〜{n_options} の整数）で答えてください。"]
        if not 1 <= answer <= n_options:
            return [f"番号は 1〜{n_options} のどれかです。"]
        if answer != expected:
            return ["その選択肢ではありません。それぞれの文が「何を比べているか」を読み直してみましょう。"]
        return []
    return checker


def _dates(answer, expected):
    import pandas as pd

    from dxkit.compare import is_series

    if not is_series(answer):
        return ["答えは Series（1 列のデータ）にしてください。parse_wareki_series(列) の結果をそのまま入れます。"]
    if len(answer) != len(expected):
        return [f"行の数が違います（あなたの答え {len(answer)} 行、正しくは {len(expected)} 行）。"]
    try:
        got = pd.to_datetime(pd.Series(list(answer), index=answer.index))
    except (TypeError, ValueError):
        return ["日付に変換できない値が入っています。和暦の文字列のままではありませんか。"]
    bad = int((got.to_numpy() != expected.to_numpy()).sum())
    if bad:
        return [f"日付が違う行が {bad} 行あります。月ごとの集計なので、日は default_day=1（1 日）にします。"]
    return []


# --- lesson 1: loading and cleaning -----------------------------------------------------------

_L1 = """
    import pandas as pd
    from dxkit.data import dataset_path, read_csv_auto, parse_wareki_series, to_number_series, validate
    raw = read_csv_auto(dataset_path("population"))
    apps_raw = read_csv_auto(dataset_path("applications"))
"""

_register(Item(
    id="05/01/total_2024_raw",
    title="読み込んだ CSV から最新の調査年月日の総人口の合計",
    var="total_latest",
    setup=_L1 + """
    latest_day = raw["調査年月日"].max()
""",
    solution='total_latest = raw.loc[raw["調査年月日"] == latest_day, "総人口"].sum()',
    hints=["この時点の「調査年月日」は日付ではなく文字列です。`raw[\"調査年月日\"] == latest_day` で行を選べます。",
           '`raw.loc[条件, "総人口"].sum()` のように、行の条件と列名を一度に指定できます。'],
))

_register(Item(
    id="05/01/nursery_capacity",
    title="タイトル行のある Excel から定員の合計",
    var="capacity_total",
    setup=_L1,
    solution="""
        nursery_raw = pd.read_excel(dataset_path("nursery_enrollment"), skiprows=2)
        capacity_total = nursery_raw["定員"].sum()
    """,
    hints=["Excel の 1〜2 行目はタイトルと基準日です。見出しは 3 行目にあります。",
           "`skiprows=2` で上の 2 行を読み飛ばすと、3 行目が列名になります。"],
))

_register(Item(
    id="05/01/months",
    title="和暦の年月を日付にする",
    var="months",
    setup=_L1,
    solution='months = parse_wareki_series(apps_raw["年月"], default_day=1)',
    hints=["`parse_wareki_series(列, default_day=1)` を使います。",
           "「令和4年4月」には日がないので、default_day=1 で「その月の 1 日」にします。"],
    checker=_dates,
))

_register(Item(
    id="05/02/count_total",
    title="全角やカンマの混じった件数を数にして合計",
    var="count_total",
    setup=_L1,
    solution="""
        counts = to_number_series(apps_raw["件数"])
        count_total = counts.sum()
    """,
    hints=["文字列のままの `.sum()` は、数の足し算ではなく文字をつなげてしまいます。",
           '`to_number_series(apps_raw["件数"])` で数の列にしてから `.sum()` します。'],
))

_register(Item(
    id="05/02/codes_as_text",
    title="先頭の 0 を残して地域コードを読む",
    var="codes",
    setup=_L1,
    solution="""
        raw_text = read_csv_auto(dataset_path("population"), dtype={"地域コード": str, "全国地方公共団体コード": str})
        codes = sorted(raw_text["地域コード"].unique())
    """,
    hints=['`read_csv_auto(..., dtype={"地域コード": str})` のように、列ごとに型を指定して読みます。',
           "`sorted(列.unique())` で重複のない一覧を小さい順に並べられます。答えは \"001\" のような文字列のリストです。"],
))

_SURVEY = """
    import pandas as pd
    survey = pd.DataFrame({
        "回答番号": [1, 2, 3, 4, 5, 6, 7, 8],
        "地区": ["中央", "桜台", "桜台", None, "西台", "桜台", "東町", "中央"],
        "子どもの人数": [1, 2, None, 1, 0, 3, None, 2],
        "保育所の利用希望": ["あり", "あり", "なし", "あり", None, "あり", "あり", None],
    })
"""

_register(Item(
    id="05/02/missing_count",
    title="列ごとの欠測（空欄）の数",
    var="missing",
    setup=_SURVEY,
    solution="missing = survey.isna().sum()",
    hints=["`isna()` は空欄なら True の表を返します。", "True は 1 として数えられるので、`.isna().sum()` で列ごとの空欄の数になります。"],
))

_register(Item(
    id="05/02/validated",
    title="検証エラーを直してからスキーマで検証する",
    var="checked",
    setup=_L1 + """
    raw_text = read_csv_auto(dataset_path("population"), dtype={"地域コード": str, "全国地方公共団体コード": str})
    broken = raw_text.copy()
    broken.loc[3, "総人口"] = raw_text.loc[3, "総人口"] + 80
""",
    solution="""
        fixed = broken.copy()
        fixed.loc[3, "総人口"] = broken.loc[3, "男性"] + broken.loc[3, "女性"]
        checked = validate(fixed, "population")
    """,
    hints=["エラーのメッセージに、何行目のどの列が、何と合わないのかが書いてあります。",
           "総人口は男性と女性の合計です。index 3 の行の総人口を、男性＋女性の値に直します。"],
))


# --- lesson 2: groupby, pivot_table, merge --------------------------------------------------

_L2 = """
    import pandas as pd
    from dxkit.data import age_bands, load_dataset, match_district
    pop = load_dataset("population")
    preschool = load_dataset("preschool")
    apps = load_dataset("applications")
    latest = pop[pop["調査年月日"] == pop["調査年月日"].max()]
    preschool["地域名"] = match_district(preschool["所在地_連結表記"], latest["地域名"])
    nursery = preschool[preschool["種別"].str.contains("保育|こども園", na=False)]
"""
_L2_KIDS = _L2 + """
    kids04 = latest.groupby("地域名")[["0-4歳の男性", "0-4歳の女性"]].sum().sum(axis=1)
"""

_register(Item(
    id="05/03/total_by_district",
    title="最新の年の地区別の総人口",
    var="total_by_district",
    setup=_L2,
    solution='total_by_district = latest.groupby("地域名")["総人口"].sum()',
    hints=['`latest.groupby("地域名")` で地区ごとに分けます。', '`["総人口"].sum()` で合計します。'],
    ignore_order=True,
))

_register(Item(
    id="05/03/kids04",
    title="最新の年の地区別の 0〜4 歳人口（男女の合計）",
    var="kids04",
    setup=_L2,
    solution='kids04 = latest.groupby("地域名")[["0-4歳の男性", "0-4歳の女性"]].sum().sum(axis=1)',
    hints=["男性と女性の列を足します。", '`latest.groupby("地域名")[["0-4歳の男性", "0-4歳の女性"]].sum()` のあと、'
                                 "`.sum(axis=1)` で横に（男女を）足します。"],
    ignore_order=True,
))

_register(Item(
    id="05/03/preschool_est",
    title="就学前児童数（0〜5 歳）の推計",
    var="preschool",
    setup=_L2_KIDS,
    solution="""
        kids59 = latest.groupby("地域名")[["5-9歳の男性", "5-9歳の女性"]].sum().sum(axis=1)
        preschool = kids04 + kids59 / 5
    """,
    hints=["まず 5〜9 歳の男女の合計 `kids59` を、kids04 と同じ方法で作ります。",
           "5 歳は 5〜9 歳の 5 つの年齢の 1 つなので、`kids04 + kids59 / 5` と推計します。"],
    ignore_order=True,
))

_L2_PIVOT = _L2 + """
    pop["0-4歳"] = pop["0-4歳の男性"] + pop["0-4歳の女性"]
    pop["年"] = pop["調査年月日"].dt.year
"""

_register(Item(
    id="05/03/kids_pivot",
    title="地区 × 年の 0〜4 歳人口の表（pivot_table）",
    var="kids_table",
    setup=_L2_PIVOT,
    solution='kids_table = pop.pivot_table(index="地域名", columns="年", values="0-4歳", aggfunc="sum")',
    hints=['`pop.pivot_table(index=行にする列, columns=列にする列, values=集計する列, aggfunc="sum")` です。',
           '行は「地域名」、列は「年」、値は「0-4歳」です。'],
    ignore_order=True,
))

_register(Item(
    id="05/04/capacity",
    title="地区別の保育施設の定員の合計",
    var="capacity",
    setup=_L2,
    solution='capacity = nursery.groupby("地域名")["収容定員"].sum()',
    hints=["nursery は 1 行が 1 施設です。地区ごとにまとめます。", '`nursery.groupby("地域名")["収容定員"].sum()` です。'],
    ignore_order=True,
))

_L4_DEMO = """
    import pandas as pd
    kids_demo = pd.DataFrame({"地域名": ["A地区", "B地区", "緑ケ丘"], "就学前児童数": [474, 199, 35]})
    cap_demo = pd.DataFrame({"地域名": ["A地区", "B地区", "D地区"], "定員": [199, 85, 60]})
"""
# D地区 (a facility where the children's table has no row) is what makes how="outer" or "right" wrong.

_register(Item(
    id="05/04/demo_merge",
    title="相手のない行を残して 2 つの表を結合する（merge）",
    var="demo_table",
    setup=_L4_DEMO,
    solution="""
        demo_table = kids_demo.merge(cap_demo, on="地域名", how="left")
        demo_table["定員"] = demo_table["定員"].fillna(0)
    """,
    hints=['`kids_demo.merge(cap_demo, on="地域名", how=...)` の how を選びます。左の表（kids_demo）の行をすべて残すのは "left" です。',
           '結合したあと、定員の列の空欄（NaN）を `fillna(0)` で 0 にして、同じ列に入れ直します。'],
))

_L2_TABLE = _L2_KIDS + """
    kids59 = latest.groupby("地域名")[["5-9歳の男性", "5-9歳の女性"]].sum().sum(axis=1)
    preschool = kids04 + kids59 / 5
    capacity = nursery.groupby("地域名")["収容定員"].sum()
    USE_RATE = 0.5
    left = preschool.rename("就学前児童数").reset_index()
    right = capacity.rename("定員").reset_index()
    table = left.merge(right, on="地域名", how="left").set_index("地域名")
    table["定員"] = table["定員"].fillna(0)
"""

_register(Item(
    id="05/04/shortage",
    title="需要見込みと不足数の列を加える",
    var="shortage_table",
    setup=_L2_TABLE,
    solution="""
        shortage_table = table.copy()
        shortage_table["需要見込み"] = shortage_table["就学前児童数"] * USE_RATE
        shortage_table["不足数"] = shortage_table["需要見込み"] - shortage_table["定員"]
    """,
    hints=["需要見込み ＝ 就学前児童数 × 利用希望率（USE_RATE）です。",
           "不足数 ＝ 需要見込み − 定員 です（マイナスなら定員に余裕があります）。",
           '写しは `shortage_table = table.copy()` で作り、`shortage_table["需要見込み"] = ...` のように 1 列ずつ加えます。'],
    ignore_order=True,
))

_L2_FY = _L2 + """
    apps["年度"] = apps["年月"].dt.year - (apps["年月"].dt.month < 4)
"""

_register(Item(
    id="05/04/online_rate",
    title="最新の年度の手続別オンライン申請率（％）",
    var="rate_r6",
    setup=_L2_FY + """
    last_fy = apps["年度"].max()
""",
    solution="""
        r6 = apps[apps["年度"] == last_fy]
        sums = r6.groupby("手続名")[["件数", "オンライン件数"]].sum()
        rate_r6 = sums["オンライン件数"] / sums["件数"] * 100
    """,
    hints=["最新の年度は `last_fy`（見本のデータでは 2024、つまり令和6年度）です。「年度」が last_fy の行を選びます。",
           "月ごとの率の平均ではなく、1 年分の件数を先に合計してから割ります（合計の比）。"],
    ignore_order=True,
))


# --- lesson 3: charts -----------------------------------------------------------------------

_L3 = _L2_KIDS + """
    kids59 = latest.groupby("地域名")[["5-9歳の男性", "5-9歳の女性"]].sum().sum(axis=1)
    preschool = kids04 + kids59 / 5
    capacity = nursery.groupby("地域名")["収容定員"].sum()
    apps["年度"] = apps["年月"].dt.year - (apps["年月"].dt.month < 4)
    AGE_BANDS = age_bands(pop)
    PROCS = ["保育所等の利用申込", "児童手当の認定請求", "住民票の写しの交付請求"]
"""

_register(Item(
    id="05/05/bar_data",
    title="棒グラフ用: 地区別の就学前児童数と定員（多い順）",
    var="bar_data",
    setup=_L3,
    solution="""
        bar_data = pd.DataFrame({"就学前児童数": preschool, "定員": capacity})
        bar_data = bar_data.sort_values("就学前児童数", ascending=False)
    """,
    hints=['`pd.DataFrame({"就学前児童数": preschool, "定員": capacity})` で 2 つの Series を横に並べます。',
           '`sort_values("就学前児童数", ascending=False)` で多い順にします。'],
))

_register(Item(
    id="05/05/line_data",
    title="折れ線グラフ用: 月別のオンライン申請率（％）",
    var="line_data",
    setup=_L3,
    solution="""
        sel = apps[apps["手続名"].isin(PROCS)]
        sums = sel.pivot_table(index="年月", columns="手続名", values=["件数", "オンライン件数"],
                               aggfunc="sum", observed=True)
        line_data = sums["オンライン件数"] / sums["件数"] * 100
        line_data = line_data[PROCS]
    """,
    hints=['pivot_table の values に ["件数", "オンライン件数"] の 2 つを渡すと、両方の表が一度にできます。',
           '`sums["オンライン件数"] / sums["件数"] * 100` で率（％）にし、最後に `[PROCS]` で列の順番をそろえます。'],
))

_register(Item(
    id="05/05/pyramid",
    title="人口ピラミッド用: 5 歳階級別の男女の人口（男性はマイナス）",
    var="pyramid",
    setup=_L3,
    solution="""
        men = [latest[f"{band}の男性"].sum() for band in AGE_BANDS]
        women = [latest[f"{band}の女性"].sum() for band in AGE_BANDS]
        pyramid = pd.DataFrame({"男性": [-m for m in men], "女性": women}, index=AGE_BANDS)
    """,
    hints=['列名は `f"{band}の男性"` のように作れます（band は "0-4歳" など）。全地区の合計なので `.sum()` します。',
           "男性を左に伸ばすため、男性の人数にマイナスを付けます。index は AGE_BANDS です。"],
))

_register(Item(
    id="05/05/chart_habits",
    title="グラフの良い習慣（選択問題）",
    var="habit_answer",
    solution="habit_answer = 3",
    hints=["棒グラフは「棒の長さ」で量を比べるグラフです。",
           "縦軸を途中から始めると、長さの比が実際の数の比と違って見えます。"],
    checker=_choice(4),
))


# --- lesson 4: from a policy question to evidence ------------------------------------------

_AREAS = """
    import numpy as np
    import pandas as pd
    rng = np.random.default_rng(2024)
    n = 120
    aging = rng.uniform(15, 50, n).round(1)
    held = rng.random(n) < (aging - 10) / 45
    online = (70 - 1.0 * aging + 5 * held + rng.normal(0, 4, n)).round(1)
    areas = pd.DataFrame({
        "地区番号": [f"A{i:03d}" for i in range(1, n + 1)],
        "高齢化率": aging,
        "スマホ教室": np.where(held, "あり", "なし"),
        "オンライン申請率": online,
    })
"""

_register(Item(
    id="05/06/naive_gap",
    title="単純比較: スマホ教室あり − なし のオンライン申請率の差",
    var="naive_gap",
    setup=_AREAS,
    solution="""
        means = areas.groupby("スマホ教室")["オンライン申請率"].mean()
        naive_gap = means["あり"] - means["なし"]
    """,
    hints=['`areas.groupby("スマホ教室")["オンライン申請率"].mean()` で 2 つの平均が出ます。',
           '「あり」の平均から「なし」の平均を引きます（`means["あり"] - means["なし"]`）。'],
))

_register(Item(
    id="05/06/stratified_gap",
    title="高齢化率の区分ごとに比べた差の平均",
    var="stratified_gap",
    setup=_AREAS + """
    areas["高齢化率の区分"] = pd.cut(areas["高齢化率"], bins=[15, 25, 35, 50],
                                labels=["25%未満", "25〜35%", "35%以上"], include_lowest=True)
""",
    solution="""
        by_band = areas.pivot_table(index="高齢化率の区分", columns="スマホ教室", values="オンライン申請率",
                                    aggfunc="mean", observed=True)
        stratified_gap = (by_band["あり"] - by_band["なし"]).mean()
    """,
    hints=['pivot_table で、行を「高齢化率の区分」、列を「スマホ教室」にして平均を出します。',
           '区分ごとの差 `by_band["あり"] - by_band["なし"]` を出し、その `.mean()` をとります。'],
))

_L4_FY = """
    import pandas as pd
    from dxkit.data import load_dataset
    apps = load_dataset("applications")
    apps["年度"] = apps["年月"].dt.year - (apps["年月"].dt.month < 4)
    sums = apps.groupby(["手続名", "年度"], observed=True)[["件数", "オンライン件数"]].sum()
    rate = (sums["オンライン件数"] / sums["件数"] * 100).unstack("年度")
    before, after = sorted(rate.columns)[:2]
"""

_register(Item(
    id="05/07/did",
    title="比較対象を置いた効果の見積もり（差の差）",
    var="did",
    setup=_L4_FY,
    solution="""
        change_target = rate.loc["保育所等の利用申込", after] - rate.loc["保育所等の利用申込", before]
        change_compare = rate.loc["児童手当の認定請求", after] - rate.loc["児童手当の認定請求", before]
        did = change_target - change_compare
    """,
    hints=['まず保育所等の利用申込の「after の年度 − before の年度」の変化を `rate.loc["保育所等の利用申込", after]` などで求めます。',
           "同じ変化を比較対象（児童手当の認定請求）でも求め、対象の変化から比較対象の変化を引きます。"],
))

_L4_KIDS = """
    import pandas as pd
    from dxkit.data import load_dataset
    pop = load_dataset("population")
    pop["0-4歳"] = pop["0-4歳の男性"] + pop["0-4歳の女性"]
    pop["年"] = pop["調査年月日"].dt.year
    kids_table = pop.pivot_table(index="地域名", columns="年", values="0-4歳", aggfunc="sum")
"""

_register(Item(
    id="05/07/yoy_swing",
    title="地区別: 0〜4 歳人口の前年比（％）の振れ幅の最大",
    var="swing",
    setup=_L4_KIDS,
    solution="""
        yoy = kids_table.pct_change(axis=1) * 100
        swing = yoy.abs().max(axis=1)
    """,
    hints=["`kids_table.pct_change(axis=1)` で、横（年の方向）に前年からの変化率を計算します。",
           "100 を掛けて％にし、`.abs().max(axis=1)` で地区ごとに変化率の絶対値の最大をとります。"],
    ignore_order=True,
))

_register(Item(
    id="05/07/limits_choice",
    title="エビデンスの限界の書き方（選択問題）",
    var="limits_answer",
    solution="limits_answer = 2",
    hints=["相関（一緒に動くこと）と因果（原因と結果）を区別している文はどれでしょう。",
           "「このデータだけでは言えないこと」を正直に書いている文を選びます。"],
    checker=_choice(4),
))
