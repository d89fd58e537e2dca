"""A real JupyterHub on 127.0.0.1 with nbgrader's shared exchange, end to end.

One instructor and two learners, each with a temporary home folder (SimpleLocalProcessSpawner,
DummyAuthenticator's successor the shared-password authenticator, no system users). The whole
exchange runs through the users' own single-user servers, exactly as the JupyterLab nbgrader
panels drive it:

    instructor: generate + release  ->  learners: fetch, answer (one right, one wrong), submit
    instructor: collect, autograde, generate + release feedback  ->  learners: fetch feedback

Then (with a browser) the instructor opens formgrader in its own tab and sees both submissions.
The hub and everything it started are stopped at the end, pass or fail; the deploy/ YAML files
are parsed here too (the Helm chart and the image build cannot run here: they are not verified).
"""

from __future__ import annotations

import copy
import html as html_lib
import importlib.util
import json
import re
import sys
import time
from pathlib import Path

import pytest

from leaks import hidden_lines

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
ASSIGNMENT = "00_orientation"
SOURCE_NB = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def _hubctl():
    spec = importlib.util.spec_from_file_location("dxkit_hubctl", DEPLOY / "local-hub" / "hubctl.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dxkit_hubctl", module)
    spec.loader.exec_module(module)
    return module


hubctl = _hubctl()


# ------------------------------------------------------------------ deploy/ files (always run)

def test_deploy_yaml_parses():
    yaml = pytest.importorskip("yaml")
    files = sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml"))
    files = [f for f in files if "node_modules" not in f.parts]
    assert files, "deploy/ に YAML がありません。"
    for f in files:
        docs = [d for d in yaml.safe_load_all(f.read_text(encoding="utf-8")) if d is not None]
        assert docs, f"{f} が空です。"
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text(encoding="utf-8"))
    # the learner image, loopback-free settings and the exchange volume are where we expect them
    assert values["singleuser"]["image"]["name"]
    assert any(v.get("mountPath") == "/srv/nbgrader/exchange"
               for v in values["singleuser"]["storage"]["extraVolumeMounts"])
    # never loosen formgrader's content-security policy (it opens in its own tab instead)
    assert "frame-ancestors" not in json.dumps(values)


def test_deploy_python_configs_compile():
    for f in sorted(DEPLOY.rglob("*.py")):
        if "node_modules" in f.parts:
            continue
        compile(f.read_text(encoding="utf-8"), str(f), "exec")


# ------------------------------------------------------------------ the hub

@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    why = hubctl.missing_requirements()
    if why:
        import warnings

        warnings.warn(f"JupyterHub のテストを飛ばします: {why}")
        pytest.skip(why)
    h = hubctl.LocalHub(tmp_path_factory.mktemp("hub"), assignments=(ASSIGNMENT,))
    try:
        h.start(timeout=60)
        for user in h.users:                 # spawn all three at once
            h.api("POST", f"/users/{user}/server")
        for user in h.users:
            h.wait_ready(user, timeout=120)
        yield h
    finally:
        h.stop()
        left = h.leftovers()
        assert not left, f"JupyterHub が止めたはずのプロセスが残っています: {left}"


def _ok(r, what):
    assert r.status_code == 200, f"{what}: HTTP {r.status_code} {r.text[:500]}"
    body = r.json()
    if isinstance(body, dict) and "success" in body:
        assert body["success"], f"{what}: {str(body.get('value') or body.get('error') or body.get('log'))[:1500]}"
    return body


def _hidden_lines() -> list[str]:
    source = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    return [line for cell in source["cells"] for line in hidden_lines("".join(cell["source"]), min_len=12)]


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if not re.search(r"### (BEGIN|END) SOLUTION", line))


