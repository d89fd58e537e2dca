"""学習者の答えと正しい値を比べ、違いを日本語で説明します（表示も入出力もしない純粋な関数）。

pandas と numpy は、答えや正解がそれらのオブジェクトのときだけ使います（このモジュールは
それらを読み込みません。読み込み済みなら ``sys.modules`` から借ります）。
"""

from __future__ import annotations

import cmath
import datetime as _dt
import math
import numbers
import sys
import unicodedata
from collections.abc import Mapping
from typing import NamedTuple

ABS_TOL = 1e-12     # absolute tolerance next to the relative one, for values near zero
EXAMPLES = 3        # how many differing positions a message names

# Short categories used by expect(): they never contain a value.
CATEGORIES = {
    "type": "（答えの型が違います）",
    "length": "（要素の数が違います）",
    "shape": "（表や配列の大きさが違います）",
    "columns": "（列が違います）",
    "index": "（行の見出し（index）が違います）",
    "order": "（並び順が違います）",
    "keys": "（キーが違います）",
    "dtype": "（データの型が違います）",
    "values": "（値が違います）",
    "text": "（文字列が違います）",
    "missing": "（未回答です）",
    "error": "（答えを確かめられませんでした）",
}


class Diff(NamedTuple):
    """答えと正解の違い 1 つ分です。``kind`` は CATEGORIES のキー、``text`` は日本語の説明です。"""

    kind: str
    text: str


class _Opts(NamedTuple):
    tol: float
    ignore_index: bool
    ignore_order: bool


def compare(answer, expected, *, tol=1e-6, ignore_index=False, ignore_order=False) -> list[Diff]:
    """答えと正解を比べ、違いのリストを返します（空なら一致）。例外は出しません。"""
    opts = _Opts(float(tol), bool(ignore_index), bool(ignore_order))
    try:
        return _cmp(answer, expected, "", opts)
    except Exception as exc:  # noqa: BLE001 - learner objects can do anything
        return [Diff("error", f"答えを確かめる途中で問題が起きました（{type(exc).__name__}）。"
                              "答えの形（型や大きさ）を見直してください。")]


def messages(answer, expected, **options) -> list[str]:
    """``compare`` の説明文だけを返します。``Item.checker`` の中で使えます。"""
    return [d.text for d in compare(answer, expected, **options)]


# ---------------------------------------------------------------- type helpers

def _pd():
    return sys.modules.get("pandas")


def _np():
    return sys.modules.get("numpy")


def is_frame(x) -> bool:
    pd = _pd()
    return pd is not None and isinstance(x, pd.DataFrame)


def is_series(x) -> bool:
    pd = _pd()
    return pd is not None and isinstance(x, pd.Series)


def is_array(x) -> bool:
    np = _np()
    return np is not None and isinstance(x, np.ndarray)


def is_index(x) -> bool:
    pd = _pd()
    return pd is not None and isinstance(x, pd.Index)


def is_bool(x) -> bool:
    np = _np()
    return isinstance(x, bool) or (np is not None and isinstance(x, np.bool_))


def is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not is_bool(x)


def is_missing(x) -> bool:
    """None・NaN・pd.NA・NaT なら True です。"""
    if x is None:
        return True
    if isinstance(x, float):
        return math.isnan(x)
    np, pd = _np(), _pd()
    if np is not None and isinstance(x, np.floating):
        return bool(np.isnan(x))
    if pd is not None and (x is pd.NA or x is pd.NaT):
        return True
    return False


_TYPE_NAMES = {
    bool: "真偽値（True/False）", int: "整数（int）", float: "小数（float）", complex: "複素数",
    str: "文字列（str）", list: "リスト（list）", tuple: "タプル（tuple）", dict: "辞書（dict）",
    set: "集合（set）", frozenset: "集合（frozenset）", type(None): "None（値なし）",
    type(Ellipsis): "...（未回答）", _dt.datetime: "日時（datetime）", _dt.date: "日付（date）",
}


