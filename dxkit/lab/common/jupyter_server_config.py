# JupyterLab settings shared by learners and instructors (loaded through JUPYTER_CONFIG_PATH,
# see dxkit/lab/__init__.py): Japanese interface, and no calls to the internet (closed networks / LGWAN).
import os
import shutil
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when this file is loaded)

# overrides.json (locale ja_JP, news and update checks off) lives in dxkit/lab/settings/.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent.parent / "settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"

# JupyterLab's Terminal starts a login shell when the server's output is not a terminal (a desktop
# launcher, a service); /etc/profile then resets PATH and `dxkit` is no longer found. An ordinary
# interactive shell keeps the PATH that `dxkit lab` set (the venv's bin folder first).
if os.name != "nt":
    c.ServerApp.terminado_settings = {"shell_command": [os.environ.get("SHELL") or shutil.which("bash") or "/bin/sh"]}
