"""Every lesson that loads population / preschool / applications runs on a second, differently shaped town.

tests/fixtures/town2 (written by ``python -m tools.datagen._second_town``): a village of 3 districts plus a
村全体 total row, surveyed on October 1st of 2021-2023, CP932 files with the 2024 header names and standard
file names. tests/fixtures/town3: a city whose 市全体 row is over 100,000, older layout ending at 85歳以上.
"""

from __future__ import annotations

import pytest

from dxkit.data import age_bands, load_dataset
from lesson_runner import ROOT, data_lessons, run_lessons
from tools.datagen import _second_town

FIXTURES = ROOT / "tests" / "fixtures"
TOWN2 = FIXTURES / "town2"


def test_fixtures_are_what_the_generator_writes(tmp_path):
    for path in _second_town.generate(tmp_path):
        committed = FIXTURES / path.relative_to(tmp_path)
        assert committed.is_file() and committed.read_bytes() == path.read_bytes(), (
            f"{committed} differs: run `python -m tools.datagen._second_town`")


@pytest.fixture(scope="module")
def town2_outputs():
    lessons = data_lessons()
    assert {p.name for p in lessons} >= {"06_pandas_table.ipynb", "07_pandas_groupby.ipynb", "09_dx_cases_data.ipynb", "01_load_files.ipynb", "02_clean_values.ipynb",
                                         "03_aggregate.ipynb", "04_merge_rates.ipynb", "05_charts.ipynb",
                                         "07_evidence_limits.ipynb"}
    return run_lessons(lessons, TOWN2)


def test_every_data_lesson_runs_on_the_village_and_says_whose_data_it_is(town2_outputs):
    for lesson, outputs in town2_outputs.items():
        banner = next((o for o in outputs if "自治体のデータを使うもの" in o), "")
        assert "999024_population_20231001.csv" in banner and "999024_preschool.csv" in banner, lesson
        assert "同梱の見本（架空のみどり野市）を使うもの" in banner and "nursery_enrollment" in banner, lesson


def test_lessons_use_the_village_districts_and_years_not_the_samples(town2_outputs):
    aggregate = "\n".join(town2_outputs["courses/05_data_analysis/03_aggregate.ipynb"])
    assert "最新の調査年月日: 2023-10-01" in aggregate and "2021 → 2023" in aggregate
    merge = "\n".join(town2_outputs["courses/05_data_analysis/04_merge_rates.ipynb"])
    assert "地区が決まった保育施設: 3 / 3" in merge  # the 放課後児童クラブ is not a nursery
    assert "北川" in aggregate and "桜台" not in aggregate
    for lesson in ("03_aggregate", "04_merge_rates", "05_charts", "07_evidence_limits"):
        text = "\n".join(town2_outputs[f"courses/05_data_analysis/{lesson}.ipynb"])
        assert "桜台" not in text and "みどり野市" not in text.replace("同梱の見本（架空のみどり野市）", ""), lesson


def test_the_village_total_row_is_kept_apart_and_never_double_counted(monkeypatch):
    monkeypatch.setenv("DXKIT_DATA_DIR", str(TOWN2))
    pop = load_dataset("population")
    totals = load_dataset("population", totals=True)
    assert sorted(pop["地域名"].unique()) == ["北川", "南原", "東谷"] and len(totals) == 3
    assert (totals["地域名"] == "村全体").all()
    by_date = pop.groupby("調査年月日")["総人口"].sum()
    assert by_date.tolist() == totals.set_index("調査年月日")["総人口"].loc[by_date.index].tolist()
    assert pop["世帯数"].isna().sum() == 1 and any("「-」のため欠測" in n for n in pop.attrs["notes"])
    assert pop["年齢不詳の男性"].sum() == 1  # counted in 男性 (no totals note for it)
    assert not any("年齢階級別の男性の合計" in n for n in pop.attrs["notes"])


def test_a_city_over_100k_with_a_total_row_in_the_older_layout(monkeypatch):
    monkeypatch.setenv("DXKIT_DATA_DIR", str(FIXTURES / "town3"))
    pop = load_dataset("population")
    totals = load_dataset("population", totals=True)
    assert totals["総人口"].min() > 100_000 and (totals["地域名"] == "市全体").all()
    assert age_bands(pop)[-1] == "85歳以上" and "100歳以上の男性" not in pop.columns
    latest = pop[pop["調査年月日"] == pop["調査年月日"].max()]
    assert latest["総人口"].sum() == totals.loc[totals["調査年月日"].idxmax(), "総人口"]
    notes = " ".join(pop.attrs["notes"])
    assert "「#」で始まる 1 行" in notes and "見出しは 3 行目" in notes and "85歳以上" in notes


def test_a_dxkit_error_in_a_lesson_shows_the_japanese_message_only(town2_outputs):
    clean = "\n".join(town2_outputs["courses/05_data_analysis/02_clean_values.ipynb"])
    shown = clean[clean.rindex("エラー（DxkitError）"):][:600]  # validate(broken, "population"), tagged raises-exception
    assert "列「総人口」" in shown and "男性・女性の合計" in shown
    assert "Traceback" not in shown and "dxkit/" not in shown and "site-packages" not in shown


def test_course00_pandas_lessons_show_the_village_procedures_and_years(town2_outputs):
    for lesson in ("06_pandas_table", "07_pandas_groupby", "09_dx_cases_data"):
        text = "\n".join(town2_outputs[f"courses/00_orientation/{lesson}.ipynb"])
        assert "粗大ごみ収集の申込" in text and "市税の証明書の交付請求" not in text, lesson  # 市税: sample only
    fiscal = "\n".join(town2_outputs["courses/00_orientation/07_pandas_groupby.ipynb"])
    assert "2021" in fiscal and "2024" not in fiscal  # the village's fiscal years 2021-2022, not the sample's 2022-2024