def describe(x) -> str:
    """値の型を、初心者にも分かる日本語の名前で返します。"""
    if is_frame(x):
        return "DataFrame（表）"
    if is_series(x):
        return "Series（1 列のデータ）"
    if is_array(x):
        return "numpy の配列（ndarray）"
    if is_index(x):
        return "Index（列名や行の見出しの並び）"
    if is_bool(x):
        return _TYPE_NAMES[bool]
    for cls in type(x).__mro__:
        if cls in _TYPE_NAMES:
            return _TYPE_NAMES[cls]
    if isinstance(x, numbers.Integral):
        return "整数（int）"
    if isinstance(x, numbers.Real):
        return "小数（float）"
    if callable(x):
        return "関数"
    return f"{type(x).__name__} 型の値"


def short(x, limit: int = 40) -> str:
    """値を短い文字列にします。大きな表や配列は中身を出さず、大きさだけを書きます。"""
    try:
        if is_frame(x):
            return f"DataFrame（{x.shape[0]} 行 × {x.shape[1]} 列）"
        if is_series(x):
            return f"Series（{len(x)} 行）"
        if is_array(x) and x.size > 10:
            return f"配列（形 {x.shape}）"
        np = _np()
        if np is not None and isinstance(x, np.generic):
            x = x.item()
        if isinstance(x, (_dt.date, _dt.time)):
            text = str(x)
        elif isinstance(x, float):
            text = f"{x:.10g}"
        else:
            text = repr(x)
    except Exception:  # noqa: BLE001
        text = f"<{type(x).__name__}>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(values, limit: int = 5) -> str:
    values = list(values)
    shown = "、".join(f"「{v}」" if isinstance(v, str) else short(v, 30) for v in values[:limit])
    return shown + (f" ほか {len(values) - limit} 個" if len(values) > limit else "")


def _type_diff(a, e, where: str, extra: str = "") -> list[Diff]:
    return [Diff("type", f"{where}{describe(e)}で答えてください（今は{describe(a)}です）。{extra}")]


# ---------------------------------------------------------------- dispatch

def _cmp(a, e, where: str, o: _Opts) -> list[Diff]:
    if is_missing(e):
        return [] if is_missing(a) else [Diff("values", f"{where}ここは空（欠損値）のはずですが、{short(a)} が入っています。")]
    if is_missing(a) and not (is_frame(a) or is_series(a)):
        return [Diff("values", f"{where}値が空（None や NaN）になっています。")]
    if is_frame(e):
        return _cmp_frame(a, e, where, o)
    if is_series(e):
        return _cmp_series(a, e, where, o)
    if is_array(e):
        return _cmp_array(a, e, where, o)
    if is_index(e):
        if not is_index(a):
            return _type_diff(a, e, where, "df.columns や df.index のような Index で答えてください。" if isinstance(a, list) else "")
        return _cmp_sequence(a.tolist(), e.tolist(), where, o)
    if is_bool(e):
        return _cmp_bool(a, e, where)
    if is_number(e):
        return _cmp_number(a, e, where, o)
    if isinstance(e, str):
        return _cmp_str(a, e, where)
    if isinstance(e, _dt.date):
        return _cmp_date(a, e, where)
    if isinstance(e, Mapping):
        return _cmp_mapping(a, e, where, o)
    if isinstance(e, (set, frozenset)):
        return _cmp_set(a, e, where)
    if isinstance(e, (list, tuple)):
        return _cmp_sequence(a, e, where, o)
    return _cmp_other(a, e, where)


def equal(a, e, tol=1e-6) -> bool:
    """2 つの値が（許容誤差の範囲で）等しいかどうかを返します。"""
    return not compare(a, e, tol=tol)


# ---------------------------------------------------------------- scalars

