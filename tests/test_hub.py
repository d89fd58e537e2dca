"""The single-server JupyterHub of deploy/single-server/, RUN with real Linux users, end to end.

One instructor and three learners are created with the documented scripts (add-user.sh: private
0700 homes; setup-host.sh: the exchange and the submission service's user), log in through PAM,
and run as their own Linux users with per-learner limits. Learners submit through the dxkit
submission service (dxkit/hub/service.py); the instructor collects, autogrades and returns
feedback through formgrader's own API, as its buttons do:

    instructor: generate + release  ->  learners: fetch, answer (one right, one wrong), submit
    instructor: collect, autograde, generate + release feedback  ->  learners: fetch feedback

Then: what a learner must NOT be able to do (read others' homes, the instructor's sources and
gradebook, write submitted/ or the exchange, submit in another's name), the limits, the idle
culler (servers) and kernel culling, and in a browser: a lesson's chart, formgrader with names.
Root on Linux only (it creates users); elsewhere it skips and says why. Everything the hub
started, the users and the groups are removed at the end, pass or fail.
"""

from __future__ import annotations

import copy
import html as html_lib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from leaks import hidden_lines

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
ASSIGNMENT = "00_orientation"
SOURCE_NB = ROOT / "exercises" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
CHART_LESSON = "dxkit/courses/05_data_analysis/05_charts.ipynb"
NAMES = (("山田", "花子"), ("佐藤", "太郎"), ("鈴木", "一郎"))
CULL_TIMEOUT, KERNEL_CULL_TIMEOUT = 60, 10


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
    assert values["singleuser"]["image"]["name"]
    # never loosen formgrader's content-security policy (it opens in its own tab instead)
    assert "frame-ancestors" not in json.dumps(values)


def test_deploy_python_configs_compile():
    for f in sorted(DEPLOY.rglob("*.py")):
        if "node_modules" in f.parts:
            continue
        compile(f.read_text(encoding="utf-8"), str(f), "exec")


Z2JH_CHART = ROOT.parent / "shared" / "z2jh-4.4.0"


def _leaves(d, prefix=()):
    for k, v in d.items():
        if isinstance(v, dict) and v:
            yield from _leaves(v, prefix + (k,))
        else:
            yield prefix + (k,), v


def _merge(base, over):
    if not (isinstance(base, dict) and isinstance(over, dict)):
        return copy.deepcopy(over)
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merge(base.get(k), v) if k in base else copy.deepcopy(v)
    return out


def test_z2jh_values_match_the_chart():
    """deploy/z2jh/values.yaml against chart 4.4.0's own schema and defaults."""
    yaml = pytest.importorskip("yaml")
    jsonschema = pytest.importorskip("jsonschema")
    if not (Z2JH_CHART / "values.schema.yaml").exists():
        pytest.skip(f"Zero to JupyterHub 4.4.0 のチャートがありません（{Z2JH_CHART}）。")
    values = yaml.safe_load((DEPLOY / "z2jh" / "values.yaml").read_text(encoding="utf-8"))
    schema = yaml.safe_load((Z2JH_CHART / "values.schema.yaml").read_text(encoding="utf-8"))
    defaults = yaml.safe_load((Z2JH_CHART / "values.yaml").read_text(encoding="utf-8"))
    # Helm validates the chart's defaults merged with ours
    errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(_merge(defaults, values)), key=lambda e: list(e.path))
    assert not errors, [f"{'.'.join(map(str, e.path))}: {e.message}" for e in errors[:5]]
    # nothing that only restates a chart default
    restated = []
    for path, value in _leaves(values):
        node = defaults
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None and node == value:
            restated.append(".".join(path))
    assert not restated, f"チャートの既定値と同じ値が書かれています: {restated}"
    cfg = values["hub"]["config"]
    assert "use_ssl" not in cfg["LDAPAuthenticator"], "ldapauthenticator 2.x では tls_strategy を使います。"
    assert cfg["LDAPAuthenticator"]["tls_strategy"] in ("before_bind", "on_connect")
    auth = cfg.get("Authenticator", {})
    assert (auth.get("allow_all") or auth.get("allowed_users") or cfg["LDAPAuthenticator"].get("allowed_groups")), \
        "JupyterHub 5 では、許可の設定がないと管理者しかログインできません。"
    service_type = values.get("proxy", {}).get("service", {}).get("type", defaults["proxy"]["service"]["type"])
    assert service_type != "ClusterIP" or values.get("ingress", {}).get("enabled"), "ハブに外から入る道がありません。"
    # learners never mount the exchange writable; the submission service is wired in
    site = DEPLOY / "single-server" / "jupyter" / "nbgrader_config.py"      # in the image too
    assert "dxkit.hub.exchange.ExchangeSubmit" in site.read_text(encoding="utf-8")
    assert "COPY deploy/single-server/jupyter " in (DEPLOY / "image" / "Dockerfile").read_text(encoding="utf-8")
    assert "dxkit-submit" in values["hub"]["services"]
    assert '"readOnly": True' in values["hub"]["extraConfig"]["20-exchange-mounts"]
    assert "extraVolumeMounts" not in values["singleuser"].get("storage", {})


