"""dxkit.data and dxkit.japanese: encodings, text clean-up, 和暦, schema validation, DXKIT_DATA_DIR."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from dxkit import data
from dxkit.data import (
    dataset_path, load_dataset, match_district, normalize_series, normalize_text, parse_number, parse_wareki,
    parse_wareki_series, read_csv_auto, to_number_series, validate,
)
from dxkit.errors import DxkitError
from dxkit.japanese import to_wareki

CSV_TEXT = "地域名,人口\r\n中央,1200\r\n北山,300\r\n"

SMALL_SCHEMA = {
    "name": "small",
    "unique": ["地域名"],
    "columns": [
        {"name": "地域名", "dtype": "str"},
        {"name": "人口", "dtype": "int", "min": 0, "max": 5000},
        {"name": "調査日", "dtype": "date", "format": "wareki", "required": False},
        {"name": "区分", "dtype": "category", "allowed": ["市街地", "農村"], "required": False},
    ],
}


# ---------------------------------------------------------------- import weight

def test_import_dxkit_does_not_load_pandas():
    code = "import sys, dxkit, dxkit.japanese; sys.exit('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


# ---------------------------------------------------------------- read_csv_auto

@pytest.mark.parametrize("encoding, reported", [("cp932", "cp932"), ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")])
def test_read_csv_auto_detects_encoding(tmp_path, encoding, reported):
    path = tmp_path / "pop.csv"
    path.write_bytes(CSV_TEXT.encode(encoding))
    df = read_csv_auto(path)
    assert list(df.columns) == ["地域名", "人口"]  # no BOM left in the first header
    assert df["地域名"].tolist() == ["中央", "北山"]
    assert df.attrs["encoding"] == reported


def test_read_csv_auto_passes_pandas_arguments(tmp_path):
    path = tmp_path / "pop.csv"
    path.write_bytes(CSV_TEXT.encode("cp932"))
    df = read_csv_auto(path, dtype=str)
    assert df["人口"].tolist() == ["1200", "300"]


def test_read_csv_auto_undecodable_file_says_line_and_what_to_do(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes("地域名,人口\r\n中央,1200\r\n".encode("cp932") + b"\x85\x40,300\r\n")
    with pytest.raises(DxkitError) as err:
        read_csv_auto(path)
    message = str(err.value)
    assert "broken.csv" in message and "3 行目" in message
    assert "CP932" in message and "UTF-8" in message and "保存し直して" in message


def test_read_csv_auto_missing_file(tmp_path):
    with pytest.raises(DxkitError, match="見つかりません"):
        read_csv_auto(tmp_path / "nothing.csv")


# ---------------------------------------------------------------- text and numbers

@pytest.mark.parametrize("raw, clean", [
    ("　ＡＢＣ　１２３ ", "ABC 123"),
    ("ﾐﾄﾞﾘ野市\t役所", "ミドリ野市 役所"),
    ("中央　　1丁目", "中央 1丁目"),
    ("", ""),
])
def test_normalize_text(raw, clean):
    assert normalize_text(raw) == clean


def test_normalize_text_leaves_non_strings():
    assert normalize_text(None) is None
    assert normalize_text(12) == 12


def test_normalize_series_keeps_missing_values():
    out = normalize_series(pd.Series(["　ＡＢＣ ", None]))
    assert out.iloc[0] == "ABC" and pd.isna(out.iloc[1])


@pytest.mark.parametrize("raw, number", [
    ("１，２３４", 1234), ("1,234", 1234), (" 12 ", 12), ("△1.5", -1.5), ("▲３", -3), ("−7", -7), ("", None),
])
def test_parse_number(raw, number):
    assert parse_number(raw) == number


@pytest.mark.parametrize("raw", ["12人", "1.2.3", "abc"])
def test_parse_number_rejects_words(raw):
    with pytest.raises(DxkitError, match="数値として読めません"):
        parse_number(raw)


def test_to_number_series_reports_all_bad_rows():
    series = pd.Series(["１，２３４", "z", "5", "y"])
    with pytest.raises(DxkitError) as err:
        to_number_series(series)
    assert "2 行" in str(err.value) and "index 1" in str(err.value) and "index 3" in str(err.value)
    coerced = to_number_series(series, errors="coerce")
    assert coerced.iloc[0] == 1234 and pd.isna(coerced.iloc[1])
    assert set(coerced.attrs["errors"]) == {1, 3}


# ---------------------------------------------------------------- 和暦

@pytest.mark.parametrize("text, date", [
    ("令和6年4月1日", dt.date(2024, 4, 1)),
    ("令和元年5月1日", dt.date(2019, 5, 1)),
    ("R元.5.1", dt.date(2019, 5, 1)),
    ("R6.4.1", dt.date(2024, 4, 1)),
    ("r6/4/1", dt.date(2024, 4, 1)),
    ("Ｒ６．４．１", dt.date(2024, 4, 1)),
    ("令和６年４月１日", dt.date(2024, 4, 1)),
    ("H31.4.30", dt.date(2019, 4, 30)),
    ("平成31年4月30日", dt.date(2019, 4, 30)),
    ("平31.4.30", dt.date(2019, 4, 30)),
    ("平成元年1月8日", dt.date(1989, 1, 8)),
    ("昭和64年1月7日", dt.date(1989, 1, 7)),
    ("S50.10.10", dt.date(1975, 10, 10)),
    ("大正15年12月24日", dt.date(1926, 12, 24)),
    ("令和 6年 4月 1日", dt.date(2024, 4, 1)),
    ("2024-04-01", dt.date(2024, 4, 1)),
    ("2024/4/1", dt.date(2024, 4, 1)),
    ("2024年4月1日", dt.date(2024, 4, 1)),
    ("20240401", dt.date(2024, 4, 1)),
    ("R6.2.29", dt.date(2024, 2, 29)),
])
def test_parse_wareki_accepts(text, date):
    assert parse_wareki(text) == date


@pytest.mark.parametrize("text, says", [
    ("R6.2.30", "存在しない日付"),
    ("R5.2.29", "存在しない日付"),
    ("令和6年13月1日", "存在しない日付"),
    ("平成31年5月1日", "平成の範囲外"),
    ("H32.1.1", "平成の範囲外"),
    ("昭和64年1月8日", "昭和の範囲外"),
    ("平成元年1月7日", "平成の始まり"),
    ("令和元年4月30日", "令和の始まり"),
    ("R0.4.1", "元年"),
    ("令和6年4月", "日がありません"),
    ("きのう", "日付として読めません"),
    ("X6.4.1", "日付として読めません"),
])
def test_parse_wareki_rejects_in_japanese(text, says):
    with pytest.raises(DxkitError, match=says):
        parse_wareki(text)


def test_era_boundary_message_names_the_next_era():
    with pytest.raises(DxkitError, match="2019年5月1日からは令和"):
        parse_wareki("平成31年5月1日")


def test_parse_wareki_month_only_with_default_day():
    assert parse_wareki("令和5年4月", default_day=1) == dt.date(2023, 4, 1)
    assert parse_wareki("R5.12", default_day=1) == dt.date(2023, 12, 1)
    assert parse_wareki("令和５年１２月", default_day=1) == dt.date(2023, 12, 1)


def test_parse_wareki_accepts_dates_and_timestamps():
    assert parse_wareki(dt.date(2024, 4, 1)) == dt.date(2024, 4, 1)
    assert parse_wareki(pd.Timestamp("2024-04-01 09:00")) == dt.date(2024, 4, 1)


@pytest.mark.parametrize("date, text", [
    (dt.date(2019, 5, 1), "令和元年5月1日"), (dt.date(2019, 4, 30), "平成31年4月30日"),
    (dt.date(1989, 1, 7), "昭和64年1月7日"), (dt.date(2024, 4, 1), "令和6年4月1日"),
])
def test_to_wareki_round_trip(date, text):
    assert to_wareki(date) == text
    assert parse_wareki(text) == date


def test_parse_wareki_series_reports_every_bad_row():
    series = pd.Series(["R6.4.1", "R6.2.30", None, "令和元年5月1日", "ゆうべ"], index=[10, 11, 12, 13, 14])
    with pytest.raises(DxkitError) as err:
        parse_wareki_series(series)
    message = str(err.value)
    assert "2 行" in message and "index 11" in message and "index 14" in message
    result = parse_wareki_series(series, errors="coerce")
    assert str(result.dtype).startswith("datetime64")
    assert result[10] == pd.Timestamp("2024-04-01") and pd.isna(result[11]) and pd.isna(result[12])
    assert set(result.attrs["errors"]) == {11, 14}


# ---------------------------------------------------------------- validate

def small_frame(**changes) -> pd.DataFrame:
    df = pd.DataFrame({"地域名": ["中央", "北山", "川辺"], "人口": ["1200", "１，３００", "300"],
                       "調査日": ["R6.4.1", "令和6年4月1日", "2024-04-01"], "区分": ["市街地", "農村", "農村"]})
    for col, (row, value) in changes.items():
        df.loc[row, col] = value
    return df


def test_validate_converts_types_and_keeps_input():
    raw = small_frame()
    df = validate(raw, SMALL_SCHEMA)
    assert df["人口"].dtype == "int64" and df["人口"].tolist() == [1200, 1300, 300]
    assert (df["調査日"] == pd.Timestamp("2024-04-01")).all()
    assert isinstance(df["区分"].dtype, pd.CategoricalDtype)
    assert raw["人口"].iloc[1] == "１，３００"  # the caller's frame is untouched


def test_validate_missing_column_lists_it():
    with pytest.raises(DxkitError, match="必要な列がありません: 人口"):
        validate(small_frame().drop(columns="人口"), SMALL_SCHEMA)


def test_validate_optional_column_may_be_absent():
    df = validate(small_frame().drop(columns="区分"), SMALL_SCHEMA)
    assert df["区分"].isna().all()


def test_validate_tolerates_zenkaku_headers():
    df = validate(small_frame().rename(columns={"人口": "人口　"}), SMALL_SCHEMA)
    assert "人口" in df.columns


def test_validate_wrong_dtype_names_column_and_line():
    with pytest.raises(DxkitError) as err:
        validate(small_frame(人口=(1, "たくさん")), SMALL_SCHEMA, first_line=2)
    assert "3 行目" in str(err.value) and "列「人口」" in str(err.value) and "たくさん" in str(err.value)


def test_validate_out_of_range_names_column_and_line():
    with pytest.raises(DxkitError) as err:
        validate(small_frame(人口=(2, "-5")), SMALL_SCHEMA, first_line=2)
    assert "4 行目" in str(err.value) and "列「人口」" in str(err.value) and "0 以上" in str(err.value)


def test_validate_without_line_numbers_uses_index():
    with pytest.raises(DxkitError, match="index 2 の行"):
        validate(small_frame(人口=(2, "99999")), SMALL_SCHEMA)


def test_validate_reports_all_problems_required_allowed_unique():
    bad = small_frame(地域名=(2, "中央"), 区分=(1, "山林"), 調査日=(0, "R6.2.30"))
    bad.loc[1, "人口"] = ""
    with pytest.raises(DxkitError) as err:
        validate(bad, SMALL_SCHEMA, first_line=2)
    message = str(err.value)
    assert "問題が 4 件" in message
    assert "空欄" in message and "山林" in message and "存在しない日付" in message
    assert "2 行目、4 行目: 列「地域名」の値「中央」が重複" in message


def test_validate_accepts_schema_name_and_typed_frames():
    pop = load_dataset("population")
    again = validate(pop, "population")
    pd.testing.assert_frame_equal(again, pop, check_like=False)


# ---------------------------------------------------------------- load_dataset / dataset_path

def test_load_dataset_unknown_name_lists_available():
    with pytest.raises(DxkitError) as err:
        load_dataset("populaton")
    assert "populaton" in str(err.value)
    for name in ("population", "preschool", "nursery_enrollment", "applications"):
        assert name in str(err.value)


def test_load_population_types_and_totals():
    pop = load_dataset("population")
    assert pop.attrs["encoding"] == "cp932"
    assert str(pop["調査年月日"].dtype).startswith("datetime64")
    assert pop["地域コード"].iloc[0] == "001"  # leading zeros kept
    assert pop["全国地方公共団体コード"].str.startswith("99").all()
    band_cols = [c for c in pop.columns if c.endswith(("歳の男性", "歳の女性", "以上の男性", "以上の女性"))]
    assert len(band_cols) == 42
    assert (pop[band_cols].sum(axis=1) == pop["総人口"]).all()


def test_load_enrollment_from_excel_with_title_rows_and_dash_cells():
    enrollment = load_dataset("nursery_enrollment")
    assert set(enrollment["種別"].cat.categories) == {"認可保育所", "認定こども園", "小規模保育"}
    assert enrollment["定員"].dtype == "int64"
    small = enrollment["種別"] == "小規模保育"
    assert enrollment.loc[small, "3歳児"].isna().all() and enrollment.loc[~small, "3歳児"].notna().all()
    notes = " ".join(enrollment.attrs["notes"])
    assert "見出しは 3 行目" in notes and f"列「3歳児」ほか 2 列の {int(small.sum())} 行" in notes and "「-」" in notes


def test_load_preschool_in_the_standard_layout():
    pre = load_dataset("preschool")
    assert {"名称", "種別", "所在地_連結表記", "収容定員", "緯度", "経度"} <= set(pre.columns)
    assert pre["収容定員"].dtype == "int64" and pre["全国地方公共団体コード"].eq("999016").all()


def test_load_applications_turns_wareki_and_zenkaku_into_values():
    apps = load_dataset("applications")
    assert apps["年月"].min() == pd.Timestamp("2022-04-01")
    assert apps["年月"].max() == pd.Timestamp("2025-03-01")
    assert apps["件数"].dtype == "int64"
    assert (apps["オンライン件数"] <= apps["件数"]).all()


def test_dataset_path_works_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert dataset_path("population").is_file()
    assert load_dataset("nursery_enrollment").shape[0] > 0


def test_dataset_path_for_folders_and_unknown_names(tmp_path):
    (folders := [p for p in data.bundled_dir().iterdir() if p.is_dir() and not p.name.startswith("_")])
    for folder in folders:
        assert dataset_path(folder.name) == folder
    with pytest.raises(DxkitError, match="使える名前"):
        dataset_path("no_such_thing")


# ---------------------------------------------------------------- DXKIT_DATA_DIR

def town_population(tmp_path, encoding="utf-8", edit=None):
    pop = pd.read_csv(dataset_path("population"), encoding="cp932", dtype=str)
    pop["地方公共団体名"] = "わが町"
    if edit:
        pop = edit(pop)
    pop.to_csv(tmp_path / "population.csv", index=False, encoding=encoding)
    return tmp_path


def test_town_data_dir_that_fits(tmp_path, monkeypatch):
    monkeypatch.setenv("DXKIT_DATA_DIR", str(town_population(tmp_path)))
    pop = load_dataset("population")
    assert (pop["地方公共団体名"] == "わが町").all()
    assert pop.attrs["encoding"] == "utf-8"
    assert dataset_path("population") == tmp_path / "population.csv"


def test_town_data_dir_that_does_not_fit(tmp_path, monkeypatch):
    def edit(pop):
        pop.loc[4, "世帯数"] = "約千"
        return pop

    monkeypatch.setenv("DXKIT_DATA_DIR", str(town_population(tmp_path, "cp932", edit)))
    with pytest.raises(DxkitError) as err:
        load_dataset("population")
    assert "population.csv" in str(err.value) and "6 行目" in str(err.value) and "列「世帯数」" in str(err.value)


def test_town_csv_blank_lines_keep_line_numbers(tmp_path, monkeypatch):
    town_population(tmp_path, "cp932")
    lines = (tmp_path / "population.csv").read_bytes().split(b"\n")
    cells = lines[3].split(b",")
    cells[5] = b"x"  # 総人口 of the 3rd data row
    lines[3] = b",".join(cells)
    blank = b"," * (len(cells) - 1)
    (tmp_path / "population.csv").write_bytes(b"\r\n".join(lines[:2] + [blank] + lines[2:]) + blank + b"\r\n")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError) as err:
        load_dataset("population")
    assert "問題が 1 件" in str(err.value) and "5 行目、列「総人口」" in str(err.value)


def test_town_data_dir_missing_file_uses_the_sample_and_says_so_once(tmp_path, monkeypatch, capsys):
    town_population(tmp_path)
    (tmp_path / "人口.csv").write_text("x", encoding="utf-8")  # misnamed: listed as unused
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("dxkit.town._ANNOUNCED", set())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a banner, not a warning
        df = load_dataset("nursery_enrollment")
        load_dataset("population")
    assert len(df) > 0 and df.attrs["source"].startswith(str(data.bundled_dir()))
    shown = capsys.readouterr().out
    assert shown.count("自治体のデータのフォルダ") == 1
    town_line = next(line for line in shown.splitlines() if "自治体のデータを使うもの" in line)
    sample_line = next(line for line in shown.splitlines() if "同梱の見本" in line)
    assert "population（population.csv）" in town_line and "nursery_enrollment" in sample_line
    assert "人口.csv" in shown


def test_town_data_dir_that_does_not_exist_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path / "no_such_folder"))
    with pytest.raises(DxkitError, match="存在しません"):
        load_dataset("population")
    with pytest.raises(DxkitError, match="存在しません"):
        dataset_path("applications")


def test_town_file_with_a_standard_name_is_found(tmp_path, monkeypatch):
    town_population(tmp_path)
    (tmp_path / "population.csv").rename(tmp_path / "131105_population_20170401.csv")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    assert dataset_path("population").name == "131105_population_20170401.csv"
    (tmp_path / "999999_population.csv").write_bytes((tmp_path / "131105_population_20170401.csv").read_bytes())
    with pytest.raises(DxkitError, match="2 つあります"):
        dataset_path("population")


def test_town_data_dir_wrong_encoding(tmp_path, monkeypatch):
    (tmp_path / "population.csv").write_bytes("全国地方公共団体コード\r\n".encode("cp932") + b"\x85\x40\r\n")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError, match="2 行目.*保存し直して"):
        load_dataset("population")


def test_town_data_dir_not_an_excel_file(tmp_path, monkeypatch):
    (tmp_path / "nursery_enrollment.xlsx").write_text("これは Excel ではありません", encoding="utf-8")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError, match="Excel ファイル"):
        load_dataset("nursery_enrollment")


def test_town_excel_with_wrong_sheet_name(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    wb = load_workbook(dataset_path("nursery_enrollment"))
    wb["入所状況"].title = "Sheet1"
    wb.save(tmp_path / "nursery_enrollment.xlsx")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError, match="シート「入所状況」がありません.*Sheet1"):
        load_dataset("nursery_enrollment")


def test_town_excel_bad_value_reports_excel_row(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    wb = load_workbook(dataset_path("nursery_enrollment"))
    ws = wb["入所状況"]
    header = [c.value for c in ws[3]]
    ws.cell(row=5, column=header.index("定員") + 1, value=-1)
    wb.save(tmp_path / "nursery_enrollment.xlsx")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError, match="5 行目、列「定員」"):
        load_dataset("nursery_enrollment")


def test_town_excel_with_blank_row_above_header(tmp_path, monkeypatch):
    from openpyxl import load_workbook

    wb = load_workbook(dataset_path("nursery_enrollment"))
    ws = wb["入所状況"]
    ws["A2"] = None  # the row between title and header is now empty
    first = ws["A4"].value
    ws.cell(row=6, column=1, value=first)  # duplicate 施設名 on Excel row 6
    wb.save(tmp_path / "nursery_enrollment.xlsx")
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError, match=f"4 行目、6 行目: 列「施設名」の値「{first}」が重複"):
        load_dataset("nursery_enrollment")


def test_non_schema_folder_prefers_town_copy(tmp_path, monkeypatch):
    folders = [p for p in data.bundled_dir().iterdir() if p.is_dir() and not p.name.startswith("_")]
    if not folders:
        pytest.skip("no sub-folders in datasets/ yet")
    shutil.copytree(folders[0], tmp_path / folders[0].name)
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    assert dataset_path(folders[0].name) == tmp_path / folders[0].name


def test_docstring_examples_run():
    import doctest

    import dxkit.japanese

    assert doctest.testmod(dxkit.japanese).failed == 0


def test_public_names_exist():
    assert all(hasattr(data, name) for name in data.__all__)


def test_read_csv_auto_ragged_rows(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("地域名,人口\n中央,1200\n北山,3,00\n", encoding="utf-8")
    with pytest.raises(DxkitError, match="3 行目の項目の数（3）が、見出しの項目の数（2）と合いません"):
        read_csv_auto(path)


# ---------------------------------------------------------------- municipal files as published (issue 16)

@pytest.mark.parametrize("raw", ["1,23,4", "1 234", "12,34", "1,2345"])
def test_parse_number_rejects_loose_digit_grouping(raw):
    with pytest.raises(DxkitError, match="数値として読めません"):
        parse_number(raw)


@pytest.mark.parametrize("raw, number", [("12,345,678", 12345678), ('50,700 ', 50700), ("\u20105", -5),
                                         ("\u22127", -7), ("\u20113", -3)])
def test_parse_number_accepts_real_grouping_and_minus_signs(raw, number):
    assert parse_number(raw) == number


def test_normalize_text_treats_unicode_hyphens_like_full_width_minus():
    assert normalize_text("国府台1\u20107\u20115") == normalize_text("国府台1－7－5") == "国府台1-7-5"
    assert normalize_text("\u22123") == "-3"


def test_parse_wareki_reads_month_day_year():
    assert parse_wareki("4/1/2024") == dt.date(2024, 4, 1)
    assert parse_wareki("12/31/2023") == dt.date(2023, 12, 31)


def _population_text(tmp_path, edit) -> None:
    pop = pd.read_csv(dataset_path("population"), encoding="cp932", dtype=str)
    pop = edit(pop)
    pop.to_csv(tmp_path / "population.csv", index=False, encoding="cp932")


@pytest.mark.parametrize("token", ["-", "―", "…", "*", "X", "秘匿", "－"])
def test_missing_value_tokens_become_missing_with_one_note_per_column(tmp_path, monkeypatch, token):
    def edit(pop):
        pop.loc[0:11, "世帯数"] = token
        return pop

    _population_text(tmp_path, edit)
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    pop = load_dataset("population")
    assert pop["世帯数"].isna().sum() == 12 and str(pop["世帯数"].dtype) == "Int64"
    notes = [n for n in pop.attrs["notes"] if "世帯数" in n]
    assert len(notes) == 1 and notes[0].startswith("列「世帯数」の 12 行（2 行目、3 行目") and "のため欠測として扱いました" in notes[0]


def test_a_missing_token_in_a_required_column_is_one_clear_message(tmp_path, monkeypatch):
    def edit(pop):
        pop.loc[2, "総人口"] = "X"
        return pop

    _population_text(tmp_path, edit)
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError) as err:
        load_dataset("population")
    assert "問題が 1 件" in str(err.value) and "4 行目、列「総人口」: 「X」（欠測）" in str(err.value)


def test_unreadable_dates_give_one_message_each_and_no_nan_duplicate_cascade(tmp_path, monkeypatch):
    def edit(pop):
        pop.loc[0:29, "調査年月日"] = "不明"  # 30 rows; their (調査年月日, 地域コード) keys would all be NaN
        return pop

    _population_text(tmp_path, edit)
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    with pytest.raises(DxkitError) as err:
        load_dataset("population")
    message = str(err.value)
    assert "問題が 30 件" in message and "重複" not in message and "nan" not in message.lower()
    assert max(len(line) for line in message.splitlines()) < 200
    assert "2 行目、列「調査年月日」: 「不明」を日付として読めません" in message


def test_a_city_wide_total_row_over_100k_is_kept_apart(tmp_path, monkeypatch):
    def edit(pop):
        first = pop[pop["調査年月日"] == pop["調査年月日"].iloc[0]]
        total = first.iloc[[0]].copy()
        total[["地域コード", "地域名"]] = ["", "市全体"]
        numbers = [c for c in pop.columns if c not in ("全国地方公共団体コード", "地域コード", "地方公共団体名", "調査年月日", "地域名")]
        total[numbers] = (first[numbers].astype(int).sum() * 5).astype(str).to_numpy()  # over 100,000
        for col in numbers:  # keep each district consistent too
            pop.loc[first.index, col] = (first[col].astype(int) * 5).astype(str)
        return pd.concat([total, pop], ignore_index=True)

    _population_text(tmp_path, edit)
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    pop = load_dataset("population")
    totals = load_dataset("population", totals=True)
    assert len(pop) == 45 and "市全体" not in set(pop["地域名"]) and len(totals) == 1
    assert totals["総人口"].iloc[0] > 100_000
    first_day = pop[pop["調査年月日"] == totals["調査年月日"].iloc[0]]
    assert first_day["総人口"].sum() == totals["総人口"].iloc[0]  # districts add up to it, counted once
    assert any("2 行目）は市区町村全体の合計の行" in n for n in pop.attrs["notes"])


def test_series_helpers_report_file_lines_after_read_csv_auto(tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text('地区,件数\n中央,"1,234"\n北山,"多数\n（後日）"\n川辺,ｘ\n南,5\n', encoding="utf-8")
    raw = read_csv_auto(path)
    with pytest.raises(DxkitError) as err:
        to_number_series(raw["件数"])
    assert "1 行の値" in str(err.value) and "・3 行目:" in str(err.value)  # 「ｘ」 (X, 秘匿) is missing, not an error
    assert raw.attrs["lines"] == [2, 3, 5, 6]


def test_validate_uses_file_lines_of_a_frame_from_read_csv_auto(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text("地域名,人口\n\n中央,1200\n北山,たくさん\n", encoding="utf-8")
    with pytest.raises(DxkitError, match="4 行目、列「人口」"):
        validate(read_csv_auto(path), SMALL_SCHEMA)


def test_match_district_longest_name_and_chome_spellings():
    addresses = pd.Series(["みどり野市桜台東2丁目1-1", "千葉県市川市国府台1‐7‐5", "目黒区駒場1丁目2", "どこか"])
    got = match_district(addresses, ["桜台", "桜台東", "国府台1丁目", "国府台2丁目", "駒場一丁目"])
    assert got.tolist()[:3] == ["桜台東", "国府台1丁目", "駒場一丁目"] and pd.isna(got.iloc[3])


def test_convert_writes_a_standard_copy_of_an_older_layout(tmp_path):
    from dxkit.convert import convert_file

    src = tmp_path / "old.csv"
    text = (dataset_path("population").read_bytes().decode("cp932")
            .replace("全国地方公共団体コード", "都道府県コード又は市区町村コード").replace("地方公共団体名", "市区町村名"))
    src.write_text(text, encoding="cp932")
    out, notes = convert_file(src, "population")
    assert out == tmp_path / "old_dxkit.csv" and src.read_bytes() == text.encode("cp932")  # the original is untouched
    assert any("都道府県コード又は市区町村コード" in n for n in notes)
    again = data.load_file(out, "population")
    assert not any("として読みました" in n for n in again.attrs["notes"])
    assert again["総人口"].sum() == load_dataset("population")["総人口"].sum()


@pytest.mark.parametrize("debug, shows_traceback", [("", False), ("1", True)])
def test_dxkit_error_in_ipython_shows_only_the_japanese_message(debug, shows_traceback, monkeypatch, capsys):
    from IPython.core.interactiveshell import InteractiveShell

    monkeypatch.setenv("DXKIT_DEBUG", debug)
    shell = InteractiveShell.instance(colors="NoColor")
    try:
        shell.run_cell("from dxkit.data import load_dataset\nload_dataset('populaton')")
    finally:
        InteractiveShell.clear_instance()
    text = capsys.readouterr().out
    assert "データセット「populaton」はありません" in text
    assert ("Traceback" in text or "dxkit/data.py" in text) is shows_traceback


def test_a_total_row_that_does_not_match_its_districts_is_noted(tmp_path, monkeypatch):
    town2 = __import__("pathlib").Path(__file__).parent / "fixtures" / "town2"
    rows = [line.split(",") for line in (town2 / "999024_population_20231001.csv").read_bytes().decode("cp932").split("\r\n")]
    rows[1][6], rows[1][7] = str(int(rows[1][6]) + 1), str(int(rows[1][7]) + 1)  # 村全体 2021: 総人口 and 男性 +1
    (tmp_path / "population.csv").write_bytes("\r\n".join(",".join(r) for r in rows).encode("cp932"))
    monkeypatch.setenv("DXKIT_DATA_DIR", str(tmp_path))
    notes = load_dataset("population").attrs["notes"]
    assert any(n.startswith("2 行目（合計の行）の総人口") and "合いません" in n for n in notes)


def test_convert_reads_linkdata_english_names_and_metadata_rows(tmp_path):
    from dxkit.convert import convert_file

    lines = ["#file_name,population_statistics", "#license,CC BY 4.0",
             "population_statistics,year,area_code,city,min_age,max_age,population,male,female"]
    rows = [(0, "", 36, 18, 18)] + [(a, a + 4, 2, 1, 1) for a in range(0, 85, 5)] + [(85, "", 2, 1, 1)]
    lines += [f"row_{i},2020,999999,架空町,{lo},{hi},{n},{m},{f}" for i, (lo, hi, n, m, f) in enumerate(rows)]
    src = tmp_path / "linkdata.csv"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    out, notes = convert_file(src, "population", tmp_path / "population.csv")
    assert any("「#」で始まる 2 行" in n for n in notes)
    pop = data.load_file(out, "population")
    assert len(pop) == 1 and pop["総人口"].iloc[0] == 36 and data.age_bands(pop)[-1] == "85歳以上"
    assert pop["地域名"].iloc[0] == "架空町" and pop["全国地方公共団体コード"].iloc[0] == "999999"
