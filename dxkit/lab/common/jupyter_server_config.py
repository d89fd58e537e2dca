# JupyterLab settings shared by learners and instructors (loaded through JUPYTER_CONFIG_PATH,
# see dxkit/lab/__init__.py): Japanese interface, and no calls to the internet (closed networks / LGWAN).
from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when this file is loaded)

# overrides.json (locale ja_JP, news and update checks off) lives in dxkit/lab/settings/.
c.LabApp.app_settings_dir = str(Path(__file__).resolve().parent.parent / "settings")
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
