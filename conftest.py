"""Test-wide settings shared by pytest's unit tests and nbval's notebook runs."""

import functools
import os
import shutil
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

# One temporary folder per test run holds everything the run writes to the temp folder: pytest's
# tmp_path, DXKIT_HOME, and whatever notebooks create with tempfile in kernels started by nbval
# (TMPDIR is inherited by pytest-xdist workers, kernels and subprocesses). Removed when the run ends.
_OWN_TMP = "DXKIT_TEST_TMP" not in os.environ
if _OWN_TMP:
    os.environ["DXKIT_TEST_TMP"] = tempfile.mkdtemp(prefix="dxkit-test-")
os.environ["TMPDIR"] = tempfile.tempdir = os.environ["DXKIT_TEST_TMP"]
# Progress records go to a throwaway folder, never the tester's real one.
os.environ.setdefault("DXKIT_HOME", os.path.join(os.environ["DXKIT_TEST_TMP"], "dxkit-home"))
# No MPLBACKEND here: kernels use the inline backend, so lessons' charts appear as they do for learners.
os.environ.pop("DXKIT_DATA_DIR", None)
# nbgrader shells out to `alembic` from its own environment: make that bin folder findable
# even when pytest was started as .venv/bin/pytest without activating the venv.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")


def pytest_unconfigure(config):
    if _OWN_TMP and not hasattr(config, "workerinput"):  # the run that made it (not an xdist worker)
        shutil.rmtree(os.environ["DXKIT_TEST_TMP"], ignore_errors=True)


# Tests marked `network` need the package index (PyPI) while they run; without it they skip and say why.
PACKAGE_INDEX = "https://pypi.org/simple/"


@functools.cache
def package_index_unreachable() -> str | None:
    try:
        with urllib.request.urlopen(urllib.request.Request(PACKAGE_INDEX, method="HEAD"), timeout=5):
            return None
    except OSError as exc:
        return f"パッケージの索引（{PACKAGE_INDEX}）に接続できないため飛ばします（{exc}）。"


def pytest_runtest_setup(item):
    if item.get_closest_marker("network"):
        why = package_index_unreachable()
        if why:
            pytest.skip(why)