def test_no_agg_backend_where_learners_run_kernels():
    """MPLBACKEND=Agg makes plt.show() draw nothing in a notebook: never set it for learners' kernels."""
    places = [DEPLOY / "single-server", DEPLOY / "image", DEPLOY / "local-hub", DEPLOY / "z2jh"]
    found = [str(f.relative_to(ROOT)) for d in places for f in d.rglob("*")
             if f.is_file() and "node_modules" not in f.parts and "MPLBACKEND" in f.read_text(errors="replace")]
    found += ["conftest.py"] if re.search(r"^\s*os\.environ[^\n]*MPLBACKEND", (ROOT / "conftest.py").read_text(),
                                          re.M) else []
    assert not found, f"学習者のカーネルに MPLBACKEND が設定されています: {found}"


# ------------------------------------------------------------------ dxkit.hub pieces (always run)

def test_submission_service_refuses_unsafe_files(tmp_path):
    """No path outside the entry, no overwriting the service's own files, and a clean entry otherwise."""
    import base64
    import datetime

    from dxkit.hub import service

    ok = base64.b64encode(b"{}").decode()
    for bad in ("../x.ipynb", "/etc/passwd", "a/../../x", "timestamp.txt", "a\\..\\x", ""):
        with pytest.raises(service.Refused) as e:
            service.check_files({bad: ok}, 2**20)
        assert e.value.status_code == 400 and "ファイル名" in e.value.message
    with pytest.raises(service.Refused) as e:
        service.check_files({"a.ipynb": "***"}, 2**20)
    assert e.value.status_code == 400
    with pytest.raises(service.Refused) as e:
        service.check_files({"a.ipynb": base64.b64encode(b"x" * 100).decode()}, 50)
    assert e.value.status_code == 413
    files = service.check_files({"sub/a.ipynb": ok}, 2**20)
    now = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.timezone.utc)
    out = service.write_entry(tmp_path, "learner1", "00_orientation", files, now)
    entry = tmp_path / out["entry"]
    assert out["entry"].startswith("learner1+00_orientation+2026-12-01 09:00:00.000000 UTC+")
    assert (entry / "sub" / "a.ipynb").read_bytes() == b"{}"
    assert (entry / "timestamp.txt").read_text() == out["timestamp"]
    assert [p.name for p in tmp_path.iterdir()] == [out["entry"]]     # no temporary folder left


def test_formgrader_links_rewritten_under_base_url():
    from nbgrader.server_extensions.formgrader import handlers

    from dxkit.hub.formgrader import rewrite_links

    js = (Path(handlers.static_path) / "js" / "utils.js").read_text(encoding="utf-8")
    assert '"/tree/"' in js, "nbgrader の utils.js が変わりました。dxkit.hub.formgrader を見直してください。"
    out = rewrite_links(js, "/user/sensei01/")
    assert '"/tree/"' not in out and '"/user/sensei01/tree/"' in out and '"/user/sensei01/notebooks/"' in out


# ------------------------------------------------------------------ the image's start hook