def _close(a, e, tol: float) -> bool:
    if isinstance(a, numbers.Integral) and isinstance(e, numbers.Integral):
        return int(a) == int(e)
    if isinstance(a, numbers.Real) and isinstance(e, numbers.Real):
        a, e = float(a), float(e)
        if math.isnan(a) or math.isnan(e):
            return math.isnan(a) and math.isnan(e)
        return math.isclose(a, e, rel_tol=tol, abs_tol=ABS_TOL)
    return cmath.isclose(complex(a), complex(e), rel_tol=tol, abs_tol=ABS_TOL)


def _number_hint(a, e) -> str:
    if not (isinstance(a, numbers.Real) and isinstance(e, numbers.Real)):
        return ""
    a, e = float(a), float(e)
    if not (math.isfinite(a) and math.isfinite(e)) or a == 0 or e == 0:
        return ""
    ratio = a / e
    if math.isclose(ratio, 100, rel_tol=1e-6):
        return "ちょうど 100 倍になっています。割合（0〜1）を百分率（%）にしていませんか。"
    if math.isclose(ratio, 0.01, rel_tol=1e-6):
        return "ちょうど 100 分の 1 になっています。百分率（%）で答えるところではありませんか。"
    if math.isclose(ratio, -1, rel_tol=1e-9):
        return "符号（プラスとマイナス）が逆です。"
    if any(a == round(e, k) for k in range(4)):
        return "丸め（round）の桁数や、丸めるタイミングを確かめてください。"
    return "正しい値より大きいです。" if a > e else "正しい値より小さいです。"


def _cmp_number(a, e, where: str, o: _Opts) -> list[Diff]:
    if is_array(a) and a.ndim == 0:
        a = a.item()
    if is_bool(a):
        return [Diff("type", f"{where}数で答えてください（今は True/False です）。")]
    if isinstance(a, str):
        return [Diff("type", f"{where}数ではなく文字列 {short(a)} になっています。"
                             "int() や float() で数に変換できます。")]
    if is_series(a) or is_frame(a) or is_array(a) or isinstance(a, (list, tuple)):
        return [Diff("type", f"{where}1 つの数で答えてください（今は {short(a)} です）。"
                             ".sum() や .iloc[0] などで 1 つの値にします。")]
    if not is_number(a):
        return _type_diff(a, e, where)
    if _close(a, e, o.tol):
        return []
    return [Diff("values", f"{where}値が違います（あなたの答え: {short(a)}）。{_number_hint(a, e)}")]


def _cmp_bool(a, e, where: str) -> list[Diff]:
    if isinstance(a, str):
        return [Diff("type", f"{where}文字列 {short(a)} ではなく、引用符なしの True / False で答えてください。")]
    if not is_bool(a):
        return [Diff("type", f"{where}True か False（真偽値）で答えてください（今は {short(a)} です）。")]
    if bool(a) == bool(e):
        return []
    return [Diff("values", f"{where}値が違います（あなたの答え: {bool(a)}）。")]


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def _cmp_str(a, e, where: str) -> list[Diff]:
    if not isinstance(a, str):
        extra = "str() で文字列に変換できます。" if is_number(a) else ""
        return _type_diff(a, e, where, extra)
    if a == e:
        return []
    return [Diff("text", f"{where}文字列が違います（あなたの答え: {short(a)}）。{text_hint(a, e)}")]


def text_hint(a: str, e: str) -> str:
    """2 つの文字列の違いが空白・全角半角・大文字小文字だけなら、そのことを説明します。"""
    if a.strip() == e.strip():
        return "前後に余分な空白（スペースや改行）があるか、足りません。.strip() で前後の空白を取り除けます。"
    if _nfkc(a) == _nfkc(e):
        return "全角と半角の違いがあります（例: 「１」と「1」、「Ａ」と「A」、全角スペース）。"
    if _nfkc(a).strip() == _nfkc(e).strip():
        return "全角・半角の違いと、前後の空白の違いがあります。"
    if "".join(_nfkc(a).split()) == "".join(_nfkc(e).split()):
        return "途中の空白（スペース）の入れ方が違います。"
    if a.lower() == e.lower():
        return "英字の大文字と小文字が違います。"
    return ""


