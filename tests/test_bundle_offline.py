"""Offline installation: a learner bundle with this platform's wheelhouse installs into a fresh virtual
environment with no index access, JupyterLab is configured for a closed network, and a lesson runs there.

One test on purpose (it downloads the wheelhouse once, through pip's cache, and installs JupyterLab & co.).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from dxkit.bundle.build import build_bundle, build_wheel, select_courses
from dxkit.bundle.manifest import verify
from dxkit.bundle.wheelhouse import current_target

ROOT = Path(__file__).resolve().parents[1]


def offline_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_NO_INDEX="1",
               # Any attempt to reach the network fails at once.
               http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9",
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9", no_proxy="", NO_PROXY="",
               DXKIT_HOME=str(home / "dxkit-home"), HOME=str(home), USERPROFILE=str(home))
    return env


def test_offline_install_and_run_a_lesson(tmp_path):
    target = current_target()
    if target is None:
        pytest.skip("this platform has no wheelhouse target")
    course = select_courses(ROOT, None)[0]
    wheel = build_wheel(tmp_path / "wheel")
    result = build_bundle(tmp_path / "out", "learner", courses=[course], targets=[target], wheel=wheel,
                          built="2025-04-01T09:00:00")
    assert verify(result.path, result.sha256).ok
    assert result.manifest["wheelhouse"] == [target]
    print(f"\noffline learner bundle: {result.size / 1e6:.0f} MB, built in {result.seconds:.0f} s")
    with zipfile.ZipFile(result.path) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path / "unpacked")
    assert any(f"/wheelhouse/{target}/" in n and n.endswith(".whl") for n in names)
    bundle = next((tmp_path / "unpacked").iterdir())

    home = tmp_path / "home"
    home.mkdir()
    dest = home / "dxkit"
    env = offline_env(home)
    proc = subprocess.run([sys.executable, str(bundle / "install.py"), "--target", str(dest)],
                          capture_output=True, text=True, env=env, cwd=home, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "入れ終わりました" in proc.stdout

    py = dest / ".venv" / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    # JupyterLab makes no calls to the internet: the shipped config is in the venv and takes effect.
    server = json.loads((dest / ".venv/etc/jupyter/jupyter_server_config.json").read_text(encoding="utf-8"))
    assert server["LabApp"]["news_url"] is None
    page = json.loads((dest / ".venv/etc/jupyter/labconfig/page_config.json").read_text(encoding="utf-8"))
    assert page["disabledExtensions"]["@jupyterlab/apputils-extension:announcements"]
    lab = dest / ".venv" / ("Scripts/jupyter-lab.exe" if os.name == "nt" else "bin/jupyter-lab")
    shown = subprocess.run([str(lab), "--show-config"], capture_output=True, text=True, env=env, cwd=home,
                           timeout=120)
    output = shown.stdout + shown.stderr
    assert "news_url = None" in output, output
    assert "check_for_updates_class = 'jupyterlab.NeverCheckForUpdate'" in output, output
    assert "Extension Manager is 'readonly'" in output, output
    assert (dest / "jupyterlab.sh").is_file() and (dest / "JupyterLab.bat").is_file()

    # The courses are in the work folder and a lesson runs in the installed environment.
    lesson = sorted((dest / "work" / "courses" / course).glob("*.ipynb"))[0]
    run = ("import sys, nbformat; from nbclient import NotebookClient; p = sys.argv[1]; "
           "nb = nbformat.read(p, as_version=4); "
           "NotebookClient(nb, timeout=180, kernel_name='python3', resources={'metadata': {'path': sys.argv[2]}}).execute(); "
           "print('executed', len(nb.cells))")
    executed = subprocess.run([str(py), "-c", run, str(lesson), str(lesson.parent)], capture_output=True, text=True,
                              env=env, cwd=lesson.parent, timeout=600)
    assert executed.returncode == 0, executed.stderr[-3000:]
    assert "executed" in executed.stdout

    # The installed dxkit verifies its own bundle.
    code = "import sys, dxkit.bundle.commands; from dxkit.cli import main; sys.exit(main(sys.argv[1:]))"
    verified = subprocess.run([str(py), "-c", code, "verify", str(result.path), "--sha256", result.sha256],
                              capture_output=True, text=True, env=env, cwd=home)
    assert verified.returncode == 0, verified.stdout + verified.stderr
