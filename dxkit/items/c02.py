"""講座02 PDCA と KPI 設計の練習問題です。"""

from __future__ import annotations

from dxkit.check import Course, Item, register, register_course

register_course(Course(
    id="02",
    slug="02_pdca_kpi",
    title="PDCA と KPI 設計（ロジックモデル・SMART・進捗管理）",
    exercise_parts=("q1", "q2", "q3", "q4", "q5", "q6", "q7"),
))

_IMPORTS = """
        from dxkit.data import load_dataset
        from dxkit.kpi import (KPI, KPITree, LogicModel, PDCALog, achievement_rate, forecast, kpis_from_frame,
                               planned_value, smart_review, track, track_many)
"""
_DEFS = _IMPORTS + """
        defs = load_dataset("kpi_definitions")
        kpis = kpis_from_frame(defs)
        by_id = {k.kpi_id: k for k in kpis}
"""
_MONTHLY = _DEFS + """
        monthly = load_dataset("kpi_monthly")
        plan_kpis = [k for k in kpis if k.kpi_id.startswith("K")]
        AS_OF = "2025-09-30"
"""


# --- checkers ------------------------------------------------------------------------------

def _dict_of_labels(what: str, allowed: tuple[str, ...]):
    def checker(answer, expected):
        if not isinstance(answer, dict):
            return [f"{what}は {{指標名: 区分}} の辞書にしてください。"]
        problems = []
        missing = [k for k in expected if k not in answer]
        if missing:
            problems.append(f"辞書に入っていない指標があります: {'、'.join(missing)}")
        bad = [k for k, v in answer.items() if v not in allowed]
        if bad:
            problems.append(f"区分は {'・'.join(allowed)} のどちらかで書きます（{'、'.join(map(str, bad))}）。")
        wrong = [k for k in expected if k in answer and answer[k] in allowed and answer[k] != expected[k]]
        if wrong:
            problems.append(f"区分が違う指標が {len(wrong)} 個あります。「行政が行ったこと」か「住民や業務に起きた変化」かで考えます。")
        return problems
    return checker


def _logic_model_checker(answer, expected):
    from dxkit.kpi import LogicModel

    if not isinstance(answer, LogicModel):
        return ["LogicModel(...) で作ったロジックモデルを answer に入れてください。"]
    problems = []
    for label, items in expected.stages():
        for item in items:
            where = answer.stage_of(item)
            if where is None:
                problems.append(f"「{item}」がどの段階にも入っていません。")
            elif where != label:
                problems.append(f"「{item}」は「{where}」ではなく、別の段階です。")
    return problems


def _repaired_kpi(name_must_contain: str | None = None, forbid: tuple[str, ...] = ()):
    def checker(answer, expected):
        from dxkit.kpi import KPI, OUTCOME, smart_review

        if not isinstance(answer, KPI):
            return ["KPI(...) か、元の KPI の .with_(...) で作った指標を入れてください。"]
        problems = [f"SMART の {c.letter} がまだ ❌ です: {c.reasons[0]}" for c in smart_review(answer).criteria
                    if not c.ok]
        if name_must_contain and name_must_contain not in answer.name:
            problems.append(f"指標名は元のまま（「{name_must_contain}」を含む名前）にしてください。")
        if any(word in answer.name for word in forbid):
            problems.append("研修の回数やロボットの本数（行ったこと・作ったものの数）ではなく、"
                            "研修やRPAの結果として変わる数値を指標にしてください。")
        if expected.kind == OUTCOME and answer.kind != OUTCOME:
            problems.append("指標の区分を「アウトカム」にしてください。")
        if expected.intended == OUTCOME and answer.intended != OUTCOME:
            problems.append("測りたいもの（intended）は「アウトカム」のままにしてください。")
        return problems
    return checker


def _meeting_log_checker(answer, expected):
    import re

    import pandas as pd

    if not isinstance(answer, pd.DataFrame):
        return ["log.to_frame() の結果（DataFrame）を answer に入れてください。"]
    if list(answer.columns) != list(expected.columns):
        return ["PDCALog の to_frame() をそのまま使ってください（列がそろいません）。"]
    problems = []
    if len(answer) < len(expected):
        problems.append(f"記録が {len(answer)} 件です。2025年9月の会議の記録を 2 件加えてください。")
    last = answer.tail(2)
    subjects = set(last["対象"])
    for name in ("窓口平均待ち時間", "証明書のコンビニ交付率"):
        if name not in subjects:
            problems.append(f"最後の 2 件に「{name}」の記録がありません（subject= に指標名を書きます）。")
    for _, row in last.iterrows():
        if row["対象"] == "窓口平均待ち時間" and row["判断"] == "継続":
            problems.append("窓口平均待ち時間は「遅延」です。何も変えずに「継続」でよいか、もう一度考えましょう。")
        if row["対象"] == "証明書のコンビニ交付率" and row["判断"] == "中止":
            problems.append("証明書のコンビニ交付率は「注意」で、計画との差も小さく、あらかじめ決めた中止の基準には当たりません。"
                            "「中止」でよいか、もう一度考えましょう。")
        if not re.search(r"\d", str(row["確かめたこと"]) + str(row["理由"])):
            problems.append(f"「{row['対象']}」の記録に数値がありません。実績や達成率などの根拠を書きましょう。")
        if len(str(row["理由"])) < 10:
            problems.append(f"「{row['対象']}」の理由が短すぎます。なぜその判断なのかを書きましょう。")
    return problems


