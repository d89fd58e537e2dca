"""講座01 業務改革（BPR）の練習問題です。"""

from __future__ import annotations

from dxkit.check import Course, Item, register, register_course

register_course(Course(
    id="01",
    slug="01_bpr",
    title="業務改革（BPR）— 業務の見える化・測定・To-Be 設計",
    exercise_parts=("q1", "q2", "q3", "q4", "q5", "q6"),
))

_ASIS = """
    from dxkit.data import load_dataset
    from dxkit.process import Process
    asis_df = load_dataset("bpr_tenkyo_asis")
    asis = Process.from_table(asis_df, name="転居届（As-Is）")
"""

_SURVEY = """
    from dxkit.data import load_dataset
    from dxkit.process import workload_ranking
    survey = load_dataset("bpr_gyomuryo")
    ranking = workload_ranking(survey)
"""

_STEPS = _ASIS + """
    from dxkit.process import step_table
    st = step_table(asis)
    times = st[["ID", "作業", "期待回数", "所要時間", "待ち時間"]]
"""

_BOTH = _ASIS + """
    from dxkit.process import compare
    tobe_df = load_dataset("bpr_tenkyo_tobe")
    tobe = Process.from_table(tobe_df, name="転居届（To-Be）")
    survey = load_dataset("bpr_gyomuryo")
"""


# --- checkers ----------------------------------------------------------------------------------

def _my_table(answer, expected):
    import pandas as pd

    from dxkit.process import Process, validate_table

    if not isinstance(answer, pd.DataFrame):
        return ["`my_df` は DataFrame にしてください（pd.DataFrame(rows, columns=[...])）。"]
    problems = validate_table(answer)
    if problems:
        return ["工程表に問題があります: " + problems[0]]
    p = Process.from_table(answer)
    out = []
    if len(p.steps) < 4:
        out.append(f"工程を 4 つ以上にしてください（いまは {len(p.steps)} つです）。")
    if "住民" not in p.actors:
        out.append("担当「住民」の工程（請求書を書くなど）を入れてください。")
    if len(p.actors) < 2:
        out.append("担当（レーン）を 2 つ以上にしてください（住民と窓口職員など）。")
    if not any(s.kind == "確認" for s in p.steps):
        out.append("種別が「確認」の工程（本人確認など）を 1 つ以上入れてください。")
    return out


def _fixed_notes(answer, expected):
    import pandas as pd

    from dxkit.process import Process, validate_table

    if not isinstance(answer, pd.DataFrame):
        return ["`notes_fixed` は DataFrame にしてください。"]
    problems = validate_table(answer)
    if problems:
        return [f"まだ {len(problems)} 件の問題が残っています。最初の問題: {problems[0]}"]
    got = Process.from_table(answer)
    want = Process.from_table(expected)
    out = []
    if len(got.steps) != len(want.steps):
        out.append(f"工程の数が違います（いまは {len(got.steps)}）。行を消しすぎたり増やしたりしていないか確かめてください。")
    elif abs(got.metrics().lead_time - want.metrics().lead_time) > 1e-6:
        out.append("リードタイムが想定と違います。マイナスの時間は符号だけを直し、書き間違えた ID は正しい行先にしてください。")
    return out


# --- lesson 1 ----------------------------------------------------------------------------------

register(Item(
    id="01/01/paper_steps",
    title="転居届（As-Is）で紙を使う工程の数",
    var="paper_steps",
    setup=_ASIS,
    solution="""
        paper_steps = int((asis_df["媒体"] == "紙").sum())
    """,
    hints=["列「媒体」が「紙」の行を数えます。", '`(asis_df["媒体"] == "紙").sum()` で True の数が数えられます。'],
))

register(Item(
    id="01/01/lanes",
    title="業務流れ図のレーン（担当）の一覧",
    var="lanes",
    setup=_ASIS,
    solution="""
        lanes = asis.actors
    """,
    hints=["工程モデルの `.actors` は、担当を表に出てくる順に並べたリストです。"],
))

register(Item(
    id="01/01/my_table",
    title="住民票の写し交付の工程表を自分で作る",
    var="my_df",
    setup="""
        import pandas as pd
    """,
    solution="""
        my_df = pd.DataFrame([
            (1, "住民", "交付請求書を記入する", "作業", 4, 0, "手作業", "紙", "2"),
            (2, "窓口職員", "受付・本人確認をする", "確認", 2, 8, "手作業", "紙", "3"),
            (3, "窓口職員", "住基システムで印刷する", "作業", 2, 0, "手作業", "データ", "4"),
            (4, "窓口職員", "写しを交付する", "作業", 1, 0, "手作業", "紙", ""),
        ], columns=["ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程"])
    """,
    hints=["1 行 = 1 工程です。最後の工程の「次工程」は空欄（\"\"）にします。",
           "担当「住民」と「窓口職員」、種別「確認」の工程を入れてください。"],
    checker=_my_table,
))

