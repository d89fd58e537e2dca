"""The nbgrader course a cohort works on, and the dxkit files kept beside its gradebook.

Layout under the course root (``grading/`` by default):

    gradebook.db, release/, submitted/, autograded/, feedback/   nbgrader's own
    cohort/roster.csv              所属 data nbgrader's student record has no field for
    cohort/status/<assignment>.json  what collect/autograde found for each learner (要確認)
    cohort/originals/<assignment>/  untouched copies of every file collected
    cohort/release/<assignment>/<learner>/  per-learner copies carrying the learner id
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from dxkit.errors import DxkitError

REPO = Path(__file__).resolve().parents[2]
DEFAULT_ROOT = REPO / "grading"
CONFIG_NAME = "nbgrader_config.py"


def _ensure_bin_on_path() -> None:
    # nbgrader shells out to `alembic` from its own environment.
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")


def load_config(root: Path | str | None = None, config_dir: Path | str | None = None):
    """講座の nbgrader 設定を読み込み、講座フォルダー（root）を差し替えた Config を返します。

    ``config_dir`` の ``nbgrader_config.py`` を使います（省略すると root、root に無ければ dxkit の grading/）。
    """
    root = Path(root or DEFAULT_ROOT).resolve()
    if config_dir is None:
        config_dir = root if (root / CONFIG_NAME).is_file() else DEFAULT_ROOT
    config_dir = Path(config_dir).resolve()
    if not (config_dir / CONFIG_NAME).is_file():
        raise DxkitError(f"nbgrader の設定ファイルが見つかりません: {config_dir / CONFIG_NAME}")
    if config_dir == DEFAULT_ROOT.resolve():
        # the repository's own configuration: the shared loader (dxkit.nbgrader_course) does it
        from dxkit import nbgrader_course

        return nbgrader_course.load_config(root)
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader(CONFIG_NAME, path=str(config_dir)).load_config()
    config.CourseDirectory.root = str(root)
    return config


@dataclass
class Course:
    """講座フォルダー 1 つです。``Course.open()`` で作ります。"""

    root: Path
    config: object

    @classmethod
    def open(cls, root: Path | str | None = None, config_dir: Path | str | None = None) -> "Course":
        root = Path(root or DEFAULT_ROOT).resolve()
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
    def source_dir(self) -> Path:
        src = Path(self.coursedir().source_directory)
        return src if src.is_absolute() else self.root / src

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    @property
    def cohort_dir(self) -> Path:
        return self.root / "cohort"

    def release_dir(self, assignment: str) -> Path:
        return self.root / "release" / assignment

    def submitted_dir(self, learner: str, assignment: str) -> Path:
        return self.root / "submitted" / learner / assignment

    def autograded_dir(self, learner: str, assignment: str) -> Path:
        return self.root / "autograded" / learner / assignment

    def feedback_dir(self, learner: str, assignment: str) -> Path:
        return self.root / "feedback" / learner / assignment

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
