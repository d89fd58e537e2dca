"""The read-only HTML edition: lessons executed fresh, rendered with outputs, nothing loaded from outside,
navigable (index, previous/next, search), with alt text for every chart and quizzes that work without Python.

One site is built per test run and shared by this module and tests/test_site_a11y.py (also across
pytest-xdist workers, through a file lock). By default it holds one lesson of each course, chosen for the
kinds of output they show (SITE_LESSONS); DXKIT_SITE_TEST_ALL=1 builds and checks every lesson.
"""

from __future__ import annotations

import html
import json
import os
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dxkit.bundle.build import build_bundle, select_courses
from dxkit.bundle.manifest import verify

ROOT = Path(__file__).resolve().parents[1]
ATTR = re.compile(r"""\b(src|href|action|poster|data|srcset)\s*=\s*(["']?)([^"'\s>]*)""", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)""", re.I)
# One lesson per course, chosen for the kinds of output they show: self-checks, error tracebacks and links
# (00/01), process maps (01/03), the KPI dashboard (02/03), check lists and choice checks (03/04), the
# ipywidgets quiz (04/02), charts made with matplotlib and pandas (05/05).
SITE_LESSONS = ["00_orientation/01_jupyterlab", "01_bpr/03_muda_tobe", "02_pdca_kpi/03_tracking_forecast",
                "03_rpa/04_operating_robots", "04_security/02_phishing", "05_data_analysis/05_charts"]
QUIZ_PAGE = "04_security/02_phishing.html"
GENERIC_ALT = {"", "image", "figure", "graph", "chart", "グラフ", "図", "画像", "no description has been provided for this image",
               "グラフ（説明がありません）", "グラフ（タイトルのない図）"}


def site_lessons() -> list[str] | None:
    return None if os.environ.get("DXKIT_SITE_TEST_ALL") == "1" else SITE_LESSONS


def _build_shared(tmp_path_factory) -> dict:
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent  # one build for all workers of this run
    shared = base / "dxkit-site"
    with FileLock(str(shared) + ".lock"):
        done = shared / "built.json"
        if not done.is_file():
            shared.mkdir(exist_ok=True)
            lessons = site_lessons()
            courses = sorted({k.split("/")[0] for k in lessons}) if lessons else None
            before = os.environ.get("DXKIT_SITE_CACHE")
            os.environ["DXKIT_SITE_CACHE"] = str(shared / "cache")  # executed fresh: no outputs from earlier runs
            try:
                result = build_bundle(shared / "zip", "site", courses=courses, lessons=lessons,
                                      built="2025-04-01T09:00:00")
            finally:
                os.environ.pop("DXKIT_SITE_CACHE") if before is None else os.environ.update(DXKIT_SITE_CACHE=before)
            with zipfile.ZipFile(result.path) as zf:
                zf.extractall(shared / "files")
            done.write_text(json.dumps({"zip": str(result.path), "sha256": result.sha256,
                                        "lessons": result.manifest["lessons"]}), encoding="utf-8")
        info = json.loads(done.read_text(encoding="utf-8"))
    info["top"] = next((shared / "files").iterdir())
    return info


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> dict:
    """{"zip", "sha256", "lessons", "top"}: the site edition built once for this test run."""
    return _build_shared(tmp_path_factory)


def pages(top: Path) -> list[Path]:
    return sorted(top.rglob("*.html"))


def test_every_lesson_is_rendered_with_outputs(site):
    top = site["top"]
    assert verify(Path(site["zip"]), site["sha256"]).ok
    expected = site_lessons() or [f"{c}/{p.stem}" for c in select_courses(ROOT, None)
                                  for p in sorted((ROOT / "courses" / c).glob("*.ipynb"))]
    assert sorted(site["lessons"]) == sorted(expected)
    index = (top / "index.html").read_text(encoding="utf-8")
    for key in expected:
        page = top / f"{key}.html"
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        assert 'class="jp-OutputArea-output' in text or "jp-RenderedText" in text, f"{page.name}: no output"
        assert f'href="{key}.html"' in index, f"index.html does not list {key}"


def test_nothing_is_loaded_from_outside(site):
    top = site["top"]
    assert pages(top)
    for page in pages(top) + sorted((top / "static").glob("*.css")):
        text = page.read_text(encoding="utf-8")
        for _attr, _quote, value in ATTR.findall(text):
            assert not re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", value) or value.lower().startswith(("data:", "#")), \
                f"{page.name}: external reference {value[:80]!r}"
        for value in CSS_URL.findall(text):
            assert value.startswith(("data:", "#")) or not re.match(r"(?i)([a-z]+:|//)", value), \
                f"{page.name}: external CSS url {value[:80]!r}"
        assert "@import" not in text, f"{page.name}: CSS @import"
        for src in re.findall(r'(?i)<script[^>]*\bsrc="([^"]*)"', text):
            assert (page.parent / src).resolve().is_relative_to(top.resolve()) and (page.parent / src).is_file(), \
                f"{page.name}: script {src} is not a file of the site"
        assert not re.search(r"(?i)mathjax\.|cdnjs|unpkg|jsdelivr|fonts\.googleapis", text.replace("MathJax", "")), \
            f"{page.name}: CDN name left in the page"


def test_links_between_pages_point_to_pages_of_the_site(site):
    top = site["top"]
    for page in pages(top):
        for href in re.findall(r'<a\b[^>]*\bhref="([^"#?]+)', page.read_text(encoding="utf-8")):
            assert not href.endswith(".ipynb"), f"{page.name}: link to a notebook {href}"
            if not re.match(r"(?i)[a-z][a-z0-9+.-]*:", href):
                assert (page.parent / href).resolve().is_relative_to(top.resolve()) and (page.parent / href).is_file(), \
                    f"{page.relative_to(top)}: broken link {href}"


def test_lessons_are_chained_by_previous_and_next_links_in_course_order(site):
    top = site["top"]
    order = re.findall(r'<li><a href="([^"]+\.html)"', (top / "index.html").read_text(encoding="utf-8"))
    assert len(order) == len(site["lessons"]) >= 2
    for i, href in enumerate(order):
        text = (top / href).read_text(encoding="utf-8")
        rel = {a["rel"]: a["href"].removeprefix("../") for a in outline(top / href).links if a.get("rel")}
        assert rel.get("prev") == (order[i - 1] if i else None), f"{href}: previous link"
        assert rel.get("next") == (order[i + 1] if i + 1 < len(order) else None), f"{href}: next link"
        assert 'href="../index.html"' in text and 'action="../search.html"' in text, f"{href}: no way back / search"


class _Outline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.headings, self.tables, self.images, self.links, self.fieldsets, self.lang = [], [], [], [], [], None
        self._table = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self._table = {"th": 0}
            self.tables.append(self._table)
        elif tag == "th" and self._table is not None:
            self._table["th"] += 1
        elif tag == "img":
            self.images.append(a)
        elif tag == "a":
            self.links.append(a)
        elif tag == "fieldset":
            self.fieldsets.append(a)


def outline(page: Path) -> _Outline:
    parser = _Outline()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_pages_are_japanese_with_headings_in_order_and_tables_with_headers(site):
    problems = []
    for page in pages(site["top"]):
        o = outline(page)
        name = page.relative_to(site["top"])
        if o.lang != "ja":
            problems.append(f"{name}: <html lang={o.lang!r}>")
        if o.headings.count(1) != 1 or o.headings[0] != 1:
            problems.append(f"{name}: needs exactly one h1, first (found {o.headings[:5]}…)")
        problems += [f"{name}: heading h{b} right after h{a}" for a, b in zip(o.headings, o.headings[1:]) if b > a + 1]
        problems += [f"{name}: a table without header cells" for t in o.tables if not t["th"]]
    assert not problems, "\n".join(problems)


def test_every_chart_has_a_meaningful_alt_text(site):
    seen, problems = 0, []
    for page in pages(site["top"]):
        for img in outline(page).images:
            seen += 1
            alt = " ".join((img.get("alt") or "").split())
            if alt.lower() in GENERIC_ALT or len(alt) < 12:
                problems.append(f"{page.relative_to(site['top'])}: <img alt={alt!r}>")
    assert seen >= 5, "the lessons' charts are missing from the site"
    assert not problems, "\n".join(problems)


def test_the_ipywidgets_quiz_is_plain_html_with_every_answer_in_details(site):
    text = (site["top"] / QUIZ_PAGE).read_text(encoding="utf-8")
    assert "widget-view" not in text and "jupyter-widgets" not in text
    questions = [f for f in outline(site["top"] / QUIZ_PAGE).fieldsets if f.get("class") == "dxkit-question"]
    assert len(questions) == 8
    details = re.findall(r"<details><summary>問 \d+ の正解と解説</summary><p>正解: ([^<]+)</p>", text)
    assert details == [q["data-answer"] for q in questions]
    assert text.count('class="dxkit-choice"') == 16


def test_the_course_self_assessment_is_a_plain_html_form_and_no_widget_is_left_empty(site):
    from dxkit.selfassess import LEVELS, statements

    page = site["top"] / "00_orientation/01_jupyterlab.html"
    text = page.read_text(encoding="utf-8")
    items = [f for f in outline(page).fieldsets if f.get("class") == "dxkit-selfassess-item"]
    assert len(items) == len(statements("00")) == 5
    assert text.count('type="radio"') == 5 * len(LEVELS) and "まとめを見る" in text
    for other in pages(site["top"]):  # every ipywidget of the lessons has a static form in this edition
        assert "dxkit-widget-note" not in other.read_text(encoding="utf-8"), other.name


def test_search_index_covers_every_page_and_search_page_works_offline(site):
    top = site["top"]
    raw = (top / "static" / "search-index.js").read_text(encoding="utf-8")
    entries = json.loads(raw[raw.index("=") + 1:].rstrip().rstrip(";"))
    hrefs = {e["u"].split("#")[0] for e in entries}
    assert hrefs == {f"{k}.html" for k in site["lessons"]}
    assert any("フィッシング" in e["x"] for e in entries)
    anchored = [e for e in entries if "#" in e["u"]]
    assert anchored, "no section anchors in the index"
    for e in anchored[:50]:
        page, anchor = e["u"].split("#", 1)
        assert f'id="{anchor}"' in (top / page).read_text(encoding="utf-8"), e["u"]
    assert len(raw.encode()) < 2_000_000
    search = (top / "search.html").read_text(encoding="utf-8")
    assert '<script src="static/search-index.js">' in search and '<script src="static/site.js">' in search


def test_self_checks_offer_the_hints_and_an_example_answer_behind_details(site):
    from dxkit.check import get_item

    text = (site["top"] / "00_orientation/01_jupyterlab.html").read_text(encoding="utf-8")
    shown = html.unescape(re.sub(r"<[^>]+>", " ", text))
    item = get_item("00/01/restart_quiz")
    assert text.count('class="dxkit-self-check"') >= 2
    assert f"ヒントを見る（{item.id}）" in shown and all(h in shown for h in item.hints)
    assert "模範解答の例を見る" in shown and item.solution.splitlines()[0] in shown


def test_a_rebuild_reuses_executed_lessons_and_runs_only_what_changed(tmp_path):
    import nbformat

    from dxkit.bundle.site import build_site

    course = tmp_path / "courses" / "09_demo"
    course.mkdir(parents=True)
    for name, value in (("01_a", 1), ("02_b", 2)):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# デモ {name}"),
                                             nbformat.v4.new_code_cell(f"print({value} + 1)")])
        nbformat.write(nb, course / f"{name}.ipynb")
    cache = tmp_path / "cache"
    first = build_site(tmp_path / "s1", [course], cache=cache)
    assert first.cached == []
    second = build_site(tmp_path / "s2", [course], cache=cache)
    assert second.cached == ["09_demo/01_a", "09_demo/02_b"]
    assert (tmp_path / "s2/09_demo/02_b.html").read_text(encoding="utf-8").count(">3\n<") == 1
    nb = nbformat.read(course / "02_b.ipynb", as_version=4)
    nb.cells[1].source = "print(40 + 2)"
    nbformat.write(nb, course / "02_b.ipynb")
    third = build_site(tmp_path / "s3", [course], cache=cache)
    assert third.cached == ["09_demo/01_a"]
    assert ">42\n<" in (tmp_path / "s3/09_demo/02_b.html").read_text(encoding="utf-8")
    # A lesson runs again when a dxkit module it loaded has changed since (here: as if dxkit/quiz.py was edited).
    entry = next(p for p in cache.glob("*.modules.json")
                 if "デモ 01_a" in p.with_suffix("").with_suffix(".ipynb").read_text(encoding="utf-8"))
    modules = json.loads(entry.read_text(encoding="utf-8"))
    assert not any(Path(f).name.startswith("site_page") for f in modules), "the builder is not what the lesson ran"
    modules.update({f: "0" * 64 for f in modules if f.endswith("quiz.py")})
    entry.write_text(json.dumps(modules), encoding="utf-8")
    fourth = build_site(tmp_path / "s4", [course], cache=cache)
    assert fourth.cached == ["09_demo/02_b"]


def test_a_lesson_that_does_not_exist_is_refused_in_japanese(tmp_path):
    from dxkit.bundle.site import build_site
    from dxkit.errors import DxkitError

    with pytest.raises(DxkitError, match="レッスン「00_orientation/99_nothing」が見つかりません"):
        build_site(tmp_path, [ROOT / "courses" / "00_orientation"], lessons=["00_orientation/99_nothing"])
    assert not (tmp_path / "index.html").exists()
