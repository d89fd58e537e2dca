"""dxkit.check and dxkit.compare: the comparison matrix, bad inputs (never raise), expect(), reprs."""

from __future__ import annotations

import datetime as dt
import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from dxkit import check as chk
from dxkit.compare import CATEGORIES, compare, describe, short
from dxkit.errors import DxkitError


@pytest.fixture
def sandbox(monkeypatch):
    """A private copy of the registry so test items never leak into test_items or the conventions."""
    monkeypatch.setattr(chk, "_ITEMS", dict(chk.registry()))
    monkeypatch.setattr(chk, "_COURSES", dict(chk._COURSES))
    monkeypatch.setattr(chk, "_EXPECTED", {})
    monkeypatch.setattr(chk, "_HINT_POS", {})
    return chk


def kinds(answer, expected, **kw):
    return [d.kind for d in compare(answer, expected, **kw)]


def text(answer, expected, **kw):
    return "\n".join(d.text for d in compare(answer, expected, **kw))


# ---------------------------------------------------------------- scalars

@pytest.mark.parametrize("answer, expected", [
    (3, 3), (3, 3.0), (3.0, 3), (0.1 + 0.2, 0.3), (1e9 + 0.5, 1e9), (np.int64(5), 5), (np.float64(2.5), 2.5),
    (math.nan, math.nan), (np.nan, None), (None, math.nan), (True, True), (np.bool_(False), False),
    ("窓口", "窓口"), (dt.date(2024, 4, 1), dt.date(2024, 4, 1)), (pd.Timestamp("2024-04-01 09:00"),
                                                                   dt.datetime(2024, 4, 1, 9)),
    (np.array(7), 7), (1 + 2j, 1 + 2j),
])
def test_equal_scalars(answer, expected):
    assert compare(answer, expected) == []


@pytest.mark.parametrize("answer, expected, kind, words", [
    (4, 3, "values", "大きい"),
    (2, 3, "values", "小さい"),
    (1000001, 1000000, "values", "あなたの答え"),     # integers compare exactly
    (12.5, 0.125, "values", "100 倍"),
    (0.125, 12.5, "values", "100 分の 1"),
    (-3, 3, "values", "符号"),
    (3.14, 3.14159, "values", "丸め"),
    (True, 1, "type", "True/False"),
    (1, True, "type", "True か False"),
    ("True", True, "type", "引用符"),
    ("3", 3, "type", "int()"),
    ([3], 3, "type", "1 つの数"),
    (pd.Series([3]), 3, "type", "1 つの数"),
    ({"a": 1}, 3, "type", "整数"),
    (3, "3", "type", "str()"),
    ("窓口 ", "窓口", "text", ".strip()"),
    ("１２３", "123", "text", "全角と半角"),
    ("Ａ課 ", "A課", "text", "全角・半角の違いと、前後"),
    ("住民 課", "住民課", "text", "途中の空白"),
    ("ABC", "abc", "text", "大文字と小文字"),
    ("税務課", "市民課", "text", "税務課"),
    ("2024-04-01", dt.date(2024, 4, 1), "type", "文字列"),
    (dt.datetime(2024, 4, 1), dt.date(2024, 4, 1), "type", ".date()"),
    (dt.date(2024, 4, 1), dt.datetime(2024, 4, 1), "type", "日時"),
    (dt.date(2025, 4, 1), dt.date(2024, 4, 1), "values", "和暦"),
    (dt.date(2024, 4, 2), dt.date(2024, 4, 1), "values", "1 日"),
    (pd.Timestamp("2024-04-01", tz="Asia/Tokyo"), dt.datetime(2024, 4, 1), "type", "タイムゾーン"),
    (math.nan, 3, "values", "空"),
    (3, math.nan, "values", "欠損"),
])
def test_different_scalars(answer, expected, kind, words):
    diffs = compare(answer, expected)
    assert diffs and diffs[0].kind == kind
    assert words in diffs[0].text


