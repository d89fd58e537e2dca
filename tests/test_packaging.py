"""The installed package carries every module and every dataset, so notebooks work from any folder."""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def declared_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["packages"]


def test_every_dxkit_subpackage_is_declared():
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "dxkit").rglob("__init__.py")
             if "__pycache__" not in p.parts}
    missing = found - set(declared_packages())
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


def test_wheel_contains_modules_and_datasets(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next(tmp_path.glob("dxkit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    data_files = [p for p in (ROOT / "datasets").rglob("*")
                  if p.is_file() and p.suffix in {".csv", ".xlsx", ".json", ".md", ".txt"}]
    assert data_files, "datasets/ is empty"
    for path in data_files:
        assert "dxkit/datasets/" + path.relative_to(ROOT / "datasets").as_posix() in names, path
    for path in (ROOT / "dxkit").rglob("*.py"):
        assert path.relative_to(ROOT).as_posix() in names, path