register(Item(
    id="01/01/count_problems",
    title="検査で見つかった問題の数",
    var="n_problems",
    setup="""
        import pandas as pd
        from dxkit.process import validate_table
        broken = pd.DataFrame([
            (1, "住民", "届出書を記入する", "作業", 8, 0, "手作業", "紙", "2"),
            (2, "窓口職員", "受付・本人確認", "確認", -3, 12, "手作業", "紙", "3"),
            (3, "", "住基システムに入力", "転記", 7, 0, "手作業", "データ", "5"),
            (4, "窓口職員", "返却・説明", "作業", 2, 0, "手作業", "紙", ""),
        ], columns=["ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程"])
    """,
    solution="""
        n_problems = len(validate_table(broken))
    """,
    hints=["`validate_table(表)` は問題点の文のリストを返します。", "リストの長さは `len(...)` で数えます。"],
))

# --- lesson 2 ----------------------------------------------------------------------------------

register(Item(
    id="01/02/lead_simple",
    title="住民票の写し交付のリードタイム（分）を工程表から計算する",
    var="jumin_lead",
    setup="""
        from dxkit.data import load_dataset
        jumin_df = load_dataset("bpr_juminhyo")
    """,
    solution="""
        jumin_lead = jumin_df["所要時間"].sum() + jumin_df["待ち時間"].sum()
    """,
    hints=["分岐の無い 1 本道なので、リードタイム = 所要時間の合計 ＋ 待ち時間の合計 です。",
           "列の合計は `jumin_df[\"所要時間\"].sum()` のように求めます（Excel の SUM と同じです）。"],
))

register(Item(
    id="01/02/lead_time",
    title="転居届（As-Is）のリードタイム（分）を期待回数から計算する",
    var="lead",
    setup=_STEPS,
    solution="""
        lead = (times["期待回数"] * (times["所要時間"] + times["待ち時間"])).sum()
    """,
    hints=["工程ごとに 期待回数 ×（所要時間 ＋ 待ち時間）を計算し、全部を足します。",
           "列どうしの足し算・掛け算は行ごとに計算されます。"
           "`(times[\"所要時間\"] + times[\"待ち時間\"])` に `times[\"期待回数\"]` を掛け、`.sum()` で合計します。"],
))

register(Item(
    id="01/02/wait_share",
    title="リードタイムに占める待ち時間の割合",
    var="wait_share",
    setup=_ASIS,
    solution="""
        m = asis.metrics()
        wait_share = m.wait_time / m.lead_time
    """,
    hints=["待ち時間 ÷ リードタイム です。", "`m = asis.metrics()` として `m.wait_time` と `m.lead_time` を使います。"],
))

def _bottleneck(answer, expected):
    if isinstance(answer, bool) or str(answer).strip() != str(expected):
        return ["「合計時間」がいちばん大きい工程の ID ではありません。所要時間や待ち時間だけでなく、"
                "期待回数を掛けた「合計時間」で比べてください。"]
    return []


register(Item(
    id="01/02/bottleneck",
    title="転居届（As-Is）のボトルネックの工程の ID",
    var="neck_id",
    setup=_STEPS,
    solution="""
        neck_id = st.sort_values("合計時間", ascending=False)["ID"].iloc[0]
    """,
    hints=["「合計時間」の大きい順に並べ替えて、先頭の行の「ID」を見ます。",
           '`st.sort_values("合計時間", ascending=False)` で大きい順になります。先頭の行は `.iloc[0]` です。'],
    checker=_bottleneck,
))

register(Item(
    id="01/02/survey_hours",
    title="業務量調査の年間業務時間（時間）",
    var="hours",
    setup="""
        from dxkit.data import load_dataset
        survey = load_dataset("bpr_gyomuryo")
    """,
    solution="""
        hours = survey["年間件数"] * survey["平均処理時間（分）"] / 60
    """,
    hints=["年間件数 × 平均処理時間（分）÷ 60 で「時間」になります。", "列どうしの掛け算は行ごとに計算されます。"],
    ignore_index=False,
))

register(Item(
    id="01/02/top3",
    title="年間業務時間の多い上位 3 業務",
    var="top3",
    setup=_SURVEY,
    solution="""
        top3 = list(ranking.index[:3])
    """,
    hints=["`ranking` は年間業務時間の多い順に並んでいます。", "`list(ranking.index[:3])` で先頭 3 つの業務名になります。"],
))