def _function_checker(cases):
    def checker(answer, expected):
        if not callable(answer):
            return ["関数（def で作ったもの）の名前を answer に入れてください。"]
        problems = []
        for args, want, why in cases:
            got = answer(*args)
            if got != want:
                problems.append(f"{why} の場合の答えが違います（「{got}」になりました）。")
        return problems
    return checker


# --- lesson 01: KGI, KPI and the logic model ------------------------------------------------

register(Item(
    id="02/01/output_or_outcome",
    title="アウトプットとアウトカムを見分ける",
    var="answer",
    setup="",
    solution="""
        answer = {
            "オンライン化した手続の数": "アウトプット",
            "オンライン申請率": "アウトカム",
            "窓口平均待ち時間": "アウトカム",
            "RPA のシナリオ（ロボット）の本数": "アウトプット",
            "RPAによる削減時間": "アウトカム",
            "職員向けDX研修の開催回数": "アウトプット",
        }
    """,
    hints=["行政が「やったこと・作ったもの」の数はアウトプット、住民や職員の側に「起きた変化」はアウトカムです。",
           "手続の数・ロボットの本数・研修の回数はアウトプット、申請率・待ち時間・削減時間はアウトカムです。"],
    checker=_dict_of_labels("answer", ("アウトプット", "アウトカム")),
))

register(Item(
    id="02/01/logic_model",
    title="書かない窓口のロジックモデルを組み立てる",
    var="answer",
    setup=_IMPORTS,
    solution="""
        answer = LogicModel(
            title="書かない窓口の導入",
            inputs=["窓口支援システムの導入費", "住民課の職員"],
            activities=["申請書の自動作成の設定", "職員への操作研修"],
            outputs=["書かない窓口 利用件数"],
            short_outcomes=["住民の記入の手間が減る"],
            mid_outcomes=["窓口平均待ち時間が短くなる"],
            impacts=["手続に来る住民の負担が小さいまち"],
        )
    """,
    hints=["インプット＝使う資源、活動＝行政がすること、アウトプット＝活動の直接の結果（件数）です。",
           "「記入の手間が減る」はすぐ起きる変化（短期）、「待ち時間が短くなる」はその先の変化（中期）です。"],
    checker=_logic_model_checker,
))

register(Item(
    id="02/01/tree_path",
    title="KPI ツリーの道筋",
    var="answer",
    setup=_IMPORTS + """
        tree = KPITree("手続にかかる住民の時間（KGI）")
        tree.add("オンライン申請率")
        tree.add("窓口平均待ち時間")
        tree.add("証明書のコンビニ交付率")
    """,
    solution="""
        tree.add("書かない窓口 利用件数", parent="窓口平均待ち時間")
        tree.add("窓口の職員の処理時間", parent="窓口平均待ち時間")
        tree.add("RPAによる削減時間", parent="窓口の職員の処理時間")
        answer = tree.path_to("RPAによる削減時間")
    """,
    hints=["tree.add(\"指標名\", parent=\"親の指標名\") で、親の下に加えます。親は先に加えておきます。",
           "最後に answer = tree.path_to(\"RPAによる削減時間\") とします。"],
))

register(Item(
    id="02/01/wait_change",
    title="窓口平均待ち時間の変化（分）",
    var="answer",
    setup=_IMPORTS + """
        monthly = load_dataset("kpi_monthly")
    """,
    solution="""
        wait = monthly[monthly["指標名"] == "窓口平均待ち時間"].sort_values("年月")["実績値"]
        answer = wait.tail(12).mean() - wait.head(12).mean()
    """,
    hints=["monthly[monthly[\"指標名\"] == \"窓口平均待ち時間\"] で行を取り出し、年月の順に並べます。",
           "最後の 12 か月は .tail(12)、最初の 12 か月は .head(12) です。平均の差（後 − 前）を求めます。"],
    tol=1e-6,
))