RUN_HOOKS = r'''
# A minimal, faithful copy of docker-stacks' run-hooks.sh logic (images/docker-stacks-foundation/):
# *.sh files are SOURCED in the caller's shell with errexit off, their status only logged.
_log_info() { echo "$@" >&2; }
_log_error() { echo "$@" >&2; }
if [[ "$-" == *e* ]]; then errexit_was_set="yes"; else errexit_was_set="no"; fi
set +e
for hook_file in "${1}/"*; do
    [ -e "${hook_file}" ] || continue
    case "${hook_file}" in
        *.sh)
            source "${hook_file}"
            hook_rc=$?
            set +e
            if [ "${hook_rc}" -ne 0 ]; then _log_error "${hook_file} has failed, continuing execution"; fi
            ;;
        *)
            if [ -x "${hook_file}" ]; then "${hook_file}"; fi
            ;;
    esac
done
if [[ "${errexit_was_set}" == "yes" ]]; then set -e; fi
unset errexit_was_set hook_rc hook_file
'''

# start.sh runs with `set -e`, sources run-hooks.sh for before-notebook.d, then execs the server.
START_SH = r'''
set -e
cd "$START_DIR"
before="$PWD|$-|$(set +o | tr '\n' ' ')"
source "$RUN_HOOKS" "$HOOK_DIR"
after="$PWD|$-|$(set +o | tr '\n' ' ')"
echo "before=$before"
echo "after=$after"
echo "REACHED exec jupyterhub-singleuser"
'''


def _source_hook(tmp_path: Path, hook: Path, home: Path, src: Path) -> dict:
    hook_dir = tmp_path / "before-notebook.d"
    hook_dir.mkdir(exist_ok=True)
    shutil.copy(hook, hook_dir / "10-dxkit-courses.sh")
    (tmp_path / "run-hooks.sh").write_text(RUN_HOOKS)
    (tmp_path / "start.sh").write_text(START_SH)
    start_dir = tmp_path / "workdir"
    start_dir.mkdir(exist_ok=True)
    proc = subprocess.run(["bash", str(tmp_path / "start.sh")], capture_output=True, text=True, timeout=60,
                          env={"HOME": str(home), "DXKIT_COURSES_SRC": str(src), "PATH": "/usr/bin:/bin",
                               "START_DIR": str(start_dir), "RUN_HOOKS": str(tmp_path / "run-hooks.sh"),
                               "HOOK_DIR": str(hook_dir)})
    lines = dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)
    return {"reached": "REACHED" in proc.stdout, "before": lines.get("before"), "after": lines.get("after"),
            "stderr": proc.stderr}


def test_image_hook_sourced_like_docker_stacks(tmp_path):
    """start.sh sources before-notebook.d/*.sh: the hook must not exit it, nor leak cd / set -u."""
    if not shutil.which("bash"):
        pytest.skip("bash がありません。")
    src, home = tmp_path / "src", tmp_path / "home"
    (src / "01_bpr").mkdir(parents=True)
    (src / "01_bpr" / "01_a.ipynb").write_text("v1")
    out = _source_hook(tmp_path, DEPLOY / "image" / "10-dxkit-courses.sh", home, src)
    assert out["reached"], f"フックが start.sh を終了させ、サーバーが起動しません。\n{out['stderr']}"
    assert out["before"] == out["after"], f"フックがシェルの状態を変えました: {out}"
    assert (home / "dxkit" / "courses" / "01_bpr" / "01_a.ipynb").read_text() == "v1"
    # and with no course folder at all (its early return) the server still starts
    out = _source_hook(tmp_path, DEPLOY / "image" / "10-dxkit-courses.sh", tmp_path / "home2", tmp_path / "nope")
    assert out["reached"] and out["before"] == out["after"], out


def test_image_course_hook_keeps_learners_work(tmp_path):
    """New lessons arrive; a learner's edited lesson is never overwritten (the hook sourced, as in start.sh)."""
    if not shutil.which("bash"):
        pytest.skip("bash がありません。")
    src, home = tmp_path / "src" / "01_bpr", tmp_path / "home"
    src.mkdir(parents=True)
    (src / "01_a.ipynb").write_text("v1")
    (src / "02_b.ipynb").write_text("v1")
    hook = DEPLOY / "image" / "10-dxkit-courses.sh"
    assert _source_hook(tmp_path, hook, home, src.parent)["reached"]
    mine = home / "dxkit" / "courses" / "01_bpr"
    (mine / "02_b.ipynb").write_text("learner's answers")
    (src / "01_a.ipynb").write_text("v2")
    (src / "02_b.ipynb").write_text("v2")
    (src / "03_c.ipynb").write_text("v2")
    assert _source_hook(tmp_path, hook, home, src.parent)["reached"]
    assert (mine / "01_a.ipynb").read_text() == "v2"                 # untouched: updated
    assert (mine / "02_b.ipynb").read_text() == "learner's answers"  # edited: kept
    assert (mine / "02_b.new.ipynb").read_text() == "v2"             # update beside it
    assert (mine / "03_c.ipynb").read_text() == "v2"                 # new lesson arrives


