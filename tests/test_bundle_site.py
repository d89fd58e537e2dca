"""The read-only HTML edition: lessons executed fresh, rendered with outputs, nothing loaded from outside."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from dxkit.bundle.build import build_bundle, select_courses
from dxkit.bundle.manifest import verify

ROOT = Path(__file__).resolve().parents[1]
ATTR = re.compile(r"""\b(src|href|action|poster|data|srcset)\s*=\s*(["']?)([^"'\s>]*)""", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]*)""", re.I)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    course = select_courses(ROOT, None)[0]  # the first course, whole
    result = build_bundle(tmp_path_factory.mktemp("site"), "site", courses=[course], built="2025-04-01T09:00:00")
    out = tmp_path_factory.mktemp("site-files")
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(out)
    return result, next(out.iterdir()), course


def test_every_lesson_is_rendered_with_outputs(site):
    result, top, course = site
    assert verify(result.path, result.sha256).ok
    lessons = sorted((ROOT / "courses" / course).glob("*.ipynb"))
    for lesson in lessons:
        page = top / course / f"{lesson.stem}.html"
        assert page.is_file(), page
        text = page.read_text(encoding="utf-8")
        assert 'class="jp-OutputArea-output' in text or "jp-RenderedText" in text, f"{page.name}: no output"
    index = (top / "index.html").read_text(encoding="utf-8")
    for lesson in lessons:
        assert f'href="{course}/{lesson.stem}.html"' in index


def test_nothing_is_loaded_from_outside(site):
    _result, top, _course = site
    pages = sorted(top.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for _attr, _quote, value in ATTR.findall(text):
            assert not re.match(r"(?i)([a-z][a-z0-9+.-]*:|//)", value) or value.lower().startswith(("data:", "#")), \
                f"{page.name}: external reference {value[:80]!r}"
        for value in CSS_URL.findall(text):
            assert value.startswith(("data:", "#")) or not re.match(r"(?i)([a-z]+:|//)", value), \
                f"{page.name}: external CSS url {value[:80]!r}"
        assert "@import" not in text, f"{page.name}: CSS @import"
        assert not re.search(r"(?i)<script[^>]*\bsrc", text), f"{page.name}: script loaded from a file or CDN"
        assert not re.search(r"(?i)mathjax\.|cdnjs|unpkg|jsdelivr|fonts\.googleapis", text.replace("MathJax", "")), \
            f"{page.name}: CDN name left in the page"


def test_links_between_lessons_point_to_pages(site):
    _result, top, _course = site
    for page in top.rglob("*.html"):
        for href in re.findall(r'<a\b[^>]*\bhref="([^"#]+)', page.read_text(encoding="utf-8")):
            assert not href.endswith(".ipynb"), f"{page.name}: link to a notebook {href}"