def test_tolerance_is_relative_and_adjustable():
    assert compare(100.00001, 100.0) == []
    assert compare(100.01, 100.0)
    assert compare(100.01, 100.0, tol=1e-3) == []
    assert compare(1e-14, 0.0) == []


# ---------------------------------------------------------------- containers

def test_lists_and_tuples():
    assert compare([1, 2.0, "a"], [1, 2, "a"]) == []
    assert compare((1, 2), [1, 2]) == []
    assert kinds([1, 2], [1, 2, 3]) == ["length"]
    assert kinds([2, 1], [1, 2]) == ["order"]
    assert compare([2, 1], [1, 2], ignore_order=True) == []
    assert "2 番目の要素" in text([1, 5, 3], [1, 2, 3])
    many = text(list(range(10)), [x + 1 for x in range(10)])
    assert "ほかにも 7 個" in many
    assert kinds(np.array([1, 2]), [1, 2]) == ["type"]
    assert ".tolist()" in text(pd.Series([1, 2]), [1, 2])
    assert compare([[1, 2], [3]], [[1, 2], [3]]) == []
    assert "[1]" in text([[1, 2], [4]], [[1, 2], [3]])
    assert compare(["b", 1, "a"], ["a", "b", 1], ignore_order=True) == []


def test_dicts_report_missing_and_extra_keys():
    diffs = text({"a": 1, "c": 3}, {"a": 1, "b": 2})
    assert "足りないキー" in diffs and "「b」" in diffs
    assert "余分なキー" in diffs and "「c」" in diffs
    assert "キー 'a'" in text({"a": 5}, {"a": 1})
    assert compare({"a": [1, 2]}, {"a": [1, 2.0]}) == []
    assert ".to_dict()" in text(pd.Series({"a": 1}), {"a": 1})


def test_sets():
    assert compare({1, 2}, {2, 1}) == []
    out = text({1, 4}, {1, 2, 3})
    assert "足りない要素が 2 個" in out and "余分な要素" in out and "4" in out
    assert "set()" in text([1, 2], {1, 2})


# ---------------------------------------------------------------- numpy

def test_numpy_arrays():
    assert compare(np.array([1.0, 2.0, np.nan]), np.array([1, 2.0000001, np.nan])) == []
    assert kinds(np.zeros((2, 3)), np.zeros((3, 2))) == ["shape"]
    assert kinds([1, 2], np.array([1, 2])) == ["type"]
    assert kinds(np.array(["1", "2"]), np.array([1, 2])) == ["dtype"]
    out = text(np.array([1, 2, 3, 9]), np.array([1, 2, 3, 4]))
    assert "1 個" in out and "3 番目" in out
    assert compare(np.array([3, 1, 2]), np.array([1, 2, 3]), ignore_order=True) == []
    assert compare(np.array([True, False]), np.array([True, False])) == []
    assert compare(np.array(["a", "b"], dtype=object), np.array(["a", "b"], dtype=object)) == []


# ---------------------------------------------------------------- pandas

@pytest.fixture
def frame():
    return pd.DataFrame({"地区": ["北", "南", "東"], "人口": [1200, 980, 1500], "率": [0.1, 0.25, 0.3]})