# --- lesson 02: SMART KPIs --------------------------------------------------------------------

register(Item(
    id="02/02/predict_b06",
    title="B06 の ❌ を予想する",
    var="answer",
    setup=_DEFS,
    solution="""
        answer = smart_review(by_id["B06"]).failed
    """,
    hints=["データ源の欄と、期限の年を見てみましょう。",
           "答えは [\"M\", \"T\"] のような、❌ になる観点の文字のリストです。"],
    ignore_order=True,
))

register(Item(
    id="02/02/repair_b04",
    title="B04（基準値なし）を直す",
    var="answer",
    setup=_DEFS,
    solution="""
        answer = by_id["B04"].with_(baseline=1200, baseline_date="2023-03-31")
    """,
    hints=["by_id[\"B04\"].with_(baseline=..., baseline_date=...) で、足りない項目だけを加えた新しい KPI を作れます。",
           "基準値は取組前に実際に測った値（例 1200 件）、基準日は測った日（例 \"2023-03-31\"）です。"],
    checker=_repaired_kpi(name_must_contain="電子申請の利用件数"),
))

register(Item(
    id="02/02/outcome_kpi",
    title="B02（研修の回数）をアウトカム指標に置き換える",
    var="answer",
    setup=_DEFS,
    solution="""
        answer = KPI("RPA対象業務の職員の作業時間", unit="時間", baseline=300, baseline_date="2023-03-31",
                     target=180, deadline="2026-03-31", direction="減らす", owner="総務課",
                     source="業務量調査（毎年6月）", kind="アウトカム", intended="アウトカム")
    """,
    hints=["研修をした結果、何が変わってほしいのかを考えます（例: 対象業務の作業時間、RPAによる削減時間）。",
           "kind=\"アウトカム\", intended=\"アウトカム\" とし、基準値・目標値・期限・担当・データ源もそろえます。"],
    checker=_repaired_kpi(forbid=("研修", "回数", "本数", "開催")),
))

register(Item(
    id="02/02/all_ok_ids",
    title="SMART をすべて満たす指標の ID",
    var="answer",
    setup=_DEFS,
    solution="""
        answer = [k.kpi_id for k in kpis if smart_review(k).ok]
    """,
    hints=["smart_review(k).ok が True の指標だけを集めます。",
           "リスト内包表記 [k.kpi_id for k in kpis if ...] を使います。"],
    ignore_order=True,
))

# --- lesson 03: tracking and forecasting ------------------------------------------------------

register(Item(
    id="02/03/achievement_wait",
    title="窓口平均待ち時間の達成率",
    var="answer",
    setup=_MONTHLY,
    solution="""
        k = by_id["K02"]
        latest = monthly[monthly["指標ID"] == "K02"].sort_values("年月")["実績値"].iloc[-1]
        answer = (latest - k.baseline) / (k.target - k.baseline)
    """,
    hints=["達成率 = (実績 − 基準値) ÷ (目標値 − 基準値) です。減らす指標でも同じ式です。",
           "最新の実績は、K02 の行を年月の順に並べた最後の値（.iloc[-1]）です。"],
))

register(Item(
    id="02/03/planned_k05",
    title="証明書のコンビニ交付率の計画値",
    var="answer",
    setup=_MONTHLY,
    solution="""
        import pandas as pd
        k = by_id["K05"]
        days = (pd.Timestamp(AS_OF) - pd.Timestamp(k.baseline_date)).days
        total = (pd.Timestamp(k.deadline) - pd.Timestamp(k.baseline_date)).days
        answer = k.baseline + (k.target - k.baseline) * days / total
    """,
    hints=["計画値 = 基準値 + (目標値 − 基準値) × 経過の割合 です。",
           "経過の割合 = (評価日 − 基準日) の日数 ÷ (期限 − 基準日) の日数。planned_value(k, AS_OF) でも確かめられます。"],
))

register(Item(
    id="02/03/forecast_k05",
    title="証明書のコンビニ交付率の期限時点の予測",
    var="answer",
    setup=_MONTHLY,
    solution="""
        import numpy as np
        s = monthly[monthly["指標ID"] == "K05"].sort_values("年月").tail(12)
        x = s["年月"].dt.year * 12 + s["年月"].dt.month
        slope, intercept = np.polyfit(x, s["実績値"], 1)
        k = by_id["K05"]
        answer = slope * (k.deadline.year * 12 + k.deadline.month) + intercept
    """,
    hints=["直近 12 か月の行 s の「年月」から、x =「年×12＋月」の通し月番号を作ります（`.dt.year`・`.dt.month`）。",
           "`slope, intercept = np.polyfit(x, s[\"実績値\"], 1)` で傾きと切片が求まります。",
           "期限の月の通し月番号（k05.deadline.year * 12 + k05.deadline.month）を、傾き × x ＋ 切片 の x に入れます。"],
    tol=1e-4,
))

