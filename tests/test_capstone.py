"""The capstone (修了課題): dxkit.capstone's one-page summary, and exercises/05_capstone in the grading chain.

- make_summary() is pure: the page's figures come from the pieces it is given (fixtures below);
- save_summary() writes one HTML page (lang="ja", no outside files) that prints on ONE A4 sheet (Chromium);
- the nbgrader release carries no solution, every graded cell is manually graded with a rubric whose
  points add up, the blank release scores 0 and the reference solution waits for the grader.
"""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from leaks import hidden_lines, solution_lines

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "05_capstone"
SOURCE = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RUBRIC = re.compile(r"\n### 採点基準（観点・配点）\n\n\| 観点 \| 配点 \|\n\|---\|---\|\n((?:\| .+ \| [0-9.]+ 点 \|\n)+)"
                    r"\| 合計 \| ([0-9.]+) 点 \|\s*$")
# Skills course 00 introduces (docs: /work/brief/LEARNING_PATH.md); lessons 01–05 declare the rest.
COURSE00_SKILLS = ("fstring", "for", "if", "def", "comprehension", "try", "raise", "bool_filter", "loc",
                   "value_counts", "groupby", "pivot", "apply")


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


# ---------------------------------------------------------------- fixtures: one small office task

@pytest.fixture(scope="module")
def pieces():
    from dxkit.kpi import KPI
    from dxkit.process import Process
    from dxkit.rpa import integer, required, validate_record
    from dxkit.security import classify_segment, find_pii

    steps = pd.DataFrame([
        (1, "窓口職員", "申請書を受け付ける", "作業", 4, 0, "手作業", "紙", "2"),
        (2, "係長", "内容を確認する", "確認", 3, 30, "手作業", "紙", "3"),
        (3, "窓口職員", "台帳に入力する", "転記", 5, 0, "手作業", "データ", ""),
    ], columns=["ID", "担当", "作業", "種別", "所要時間", "待ち時間", "処理", "媒体", "次工程"])
    metrics = Process.from_table(steps, name="犬の登録").metrics(volume=600)   # 42 min lead, 12 staff, 120 h
    kpi = KPI("登録から鑑札交付までの平均日数", unit="日", baseline=5, baseline_date="2026-04-01", target=3,
              deadline="2027-03-31", direction="減らす", owner="環境課", source="登録台帳", kind="アウトカム")
    rules = [required("登録番号"), integer("頭数", minimum=1, maximum=5)]
    checks = [validate_record({"登録番号": "D-1", "頭数": 1}, rules),
              validate_record({"登録番号": "D-2", "頭数": 9}, rules),
              validate_record({"登録番号": "D-3", "頭数": 2}, rules)]
    text = "見本 太郎 様（電話 090-0000-1234）から問い合わせ"
    return dict(task="犬の登録 <手続>", office="環境課（架空）", date="2026-12-01", metrics=metrics, kpi=kpi,
                automation="頭数の確認をルールで検査する", checks=checks,
                segment=classify_segment("庁内の文書管理システムで起案する"), pii=find_pii(text),
                ai_use="伏せ字にした文面だけを入力する", finding="3 月に件数が 2 倍になる",
                request="3 か月の試行を認めてください",
                table=pd.DataFrame({"年度": [2024, 2025], "件数": [580, 600]}))


def test_summary_takes_its_figures_from_the_pieces(pieces):
    from dxkit.capstone import make_summary

    md = make_summary(**pieces).to_markdown()
    assert md.startswith("# 業務改善の提案: 犬の登録 <手続>\n")
    assert "リードタイム 42 分（うち待ち時間 30 分）、工程数 3、担当の引き継ぎ 2 回" in md
    assert "職員の作業時間 1 件 12 分 × 年間 600 件 ＝ 年間 120 時間" in md
    assert "基準 5日（2026-04-01） → 目標 3日（2027-03-31まで・減らす）" in md
    assert "SMART: S✅ M✅ A✅ R✅ T✅" in md and "直すところ" not in md
    assert "見本 3 件をルールで検査: そのまま進める 2 件、人が確認する 1 件（例: 「頭数」は 5 以下です（9）。）" in md
    assert "扱う領域: LGWAN接続系" in md
    assert "資料に含まれる個人情報: 氏名 1 件、電話番号 1 件" in md
    assert "| 年度 | 件数 |\n|---|---|\n| 2024 | 580 |\n| 2025 | 600 |" in md
    assert md.index("## 5. 分析") < md.index("| 年度 |") < md.index("## 6. お願いしたいこと")


def test_summary_names_what_to_fix_in_the_kpi(pieces):
    from dxkit.capstone import make_summary

    md = make_summary(**{**pieces, "kpi": pieces["kpi"].with_(owner=None, deadline=None)}).to_markdown()
    assert "SMART: S✅ M✅ A❌ R✅ T❌" in md
    assert "直すところ: A: 担当がありません。" in md and "（ほか 1 件）" in md