def test_series(frame):
    expected = frame.set_index("地区")["人口"]
    assert compare(expected.copy(), expected) == []
    assert compare(expected.astype(float), expected) == []
    assert compare(expected.rename("別名"), expected) == []
    assert kinds(frame.set_index("地区")[["人口"]], expected) == ["type"]
    assert kinds(expected.iloc[:2], expected) == ["length"]
    assert kinds(expected.sort_values(), expected)[0] == "order"
    assert compare(expected.sort_values(), expected, ignore_order=True) == []
    changed = expected.copy()
    changed["南"] = 981
    assert "'南': あなたの答え 981" in text(changed, expected) and "980" not in text(changed, expected)
    wrong_index = frame["人口"]
    assert kinds(wrong_index, expected) == ["index"]
    assert "groupby()" in text(wrong_index, expected)
    assert "reset_index()" in text(expected, wrong_index)
    assert compare(wrong_index, expected, ignore_index=True) == []
    assert kinds(expected.astype(str), expected) == ["dtype"]
    assert "pd.to_numeric()" in text(expected.astype(str), expected)
    assert kinds(pd.Series([1, 2]), pd.Series(["1", "2"])) == ["dtype"]
    assert "pd.Series()" in text([1200, 980, 1500], expected)
    assert kinds(pd.Series([1, 2], index=["1", "2"]), pd.Series([1, 2], index=[1, 2])) == ["index"]
    assert "見出しの型" in text(pd.Series([1, 2], index=["1", "2"]), pd.Series([1, 2], index=[1, 2]))


def test_series_values_with_nan_strings_and_dates():
    assert compare(pd.Series([1.0, np.nan]), pd.Series([1.0, np.nan])) == []
    assert compare(pd.Series(["a", None]), pd.Series(["a", None])) == []
    assert ".strip()" in text(pd.Series(["a ", "b"]), pd.Series(["a", "b"]))
    assert kinds(pd.Series(["a ", "b"]), pd.Series(["a", "b"])) == ["values"]
    dates = pd.Series(pd.to_datetime(["2024-04-01", "2024-05-01"]))
    assert compare(dates.copy(), dates) == []
    assert "pd.to_datetime()" in text(dates.astype(str), dates)
    assert "タイムゾーン" in text(dates.dt.tz_localize("Asia/Tokyo"), dates)
    assert "1 行" in text(dates.where(dates.index == 0, pd.Timestamp("2024-05-02")), dates)
    assert compare(pd.Series([1, 2], dtype="Int64"), pd.Series([1, 2])) == []
    assert compare(pd.Series([True, False]), pd.Series([True, False])) == []


def test_dataframes(frame):
    assert compare(frame.copy(), frame) == []
    assert kinds(frame[["人口", "地区", "率"]], frame) == ["columns"]
    assert "並び順" in text(frame[["人口", "地区", "率"]], frame)
    assert "足りない列" in text(frame.drop(columns="率"), frame)
    assert "余分な列" in text(frame.assign(x=1), frame)
    assert "全角・半角" in text(frame.rename(columns={"人口": "人口 "}), frame)
    assert kinds(frame.iloc[:2], frame) == ["shape"]
    assert kinds(frame["人口"], frame) == ["type"]
    assert kinds([1, 2], frame) == ["type"]
    changed = frame.copy()
    changed.loc[1, "率"] = 0.26
    out = text(changed, frame)
    assert "列「率」" in out and "1 行" in out
    shuffled = frame.iloc[[2, 0, 1]]
    assert kinds(shuffled, frame) == ["order"]
    assert compare(shuffled, frame, ignore_order=True) == []
    assert set(kinds(shuffled.reset_index(drop=True), frame)) == {"values"}
    assert compare(shuffled.reset_index(drop=True), frame, ignore_order=True, ignore_index=True) == []
    assert kinds(frame.astype({"人口": str}), frame) == ["dtype"]
    dup = pd.concat([frame, frame["人口"]], axis=1)
    assert "同じ名前の列" in text(dup, frame.assign(x=1).rename(columns={"x": "人口2"}))


def test_index_objects(frame):
    assert compare(frame.columns, frame.columns.copy()) == []
    assert kinds(list(frame.columns), frame.columns) == ["type"]
    assert kinds(frame.columns[::-1], frame.columns) == ["order"]


def test_object_columns_with_odd_cells():
    cells = pd.Series([[1, 2], np.array([1, 2]), {"a": 1}], dtype=object)
    assert compare(cells.copy(), cells) == []
    other = pd.Series([[1, 3], np.array([1, 2]), {"a": 1}], dtype=object)
    assert kinds(other, cells) == ["values"]