register(Item(
    id="02/03/at_risk",
    title="順調ではない指標",
    var="answer",
    setup=_MONTHLY,
    solution="""
        table = track_many(plan_kpis, monthly, as_of=AS_OF)
        answer = table.loc[table["状態"] != "順調", "指標名"].tolist()
    """,
    hints=["track_many(plan_kpis, monthly, as_of=AS_OF) で一覧表を作ります。",
           "「状態」の列が「順調」ではない行の「指標名」をリストにします。"],
    ignore_order=True,
))

# --- lesson 04: PDCA --------------------------------------------------------------------------

register(Item(
    id="02/04/meeting_log",
    title="2025年9月の定例会議の記録",
    var="answer",
    setup=_IMPORTS + """
        log = PDCALog("みどり野市 DX推進本部 定例会議")
        log.add("2025年6月", checked="窓口平均待ち時間 22.8分（計画 17.5分）", decision="改善",
                reason="書かない窓口の利用は増えたが、待ち時間は基準とほぼ同じ", date="2025-07-10",
                subject="窓口平均待ち時間")
    """,
    solution="""
        log.add("2025年9月", checked="窓口平均待ち時間 23.2分、達成率18%（遅延）", decision="改善",
                reason="書かない窓口 利用件数は目標超えなのに待ち時間が減らない。呼出し・処理の段階を調べる",
                date="2025-10-10", subject="窓口平均待ち時間")
        log.add("2025年9月", checked="コンビニ交付率 24.4%、予測達成率87%（注意）", decision="継続",
                reason="計画との差は -9 ポイントで許容範囲。周知を強めつつ 12 月に再確認する",
                date="2025-10-10", subject="証明書のコンビニ交付率")
        answer = log.to_frame()
    """,
    hints=["log.add(サイクル, checked=..., decision=..., reason=..., date=..., subject=指標名) を 2 回呼びます。",
           "確かめたこと・理由には、実績や達成率などの数値を入れます。最後に answer = log.to_frame()。"],
    checker=_meeting_log_checker,
))

register(Item(
    id="02/04/personal_rate",
    title="個人の PDCA: 今月の達成率",
    var="answer",
    setup="""
        import pandas as pd
        mine = pd.Series([35, 42, 48, 51, 55, 61],
                         index=["4月", "5月", "6月", "7月", "8月", "9月"], name="書かない窓口の案内率（%）")
        base, goal = 30, 80
    """,
    solution="""
        answer = (mine.iloc[-1] - base) / (goal - base)
    """,
    hints=["達成率 = (実績 − 基準) ÷ (目標 − 基準) です。",
           "今月（9月）の実績は mine.iloc[-1] です。"],
))

register(Item(
    id="02/04/stop_rule",
    title="あらかじめ決めた中止基準を関数にする",
    var="answer",
    setup="",
    solution="""
        def answer(statuses, improved):
            if len(statuses) >= 3 and all(s == "遅延" for s in statuses[-3:]) and improved:
                return "中止"
            if statuses and statuses[-1] in ("遅延", "注意"):
                return "改善"
            return "継続"
    """,
    hints=["まず「中止」の条件（最後の 3 回がすべて遅延、かつ改善策を実施済み）を確かめます。",
           "statuses[-3:] で最後の 3 つが取れます。次に最後が遅延・注意なら「改善」、それ以外は「継続」です。"],
    checker=_function_checker([
        ((["順調", "順調", "順調"], False), "継続", "ずっと順調"),
        ((["順調", "注意"], False), "改善", "最後が注意"),
        ((["遅延", "遅延", "遅延"], True), "中止", "3 回続けて遅延で改善策も実施済み"),
        ((["遅延", "遅延", "遅延"], False), "改善", "3 回続けて遅延だが改善策はまだ"),
        ((["遅延", "遅延"], True), "改善", "遅延が 2 回だけ"),
        ((["遅延", "注意", "遅延"], True), "改善", "遅延の間に注意がはさまる"),
        (([], False), "継続", "記録がまだない"),
    ]),
))

register(Item(
    id="02/04/sunk_cost",
    title="サンクコストの考え方",
    var="answer",
    setup="",
    solution="""
        answer = 3
    """,
    hints=["サンクコスト（埋没費用）は、もう戻ってこない過去の支出です。続けるかどうかの判断には入れません。",
           "「これまでにかけたお金がもったいない」という理由で続けようとしているのはどれでしょうか。"],
))