def _answer(nb: dict, right: bool) -> dict:
    """Fill the fetched release notebook: every answer right (from the source), or a wrong q1 only."""
    source = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    solutions = {c["metadata"]["nbgrader"]["grade_id"]: _strip_markers("".join(c["source"]))
                 for c in source["cells"]
                 if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        gid = meta.get("grade_id")
        if right and cell["cell_type"] == "markdown" and meta.get("solution"):
            cell["source"] = "転入の手続で、住民が何度も同じことを書かなくて済むように、窓口で聞き取って申請書を作ります。"
            continue
        if cell["cell_type"] != "code" or gid not in solutions:
            continue
        if right:
            cell["source"] = solutions[gid]
        elif gid == "q1":
            cell["source"] = "# 間違えた答え\nweek_total = 0\ndaily_average = 0\nstaff_hours = 0"
    return nb


@pytest.fixture(scope="module")
def graded(hub):
    """Run the whole exchange once; returns what the tests check."""
    course, a = hub.course, ASSIGNMENT
    t = {}
    inst = hub.session(hub.instructor)
    fg = lambda path: hub.user_url(hub.instructor, f"formgrader/api/{path}")  # noqa: E731

    t0 = time.monotonic()
    _ok(inst.post(fg(f"assignment/{a}/assign"), timeout=120), "配布版の作成")
    _ok(inst.post(fg(f"assignment/{a}/release"), timeout=60), "配布")
    t["release"] = time.monotonic() - t0

    t0 = time.monotonic()
    listed = {}
    for learner, right in zip(hub.learners, (True, False)):
        s = hub.session(learner)
        url = lambda path: hub.user_url(learner, path)  # noqa: E731
        courses = _ok(s.get(url("courses"), timeout=30), "コースの一覧")["value"]
        assert course in courses, f"{learner} のコース一覧に {course} がありません: {courses}"
        listed[learner] = _ok(s.get(url("assignments"), params={"course_id": course}, timeout=30), "課題の一覧")
        fetched = _ok(s.post(url("assignments/fetch"), data={"course_id": course, "assignment_id": a}, timeout=60),
                      "課題の受け取り")
        nb_path = next(nb["path"] for x in fetched["value"] if x["status"] == "fetched" for nb in x["notebooks"])
        model = _ok(s.get(url(f"api/contents/{nb_path}"), params={"content": 1}, timeout=30), "ノートブックの読み込み")
        assert "NotImplementedError" in json.dumps(model["content"]), "配布版に解答が残っています。"
        r = s.put(url(f"api/contents/{nb_path}"), timeout=30,
                  json={"type": "notebook", "format": "json", "content": _answer(model["content"], right)})
        assert r.status_code == 200, f"保存できません: {r.status_code} {r.text[:300]}"
        _ok(s.post(url("assignments/submit"), data={"course_id": course, "assignment_id": a}, timeout=60), "提出")
    t["fetch_submit"] = time.monotonic() - t0

    t0 = time.monotonic()
    _ok(inst.post(fg(f"assignment/{a}/collect"), timeout=60), "回収")
    t["collect"] = time.monotonic() - t0
    t0 = time.monotonic()
    for learner in hub.learners:
        _ok(inst.post(fg(f"submission/{a}/{learner}/autograde"), timeout=240), f"{learner} の自動採点")
    t["autograde"] = time.monotonic() - t0
    submissions = {s["student"]: s for s in _ok(inst.get(fg(f"submissions/{a}"), timeout=30), "提出の一覧")}

    t0 = time.monotonic()
    _ok(inst.post(fg(f"assignment/{a}/generate_feedback"), timeout=120), "講評の作成")
    _ok(inst.post(fg(f"assignment/{a}/release_feedback"), timeout=60), "講評の返却")
    feedback = {}
    for learner in hub.learners:
        s = hub.session(learner)
        _ok(s.post(hub.user_url(learner, "assignments/fetch_feedback"),
                   data={"course_id": course, "assignment_id": a}, timeout=60), "講評の受け取り")
        files = sorted((hub.home(learner) / course / a / "feedback").rglob("*.html"))
        feedback[learner] = files[0].read_text(encoding="utf-8") if files else ""
    t["feedback"] = time.monotonic() - t0
    print("exchange timings (s):", {k: round(v, 1) for k, v in t.items()})
    return {"listed": listed, "submissions": submissions, "feedback": feedback, "timings": t}


def test_learners_see_only_their_course(hub, graded):
    for learner in hub.learners:
        value = graded["listed"][learner]["value"]
        assert [x["assignment_id"] for x in value] == [ASSIGNMENT]
        assert {x["course_id"] for x in value} == {hub.course}


def test_autograde_scores(hub, graded):
    source = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    auto_points = sum(c["metadata"]["nbgrader"].get("points", 0) for c in source["cells"]
                      if c["metadata"].get("nbgrader", {}).get("grade") and c["cell_type"] == "code")
    subs = graded["submissions"]
    right, wrong = (subs[name] for name in hub.learners)
    assert right["autograded"] and wrong["autograded"]
    assert right["max_code_score"] == auto_points
    assert right["code_score"] == auto_points, right
    assert wrong["code_score"] == 0, wrong
    assert right["needs_manual_grade"]            # the written answer (q6) waits for the instructor
    assert not wrong["needs_manual_grade"]        # left blank: nothing to read


def test_learners_fetch_feedback(hub, graded):
    for learner, expected in zip(hub.learners, ("12", "0")):
        html = graded["feedback"][learner]
        assert html, f"{learner} の講評（feedback）のファイルがありません。"
        assert re.search(rf"Score:\s*{expected}(\.0)?\s*/", html), f"{learner} の講評の得点が違います。"
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
        assert "BEGIN HIDDEN TESTS" not in text
        assert _hidden_lines(), "演習に隠しテストがありません。"
        leaked = [line for line in _hidden_lines() if line in text]
        assert not leaked, f"{learner} の講評に隠しテストのコードが出ています: {leaked[:3]}"


def test_formgrader_opens_in_its_own_tab(hub, graded, tmp_path):
    """formgrader inside JupyterLab is a blank frame behind JupyterHub 4.1+ (its CSP); its own tab works."""
    import browser_support as bs

    page_url = hub.user_url(hub.instructor, f"formgrader/manage_submissions/{ASSIGNMENT}")
    # the policy stays as JupyterHub sets it: we never loosen frame-ancestors
    r = hub.session(hub.instructor).get(page_url, timeout=30)
    assert r.status_code == 200
    csp = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors" in csp and "*" not in csp.split("frame-ancestors", 1)[1].split(";")[0], csp

    with bs.browser(tmp_path) as br:
        context = br.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(f"{hub.url}/hub/login", timeout=30_000)
        page.fill("input[name=username]", hub.instructor)
        page.fill("input[name=password]", hub.password)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_url(re.compile(r"/user/instructor/"), timeout=60_000)
        tab = context.new_page()                   # formgrader in its own tab, as the guide says
        tab.goto(page_url, timeout=30_000)
        for learner in hub.learners:
            tab.get_by_text(learner, exact=True).first.wait_for(timeout=30_000)
        body = tab.inner_text("body")
        bs.save_screenshot(tab, "hub_formgrader.png")
        context.close()
    assert all(learner in body for learner in hub.learners)


def test_image_course_hook_keeps_learners_work(tmp_path):
    """deploy/image/10-dxkit-courses.sh: new lessons arrive, a learner's edited lesson is never overwritten."""
    import shutil
    import subprocess

    if not shutil.which("bash"):
        pytest.skip("bash がありません。")
    src, home = tmp_path / "src" / "01_bpr", tmp_path / "home"
    src.mkdir(parents=True)
    (src / "01_a.ipynb").write_text("v1")
    (src / "02_b.ipynb").write_text("v1")
    run = lambda: subprocess.run(["bash", str(DEPLOY / "image" / "10-dxkit-courses.sh")], check=True,  # noqa: E731
                                 timeout=60, env={"HOME": str(home), "DXKIT_COURSES_SRC": str(src.parent),
                                                  "PATH": "/usr/bin:/bin"})
    run()
    mine = home / "dxkit" / "courses" / "01_bpr"
    (mine / "02_b.ipynb").write_text("learner's answers")
    (src / "01_a.ipynb").write_text("v2")
    (src / "02_b.ipynb").write_text("v2")
    (src / "03_c.ipynb").write_text("v2")
    run()
    assert (mine / "01_a.ipynb").read_text() == "v2"                 # untouched: updated
    assert (mine / "02_b.ipynb").read_text() == "learner's answers"  # edited: kept
    assert (mine / "02_b.new.ipynb").read_text() == "v2"             # update beside it
    assert (mine / "03_c.ipynb").read_text() == "v2"                 # new lesson arrives