# ------------------------------------------------------------------ the hub

@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    why = hubctl.SingleServerHub.unavailable()
    if why:
        import warnings

        warnings.warn(f"JupyterHub のテストを飛ばします: {why}")
        pytest.skip(why)
    h = hubctl.SingleServerHub(tmp_path_factory.mktemp("hub"), assignments=(ASSIGNMENT,),
                               cull_timeout=CULL_TIMEOUT, kernel_cull_timeout=KERNEL_CULL_TIMEOUT)
    h.names = dict(zip(h.learners, NAMES))
    try:
        t0 = time.monotonic()
        h.start(timeout=60)
        t1 = time.monotonic()
        for user in h.users:                 # spawn all at once
            h.api("POST", f"/users/{user}/server")
        for user in h.users:
            h.wait_ready(user, timeout=120)
        h.spawned_at = time.monotonic()
        print(f"hub: users + start {t1 - t0:.1f} s {({k: round(v, 1) for k, v in h.timings.items()})}, "
              f"spawn of {len(h.users)} servers {h.spawned_at - t1:.1f} s")
        # the kernel-culling check: a kernel nobody is connected to, started now, checked at the end
        s = h.session(h.learners[1])
        h.idle_kernel = s.post(h.user_url(h.learners[1], "api/kernels"), json={"name": "python3"},
                               timeout=60).json()["id"]
        yield h
    finally:
        h.stop()
        left = h.leftovers()
        assert not left, f"JupyterHub が止めたはずのプロセスが残っています: {left}"


def _ok(r, what):
    assert r.status_code == 200, f"{what}: HTTP {r.status_code} {r.text[:500]}"
    body = r.json()
    if isinstance(body, dict) and "success" in body:
        assert body["success"], f"{what}: {str(body.get('value') or body.get('error') or body.get('log'))[-2500:]}"
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
    for learner, right in zip(hub.learners[:2], (True, False)):
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
    for learner in hub.learners[:2]:
        _ok(inst.post(fg(f"submission/{a}/{learner}/autograde"), timeout=240), f"{learner} の自動採点")
    t["autograde"] = time.monotonic() - t0
    submissions = {s["student"]: s for s in _ok(inst.get(fg(f"submissions/{a}"), timeout=30), "提出の一覧")}

    t0 = time.monotonic()
    _ok(inst.post(fg(f"assignment/{a}/generate_feedback"), timeout=120), "講評の作成")
    _ok(inst.post(fg(f"assignment/{a}/release_feedback"), timeout=60), "講評の返却")
    feedback = {}
    for learner in hub.learners[:2]:
        s = hub.session(learner)
        _ok(s.post(hub.user_url(learner, "assignments/fetch_feedback"),
                   data={"course_id": course, "assignment_id": a}, timeout=60), "講評の受け取り")
        files = sorted((hub.home(learner) / course / a / "feedback").rglob("*.html"))
        feedback[learner] = files[0].read_text(encoding="utf-8") if files else ""
    t["feedback"] = time.monotonic() - t0
    print("exchange timings (s):", {k: round(v, 1) for k, v in t.items()})
    return {"listed": listed, "submissions": submissions, "feedback": feedback, "timings": t}


def test_servers_find_the_venv_tools(hub):
    """nbgrader runs `alembic` from PATH (a new gradebook) and the terminal needs `nbgrader`: the PATH
    the hub gives the servers must have the venv's bin, even though the hub's own PATH does not."""
    assert not shutil.which("alembic", path=hub.env()["PATH"]), "テストのハブの PATH が本番（systemd）と違います。"
    env = hub.server_env(hub.instructor)
    for tool in ("alembic", "nbgrader", "jupyter"):
        assert shutil.which(tool, path=env["PATH"]), f"講師のサーバーの PATH に {tool} がありません: {env['PATH']}"