register(Item(
    id="01/02/a_rank",
    title="パレート分析で A ランクになった業務の数",
    var="n_a",
    setup=_SURVEY,
    solution="""
        n_a = int((ranking["ランク"] == "A").sum())
    """,
    hints=["列「ランク」が \"A\" の行を数えます。",
           '`ranking["ランク"] == "A"` で True / False の列ができます。True の数は `.sum()` で数えられます。'],
))

# --- lesson 3 ----------------------------------------------------------------------------------

register(Item(
    id="01/03/transcriptions",
    title="転記の工程の ID",
    var="tenki_ids",
    setup=_ASIS,
    solution="""
        tenki_ids = asis_df.loc[asis_df["種別"] == "転記", "ID"].tolist()
    """,
    hints=["列「種別」が「転記」の行の「ID」を取り出します。", '`asis_df.loc[条件, "ID"].tolist()` の形です。'],
))

register(Item(
    id="01/03/kaizen_saved",
    title="改善案（連絡票の手書きをやめる）で減る年間の業務時間を自分で計算する",
    var="kaizen_saved",
    setup=_ASIS + """
    survey = load_dataset("bpr_gyomuryo")
    volume = int(survey.loc[survey["業務名"] == "転居届", "年間件数"].iloc[0])
""",
    solution="""
        minutes = asis_df.loc[asis_df["ID"] == 9, "所要時間"].iloc[0]
        kaizen_saved = volume * minutes / 60
    """,
    hints=["1 件あたりに減るのは ID 9 の所要時間（分）です。年間件数を掛け、60 で割ると「時間」になります。",
           '`asis_df.loc[asis_df["ID"] == 9, "所要時間"]` で ID 9 の所要時間が取り出せます（値 1 つは `.iloc[0]`）。'],
))

register(Item(
    id="01/03/kitami_rate",
    title="試行の例（約 7 分 → 約 2.5 分、架空）の短縮率",
    var="kitami_rate",
    solution="""
        kitami_rate = (7 - 2.5) / 7
    """,
    hints=["短縮率 =（前 − 後）÷ 前 です。"],
    tol=1e-3,
))

register(Item(
    id="01/03/hours_saved",
    title="書かないワンストップ窓口による年間削減時間",
    var="saved",
    setup=_BOTH,
    solution="""
        volume = int(survey.loc[survey["業務名"] == "転居届", "年間件数"].iloc[0])
        saved = compare(asis, tobe, volume=volume).hours_saved
    """,
    hints=["年間件数 `volume` は最初のセルで業務量調査の「転居届」の行から取り出してあります。",
           "`compare(asis, tobe, volume=件数).hours_saved` が年間の削減時間です。"],
))

# --- lesson 4 ----------------------------------------------------------------------------------

register(Item(
    id="01/04/fixed_notes",
    title="ワークショップのメモを直した工程表",
    var="notes_fixed",
    setup="""
        import pandas as pd
        from dxkit.process import validate_table
    """,
    solution="""
        notes_fixed = pd.DataFrame([
            (1, "申請者", "申込書を記入する", "作業", 6, 0, "手作業", "紙", "2"),
            (2, "窓口職員", "受付・内容確認", "確認", 3, 10, "手作業", "紙", "3:0.9,7:0.1"),
            (3, "窓口職員", "受付簿に転記する", "転記", 2, 0, "手作業", "紙", "4"),
            (4, "担当職員", "システムに入力する", "転記", 5, 30, "手作業", "データ", "5"),
            (5, "係長", "決裁する", "確認", 2, 480, "手作業", "紙", "6"),
            (6, "担当職員", "結果を通知する", "作業", 4, 0, "手作業", "紙", "8"),
            (7, "申請者", "不足書類を出し直す", "作業", 5, 1440, "手作業", "紙", "2"),
            (8, "担当職員", "通知の控えをつづる", "作業", 1, 0, "手作業", "紙", ""),
        ], columns=["ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程"])
    """,
    hints=["`validate_table(notes_fixed)` の表示を上から 1 つずつ直します。",
           "マイナスの時間は符号を取る、空の担当は「担当職員」、存在しない ID の次工程は正しい行先に直します。",
           "たどり着けない工程は、その工程を「次工程」に書くべき行を探してつなぎます。"],
    checker=_fixed_notes,
))

register(Item(
    id="01/04/manager_table",
    title="管理職向けの 1 枚の表（3 つの指標）",
    var="summary",
    setup=_BOTH + """
    volume = int(survey.loc[survey["業務名"] == "転居届", "年間件数"].iloc[0])
    comp = compare(asis, tobe, volume=volume)
""",
    solution="""
        summary = comp.table.loc[["リードタイム（分）", "職員の作業時間（分）", "年間業務時間（時間）"], ["As-Is", "To-Be"]]
    """,
    hints=["`comp.table` は指標を行にした表です。", '`.loc[[行の名前, ...], ["As-Is", "To-Be"]]` で行と列を選びます。'],
))
