"""The installed package carries every module and every dataset, so notebooks work from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from dxkit.bundle.build import build_wheel

ROOT = Path(__file__).resolve().parents[1]


def declared_packages() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["packages"]


def package_folders() -> set[str]:
    """Every folder of dxkit/ and datasets/ holding files, as the package name it ships under."""
    names = set()
    for base, package in ((ROOT / "dxkit", "dxkit"), (ROOT / "datasets", "dxkit.datasets")):
        for folder in [base, *(p for p in base.rglob("*") if p.is_dir())]:
            rel = folder.relative_to(base).parts
            if "__pycache__" in rel or ".ipynb_checkpoints" in rel or not any(f.is_file() for f in folder.iterdir()):
                continue
            names.add(".".join((package, *rel)))
    return names


def test_every_folder_with_files_is_declared():
    """An undeclared folder is either left out of the wheel or makes setuptools print "Package would be ignored"."""
    missing = package_folders() - set(declared_packages())
    assert not missing, f"add these to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"


@pytest.fixture(scope="module")
def wheel_and_tree(tmp_path_factory):
    had_build = (ROOT / "build").exists()
    wheel = build_wheel(tmp_path_factory.mktemp("wheel"))
    return wheel, had_build


def test_wheel_contains_modules_and_datasets(wheel_and_tree):
    names = set(zipfile.ZipFile(wheel_and_tree[0]).namelist())
    data_files = [p for p in (ROOT / "datasets").rglob("*")
                  if p.is_file() and p.suffix in {".csv", ".xlsx", ".json", ".md", ".txt"}]
    assert data_files, "datasets/ is empty"
    for path in data_files:
        assert "dxkit/datasets/" + path.relative_to(ROOT / "datasets").as_posix() in names, path
    for path in (ROOT / "dxkit").rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            assert path.relative_to(ROOT).as_posix() in names, path


def test_the_wheel_build_leaves_no_build_folder_in_the_tree(wheel_and_tree):
    assert wheel_and_tree[1] or not (ROOT / "build").exists(), "the wheel build left build/ in the working tree"


LEFTOVER_TEST = '''
import subprocess, sys, tempfile

def test_makes_temp_folders(tmp_path):
    (tmp_path / "x").write_text("x")
    tempfile.mkdtemp(prefix="dxkit_rpa_item_")          # what lessons do in their kernels
    subprocess.run([sys.executable, "-c", "import tempfile; tempfile.mkdtemp(prefix='dxkit_ex03_')"], check=True)
'''


def test_a_test_run_leaves_no_temp_folder_behind(tmp_path):
    """conftest.py gives each run one temp folder (inherited by kernels and subprocesses) and removes it."""
    outer = tmp_path / "tmp"
    outer.mkdir()
    (tmp_path / "test_leftover.py").write_text(LEFTOVER_TEST, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("DXKIT_TEST_TMP", "DXKIT_HOME")}
    env.update(TMPDIR=str(outer), PYTHONPATH=str(ROOT), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "conftest", "-p", "no:cacheprovider",
                           "test_leftover.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert not list(outer.iterdir()), f"left behind: {sorted(p.name for p in outer.iterdir())}"