def _cmp_date(a, e, where: str) -> list[Diff]:
    want_time = isinstance(e, _dt.datetime)
    if isinstance(a, str):
        return [Diff("type", f"{where}日付ではなく文字列 {short(a)} になっています。"
                             "pd.to_datetime() などで日付に変換してください。")]
    if not isinstance(a, _dt.date):
        return _type_diff(a, e, where)
    if want_time != isinstance(a, _dt.datetime):
        extra = "" if want_time else ".date() で日付だけにできます。"
        return _type_diff(a, e, where, extra)
    if want_time and (a.tzinfo is None) != (e.tzinfo is None):
        return [Diff("type", f"{where}タイムゾーンの有無が違います。")]
    if a == e:
        return []
    why = ""
    if (a.month, a.day) == (e.month, e.day) and a.year != e.year:
        why = "年が違います。和暦から西暦への変換（元年＝1 年）を確かめてください。"
    elif abs((_as_date(a) - _as_date(e)).days) == 1:
        why = "1 日ずれています。"
    return [Diff("values", f"{where}日付が違います（あなたの答え: {short(a)}）。{why}")]


def _as_date(x):
    return x.date() if isinstance(x, _dt.datetime) else x


def _cmp_other(a, e, where: str) -> list[Diff]:
    try:
        same = bool(a == e)
    except Exception:  # noqa: BLE001 - ambiguous truth values and the like
        same = False
    if same:
        return []
    if type(a) is not type(e):
        return _type_diff(a, e, where)
    return [Diff("values", f"{where}値が違います（あなたの答え: {short(a)}）。")]


# ---------------------------------------------------------------- containers

def _cmp_mapping(a, e, where: str, o: _Opts) -> list[Diff]:
    if not isinstance(a, Mapping):
        extra = ".to_dict() で辞書に変換できます。" if is_series(a) else ""
        return _type_diff(a, e, where, extra)
    diffs = []
    missing = [k for k in e if k not in a]
    extra = [k for k in a if k not in e]
    if missing:
        diffs.append(Diff("keys", f"{where}足りないキーがあります: {_names(missing)}。"))
    if extra:
        diffs.append(Diff("keys", f"{where}余分なキーがあります: {_names(extra)}。"))
    bad = [k for k in e if k in a and _cmp(a[k], e[k], "", o)]
    for k in bad[:EXAMPLES]:
        diffs += _cmp(a[k], e[k], f"{where}キー {short(k, 20)} の値: ", o)
    if len(bad) > EXAMPLES:
        diffs.append(Diff("values", f"{where}ほかにも {len(bad) - EXAMPLES} 個のキーで値が違います。"))
    return diffs


def _cmp_set(a, e, where: str) -> list[Diff]:
    if not isinstance(a, (set, frozenset)):
        return _type_diff(a, e, where, "set() で集合に変換できます。")
    missing, extra = e - a, a - e
    diffs = []
    if missing:
        diffs.append(Diff("values", f"{where}足りない要素が {len(missing)} 個あります。"))
    if extra:
        diffs.append(Diff("values", f"{where}余分な要素があります: {_names(sorted(extra, key=repr))}。"))
    return diffs


def _sorted(values):
    try:
        return sorted(values)
    except TypeError:
        return sorted(values, key=repr)


def _too(got: int, want: int) -> str:
    """「多すぎます」/「足りません」: says which way a count is off without giving the right count."""
    return "多すぎます" if got > want else "足りません"