def test_summary_reports_a_dry_run(pieces):
    from dxkit.capstone import make_summary
    from dxkit.rpa import Robot

    def read(case):
        case.row = dict(case.item)

    dry = Robot("転記ロボット", [("読む", read)]).run([{"番号": 1}, {"番号": 2}], dry_run=True)
    md = make_summary(**{**pieces, "checks": dry}).to_markdown()
    assert "ドライラン（台帳には書いていません）: 対象 2 件、転記 0 件" in md and "転記予定（ドライラン） 2 件" in md


@pytest.mark.parametrize("change, message", [
    ({"task": ...}, "「業務名」（task）がまだ書かれていません"),
    ({"request": "  "}, "「上司へのお願い」（request）がまだ書かれていません"),
    ({"finding": "あ" * 161}, "「分析で分かったこと」が 161 字あります。1 枚に収めるため 160 字以内"),
    ({"office": "環境課" * 14}, "「所属」が 42 字あります。1 枚に収めるため 40 字以内"),
    ({"metrics": 42}, "metrics には 工程モデルの metrics(volume=年間件数) の結果 を渡してください（いまは int）"),
    ({"kpi": "オンライン申請率"}, "kpi には KPI(...) で作った指標 を渡してください"),
    ({"checks": []}, "checks には validate_record() の結果のリスト（1 件以上）"),
    ({"pii": "なし"}, "pii には find_pii(...) の結果"),
    ({"segment": "LGWAN接続系"}, "segment には classify_segment(...) の結果"),
    ({"table": pd.DataFrame({"月": range(13)})}, "1〜12 行・6 列までです（いまは 13 行・1 列）"),
    ({"table": pd.DataFrame({"地区": ["みどり野駅前地区の東側"]})}, "表の列名や値は 10 字までにしてください（「みどり野駅前地区の東側」"),
])
def test_summary_says_in_japanese_what_to_fix(pieces, change, message):
    from dxkit.capstone import make_summary
    from dxkit.errors import DxkitError

    with pytest.raises(DxkitError, match=re.escape(message)):
        make_summary(**{**pieces, **change})


def test_metrics_without_a_yearly_volume_are_refused(pieces):
    from dxkit.capstone import make_summary
    from dxkit.errors import DxkitError
    from dxkit.process import Process

    table = pd.DataFrame({"ID": [1], "担当": ["職員"], "作業": ["受付"], "所要時間": [3]})
    with pytest.raises(DxkitError, match=r"年間件数が入っていません"):
        make_summary(**{**pieces, "metrics": Process.from_table(table).metrics()})


# ---------------------------------------------------------------- the saved page

@pytest.fixture(scope="module")
def chart():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dxkit.plotting import describe, setup

    setup()
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.plot([f"{m}月" for m in range(1, 13)], [50, 48, 120, 60, 55, 52, 50, 49, 51, 53, 54, 58])
    ax.set_title("月別件数")
    describe(fig, "月別件数の折れ線グラフ。3 月が 120 件で最も多い。")
    yield fig
    plt.close(fig)


def test_saved_page_is_one_japanese_html_file(pieces, chart, tmp_path):
    from dxkit.capstone import make_summary, save_summary

    path = save_summary(make_summary(**pieces), tmp_path / "上司への1枚.html", chart=chart)
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ja">' in page and '<meta charset="utf-8">' in page
    assert "@page { size: A4;" in page
    assert "<title>業務改善の提案: 犬の登録 &lt;手続&gt;</title>" in page and "<手続>" not in page
    img = re.search(r"<img alt='([^']*)' src='data:image/png;base64,([A-Za-z0-9+/=]+)'>", page)
    assert img and img.group(1) == "月別件数の折れ線グラフ。3 月が 120 件で最も多い。"
    assert base64.b64decode(img.group(2)).startswith(b"\x89PNG")
    assert not re.search(r"(src|href)=['\"](?!data:)", page), "the page must not load outside files"


def test_save_refuses_a_wrong_file_name_and_writes_nothing(pieces, tmp_path):
    from dxkit.capstone import make_summary, save_summary
    from dxkit.errors import DxkitError

    with pytest.raises(DxkitError, match=r"\.html のファイル名"):
        save_summary(make_summary(**pieces), tmp_path / "上司への1枚.pdf")
    assert list(tmp_path.iterdir()) == []


def test_fullest_page_prints_on_one_a4_sheet(pieces, chart, tmp_path):
    """Every text at its limit, the largest table and a chart: Chromium's print preview is still one A4 page."""
    from browser_support import browser

    from dxkit.capstone import MAX_CELL, MAX_SHORT, MAX_TABLE_COLUMNS, MAX_TABLE_ROWS, MAX_TEXT, make_summary, save_summary

    long = "記入内容の確認に時間がかかり、繁忙期には待ちが長くなります。" * 10
    table = pd.DataFrame({f"列{c}".ljust(MAX_CELL, "名"): ["繁忙期の待ち時間が長い"[:MAX_CELL]] * MAX_TABLE_ROWS
                          for c in range(MAX_TABLE_COLUMNS)})
    texts = {k: long[:MAX_TEXT] for k in ("automation", "ai_use", "finding", "request")}
    kpi = pieces["kpi"].with_(owner=None)             # adds the 直すところ line
    full = make_summary(**{**pieces, **texts, "task": long[:MAX_SHORT], "office": long[:MAX_SHORT], "kpi": kpi,
                           "table": table})
    path = save_summary(full, tmp_path / "full.html", chart=chart)
    with browser(tmp_path) as br:
        page = br.new_page()
        page.goto(path.as_uri())
        pdf = page.pdf(prefer_css_page_size=True)
        page.close()
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the fullest summary prints on {pages} A4 pages"


