"""The nbgrader course dxkit works on — the one way to open a course (``dxkit cohort``, bundles, tests).

The configuration is read the way nbgrader reads it (its ``NbGrader`` app): the Jupyter config path
(``/etc/jupyter``, ``~/.jupyter``, the environment's ``etc/jupyter``, ``JUPYTER_CONFIG_DIR``), then the
course folder's own ``nbgrader_config.py`` (or ``--config`` folder), each overriding the one before. In a
dxkit source checkout, the repository's ``grading/nbgrader_config.py`` is the base below them all (with the
course's own root and exchange when the course is elsewhere). Folder names come from nbgrader's
``CourseDirectory`` (``directory_structure``, ``submitted_directory`` …) through ``format_path``.

dxkit's own files beside the gradebook:

    cohort/roster.csv              所属 data nbgrader's student record has no field for
    cohort/status/<assignment>.json  what collect/autograde found for each learner (要確認)
    cohort/originals/<assignment>/  untouched copies of every file collected
    cohort/release/<assignment>/<learner>/  per-learner copies carrying the learner id
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from dxkit.errors import DxkitError

CONFIG_NAME = "nbgrader_config.py"


def checkout() -> Path | None:
    """dxkit のソース（``grading/`` と ``exercises/`` のあるフォルダー）です。wheel で入れたときは None です。"""
    root = Path(__file__).resolve().parents[2]
    if (root / "grading" / CONFIG_NAME).is_file() and (root / "exercises").is_dir() and (root / "pyproject.toml").is_file():
        return root
    return None


def default_root() -> Path:
    """講座フォルダーの既定: dxkit のソースなら ``grading/``、そうでなければ nbgrader_config.py のある今のフォルダーです。"""
    repo = checkout()
    if repo is not None:
        return repo / "grading"
    if (Path.cwd() / CONFIG_NAME).is_file():
        return Path.cwd()
    raise DxkitError("講座フォルダーが分かりません。--course 講座フォルダー を指定するか、nbgrader_config.py のある"
                     "フォルダーで実行してください。")


def _ensure_bin_on_path() -> None:
    # nbgrader shells out to `alembic` from its own environment.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def _base_config(root: Path):
    """The checkout's grading/nbgrader_config.py (nothing in a wheel install), re-rooted at ``root``."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    repo = checkout()
    if repo is None:
        return Config()
    config = PyFileConfigLoader(CONFIG_NAME, path=str(repo / "grading")).load_config()
    if root != (repo / "grading").resolve():
        config.CourseDirectory.pop("root", None)
        config.Exchange.root = str(root / "exchange")
    return config


def load_config(root: Path | str | None = None, config_dir: Path | str | None = None):
    """講座の nbgrader 設定を、nbgrader と同じ順（/etc/jupyter → ~/.jupyter → 講座フォルダー）で読み込みます。"""
    from nbgrader.apps.baseapp import NbGrader
    from traitlets.config import Application, Config

    root = Path(root or default_root()).resolve()
    config_dir = Path(config_dir).resolve() if config_dir else root
    if not config_dir.is_dir():
        raise DxkitError(f"設定のフォルダーが見つかりません: {config_dir}")
    app = NbGrader()
    app.log.setLevel(logging.ERROR)      # nbgrader's English "No nbgrader_config.py file found"
    app.load_cwd_config = False
    app.load_config_file()               # the Jupyter config path, as nbgrader itself reads it
    Application.load_config_file(app, "nbgrader_config", path=str(config_dir))
    NbGrader.clear_instance()
    config = Config()
    config.merge(_base_config(root))
    config.merge(app.config)
    config.CourseDirectory.root = str(root)
    return config