def _cmp_sequence(a, e, where: str, o: _Opts) -> list[Diff]:
    if is_array(a) or is_series(a):
        return _type_diff(a, e, where, ".tolist() でリストに変換できます。")
    if not isinstance(a, (list, tuple)):
        return _type_diff(a, e, where)
    if len(a) != len(e):
        return [Diff("length", f"{where}要素の数が違います（あなたの答え {len(a)} 個は{_too(len(a), len(e))}）。")]
    a, e = list(a), list(e)
    if o.ignore_order:
        a, e = _sorted(a), _sorted(e)
    bad = [i for i in range(len(e)) if _cmp(a[i], e[i], "", o)]
    if not bad:
        return []
    if not o.ignore_order and not _cmp_sequence(_sorted(a), _sorted(e), "", o._replace(ignore_order=True)):
        return [Diff("order", f"{where}要素はそろっていますが、並び順が違います。")]
    diffs = []
    for i in bad[:EXAMPLES]:
        diffs += _cmp(a[i], e[i], f"{where}{i + 1} 番目の要素（[{i}]）: ", o)
    if len(bad) > EXAMPLES:
        diffs.append(Diff("values", f"{where}ほかにも {len(bad) - EXAMPLES} 個の要素が違います。"))
    return diffs


def _cmp_array(a, e, where: str, o: _Opts) -> list[Diff]:
    np = _np()
    if isinstance(a, (list, tuple)):
        return _type_diff(a, e, where, "np.array() で配列に変換できます。")
    if is_series(a):
        return _type_diff(a, e, where, ".to_numpy() で配列に変換できます。")
    if not is_array(a):
        return _type_diff(a, e, where)
    if a.shape != e.shape:
        return [Diff("shape", f"{where}配列の形（行と列の数）が違います（あなたの答え {a.shape}）。")]
    if o.ignore_order and e.ndim == 1:
        a, e = _sorted_array(a), _sorted_array(e)
    if e.dtype.kind in "biufc" and a.dtype.kind not in "biufc":
        return [Diff("dtype", f"{where}数ではなく文字列などが入っています（dtype={a.dtype}）。astype(float) などで変換できます。")]
    bad = _array_mismatch(np, a, e, o)
    if not bad.any():
        return []
    where_bad = np.argwhere(bad)
    examples = "、".join(f"{tuple(int(i) for i in p) if len(p) > 1 else int(p[0])} 番目: {short(a[tuple(p)])}"
                        for p in where_bad[:EXAMPLES])
    return [Diff("values", f"{where}値が違う要素が {len(where_bad)} 個あります（例: 位置 {examples}）。")]


def _sorted_array(x):
    try:
        return _np().sort(x)
    except TypeError:
        return x


def _array_mismatch(np, a, e, o: _Opts):
    if e.dtype.kind in "iu" and a.dtype.kind in "iu":
        return a != e
    if e.dtype.kind in "bfc" or (e.dtype.kind in "iu" and a.dtype.kind in "bfc"):
        return ~np.isclose(a.astype(complex if "c" in (a.dtype.kind + e.dtype.kind) else float),
                           e.astype(complex if "c" in (a.dtype.kind + e.dtype.kind) else float),
                           rtol=o.tol, atol=ABS_TOL, equal_nan=True)
    pairs = zip(a.ravel().tolist(), e.ravel().tolist())
    return np.array([bool(_cmp(x, y, "", o)) for x, y in pairs], dtype=bool).reshape(e.shape)


# ---------------------------------------------------------------- pandas

def _cmp_series(a, e, where: str, o: _Opts) -> list[Diff]:
    if is_frame(a):
        return [Diff("type", f"{where}Series（1 列のデータ）ではなく DataFrame（表）になっています。"
                             'df["列名"] のように角かっこ 1 組で列を選ぶと Series になります。')]
    if not is_series(a):
        extra = "pd.Series() で Series にできます。" if isinstance(a, (list, dict)) or is_array(a) else ""
        return _type_diff(a, e, where, extra)
    if len(a) != len(e):
        return [Diff("length", f"{where}行の数が違います（あなたの答え {len(a)} 行は{_too(len(a), len(e))}）。")]
    a, e, diffs = _align(a, e, where, o)
    if a is None:
        return diffs
    return diffs + _column_diffs(a, e, where, None, o)


