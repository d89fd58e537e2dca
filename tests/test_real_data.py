"""Real files published by municipalities (../shared/real-data, never copied into the project) load as published,
or after ``dxkit data convert`` alone; course 05 runs on a real city's population file.

Only the kinds the lessons use are tested: 地域・年齢別人口 (×3) and 子育て施設一覧. The AED and 避難場所 files are
not datasets any lesson loads. The whole module skips, saying why, when the folder is absent.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dxkit.cli import main
from dxkit.data import age_bands, load_dataset, load_file, read_table
from dxkit.errors import DxkitError
from lesson_runner import ROOT, run_lessons

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data"
if not REAL.is_dir():
    pytest.skip(f"実在の自治体のファイルのフォルダ {REAL} がないため飛ばします。", allow_module_level=True)

ICHIKAWA = REAL / "ichikawa_population_122033_104.csv"
MEGURO = REAL / "meguro_population_131105_20170401.csv"
TSURUGA = REAL / "tsuruga_population_statistics_linkdata.csv"
KAWAGUCHI = REAL / "kawaguchi_kosodate_112038_preschool.csv"


def town_folder(tmp_path: Path, *files: Path) -> Path:
    """A DXKIT_DATA_DIR outside the project holding copies of the published files, under their own names."""
    folder = tmp_path / "town"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    return folder


def test_ichikawa_population_loads_as_published(tmp_path, monkeypatch):
    monkeypatch.setenv("DXKIT_DATA_DIR", str(town_folder(tmp_path, ICHIKAWA)))
    pop = load_dataset("population")
    assert len(pop) == 237 and pop.attrs["source"].endswith(ICHIKAWA.name)
    assert int(pop["総人口"].sum()) == 492_489 and int(pop["総人口"].max()) == 6_459
    assert (pop["調査年月日"] == "2023-03-31").all()  # the Excel serial 45016
    assert age_bands(pop)[-1] == "85歳以上" and pop["地域コード"].str.fullmatch(r"\d{6}").all()
    assert pop["0-4歳の男性"].isna().sum() == 2  # 塩浜3丁目 and 新浜2丁目: all age cells blank
    notes = "\n".join(pop.attrs["notes"])
    assert "Excel の日付の通し番号（45016" in notes and "ほか 35 列の 2 行" in notes
    assert "年齢階級別の男性の合計が列「男性」と合いません" in notes  # the bands moved to 塩浜4丁目/新浜1丁目
    assert load_dataset("population", totals=True).empty  # no city-wide row in this file


def test_meguro_population_in_the_2024_style_names_loads_as_published():
    pop = load_file(MEGURO, "population")
    assert len(pop) == 88 and pop["地方公共団体名"].eq("目黒区").all() and pop["都道府県名"].eq("東京都").all()
    assert pop["地域コード"].iloc[0] == "111" and pop["地域名"].iloc[0] == "駒場一丁目"
    assert age_bands(pop)[-1] == "85歳以上" and int(pop[["年齢不詳の男性", "年齢不詳の女性"]].sum().sum()) == 1
    notes = "\n".join(pop.attrs["notes"])
    for said in ("「都道府県コード又は市区町村コード」を「全国地方公共団体コード」", "「85歳の男性以上」を「85歳以上の男性」",
                 "「不詳者の女性」を「年齢不詳の女性」"):
        assert said in notes
    assert "合いません" not in notes  # bands + 年齢不詳 = 男性・女性 on every row


def test_tsuruga_linkdata_needs_convert_and_then_loads(tmp_path, capsys):
    with pytest.raises(DxkitError, match="dxkit data convert"):
        load_file(TSURUGA, "population")
    out = tmp_path / "population.csv"
    assert main(["data", "convert", str(TSURUGA), "--as", "population", "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "縦長の人口 276 行を、3 行" in said and "1 月 1 日" in said
    pop = load_file(out, "population")
    assert pop["調査年月日"].dt.year.tolist() == [2010, 2011, 2012] and pop["地域名"].eq("敦賀市").all()
    assert int(pop.loc[0, "総人口"]) == 68_934 and age_bands(pop)[-1] == "90歳以上"
    bands = [c for c in pop.columns if c.endswith(("歳の男性", "以上の男性", "歳の女性", "以上の女性"))]
    assert (pop[bands].sum(axis=1) == pop["総人口"]).all()


def test_kawaguchi_kosodate_loads_as_published_with_file_line_numbers():
    pre = load_file(KAWAGUCHI, "preschool")
    assert len(pre) == 302 and pre["種別"].nunique() == 7
    assert pre["収容定員"].isna().sum() == 57 and pre["認可等年月日"].isna().sum() == 92
    assert "列「収容定員」の 57 行" in "\n".join(pre.attrs["notes"])
    # Line numbers are the file's physical lines: 57 quoted cells hold line breaks.
    text = KAWAGUCHI.read_text(encoding="utf-8-sig")
    lines = read_table(KAWAGUCHI, "preschool").attrs["lines"]
    last = pre["名称"].iloc[-1]
    assert lines[-1] == text[: text.index(last)].count("\n") + 1 and lines[-1] > 303


def test_data_check_reports_each_real_file(tmp_path, capsys):
    folder = town_folder(tmp_path, ICHIKAWA, KAWAGUCHI, TSURUGA)
    assert main(["data", "check", str(folder)]) == 1  # two population files: said, not guessed
    said = capsys.readouterr().out
    assert f"✓ preschool（子育て施設一覧）: {KAWAGUCHI.name} の 302 行を読めました" in said
    assert "✗ population（地域・年齢別人口）:" in said and "2 つあります" in said
    (folder / TSURUGA.name).unlink()
    assert main(["data", "check", str(folder)]) == 0
    said = capsys.readouterr().out
    assert f"✓ population（地域・年齢別人口）: {ICHIKAWA.name} の 237 行を読めました" in said
    assert "Excel の日付の通し番号" in said and "85歳以上" in said


@pytest.fixture(scope="module")
def ichikawa_outputs(tmp_path_factory):
    folder = town_folder(tmp_path_factory.mktemp("ichikawa"), ICHIKAWA)
    lessons = sorted((ROOT / "courses" / "05_data_analysis").glob("0[1-9]_*.ipynb"))
    return run_lessons(lessons, folder)


def test_course_05_runs_on_ichikawa(ichikawa_outputs):
    aggregate = "\n".join(ichikawa_outputs["courses/05_data_analysis/03_aggregate.ipynb"])
    assert "最新の調査年月日: 2023-03-31  行数: 237" in aggregate
    assert "2023-03-31    492489" in aggregate  # the city's population, counted once
    merge = "\n".join(ichikawa_outputs["courses/05_data_analysis/04_merge_rates.ipynb"])
    assert "1 つも合いません" in merge  # the sample nurseries are not in 市川市: said, not silently joined
    clean = "\n".join(ichikawa_outputs["courses/05_data_analysis/02_clean_values.ipynb"])
    assert "最新の調査年月日の総人口（地区の合計）: 492489" in clean