@dataclass
class Course:
    """講座フォルダー 1 つです。``Course.open()`` で作ります。"""

    root: Path
    config: object

    @classmethod
    def open(cls, root: Path | str | None = None, config_dir: Path | str | None = None) -> "Course":
        root = Path(root or default_root()).resolve()
        root.mkdir(parents=True, exist_ok=True)
        _ensure_bin_on_path()
        return cls(root, load_config(root, config_dir))

    # ------------------------------------------------------------ nbgrader objects
    def coursedir(self):
        from nbgrader.coursedir import CourseDirectory

        return CourseDirectory(config=self.config)

    def api(self, log_level: str = "WARN", extra_config=None):
        from nbgrader.apps import NbGraderAPI
        from traitlets.config import Config

        config = Config(self.config)
        config.NbGraderAPI.log_level = log_level
        if extra_config is not None:
            config.merge(extra_config)
        return NbGraderAPI(self.coursedir(), config=config)

    @property
    def db_url(self) -> str:
        return self.coursedir().db_url

    def gradebook(self):
        from nbgrader.api import Gradebook

        return Gradebook(self.db_url, self.course_id)

    @property
    def course_id(self) -> str:
        return self.coursedir().course_id

    @property
    def exchange_root(self) -> Path | None:
        """設定された exchange のフォルダーです（設定が無ければ None）。"""
        value = self.config.Exchange.get("root") if "Exchange" in self.config else None
        return Path(value) if isinstance(value, str) and value else None

    # ------------------------------------------------------------ nbgrader's folders (CourseDirectory)
    def _step(self, step: str, learner: str, assignment: str) -> Path:
        cd = self.coursedir()   # nbgrader's own path rule (CourseDirectory.directory_structure)
        return Path(cd.format_path(getattr(cd, f"{step}_directory"), learner, assignment))

    @property
    def source_dir(self) -> Path:
        return self._step("source", ".", "").resolve()

    def release_dir(self, assignment: str) -> Path:
        return self._step("release", ".", assignment)

    def submitted_dir(self, learner: str, assignment: str) -> Path:
        return self._step("submitted", learner, assignment)

    def autograded_dir(self, learner: str, assignment: str) -> Path:
        return self._step("autograded", learner, assignment)

    def feedback_dir(self, learner: str, assignment: str) -> Path:
        return self._step("feedback", learner, assignment)

    def _pattern(self, step: str, assignment: str) -> tuple[Path, int]:
        pattern = self._step(step, "*", assignment)
        return pattern, pattern.parts.index("*")

    def step_root(self, step: str) -> Path:
        """``submitted`` などの段階の、学習者ごとのフォルダーが並ぶフォルダーです。"""
        pattern, at = self._pattern(step, "*")
        return Path(*pattern.parts[:at])

    def learners_in(self, step: str, assignment: str) -> list[str]:
        """``step``（submitted など）にこの課題のフォルダーがある学習者です。"""
        pattern, at = self._pattern(step, assignment)
        top = Path(pattern.parts[0])
        return sorted({p.parts[at] for p in top.glob(str(Path(*pattern.parts[1:]))) if p.is_dir()})

    @property
    def cohort_dir(self) -> Path:
        return self.root / "cohort"

    def notebooks(self, assignment: str) -> list[str]:
        """課題のノートブック名（拡張子なし）です。"""
        folder = self.source_dir / assignment
        names = sorted(p.stem for p in folder.glob("*.ipynb"))
        if not names:
            raise DxkitError(f"課題「{assignment}」のノートブックが見つかりません（{folder}）。")
        return names

    def assignments(self) -> list[str]:
        if not self.source_dir.is_dir():
            return []
        return sorted(p.name for p in self.source_dir.iterdir() if p.is_dir() and list(p.glob("*.ipynb")))

    def ensure_released(self, assignment: str) -> None:
        """配布版がなければ nbgrader generate_assignment で作ります。"""
        with self.gradebook() as gb:
            names = {a.name for a in gb.assignments}
        if assignment in names and self.release_dir(assignment).is_dir():
            return
        result = self.api().generate_assignment(assignment)
        if not result["success"]:
            raise DxkitError(f"課題「{assignment}」の配布版を作れませんでした。\n{result.get('error') or result.get('log')}")

    # ------------------------------------------------------------ status (要確認) store
    def status_path(self, assignment: str) -> Path:
        return self.cohort_dir / "status" / f"{assignment}.json"

    def load_status(self, assignment: str) -> dict:
        path = self.status_path(assignment)
        if not path.is_file():
            return {}
        return json.loads(path.read_text(encoding="utf-8"))

    def save_status(self, assignment: str, status: dict) -> None:
        path = self.status_path(assignment)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(status, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(path)