def _cmp_frame(a, e, where: str, o: _Opts) -> list[Diff]:
    if is_series(a):
        return [Diff("type", f"{where}DataFrame（表）ではなく Series になっています。"
                             'df[["列名"]] のように角かっこ 2 組で選ぶか、.reset_index() や .to_frame() で表にできます。')]
    if not is_frame(a):
        return _type_diff(a, e, where)
    diffs = _column_name_diffs(list(a.columns), list(e.columns), where)
    if a.columns.has_duplicates:
        diffs.append(Diff("columns", f"{where}同じ名前の列が 2 つ以上あります。"))
        return diffs
    if len(a) != len(e):
        return diffs + [Diff("shape", f"{where}行の数が違います（あなたの答え {len(a)} 行は{_too(len(a), len(e))}）。")]
    a, e, more = _align(a, e, where, o)
    diffs += more
    if a is None:
        return diffs
    value_diffs = []
    for col in e.columns:
        if col in a.columns:
            value_diffs += _column_diffs(a[col], e[col], where, col, o)
    if len(value_diffs) > EXAMPLES + 1:
        value_diffs = value_diffs[:EXAMPLES] + [
            Diff("values", f"{where}ほかにも {len(value_diffs) - EXAMPLES} 個の列で値が違います。")]
    return diffs + value_diffs


def _column_name_diffs(ac: list, ec: list, where: str) -> list[Diff]:
    if ac == ec:
        return []
    missing = [c for c in ec if c not in ac]
    extra = [c for c in ac if c not in ec]
    if not missing and not extra:
        return [Diff("columns", f"{where}列はそろっていますが、列の並び順が違います（正しくは {_names(ec, 8)} の順）。")]
    diffs = []
    if missing:
        diffs.append(Diff("columns", f"{where}足りない列があります: {_names(missing)}。"))
    if extra:
        diffs.append(Diff("columns", f"{where}余分な列があります: {_names(extra)}。"))
    loose = {_nfkc(str(c)).strip() for c in ec}
    if missing and any(_nfkc(str(c)).strip() in loose for c in extra):
        diffs.append(Diff("columns", f"{where}列名の全角・半角や前後の空白が違うようです。"))
    return diffs


def _sort_rows(x):
    try:
        if is_series(x):
            return x.sort_values(kind="stable")
        return x.sort_values(list(x.columns), kind="stable")
    except Exception:  # noqa: BLE001 - unsortable mixtures keep their order
        return x


def _align(a, e, where: str, o: _Opts):
    """Line up the rows of two Series/DataFrames of equal length; (None, None, diffs) when impossible."""
    if o.ignore_index:
        if o.ignore_order:
            a, e = _sort_rows(a), _sort_rows(e)
        return a.reset_index(drop=True), e.reset_index(drop=True), []
    if a.index.equals(e.index):
        return a, e, []
    same = (not a.index.has_duplicates and not e.index.has_duplicates and set(a.index) == set(e.index))
    if same:
        aligned = a.loc[e.index]
        if o.ignore_order:
            return aligned, e, []
        return aligned, e, [Diff("order", f"{where}行の並び順が違います。sort_values() や sort_index() を確かめてください。")]
    return None, None, [_index_diff(a.index, e.index, where)]


