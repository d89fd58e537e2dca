"""The curriculum in a real browser: headless Chromium (the distribution's) driving JupyterLab.

One JupyterLab server on 127.0.0.1 (a temporary copy of courses/, its own DXKIT_HOME, started with
`make lab`'s learner configuration from dxkit.lab) and one browser serve every test of this module. A learner:

- sees JupyterLab's menus in Japanese, and none of nbgrader's instructor tools;
- sees Japanese glyphs, not boxes (a CJK font is installed with the browser);
- opens the first lesson of each course, runs all cells, and no cell shows an error except
  those tagged ``raises-exception`` (screenshots in .artifacts/browser/);
- answers the phishing quiz of the security course by clicking, and sees the feedback and score;
- gets ✅ for a right self-check answer and ❌ with a hint for a wrong one.

Without Playwright, Chromium or a Japanese font (anything but root on Debian/Ubuntu after
``make setup-test``) these tests skip and say why. ``playwright install`` is never used.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import browser_support as bs
from dxkit.lab import environ, lab_command


def learner_environ(base: dict) -> dict:
    base.pop("JUPYTER_CONFIG_PATH", None)
    return environ(base=base)

ROOT = Path(__file__).resolve().parents[1]
COURSES = ROOT / "courses"
FIRST_LESSONS = sorted(str(p.relative_to(ROOT)) for p in COURSES.glob("*/01_*.ipynb"))
LESSON_TIMEOUT_MS = 180_000

# JupyterLab is exposed as window.jupyterapp (LabApp.expose_app_in_browser), so the test uses
# the same commands as the menus (File > Open, Run > Run All Cells) and reads what they rendered.
JS_OPEN = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  return panel.id;
}"""

JS_PANEL = """const findPanel = (id) => {
  for (const w of window.jupyterapp.shell.widgets('main')) { if (w.id === id) return w; }
  throw new Error('notebook panel not found: ' + id);
};"""

JS_RUN_ALL = JS_PANEL + """
async ([id, timeoutMs]) => {
  const app = window.jupyterapp;
  const panel = findPanel(id);
  app.shell.activateById(id);
  const run = app.commands.execute('notebook:run-all-cells');
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs));
  await Promise.race([run, timeout]);
  // Run All queues every cell at once and may resolve early: wait until every code cell has run,
  // or the kernel has been idle with nothing new executed for 5 s (a cell that never ran fails the test).
  const t0 = Date.now();
  const executed = () => panel.content.widgets.filter(c => c.model.type === 'code' && c.model.executionCount !== null).length;
  const pending = () => panel.content.widgets.filter(c => c.model.type === 'code' && c.model.executionCount === null
                                                         && c.model.sharedModel.getSource().trim()).length;
  let last = -1, since = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const n = executed();
    if (n !== last) { last = n; since = Date.now(); }
    const idle = panel.sessionContext.kernelDisplayStatus === 'idle';
    if (idle && pending() === 0) break;
    if (idle && Date.now() - since > 5000) break;
    await new Promise(r => setTimeout(r, 200));
  }
  return panel.sessionContext.kernelDisplayStatus;
}"""

JS_CELLS = JS_PANEL + """
(id) => {
  const panel = findPanel(id);
  return panel.content.widgets.map((cell, i) => {
    const m = cell.model;
    if (m.type !== 'code') return {index: i, type: m.type};
    const outputs = m.outputs.toJSON();
    return {
      index: i, type: 'code',
      tags: m.getMetadata('tags') || [],
      count: m.executionCount,
      source: m.sharedModel.getSource().slice(0, 120),
      errors: outputs.filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue),
      // what the learner sees: the rendered text of the cell's outputs
      rendered: Array.from(cell.node.querySelectorAll('.jp-OutputArea-output')).map(n => n.textContent).join('\\n'),
      prompt: (cell.node.querySelector('.jp-InputPrompt') || {}).textContent || '',
    };
  });
}"""