# ---------------------------------------------------------------- the notebook

@pytest.fixture(scope="module")
def source():
    return nbformat.read(SOURCE, as_version=4)


def test_every_graded_cell_is_manual_with_a_rubric_above_it(source):
    graded = [(i, c) for i, c in enumerate(source.cells) if meta(c).get("grade")]
    assert len(graded) == 7 and sum(meta(c)["points"] for _, c in graded) == 25
    ids = [meta(c)["grade_id"] for c in source.cells if meta(c)]
    assert len(ids) == len(set(ids)), "grade ids are unique"
    assert {c.cell_type for _, c in graded} == {"code", "markdown"}, "written answers and code the grader reads"
    for i, cell in graded:
        gid, points = meta(cell)["grade_id"], meta(cell)["points"]
        assert meta(cell)["solution"] and points > 0, f"{gid}: every graded cell is a manually graded answer"
        above = source.cells[i - 1]
        assert above.cell_type == "markdown" and meta(above).get("locked") and not meta(above).get("solution"), \
            f"{gid}: its question stands in a read-only cell right above it"
        rubric = RUBRIC.search(above.source)
        assert rubric, f"{gid}: the prompt ends with its 採点基準（観点・配点） table"
        rows = [float(p) for p in re.findall(r"^\| .+ \| ([0-9.]+) 点 \|$", rubric.group(1), re.M)]
        assert sum(rows) == float(rubric.group(2)) == float(points), f"{gid}: rubric rows, 合計 and points differ"
        assert "採点基準" not in cell.source


def test_notebook_uses_only_skills_the_path_teaches(source):
    """The capstone comes after course 05: its code (the model answers too) uses only taught skills."""
    from tools.curriculum.skills import path_units, skills_in

    taught = set(COURSE00_SKILLS) | {s for u in path_units(ROOT) for s in u.introduces}
    for i, cell in enumerate(source.cells):
        if cell.cell_type == "code":
            extra = skills_in(cell.source) - taught
            assert not extra, f"cell {i} uses {sorted(extra)}, which no lesson teaches"


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release with the real grading/ config, then autograde the blank release and the reference solution."""
    from nbgrader.api import Gradebook

    from dxkit.cohort.course import Course

    root = tmp_path_factory.mktemp("capstone-course")
    api = Course.open(root).api()
    result = api.generate_assignment(ASSIGNMENT)
    assert result["success"], result.get("error") or result.get("log")
    release_dir = root / "release" / ASSIGNMENT
    scores = {}
    for student, notebook in (("blank", None), ("model", SOURCE)):
        target = root / "submitted" / student / ASSIGNMENT
        shutil.copytree(release_dir, target)
        if notebook is not None:
            shutil.copy(notebook, target / SOURCE.name)
        result = api.autograde(ASSIGNMENT, student)
        assert result["success"], result.get("error") or result.get("log")
        with Gradebook(api.coursedir.db_url) as gb:
            nb = gb.find_submission_notebook(SOURCE.stem, ASSIGNMENT, student)
            scores[student] = {g.name: (g.auto_score, g.max_score, g.needs_manual_grade) for g in nb.grades}
    return {"release": nbformat.read(release_dir / SOURCE.name, as_version=4), "scores": scores}


def test_release_has_no_solution_and_no_worked_example(graded, source):
    release = graded["release"]
    text = "\n".join(c.source for c in release.cells)
    assert not re.search(r"(BEGIN|END) (SOLUTION|HIDDEN TESTS)", text)
    by_id = {meta(c).get("grade_id"): c.source for c in release.cells}
    for cell in source.cells:
        assert not hidden_lines(cell.source)
        if meta(cell).get("solution"):
            for line in solution_lines(cell.source):
                assert line not in by_id[meta(cell)["grade_id"]], f"solution leaked: {line!r}"
    answers = "\n".join(c.source for c in release.cells if meta(c).get("solution"))
    assert "みどり野市" not in answers and "raise NotImplementedError()" in answers


def test_blank_release_scores_zero_and_nothing_is_autograded(graded):
    blank = graded["scores"]["blank"]
    assert len(blank) == 7 and sum(m for _, m, _ in blank.values()) == 25
    assert all(auto == 0 and not manual for auto, _, manual in blank.values()), blank


def test_model_answer_waits_for_the_grader(graded):
    model = graded["scores"]["model"]
    assert len(model) == 7
    assert all(auto is None and manual for auto, _, manual in model.values()), model