def _index_diff(ai, ei, where: str) -> Diff:
    a_set, e_set = set(ai), set(ei)
    missing = [x for x in ei if x not in a_set]
    extra = [x for x in ai if x not in e_set]
    parts = [f"{where}行の見出し（index）が違います。"]
    if missing:
        parts.append(f"足りない見出し: {_names(missing)}。")
    if extra:
        parts.append(f"余分な見出し: {_names(extra)}。")
    pd = _pd()
    if isinstance(ai, pd.RangeIndex) and not isinstance(ei, pd.RangeIndex):
        parts.append("groupby() や set_index() で見出しを付けるところではありませんか。")
    elif isinstance(ei, pd.RangeIndex) and not isinstance(ai, pd.RangeIndex):
        parts.append("reset_index() で見出しを 0, 1, 2… に戻せます。")
    elif [str(x) for x in ai] == [str(x) for x in ei]:
        parts.append("見出しの型（数と文字列）が違います。")
    return Diff("index", "".join(parts))


def _column_diffs(a, e, where: str, col, o: _Opts) -> list[Diff]:
    """Compare two aligned Series position by position."""
    label = f"列「{col}」で" if col is not None else ""
    bad, dtype_msg = _series_mismatch(a, e, o)
    if dtype_msg:
        return [Diff("dtype", f"{where}{label}{dtype_msg}")]
    positions = _np().flatnonzero(bad)
    if not len(positions):
        return []
    pairs = [(e.index[i], a.iloc[i], e.iloc[i]) for i in positions[:EXAMPLES]]
    # The learner's own values only: the expected ones are the answer (and often another item's input).
    examples = " / ".join(f"{short(k, 20)}: あなたの答え {short(x, 20)}" for k, x, _ in pairs)
    why = text_hint(pairs[0][1], pairs[0][2]) if all(isinstance(v, str) for v in pairs[0][1:]) else ""
    return [Diff("values", f"{where}{label}値が違う行が {len(positions)} 行あります（例 {examples}）。{why}")]


def _series_mismatch(a, e, o: _Opts):
    """(mismatch flags, None) or (None, message about a dtype that matters)."""
    from pandas.api import types as pt

    np = _np()
    if pt.is_numeric_dtype(e.dtype) and not pt.is_bool_dtype(e.dtype):
        if not pt.is_numeric_dtype(a.dtype):
            return None, "数ではなく文字列などとして入っています。pd.to_numeric() や astype() で数に変換してください。"
        if pt.is_integer_dtype(e.dtype) and pt.is_integer_dtype(a.dtype) and not (a.hasnans or e.hasnans):
            return np.asarray(a.to_numpy()) != np.asarray(e.to_numpy()), None
        av = a.to_numpy(dtype="float64", na_value=np.nan)
        ev = e.to_numpy(dtype="float64", na_value=np.nan)
        return ~np.isclose(av, ev, rtol=o.tol, atol=ABS_TOL, equal_nan=True), None
    if pt.is_datetime64_any_dtype(e.dtype):
        if not pt.is_datetime64_any_dtype(a.dtype):
            return None, "日付ではなく文字列などとして入っています。pd.to_datetime() で日付に変換してください。"
        if (getattr(a.dtype, "tz", None) is None) != (getattr(e.dtype, "tz", None) is None):
            return None, "タイムゾーンの有無が違います。"
        same = a.reset_index(drop=True) == e.reset_index(drop=True)
        return ~(same.to_numpy() | (a.isna().to_numpy() & e.isna().to_numpy())), None
    if pt.is_string_dtype(e.dtype) and pt.is_numeric_dtype(a.dtype) and not pt.is_bool_dtype(a.dtype):
        return None, "文字列ではなく数として入っています。astype(str) で文字列にできます。"
    return _object_mismatch(np, a.to_numpy(dtype=object), e.to_numpy(dtype=object), o), None


def _object_mismatch(np, av, ev, o: _Opts):
    try:
        same = np.asarray(av == ev, dtype=bool)       # fast path; the careful one checks the rest
    except Exception:  # noqa: BLE001 - cells holding arrays and the like
        same = np.zeros(len(ev), dtype=bool)
    if same.shape != (len(ev),):
        same = np.zeros(len(ev), dtype=bool)
    bad = ~same
    for i in np.flatnonzero(bad):
        bad[i] = bool(_cmp(av[i], ev[i], "", o))
    return bad