def test_big_frames_are_never_dumped():
    expected = pd.DataFrame({"v": range(10_000)})
    answer = expected + 1
    out = text(answer, expected)
    assert len(out) < 300 and "10000 行" in out
    assert short(expected) == "DataFrame（10000 行 × 1 列）"
    assert len(short("x" * 500)) <= 40
    assert "配列" in short(np.zeros(100))


def test_describe_names_types_in_japanese():
    assert describe(1) == "整数（int）"
    assert describe(np.int32(1)) == "整数（int）"
    assert describe(True) == "真偽値（True/False）"
    assert describe(pd.DataFrame()) == "DataFrame（表）"
    assert describe(print) == "関数"


# ---------------------------------------------------------------- check()

@pytest.fixture
def items(sandbox):
    sandbox.register(chk.Item(
        id="99/01/total", title="合計", var="total",
        setup="""
            import pandas as pd
            df = pd.DataFrame({"地区": ["北", "南", "北"], "人口": [1, 2, 3]})
        """,
        solution="""
            total = df.groupby("地区")["人口"].sum()
        """,
        hints=["groupby を使います。", "sum で合計します。"]))
    sandbox.register(chk.Item(id="99/01/double", title="2 倍にする関数", var="double",
                              solution="def double(x):\n    return 2 * x",
                              hints=["return を使います。"],
                              checker=lambda a, e: [] if all(a(x) == e(x) for x in (0, 1, 5)) else ["違います。"]))
    return sandbox


def test_check_statuses(items):
    right = pd.Series({"北": 4, "南": 2}).sort_index()
    assert chk.check("99/01/total", right).status == "correct"
    assert chk.check("99/01/total", right).ok
    wrong = chk.check("99/01/total", right + 1)
    assert wrong.status == "incorrect" and not wrong.ok
    assert wrong.hint == "groupby を使います。"
    assert chk.check("99/01/total", ...).status == "unanswered"
    assert chk.check("99/01/total", None).status == "unanswered"


def test_check_never_raises_on_odd_answers(items):
    class Evil:
        def __eq__(self, other):
            raise RuntimeError("boom")

        def __repr__(self):
            raise RuntimeError("boom")

    for answer in (Evil(), object(), float("nan"), [None], {"北": object()}, pd.DataFrame(), np.array([]), Exception):
        result = chk.check("99/01/total", answer)
        assert result.status == "incorrect"
        assert repr(result) and result._repr_html_()


def test_checker_for_functions(items):
    assert chk.check("99/01/double", lambda x: x * 2).status == "correct"
    assert chk.check("99/01/double", lambda x: x + 2).details == ("違います。",)
    crashed = chk.check("99/01/double", lambda x: 1 / 0)
    assert crashed.status == "incorrect" and "ZeroDivisionError" in crashed.details[0]
    assert chk.check("99/01/double", 3).status == "incorrect"


def test_function_checker(sandbox):
    sandbox.register(chk.Item(id="99/06/f", title="t", var="f", solution="def f(x, y=1):\n    return x * y",
                              hints=["h"], checker=chk.function_checker((2, 3), 4, ([1, 2],))))
    assert chk.check("99/06/f", lambda x, y=1: x * y).status == "correct"
    wrong = chk.check("99/06/f", lambda x, y=1: x + y)
    assert wrong.details[0].startswith("<lambda>(2, 3) の結果: 値が違います（あなたの答え: 5）")
    fails = chk.check("99/06/f", lambda x: x)
    assert "TypeError" in fails.details[0]
    assert "関数を答えてください" in chk.check("99/06/f", 3).details[0]


def test_checker_return_values_are_tolerated(sandbox):
    for i, (result, status) in enumerate([(None, "correct"), (True, "correct"), (False, "incorrect"),
                                          ("違う", "incorrect"), ("", "correct"), (("a", "b"), "incorrect"),
                                          (42, "incorrect")]):
        sandbox.register(chk.Item(id=f"99/02/c{i}", title="t", var="x", solution="x = 1", hints=["h"],
                                  checker=lambda a, e, r=result: r))
        assert chk.check(f"99/02/c{i}", 1).status == status