def test_learners_see_only_their_course(hub, graded):
    for learner in hub.learners[:2]:
        value = graded["listed"][learner]["value"]
        assert [x["assignment_id"] for x in value] == [ASSIGNMENT]
        assert {x["course_id"] for x in value} == {hub.course}


def test_autograde_scores(hub, graded):
    source = json.loads(SOURCE_NB.read_text(encoding="utf-8"))
    auto_points = sum(c["metadata"]["nbgrader"].get("points", 0) for c in source["cells"]
                      if c["metadata"].get("nbgrader", {}).get("grade") and c["cell_type"] == "code")
    subs = graded["submissions"]
    right, wrong = (subs[name] for name in hub.learners[:2])
    assert right["autograded"] and wrong["autograded"]
    assert right["max_code_score"] == auto_points
    assert right["code_score"] == auto_points, right
    assert wrong["code_score"] == 0, wrong
    assert right["needs_manual_grade"]            # the written answer (q6) waits for the instructor
    assert not wrong["needs_manual_grade"]        # left blank: nothing to read
    # the roster's names are in the gradebook (formgrader would show "None, None" otherwise)
    assert (right["last_name"], right["first_name"]) == NAMES[0], right


def test_learners_fetch_feedback(hub, graded):
    for learner, expected in zip(hub.learners[:2], ("12", "0")):
        html = graded["feedback"][learner]
        assert html, f"{learner} の講評（feedback）のファイルがありません。"
        assert re.search(rf"Score:\s*{expected}(\.0)?\s*/", html), f"{learner} の講評の得点が違います。"
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
        assert "BEGIN HIDDEN TESTS" not in text
        assert _hidden_lines(), "演習に隠しテストがありません。"
        leaked = [line for line in _hidden_lines() if line in text]
        assert not leaked, f"{learner} の講評に隠しテストのコードが出ています: {leaked[:3]}"


def test_submission_is_recorded_by_the_service(hub, graded):
    """The inbound entries are the service user's, named after the hub-authenticated learners."""
    inbound = hub.exchange / hub.course / "inbound"
    entries = sorted(p.name for p in inbound.iterdir() if not p.name.startswith("."))
    assert {e.split("+")[0] for e in entries} == set(hub.learners[:2]), entries
    import pwd

    owners = {pwd.getpwuid(p.stat().st_uid).pw_name for p in inbound.iterdir()}
    assert owners == {"dxkit-submit"}, owners
    assert oct(inbound.stat().st_mode & 0o7777) == "0o2750"


# ------------------------------------------------------------------ isolation (learner A = learners[0])

PROBE = textwrap.dedent('''
    import json, os, sys
    checks = json.loads(sys.argv[1])
    out = {}
    for name, (op, path) in checks.items():
        try:
            if op == "list":
                os.listdir(path)
            elif op == "read":
                open(path, "rb").read(1)
            elif op == "write":
                open(path, "w").write("x")
            elif op == "mkdir":
                os.mkdir(path)
            out[name] = "ALLOWED"
        except PermissionError:
            out[name] = "refused"
        except OSError as e:
            out[name] = f"other: {e!r}"
    print(json.dumps(out))
''')