JS_CLOSE = JS_PANEL + """
async (id) => {
  const panel = findPanel(id);
  await panel.sessionContext.shutdown();
  panel.context.model.dirty = false;
  panel.dispose();
  return true;
}"""


def _first_code_lines(cells):
    return "\n".join(f"  セル {c['index']}: {c['source'][:60]!r} → {c['errors']}" for c in cells)


# ------------------------------------------------------------------ fixtures

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    bs.skip_without_browser()
    tmp = tmp_path_factory.mktemp("lab")
    work = tmp / "work"
    shutil.copytree(COURSES, work / "courses", ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('from dxkit.check import check\n\ntotal_wait = ...\n'
                                          'check("00/01/wait_total", total_wait)')]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, work / "selfcheck.ipynb")
    # The course self-assessment cell exactly as the first lesson of course 01 holds it.
    lesson = nbformat.read(COURSES / "01_bpr" / "01_why_bpr_asis.ipynb", as_version=4)
    cell = next(c for c in lesson.cells if c.cell_type == "code" and "SelfAssessment(" in c.source)
    sa = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell.source)])
    sa.metadata["kernelspec"] = nb.metadata["kernelspec"]
    nbformat.write(sa, work / "selfassess.ipynb")
    port, token, marker = bs.free_port(), secrets.token_hex(16), secrets.token_hex(8)
    # The learner's configuration of `make lab` and the bundles (dxkit.lab): Japanese, no news, no nbgrader tools.
    env = learner_environ(dict(os.environ, DXKIT_HOME=str(tmp / "dxkit-home"), MPLBACKEND="Agg",
                               JUPYTER_CONFIG_DIR=str(tmp / "jupyter-config"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
                               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
                               JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"), DXKIT_HUB_MARKER=marker))
    cmd = lab_command(work, extra=["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                                   "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                                   "--LabApp.expose_app_in_browser=True"])
    log = tmp / "jupyterlab.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        bs.wait_http(f"http://127.0.0.1:{port}/api/status?token={token}", 60, proc, log)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "work": work, "log": log, "home": tmp / "dxkit-home"}
    finally:
        bs.stop_process_group(proc)
        import importlib.util

        spec = importlib.util.spec_from_file_location("dxkit_hubctl", ROOT / "deploy" / "local-hub" / "hubctl.py")
        hubctl = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(hubctl)
        hubctl.kill_marked(marker)          # kernels live in sessions of their own


@pytest.fixture(scope="module")
def page(lab, tmp_path_factory):
    with bs.browser(tmp_path_factory.mktemp("chromium")) as br:
        context = br.new_context(locale="ja-JP", viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(60_000)
        pg = context.new_page()
        pg.goto(f"{lab['url']}/lab?token={lab['token']}", timeout=60_000)
        pg.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=60_000)
        pg.evaluate("() => window.jupyterapp.restored")
        yield pg
        context.close()


def _open(page, path: str) -> str:
    return page.evaluate(JS_OPEN, path)


def _cells(page, panel_id: str) -> list[dict]:
    return page.evaluate(JS_CELLS, panel_id)


# ------------------------------------------------------------------ tests

def test_learner_sees_japanese_menus_and_no_instructor_tools(page):
    """make lab's learner configuration: JupyterLab's own menus in Japanese, no nbgrader tools, no news pop-up."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").first.wait_for(timeout=60_000)
    menus = page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    bs.save_screenshot(page, "learner_menus.png")
    for label in ("ファイル", "編集", "表示", "実行", "カーネル", "設定", "ヘルプ"):
        assert label in menus, f"メニューが日本語ではありません: {menus}"
    assert not {"File", "Edit", "Kernel"} & set(menus), menus
    assert not any("nbgrader" in m.lower() for m in menus), f"受講者に Nbgrader メニューが出ています: {menus}"
    commands = page.evaluate("() => window.jupyterapp.commands.listCommands().filter(c => c.startsWith('nbgrader:'))")
    assert not commands, f"受講者に nbgrader の講師用の機能があります: {commands}"
    sidebars = page.locator(".jp-SideBar .lm-TabBar-tab").evaluate_all(
        "tabs => tabs.map(t => (t.getAttribute('title') || '') + ' ' + t.innerText + ' ' + (t.dataset.id || ''))")
    assert not [t for t in sidebars if "assignment" in t.lower() or "nbgrader" in t.lower()], sidebars
    toasts = page.locator(".Toastify__toast").all_inner_texts()
    assert not [t for t in toasts if "ニュース" in t or "news" in t.lower()], toasts


def test_japanese_glyphs_are_drawn_not_boxes(page):
    """A missing CJK font draws every glyph as the same box: distinct characters must look distinct."""
    assert bs.japanese_fonts(), "fontconfig に日本語フォントがありません。"
    page.evaluate("""() => {
      const box = document.createElement('div');
      box.id = 'dxkit-glyphs';
      box.style.cssText = 'position:fixed;top:10px;left:10px;z-index:100000;background:#fff;'
        + 'font-family:var(--jp-content-font-family);font-size:48px;line-height:1.2;padding:4px';
      for (const ch of ['あ', 'い', '日', '本', '課']) {
        const s = document.createElement('span'); s.textContent = ch; s.className = 'g';
        s.style.cssText = 'display:inline-block;width:60px;text-align:center'; box.appendChild(s);
      }
      document.body.appendChild(box);
    }""")
    try:
        spans = page.locator("#dxkit-glyphs span.g")
        shots = [spans.nth(i).screenshot() for i in range(spans.count())]
        bs.save_screenshot(page.locator("#dxkit-glyphs"), "japanese_glyphs.png")
    finally:
        page.evaluate("() => document.getElementById('dxkit-glyphs').remove()")
    assert len(set(shots)) == len(shots), "日本語の文字がすべて同じ形（□）で描かれています。日本語フォントを入れてください。"


@pytest.mark.parametrize("lesson", FIRST_LESSONS, ids=[Path(p).parent.name for p in FIRST_LESSONS])
def test_first_lesson_runs_in_the_browser(page, lesson):
    panel = _open(page, lesson)
    status = page.evaluate(JS_RUN_ALL, [panel, LESSON_TIMEOUT_MS])
    try:
        cells = [c for c in _cells(page, panel) if c["type"] == "code"]
        page.evaluate(f"() => document.getElementById({json.dumps(panel)}).querySelector('.jp-WindowedPanel-outer, .jp-Notebook').scrollTo(0, 0)")
        bs.save_screenshot(page, f"lesson_{Path(lesson).parent.name}.png")
        # Japanese rendered as text in the learner's view (the title cell)
        title = page.locator(f"#{panel} .jp-MarkdownCell").first.text_content()
    finally:
        page.evaluate(JS_CLOSE, panel)
    assert status == "idle", f"{lesson}: カーネルが止まりません（{status}）。"
    not_run = [c for c in cells if c["source"].strip() and c["count"] is None]
    unexpected = [c for c in cells if c["errors"] and "raises-exception" not in c["tags"]]
    assert not unexpected, f"{lesson}: エラーを表示したセルがあります:\n{_first_code_lines(unexpected)}"
    assert not not_run, f"{lesson}: 実行されなかったセルがあります: {[c['index'] for c in not_run]}"
    for c in cells:
        if "raises-exception" in c["tags"]:
            assert c["errors"], f"{lesson}: セル {c['index']} は raises-exception なのにエラーを出しません。"
            assert c["errors"][0].split(":")[0] in c["rendered"], "エラーが画面に表示されていません。"
    assert any(ord(ch) > 0x3000 for ch in title), f"{lesson}: タイトルに日本語が表示されていません: {title!r}"


def _quiz_answers():
    sys.path.insert(0, str(ROOT))
    from dxkit.data import load_dataset

    emails = load_dataset("security_emails")
    return ["正規のメール" if v == "正規" else "フィッシング（怪しい）" for v in emails["判定"].iloc[:8]]


def test_security_quiz_by_clicking(page):
    answers = _quiz_answers()
    panel = _open(page, "courses/04_security/02_phishing.ipynb")
    try:
        assert page.evaluate(JS_RUN_ALL, [panel, LESSON_TIMEOUT_MS]) == "idle"
        root = page.locator(f"#{panel}")
        quiz = root.locator(".widget-vbox", has=page.locator("button.widget-button")).first
        quiz.wait_for(timeout=30_000)
        quiz.scroll_into_view_if_needed()
        score = quiz.get_by_text("得点:", exact=False).last
        assert "得点: 0 / 8" in score.text_content()
        questions = quiz.locator(":scope > .widget-vbox")
        # question 1: the right answer; question 2: the wrong one
        q1, q2 = questions.nth(0), questions.nth(1)
        q1.get_by_role("button", name=answers[0], exact=True).click()
        q1.get_by_text("⭕ 正解です。").wait_for(timeout=15_000)
        wrong = "正規のメール" if answers[1] != "正規のメール" else "フィッシング（怪しい）"
        q2.get_by_role("button", name=wrong, exact=True).click()
        q2.get_by_text("❌ 不正解です。", exact=False).wait_for(timeout=15_000)
        page.wait_for_function("(el) => el.innerText.includes('得点: 1 / 8（回答済み 2 問）')",
                               arg=score.element_handle(), timeout=15_000)
        q2.scroll_into_view_if_needed()
        bs.save_screenshot(page, "quiz_04_security.png")
        assert f"正解は「{answers[1]}」です" in q2.text_content()
    finally:
        page.evaluate(JS_CLOSE, panel)


def test_self_check_right_and_wrong(page):
    panel = _open(page, "selfcheck.ipynb")
    try:
        cell = page.locator(f"#{panel} .jp-CodeCell").first
        results = {}
        for label, expr in (("right", "12 + 5 + 8 + 20 + 15"), ("wrong", "12 + 5 + 8")):
            editor = cell.locator(".cm-content")
            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.insert_text(f'from dxkit.check import check\n\ntotal_wait = {expr}\n'
                                      f'check("00/01/wait_total", total_wait)')
            page.keyboard.press("Shift+Enter")
            mark = "✅" if label == "right" else "❌"
            cell.locator(".jp-OutputArea-output", has_text=mark).wait_for(timeout=60_000)
            results[label] = cell.locator(".jp-OutputArea-output").inner_text()
            bs.save_screenshot(page, f"selfcheck_{label}.png")
    finally:
        page.evaluate(JS_CLOSE, panel)
    assert "✅ 正解です" in results["right"]
    assert "❌ まだ正解ではありません" in results["wrong"]
    assert "ヒント:" in results["wrong"]


def test_course_self_assessment_by_clicking(page, lab):
    """The learner answers the five statements of course 01's start-of-course self-assessment and records them."""
    panel = _open(page, "selfassess.ipynb")
    try:
        assert page.evaluate(JS_RUN_ALL, [panel, LESSON_TIMEOUT_MS]) == "idle"
        form = page.locator(f"#{panel} .widget-vbox", has=page.locator(".widget-toggle-buttons")).first
        form.wait_for(timeout=30_000)
        rows = form.locator(".widget-toggle-buttons")
        assert rows.count() == 5
        save = form.get_by_role("button", name="記録する", exact=True)
        for i in range(4):                                   # one statement left unanswered
            rows.nth(i).get_by_role("button", name="だいたいできる", exact=True).click()
        save.click()
        form.get_by_text("未回答の項目があります", exact=False).wait_for(timeout=15_000)
        rows.nth(4).get_by_role("button", name="少しできる", exact=True).click()
        save.click()
        form.get_by_text("自己評価を記録しました", exact=False).wait_for(timeout=15_000)
        form.scroll_into_view_if_needed()
        bs.save_screenshot(page, "self_assessment_01.png")
    finally:
        page.evaluate(JS_CLOSE, panel)
    record = json.loads((lab["home"] / "progress.json").read_text(encoding="utf-8"))
    assert record["assessments"]["01"]["before"]["levels"] == [3, 3, 3, 3, 2]