def test_unknown_id_lists_similar_ones(items):
    result = chk.check("99/01/totl", 1)
    assert result.status == "error" and "見つかりません" in result.message
    assert "99/01/total" in repr(result)
    assert chk.check(123, 1).status == "error"
    assert "05/02/kids_by_district" in repr(chk.check("zz", 1))


def test_broken_solution_is_reported_not_raised(sandbox):
    sandbox.register(chk.Item(id="99/03/broken", title="t", var="x", solution="x = 1 / 0", hints=["h"]))
    sandbox.register(chk.Item(id="99/03/novar", title="t", var="x", solution="y = 1", hints=["h"]))
    assert chk.check("99/03/broken", 1).status == "error"
    assert "x" in repr(chk.check("99/03/novar", 1))


def test_duplicate_ids_raise(sandbox):
    item = chk.Item(id="99/04/a", title="t", var="x", solution="x = 1", hints=["h"])
    sandbox.register(item)
    sandbox.register(chk.Item(id="99/04/a", title="t", var="x", solution="x = 1", hints=["h"]))  # identical: fine
    with pytest.raises(DxkitError):
        sandbox.register(chk.Item(id="99/04/a", title="別", var="x", solution="x = 2", hints=["h"]))
    sandbox.register_course(chk.Course(id="99", slug="99_test", title="テスト"))
    with pytest.raises(DxkitError):
        sandbox.register_course(chk.Course(id="99", slug="99_other", title="テスト"))
    with pytest.raises(DxkitError):
        sandbox.register("not an item")


def test_item_dedents_code_and_freezes():
    item = chk.Item(id="99/05/a", title="t", var="x", setup="\n    a = 1\n    b = 2\n", solution="    x = a",
                    hints=["h"])
    assert item.setup == "a = 1\nb = 2" and item.solution == "x = a"
    assert chk.Item(id="i", title="t", var="x", hints="一つだけ").hints == ("一つだけ",)
    with pytest.raises(AttributeError):
        item.title = "x"


def test_reprs_are_plain_and_html_is_self_contained(items):
    ok = chk.check("99/01/total", pd.Series({"北": 4, "南": 2}).sort_index())
    assert repr(ok).startswith("✅ 正解です！") and "99/01/total" in repr(ok)
    assert repr(ok) == repr(chk.check("99/01/total", pd.Series({"北": 4, "南": 2}).sort_index()))
    bad = chk.check("99/01/total", pd.Series({"北": 4, "南": 3}).sort_index())
    text_ = repr(bad)
    assert text_.startswith("❌") and "ヒント: groupby を使います。" in text_ and 'hint("99/01/total")' in text_
    html_ = bad._repr_html_()
    assert html_.startswith("<div") and "<script" not in html_ and "<link" not in html_ and "#c62828" in html_
    evil = chk.check("99/01/total", "<b>x</b>")
    assert "<b>x</b>" not in evil._repr_html_()
    assert "未回答" in repr(chk.check("99/01/total", ...))


def test_hints_one_by_one_and_all(items):
    assert "ヒント 1 / 2" in repr(chk.hint("99/01/total"))
    second = repr(chk.hint("99/01/total"))
    assert "ヒント 2 / 2" in second and "最後" in second
    assert "ヒント 1 / 2" in repr(chk.hint("99/01/total"))   # starts over
    assert "sum で合計" in repr(chk.hint("99/01/total", n=2))
    every = repr(chk.hint("99/01/total", n="all"))
    assert "groupby" in every and "sum" in every
    assert "1〜2" in repr(chk.hint("99/01/total", n=5))
    assert "見つかりません" in repr(chk.hint("nope"))
    assert chk.hint("99/01/total")._repr_html_().startswith("<div")


