"""Offline installation, as a learner on a closed network does it: a learner bundle with this platform's
wheelhouse installs into a fresh virtual environment with no index access; the Linux launcher opens
JupyterLab in Japanese rooted at the work folder, and `dxkit` works in its Terminal; a lesson runs; an update
with the same version number but a changed library installs the new library.

One installation serves every test of this module (building the wheelhouse needs the package index once;
pip's cache makes later runs faster).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

import browser_support as bs
from dxkit.bundle.build import build_bundle, build_wheel, select_courses
from dxkit.bundle.manifest import verify
from dxkit.bundle.wheelhouse import current_target

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.network  # the wheelhouse is downloaded from the package index


def offline_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_", "JUPYTER", "DXKIT_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
               # Any attempt to reach the network fails at once.
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", no_proxy="127.0.0.1",
               NO_PROXY="127.0.0.1", DXKIT_HOME=str(home / "dxkit-home"), HOME=str(home), USERPROFILE=str(home),
               PATH="/usr/local/bin:/usr/bin:/bin")  # a learner's PATH: no venv of ours on it
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = current_target()
    if target is None:
        pytest.skip("this platform has no wheelhouse target")
    tmp = tmp_path_factory.mktemp("offline")
    course = select_courses(ROOT, None)[0]
    wheel = build_wheel(tmp / "wheel")
    result = build_bundle(tmp / "out", "learner", courses=[course], targets=[target], wheel=wheel,
                          built="2025-04-01T09:00:00")
    print(f"\noffline learner bundle: {result.size / 1e6:.0f} MB, built in {result.seconds:.0f} s")
    with zipfile.ZipFile(result.path) as zf:
        zf.extractall(tmp / "unpacked")
    home = tmp / "home"
    home.mkdir()
    env = offline_env(home)
    bundle = tmp / "unpacked" / result.path.stem
    proc = subprocess.run([sys.executable, str(bundle / "install.py"), "--target", str(home / "dxkit")],
                          capture_output=True, text=True, env=env, cwd=home, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return {"target": target, "course": course, "result": result, "bundle": bundle, "home": home, "env": env,
            "dest": home / "dxkit", "output": proc.stdout, "py": home / "dxkit" / ".venv" / "bin" / "python"}


def test_offline_install_and_run_a_lesson(installed):
    result, target, dest = installed["result"], installed["target"], installed["dest"]
    assert result.path.name == f"dxkit-{result.manifest['version']}-learner-offline-{target}.zip"
    assert verify(result.path, result.sha256).ok
    assert result.manifest["wheelhouse"] == [target]
    assert any(f"wheelhouse/{target}/" in n and n.endswith(".whl") for n in result.manifest["files"])
    assert "入れ終わりました" in installed["output"]
    assert (dest / "jupyterlab.sh").is_file() and (dest / "JupyterLab.bat").is_file()

    # The courses are in the work folder and a lesson runs in the installed environment.
    lesson = sorted((dest / "work" / "courses" / installed["course"]).glob("*.ipynb"))[0]
    run = ("import sys, nbformat; from nbclient import NotebookClient; p = sys.argv[1]; "
           "nb = nbformat.read(p, as_version=4); "
           "NotebookClient(nb, timeout=180, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute(); "
           "print('executed', len(nb.cells))")
    executed = subprocess.run([str(installed["py"]), "-c", run, str(lesson), str(lesson.parent)],
                              capture_output=True, text=True, env=installed["env"], cwd=lesson.parent, timeout=600)
    assert executed.returncode == 0, executed.stderr[-3000:]
    assert "executed" in executed.stdout

    # The installed dxkit verifies its own bundle, given the .sha256 file's content as published.
    published = result.path.with_name(result.path.name + ".sha256").read_text(encoding="utf-8")
    verified = subprocess.run([str(dest / ".venv" / "bin" / "dxkit"), "verify", str(result.path), "--sha256", published],
                              capture_output=True, text=True, env=installed["env"], cwd=installed["home"])
    assert verified.returncode == 0, verified.stdout + verified.stderr


async def _terminal(base: str, token: str, command: str, expect: str, timeout: float = 60) -> str:
    from tornado.websocket import websocket_connect

    request = urllib.request.Request(f"{base}/api/terminals", method="POST", data=b"{}",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        name = json.loads(r.read())["name"]
    ws = await websocket_connect(base.replace("http", "ws", 1) + f"/terminals/websocket/{name}?token={token}")
    ws.write_message(json.dumps(["stdin", command + "\r"]))
    out = ""
    try:
        while not re.search(expect, out):
            message = await asyncio.wait_for(ws.read_message(), timeout)
            if message is None:
                break
            kind, *data = json.loads(message)
            if kind == "stdout":
                out += data[0]
    except asyncio.TimeoutError:
        pass
    finally:
        ws.close()
    return out


def test_linux_launcher_opens_japanese_lab_with_dxkit_in_the_terminal(installed):
    if os.name == "nt":
        pytest.skip("jupyterlab.sh is the Linux launcher")
    dest, home = installed["dest"], installed["home"]
    port, token = bs.free_port(), secrets.token_hex(16)
    log = home / "launcher.log"
    env = dict(installed["env"], SHELL=shutil.which("bash") or "/bin/sh")
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(dest / "jupyterlab.sh"), "--no-browser", "--ServerApp.ip=127.0.0.1",
                                 f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                                 f"--IdentityProvider.token={token}"],
                                cwd=home, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        bs.wait_http(f"{base}/api/status?token={token}", 90, proc, log)
        started = log.read_text(encoding="utf-8", errors="replace")
        with urllib.request.urlopen(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin"
                                    f"?token={token}", timeout=30) as r:
            locale = json.loads(r.read())["schema"]["properties"]["locale"]["default"]
        with urllib.request.urlopen(f"{base}/lab/api/translations/ja_JP?token={token}", timeout=30) as r:
            pack = json.loads(r.read())["data"]
        text = asyncio.run(_terminal(base, token, "dxkit --version; command -v dxkit | sed 's/^/AT:/'",
                                     r"AT:\S+dxkit"))
    finally:
        bs.stop_process_group(proc)
    assert f"Serving notebooks from local directory: {dest / 'work'}" in started, started[-2000:]
    assert not [line for line in started.splitlines() if re.match(r"\[(W|E) ", line)], started
    assert locale == "ja_JP" and pack, "JupyterLab is not in Japanese in the bundle install"
    assert re.search(r"dxkit \d+\.\d+", text), f"dxkit did not run in the Terminal:\n{text[-1500:]}"
    assert f"AT:{dest / '.venv' / 'bin' / 'dxkit'}" in text, text[-1500:]


def test_same_version_update_installs_the_changed_library(installed, tmp_path):
    """pip skips a wheel whose version is already installed; the installer must not."""
    marker = secrets.token_hex(8)
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "dxkit", source / "dxkit", ignore=ignore)
    shutil.copytree(ROOT / "datasets", source / "datasets", ignore=ignore)
    with open(source / "dxkit" / "__init__.py", "a", encoding="utf-8") as fh:
        fh.write(f"\nUPDATE_MARKER = {marker!r}\n")
    new_wheel = build_wheel(tmp_path / "wheel", source)
    bundle = installed["bundle"]
    old_wheel = next((bundle / "wheels").glob("dxkit-*.whl"))
    assert new_wheel.name == old_wheel.name  # same version number
    shutil.copy2(new_wheel, old_wheel)
    proc = subprocess.run([sys.executable, str(bundle / "install.py"), "--target", str(installed["dest"])],
                          capture_output=True, text=True, env=installed["env"], cwd=installed["home"], timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    shown = subprocess.run([str(installed["py"]), "-c", "import dxkit; print(getattr(dxkit, 'UPDATE_MARKER', None))"],
                           capture_output=True, text=True, env=installed["env"], cwd=installed["home"])
    assert shown.stdout.strip() == marker, "the update left the old dxkit library installed"
