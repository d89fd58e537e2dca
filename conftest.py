"""Test-wide settings shared by pytest's unit tests and nbval's notebook runs."""

import os
import sys
import tempfile
from pathlib import Path

# Progress records go to a throwaway folder, never the tester's real one; kernels
# started by nbval inherit this environment.
os.environ.setdefault("DXKIT_HOME", tempfile.mkdtemp(prefix="dxkit-home-"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.pop("DXKIT_DATA_DIR", None)
# nbgrader shells out to `alembic` from its own environment: make that bin folder findable
# even when pytest was started as .venv/bin/pytest without activating the venv.
_bin = str(Path(sys.executable).parent)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