def test_solution_only_on_request(items):
    bad = chk.check("99/01/total", 1)
    assert "groupby(\"地区\")" not in repr(bad)
    shown = chk.solution("99/01/total")
    assert 'total = df.groupby("地区")["人口"].sum()' in repr(shown)
    assert "<pre" in shown._repr_html_()
    assert "見つかりません" in repr(chk.solution("nope"))


def test_check_records_progress(items, tmp_path, monkeypatch):
    from dxkit import progress

    monkeypatch.setenv("DXKIT_HOME", str(tmp_path))
    chk.check("99/01/total", 1)
    chk.check("99/01/total", ...)
    entry = progress.load()["items"]["99/01/total"]
    assert entry["attempts"] == 1 and entry["best"] == "incorrect"
    chk.record("99/01/total", True)
    assert progress.load()["items"]["99/01/total"]["best"] == "correct"


def test_recording_failure_only_warns(items, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("DXKIT_HOME", str(blocker / "sub"))
    monkeypatch.setattr(chk, "_warned_progress", False)
    with pytest.warns(UserWarning, match="進捗を記録できませんでした"):
        result = chk.check("99/01/total", 1)
    assert result.status == "incorrect"


# ---------------------------------------------------------------- expect / passed

@pytest.mark.parametrize("actual, expected", [
    (4, 987654), ("税務課", "市民課987654"), ([1, 2], [987654, 2]), ({"a": 1}, {"a": 987654}),
    (pd.Series([1, 2]), pd.Series([1, 987654])), (pd.DataFrame({"x": [1]}), pd.DataFrame({"x": [987654]})),
    (np.array([1.5]), np.array([987654.5])), ("1", 987654), (..., 987654),
])
def test_expect_never_shows_values(actual, expected):
    with pytest.raises(AssertionError) as info:
        chk.expect(actual, expected, "問1: 合計が違います。")
    message = str(info.value)
    assert message.startswith("問1: 合計が違います。（")
    assert "987654" not in message and "税務課" not in message
    assert message.removeprefix("問1: 合計が違います。") in CATEGORIES.values()


def test_expect_passes_and_uses_options():
    chk.expect(0.1 + 0.2, 0.3, "r")
    chk.expect(pd.Series([2, 1], index=[5, 6]), pd.Series([1, 2]), "r", ignore_index=True, ignore_order=True)
    chk.expect(1.01, 1.0, "r", tol=0.1)
    with pytest.raises(AssertionError, match="（並び順が違います）"):
        chk.expect([2, 1], [1, 2], "r")


def test_expect_true():
    chk.expect_true(True, "r")
    with pytest.raises(AssertionError, match="^問2: Series にしてください。$"):
        chk.expect_true(False, "問2: Series にしてください。")
    with pytest.raises(AssertionError, match="判定できません"):
        chk.expect_true(pd.Series([True, False]), "問2")


def test_passed_records_and_displays(tmp_path, monkeypatch, capsys):
    from dxkit import progress

    monkeypatch.setenv("DXKIT_HOME", str(tmp_path))
    assert chk.passed("05_data_analysis", "q1") is None
    assert "✅ 問 q1 の確認テストに合格しました" in capsys.readouterr().out
    assert progress.load()["exercises"]["05_data_analysis"]["q1"]["passes"] == 1


def test_graded_helpers_do_not_need_the_registry():
    code = ("import sys; from dxkit.check import expect, expect_true, passed\n"
            "expect(1, 1, 'r'); expect_true(True, 'r'); passed('x', 'q1')\n"
            "assert 'dxkit.items.c00' not in sys.modules and 'pandas' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def test_import_is_light():
    code = ("import sys, dxkit, dxkit.check, dxkit.progress, dxkit.cli\n"
            "heavy = {'pandas', 'numpy', 'matplotlib', 'openpyxl', 'IPython'} & set(sys.modules)\n"
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