def test_learner_cannot_read_or_forge(hub, graded):
    a, b = hub.learners[:2]
    course_root, inbound = hub.course_root, hub.exchange / hub.course / "inbound"
    outbound = hub.exchange / hub.course / "outbound" / ASSIGNMENT
    checks = {
        "B's home": ("list", str(hub.home(b))),
        "B's fetched notebook": ("read", str(hub.home(b) / hub.course / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")),
        "instructor's source/": ("list", str(course_root / "source")),
        "instructor's gradebook.db": ("read", str(course_root / "gradebook.db")),
        "write into submitted/": ("write", str(course_root / "submitted" / a / ASSIGNMENT / "extra.txt")),
        "list the inbound": ("list", str(inbound)),
        "inbound entry in B's name": ("mkdir", str(inbound / f"{b}+{ASSIGNMENT}+2099-01-01 00:00:00.000000 UTC+x")),
        "rewrite the released notebook": ("write", str(outbound / f"{ASSIGNMENT}.ipynb")),
        "write into the course's exchange": ("mkdir", str(hub.exchange / hub.course / "mine")),
    }
    proc = hub.run(sys.executable, "-c", PROBE, json.dumps(checks), user=a)
    result = json.loads(proc.stdout)
    assert result == {k: "refused" for k in checks}, result
    # the documented homes: 0700
    assert {oct(hub.home(u).stat().st_mode & 0o777) for u in hub.users} == {"0o700"}


def test_service_ignores_claimed_names(hub, graded):
    """A forged JUPYTERHUB_USER (nbgrader submit as A) and a name in the request never submit as B."""
    import requests

    a, b = hub.learners[:2]
    inbound = hub.exchange / hub.course / "inbound"
    before = {p.name for p in inbound.iterdir()}
    token = hub.token(a)
    env = {k: v for k, v in hub.server_env(a).items()}
    env.update({"JUPYTERHUB_USER": b, "JUPYTERHUB_API_TOKEN": token})
    hub.run("nbgrader", "submit", ASSIGNMENT, f"--course={hub.course}", user=a, env=env, check=False,
            cwd=hub.home(a))
    url = f"http://127.0.0.1:{hub.submit_port}/services/dxkit-submit/api/submit/{hub.course}/{ASSIGNMENT}"
    files = {"files": {f"{ASSIGNMENT}.ipynb": "e30="}, "user": b, "student_id": b}
    r = requests.post(url, json=files, headers={"Authorization": f"token {token}"}, timeout=30)
    assert r.status_code == 201, r.text
    assert r.json()["user"] == a
    new = {p.name for p in inbound.iterdir()} - before
    assert new and all(n.startswith(f"{a}+") for n in new), new
    # no token, or another course's learner: refused with a Japanese message
    r = requests.post(url, json=files, timeout=30)
    assert r.status_code == 401 and "トークン" in r.json()["message"]
    other = url.replace(f"/{hub.course}/", "/dxkit-other/")
    r = requests.post(other, json=files, headers={"Authorization": f"token {token}"}, timeout=30)
    assert r.status_code == 403, r.text


# ------------------------------------------------------------------ limits and culling

def _limits(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines()[1:]:
        parts = re.split(r"\s{2,}", line.strip())
        out[parts[0]] = parts[1]
    return out


def test_learner_servers_have_limits(hub):
    a = hub.learners[0]
    import pwd

    uid = pwd.getpwnam(a).pw_uid
    pids = [p for p in hubctl.marked_pids(hub.marker) if os.stat(f"/proc/{p}").st_uid == uid]
    assert pids, "受講者のサーバーのプロセスが見つかりません。"
    for pid in pids:
        lim = _limits(pid)
        assert lim["Max address space"] == str(3 * 2**30), lim
        assert lim["Max processes"] == "256", lim
    # the learner's kernel inherits the limit: a 4 GiB allocation fails there, the server survives
    s = hub.session(a)
    kid = s.post(hub.user_url(a, "api/kernels"), json={"name": "python3"}, timeout=60).json()["id"]
    ws = hub.user_url(a, f"api/kernels/{kid}/channels").replace("http://", "ws://")
    out = hubctl.run_cells(ws, hub.token(a), ["x = bytearray(4 * 2**30)"], timeout=60)
    s.delete(hub.user_url(a, f"api/kernels/{kid}"), timeout=30)
    assert out[0]["error"] and out[0]["error"].startswith("MemoryError"), out


# ------------------------------------------------------------------ in a browser

def _login(context, hub, user):
    page = context.new_page()
    page.goto(f"{hub.url}/hub/login", timeout=30_000)
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", hub.passwords[user])
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_url(re.compile(rf"/user/{user}/"), timeout=60_000)
    return page


def test_formgrader_with_names_and_links(hub, graded, tmp_path):
    """formgrader in its own tab: learners by name (not 'None, None'); links stay inside the hub."""
    import browser_support as bs

    page_url = hub.user_url(hub.instructor, f"formgrader/manage_submissions/{ASSIGNMENT}")
    r = hub.session(hub.instructor).get(page_url, timeout=30)
    assert r.status_code == 200
    csp = r.headers.get("Content-Security-Policy", "")       # never loosened
    assert "frame-ancestors" in csp and "*" not in csp.split("frame-ancestors", 1)[1].split(";")[0], csp
    with bs.browser(tmp_path) as br:
        context = br.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        _login(context, hub, hub.instructor)
        tab = context.new_page()                   # formgrader in its own tab, as the guide says
        tab.goto(page_url, timeout=30_000)
        try:
            for last, first in NAMES[:2]:
                tab.get_by_text(re.compile(f"{last}.*{first}")).first.wait_for(timeout=60_000)
        finally:
            bs.save_screenshot(tab, "hub_formgrader.png")
        body = tab.inner_text("body")
        tab.goto(hub.user_url(hub.instructor, "formgrader/manage_assignments"), timeout=30_000)
        link = tab.locator(f"a[href*='source/{ASSIGNMENT}']").first
        link.wait_for(timeout=30_000)
        href = link.get_attribute("href")
        context.close()
    assert "None, None" not in body
    assert href.startswith(f"/user/{hub.instructor}/"), href
    r = hub.session(hub.instructor).get(hub.url + href, timeout=30)
    assert r.status_code == 200, f"{href}: HTTP {r.status_code}"


def test_lesson_chart_appears_for_a_learner(hub, tmp_path):
    """PAM login as a learner; the lesson copied by the start hook draws its chart as an <img>."""
    import browser_support as bs

    learner = hub.learners[1]
    assert (hub.home(learner) / CHART_LESSON).exists(), "開始フックがレッスンをコピーしていません。"
    with bs.browser(tmp_path) as br:
        context = br.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
        page = _login(context, hub, learner)
        page.goto(hub.user_url(learner, f"lab/tree/{CHART_LESSON}"), timeout=60_000)
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                               ".jp-mod-idle, .jp-Toolbar-kernelStatus", timeout=60_000)
        api = hub.user_url(learner, "api/kernels")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:          # the notebook's kernel has started and is idle
            kernels = hub.session(learner).get(api, timeout=30).json()
            if any(k.get("execution_state") == "idle" for k in kernels):
                break
            time.sleep(1)
        page.locator(".jp-Notebook .jp-Cell").first.click()
        img = page.locator(".jp-OutputArea-output img").first
        busy = "() => ![...document.querySelectorAll('.jp-InputPrompt')].some(p => p.textContent.includes('*'))"
        try:
            for _ in range(12):                     # run cell by cell until the first chart is drawn (cell 7)
                page.keyboard.press("Shift+Enter")
                page.wait_for_function(busy, timeout=90_000)
                if img.count():
                    break
            img.wait_for(timeout=90_000)
        except Exception:
            bs.save_screenshot(page, "hub_lesson_chart_failed.png")
            raise
        size = img.evaluate("e => [e.naturalWidth, e.naturalHeight]")
        bs.save_screenshot(page, "hub_lesson_chart.png")
        context.close()
    assert size[0] >= 300 and size[1] >= 150, f"グラフの画像が小さすぎます: {size}"


# ------------------------------------------------------------------ culling (last: it waits)

def test_idle_kernel_is_culled(hub):
    """A kernel nobody is connected to (a closed tab) is shut down after DXKIT_KERNEL_CULL_TIMEOUT."""
    s = hub.session(hub.learners[1])
    kernels = [k["id"] for k in s.get(hub.user_url(hub.learners[1], "api/kernels"), timeout=30).json()]
    assert hub.idle_kernel not in kernels, "使われていないカーネルが止められていません。"


def test_idle_server_is_culled(hub):
    """jupyterhub-idle-culler (a hub service) stops a server nobody used, and only that one."""
    idle_learner = hub.learners[2]                 # spawned with the others, never used
    deadline = hub.spawned_at + CULL_TIMEOUT + 30
    while time.monotonic() < deadline:
        if not (hub.api("GET", f"/users/{idle_learner}").get("servers") or {}):
            break
        time.sleep(1)
    assert not hub.api("GET", f"/users/{idle_learner}").get("servers"), "使われていないサーバーが止められていません。"
    # the learner who has just used JupyterLab in the browser (the test before) was not culled
    assert hub.api("GET", f"/users/{hub.learners[1]}").get("servers"), "使用中のサーバーが止められました。"
