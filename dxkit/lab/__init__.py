"""JupyterLab の設定です（受講者用と講師用）。設定はこのフォルダの 1 か所にだけあります。

- 受講者用: 画面は日本語（jupyterlab-language-pack-ja-JP、locale ja_JP）、ニュースと更新の確認なし、
  nbgrader の講師用の画面（Create Assignment・Formgrader・Validate・課題一覧・Nbgrader メニュー）と
  そのサーバー拡張は読み込みません。
- 講師用（``instructor=True``）: 日本語・ニュースなしは同じで、nbgrader の画面が使えます。

設定は Jupyter の標準の仕組み（環境変数 ``JUPYTER_CONFIG_PATH`` で足す設定フォルダ）で効かせます。

- ``config_path(instructor=False)``: ``JUPYTER_CONFIG_PATH`` に入れる値（フォルダを os.pathsep でつないだもの）。
  JupyterHub のイメージや single-server の設定では、この値を環境変数に入れるだけで受講者用になります
  （``python -m dxkit.lab`` でも表示できます）。
- ``environ(instructor=False)``: JupyterLab を起動するときの環境変数（上の設定と、ターミナルで ``dxkit`` が
  使えるよう PATH の先頭にこの Python の bin フォルダ）。
- ``lab_command(root, ...)`` / ``run_lab(root, ...)``: ``dxkit lab`` の中身。教材フォルダ ``root`` を
  サーバーの root にし、最初のレッスンを開きます。

Layout (package data): ``common/jupyter_server_config.py`` (LabApp: app_settings_dir → ``settings/``, no news,
no update checks, read-only extension manager), ``settings/overrides.json`` (locale, notifications),
``learner/jupyter_server_config.json`` (nbgrader server extensions off) and ``learner/labconfig/page_config.json``
(nbgrader lab plugins off).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIRST_LESSON = "courses/00_orientation/01_jupyterlab.ipynb"


def config_dirs(instructor: bool = False) -> list[Path]:
    """JupyterLab に足す設定フォルダ（優先するものが先）です。"""
    return [HERE / "common"] if instructor else [HERE / "learner", HERE / "common"]


def config_path(instructor: bool = False) -> str:
    """環境変数 ``JUPYTER_CONFIG_PATH`` に入れる値です。"""
    return os.pathsep.join(str(p) for p in config_dirs(instructor))


def environ(instructor: bool = False, base: dict | None = None) -> dict:
    """JupyterLab を起動するときの環境変数を返します（``base`` の既定は今の環境変数）。"""
    env = dict(os.environ if base is None else base)
    extra = env.get("JUPYTER_CONFIG_PATH")
    env["JUPYTER_CONFIG_PATH"] = config_path(instructor) + (os.pathsep + extra if extra else "")
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    return env


def lab_command(root: Path | str, *, instructor: bool = False, extra: list[str] = ()) -> list[str]:
    """教材フォルダ ``root`` で JupyterLab を起動するコマンドです（受講者なら最初のレッスンを開きます）。"""
    root = Path(root).resolve()
    cmd = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={root}"]
    if not instructor and (root / FIRST_LESSON).is_file():
        cmd.append(f"--LabApp.default_url=/lab/tree/{FIRST_LESSON}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers and some training PCs run as root
    return cmd + list(extra)


def run_lab(root: Path | str, *, instructor: bool = False, extra: list[str] = ()) -> int:
    """JupyterLab を起動し、終わるまで待って終了コードを返します。

    講師用では nbgrader が採点コース（``root/grading``）の設定を読めるよう、そこで起動します。
    """
    root = Path(root).resolve()
    grading = root / "grading"
    cwd = grading if instructor and (grading / "nbgrader_config.py").is_file() else root
    if cwd == grading:
        (grading / "exchange").mkdir(exist_ok=True)  # nbgrader's exchange (grading/nbgrader_config.py) must exist
    proc = subprocess.Popen(lab_command(root, instructor=instructor, extra=extra), cwd=cwd,
                            env=environ(instructor))
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl+C reaches JupyterLab too; let it shut down its kernels
        return proc.wait()


__all__ = ["FIRST_LESSON", "config_dirs", "config_path", "environ", "lab_command", "run_lab"]
