"""The HTML edition in a real browser, offline: WCAG 2.1 A/AA (JIS X 8341-3:2016 level AA) by axe-core on
every page, a quiz answered in the page, the full-text search, and keyboard access.

axe-core comes from the project's own npm package (tools/a11y, installed by `make setup-test`) and is
injected by Playwright from that file; every request that is not a file of the site is blocked and reported.
The site is the one tests/test_bundle_site.py builds (shared fixture).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import browser_support as bs
from test_bundle_site import QUIZ_PAGE, site  # noqa: F401 - the shared site fixture

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "tools" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def offline_page(site):  # noqa: F811
    """One Chromium page for all checks; any request outside the site's folder is aborted and recorded."""
    if not AXE.is_file():
        why = f"axe-core がありません（{AXE.relative_to(ROOT)}）。make setup-test（npm ci --prefix tools/a11y）で入ります。"
        warnings.warn(why)
        pytest.skip(why)
    top = site["top"].resolve()
    outside: list[str] = []
    with bs.browser() as br:
        context = br.new_context(locale="ja-JP", java_script_enabled=True)

        def guard(route):
            url = route.request.url
            if url.startswith("file://") and Path(route.request.url[7:].split("?")[0].split("#")[0]).resolve() \
                    .is_relative_to(top):
                return route.continue_()
            outside.append(url)
            return route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page, top, outside, errors
        context.close()


_START_AXE = """tags => { window.__axe = axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                             resultTypes: ['violations']}); }"""
_AXE_RESULT = """() => window.__axe.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' :: ' + n.failureSummary.replace(/\\s+/g, ' ').slice(0, 200)),
    count: v.nodes.length})))"""


def test_axe_finds_no_wcag_2_1_aa_violation_on_any_page(offline_page):
    page, top, outside, errors = offline_page
    htmls = sorted(top.rglob("*.html"))
    tabs = [page] + [page.context.new_page() for _ in htmls[1:]]
    for tab in tabs[1:]:
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
    for tab, html in zip(tabs, htmls):  # every tab runs axe at once: each page has its own renderer process
        tab.goto(html.as_uri())
        tab.add_script_tag(path=str(AXE))
        tab.evaluate(_START_AXE, WCAG_TAGS)
    problems = []
    for tab, html in zip(tabs, htmls):
        for v in tab.evaluate(_AXE_RESULT):
            problems.append(f"{html.relative_to(top)}: {v['id']} ({v['impact']}, {v['count']} 箇所) {v['help']}\n    "
                            + "\n    ".join(v["nodes"]))
    for tab in tabs[1:]:
        tab.close()
    assert len(htmls) >= 4
    assert not outside, f"requests outside the site: {outside[:5]}"
    assert not errors, f"script errors: {errors[:3]}"
    assert not problems, "\n".join(problems)


def test_a_quiz_question_is_answered_in_the_page_offline(offline_page):
    page, top, outside, errors = offline_page
    page.goto((top / QUIZ_PAGE).as_uri())
    question = page.locator(".dxkit-question").first
    answer = question.get_attribute("data-answer")
    wrong = question.locator(".dxkit-choice").filter(has_not_text=answer).first
    wrong.click()
    feedback = question.locator(".dxkit-feedback")
    assert feedback.inner_text() == f"❌ 不正解です。正解は「{answer}」です。"
    assert question.locator("details").evaluate("d => d.open")
    question.locator(".dxkit-choice", has_text=answer).click()
    assert "正解です" in feedback.inner_text() and "得点に数えません" in feedback.inner_text()
    assert page.locator(".dxkit-score").inner_text().startswith("得点: 0 / 8（回答済み 1 問）")
    second = page.locator(".dxkit-question").nth(1)
    second.locator(".dxkit-choice", has_text=second.get_attribute("data-answer")).click()
    assert second.locator(".dxkit-feedback").inner_text() == "⭕ 正解です。"
    assert page.locator(".dxkit-score").inner_text().startswith("得点: 1 / 8（回答済み 2 問）")
    assert not outside and not errors


def test_the_course_self_assessment_is_answered_in_the_page_offline(offline_page):
    page, top, outside, errors = offline_page
    page.goto((top / "00_orientation/01_jupyterlab.html").as_uri())
    box = page.locator(".dxkit-selfassess").first
    items = box.locator(".dxkit-selfassess-item")
    for n in range(items.count() - 1):
        items.nth(n).get_by_label("少しできる").check()
    box.get_by_role("button", name="まとめを見る").click()
    result = box.locator(".dxkit-selfassess-result")
    assert result.inner_text() == f"未回答の項目があります（{items.count()} 番など）。すべてに答えてください。"
    items.nth(items.count() - 1).get_by_label("自信をもってできる").check()
    box.get_by_role("button", name="まとめを見る").click()
    assert result.inner_text().startswith(f"✅ {items.count()} 項目に答えました。平均は 2.4 / 4 です")
    assert not outside and not errors


def test_search_from_a_lesson_page_finds_sections_offline(offline_page):
    page, top, outside, errors = offline_page
    page.goto((top / QUIZ_PAGE).as_uri())
    page.fill("#site-search-q", "フィッシング")
    page.press("#site-search-q", "Enter")
    page.wait_for_url("**/search.html?q=*")
    results = page.locator("#search-results li a")
    assert results.count() >= 1
    assert "件" in page.locator("#search-status").inner_text()
    results.first.click()
    page.wait_for_load_state()
    assert page.url.split("#")[0].endswith(".html") and "search.html" not in page.url
    assert not outside and not errors


def test_keyboard_reaches_the_skip_link_first_and_focus_is_visible(offline_page):
    page, top, _outside, _errors = offline_page
    page.goto((top / QUIZ_PAGE).as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {text: e.textContent, outline: s.outlineStyle, width: parseFloat(s.outlineWidth), left: e.getBoundingClientRect().left}; }""")
    assert focused["text"] == "本文へ移動" and focused["outline"] != "none" and focused["width"] >= 2
    assert focused["left"] >= 0, "the skip link must be on screen while focused"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    # the quiz's choices are real buttons: reachable with Tab and answered with the keyboard
    page.locator(".dxkit-choice").first.focus()
    page.keyboard.press("Enter")
    assert page.locator(".dxkit-feedback").first.inner_text() != ""
