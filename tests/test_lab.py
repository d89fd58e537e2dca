"""`make lab` and `make instructor`, started exactly as a learner / instructor types them.

The server is rooted at the curriculum (courses/, exercises/ and datasets/ all reachable through the
contents API), opens the first lesson, shows JupyterLab in Japanese without the news feed, hides nbgrader's
instructor tools from learners (lab plugins and server extensions), and logs no [W]/[E] line on start-up.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

import browser_support as bs

ROOT = Path(__file__).resolve().parents[1]
NBGRADER_PLUGINS = ("create-assignment", "formgrader", "validate-assignment", "assignment-list", "course-list",
                    "menu")


@contextlib.contextmanager
def make_lab(target: str, tmp: Path):
    """Run ``make <target>`` with the README's command; only port, token and browser come through LAB_ARGS."""
    if not shutil.which("make"):
        pytest.skip("make がないため、make lab のテストを飛ばします（Windows では README の手順を使います）。")
    port, token = bs.free_port(), secrets.token_hex(16)
    prefix = Path(sys.prefix)
    args = (f"--no-browser --ServerApp.ip=127.0.0.1 --ServerApp.port={port} --ServerApp.port_retries=0 "
            f"--IdentityProvider.token={token}")
    # -o: the venv running this test is set up already; `make lab` must not reinstall it mid-test.
    cmd = ["make", "--no-print-directory", "-o", f"{prefix}/.dxkit-installed", target, f"VENV={prefix}",
           f"LAB_ARGS={args}"]
    env = dict(os.environ, DXKIT_HOME=str(tmp / "home"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"), JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"))
    env.pop("JUPYTER_CONFIG_PATH", None)
    log = tmp / f"{target}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        bs.wait_http(f"{base}/api/status?token={token}", 90, proc, log)

        def get(path: str):
            request = urllib.request.Request(f"{base}{path}", headers={"Authorization": f"token {token}"})
            try:
                with urllib.request.urlopen(request, timeout=30) as r:
                    return r.status, r.geturl(), r.read().decode("utf-8")
            except urllib.error.HTTPError as err:
                return err.code, path, ""

        get.log = lambda: log.read_text(encoding="utf-8", errors="replace")
        yield get
    finally:
        bs.stop_process_group(proc)


def warnings_and_errors(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.match(r"\s*\[(W|E) ", line)]


def page_config(html: str) -> dict:
    raw = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(raw.group(1))


def test_make_lab_opens_the_whole_curriculum_in_japanese_for_learners(tmp_path):
    with make_lab("lab", tmp_path) as get:
        status, _, body = get("/api/contents")
        assert status == 200
        top = {item["name"]: item["type"] for item in json.loads(body)["content"]}
        for folder in ("courses", "exercises", "datasets"):
            assert top.get(folder) == "directory", f"{folder}/ に届きません: {sorted(top)}"
            status, _, body = get(f"/api/contents/{folder}")
            assert status == 200 and json.loads(body)["content"], folder
        status, _, _ = get("/api/contents/exercises/00_orientation")
        assert status == 200  # lesson 04 sends the learner here
        # The first lesson opens: the server's start page is the lesson.
        status, url, _ = get("/")
        assert url.split("?")[0].endswith("/lab/tree/courses/00_orientation/01_jupyterlab.ipynb"), url
        # Japanese interface, no news feed
        status, _, body = get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert json.loads(body)["schema"]["properties"]["locale"]["default"] == "ja_JP"
        status, _, body = get("/lab/api/translations/ja_JP")
        assert status == 200 and json.loads(body)["data"], "日本語の言語パックがありません。"
        status, _, body = get("/lab/api/settings/@jupyterlab/apputils-extension:notification")
        assert json.loads(body)["schema"]["properties"]["fetchNews"]["default"] == "false"
        # nbgrader's instructor tools: lab plugins disabled, server extensions not loaded
        status, _, html = get("/lab")
        disabled = page_config(html)["disabledExtensions"]
        for plugin in NBGRADER_PLUGINS:
            assert f"@jupyter/nbgrader:{plugin}" in disabled
        log = get.log()  # start-up and a learner's first requests; the 404 below is logged on purpose
        assert get("/formgrader")[0] == 404
    assert "Serving notebooks from local directory: " + str(ROOT) in log, log[-2000:]
    assert not warnings_and_errors(log), "\n".join(warnings_and_errors(log))
    assert "nbgrader" not in log, "nbgrader のサーバー拡張が受講者にも読み込まれています。"


def test_make_instructor_keeps_nbgrader_in_japanese(tmp_path):
    with make_lab("instructor", tmp_path) as get:
        status, _, html = get("/lab")
        assert not any("nbgrader" in p for p in page_config(html)["disabledExtensions"])
        status, _, body = get("/lab/api/settings/@jupyterlab/translation-extension:plugin")
        assert json.loads(body)["schema"]["properties"]["locale"]["default"] == "ja_JP"
        log = get.log()  # start-up (formgrader's own request log may warn about its debug dump)
        assert get("/formgrader")[0] == 200
        after = get.log()
    assert not warnings_and_errors(log), "\n".join(warnings_and_errors(log))
    critical = [line for line in after.splitlines() if line.startswith("[C ")]
    assert not critical, "\n".join(critical)  # e.g. nbgrader's "Unwritable directory" for a missing exchange


def test_dxkit_lab_outside_the_curriculum_says_so(tmp_path, capsys):
    from dxkit.cli import main

    assert main(["lab", "--root", str(tmp_path)]) == 2
    assert "courses フォルダがありません" in capsys.readouterr().err
