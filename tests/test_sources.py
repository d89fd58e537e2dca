"""The sources registry: every inline citation resolves, every entry is cited, case figures are cited in the
same cell, lessons carry their 「内容は YYYY年MM月時点」 stamp, and course READMEs list their sources.

Each check is run on the real content and also shown catching a broken fixture (tests/fixtures/sources/)."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from dxkit import cli, sources
from dxkit.errors import DxkitError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "sources"

# Files owned by another helper this session; the lead applies their edits and then empties this list.
PENDING = {
}


def _checked(paths):
    return [p for p in paths if str(p.relative_to(ROOT)) not in PENDING]


@pytest.fixture(scope="module")
def registry():
    return sources.load_registry()


@pytest.fixture(scope="module")
def texts():
    return list(sources.texts(sources.cited_paths(ROOT), ROOT))


@pytest.fixture(scope="module")
def fixture_registry():
    return sources.load_registry(FIXTURES / "sources.yml")


# ---------------------------------------------------------------- the registry itself

def test_registry_loads_with_every_field(registry):
    assert len(registry.sources) >= 20
    assert "総務省" in registry.real_names and "みどり野市" not in registry.real_names
    for s in registry.sources:
        assert s.date <= s.checked, s.id


@pytest.mark.parametrize("name, message", [
    ("bad_missing_field.yml", "必要な項目がありません: url"),
    ("bad_duplicate.yml", "重複しています"),
    ("bad_date.yml", "日付は 2025-04-01 の形で"),
])
def test_a_broken_registry_is_refused_in_japanese(name, message):
    with pytest.raises(DxkitError, match=message):
        sources.load_registry(FIXTURES / name)


# ---------------------------------------------------------------- citations resolve / entries are cited

def test_every_inline_citation_resolves(registry, texts):
    assert sources.unresolved(registry, texts) == []


def test_an_unknown_or_malformed_citation_is_reported(fixture_registry):
    found = sources.unresolved(fixture_registry, sources.notebook_texts(FIXTURES / "lesson_bad.ipynb", FIXTURES))
    assert any("登録簿にない出典です: 〔総務省「存在しない計画」2099年1月〕" in p for p in found)
    assert any("出典の形が違います" in p and "2024年〕" in p for p in found)


def test_every_registry_entry_is_cited_somewhere(registry, texts):
    assert [s.id for s in sources.uncited(registry, texts)] == []


def test_an_uncited_registry_entry_is_reported(fixture_registry):
    items = sources.notebook_texts(FIXTURES / "lesson_good.ipynb", FIXTURES)
    assert [s.id for s in sources.uncited(fixture_registry, items)] == ["never-cited"]


def test_learner_messages_in_dxkit_cite_the_registry(registry):
    text = (ROOT / "dxkit" / "security" / "password.py").read_text(encoding="utf-8")
    assert registry.by_citation()[sources.find_citations(text)[0]].id == "nist-sp800-63b-4"


# ---------------------------------------------------------------- case figures

def test_case_figures_cite_in_the_same_cell(registry):
    items = sources.texts(_checked(sources.lesson_paths(ROOT) + sorted(ROOT.glob("exercises/*/*.ipynb"))), ROOT)
    assert sources.uncited_figures(registry, items) == []


def test_an_uncited_case_figure_is_reported_and_fiction_is_exempt(fixture_registry):
    found = sources.uncited_figures(fixture_registry, sources.notebook_texts(FIXTURES / "lesson_bad.ipynb", FIXTURES))
    assert len(found) == 1 and "セル 1" in found[0] and "つくば市" in found[0]
    assert sources.uncited_figures(fixture_registry,
                                   sources.notebook_texts(FIXTURES / "lesson_good.ipynb", FIXTURES)) == []


def test_case_figure_detection():
    names = ("北見市", "総務省")
    assert sources.case_figures("北見市では 1 件 7 分が 2.5 分になりました。", names)
    assert sources.case_figures("総務省の調査では 643 団体です。", names)
    assert not sources.case_figures("みどり野市（北見市の方式）では 7 分です。", names)
    assert not sources.case_figures("総務省の計画（第2.3版）を読みます。", names)
    assert not sources.case_figures("待ち時間は 12 分でした。", names)


# ---------------------------------------------------------------- currency stamp, READMEs

def test_every_lesson_title_cell_has_a_date_stamp():
    assert sources.missing_date_stamp(_checked(sources.lesson_paths(ROOT)), ROOT) == []


def test_a_lesson_without_a_date_stamp_is_reported():
    found = sources.missing_date_stamp([FIXTURES / "lesson_bad.ipynb"], FIXTURES)
    assert found == ["lesson_bad.ipynb: タイトルのセルに「内容は YYYY年MM月時点」がありません。"]


def test_course_readmes_list_their_sources_from_the_registry(registry):
    courses = [d for d in sorted(ROOT.glob("courses/[0-9][0-9]_*")) if str((d / "README.md").relative_to(ROOT)) not in PENDING]
    assert sources.readme_problems(registry, courses, ROOT) == []


def test_a_stale_readme_block_is_reported_and_regenerated(fixture_registry, tmp_path):
    course = tmp_path / "courses" / "01_demo"
    course.mkdir(parents=True)
    shutil.copy(FIXTURES / "lesson_good.ipynb", course / "01_demo.ipynb")
    (course / "README.md").write_text("# 講座\n\n## 出典\n\n- 古い一覧\n", encoding="utf-8")
    assert len(sources.readme_problems(fixture_registry, [course], tmp_path)) == 1
    assert sources.update_readme(fixture_registry, course, tmp_path)
    assert sources.readme_problems(fixture_registry, [course], tmp_path) == []
    assert "〔総務省「自治体DX推進計画（第2.3版）」2024年2月〕" in (course / "README.md").read_text(encoding="utf-8")
    assert not sources.update_readme(fixture_registry, course, tmp_path)


# ---------------------------------------------------------------- staleness report (never fails)

def test_stale_lists_entries_checked_more_than_twelve_months_ago(fixture_registry):
    assert [s.id for s in sources.stale(fixture_registry, as_of=date(2026, 12, 1))] == ["old-check"]
    assert [s.id for s in sources.stale(fixture_registry, as_of=date(2025, 12, 1))] == []
    assert sources.stale(fixture_registry, as_of=date(2026, 12, 1), months=1200) == []


def test_cli_stale_report_exits_zero_with_an_injected_date(capsys):
    assert cli.main(["sources", "--stale", "--as-of", "2028-06-01",
                     "--registry", str(FIXTURES / "sources.yml")]) == 0
    out = capsys.readouterr().out
    assert "2028-06-01 時点で、最終確認日が 12 か月より前の出典: 3 件" in out and "old-check" in out
    assert cli.main(["sources", "--stale", "--as-of", "2026-12-01"]) == 0
    assert "0 件" in capsys.readouterr().out


def test_cli_bad_date_is_a_japanese_usage_error(capsys):
    assert cli.main(["sources", "--stale", "--as-of", "12/01/2026"]) == cli.EXIT_ERROR
    assert "日付は 2025-04-01 の形で" in capsys.readouterr().err
