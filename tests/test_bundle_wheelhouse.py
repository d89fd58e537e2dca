"""A Windows wheelhouse built on this (Linux) machine is resolved for Windows, not for Linux.

`pip download --platform win_amd64` alone would still evaluate Linux markers (no pywinpty, an extra
ptyprocess). build_wheelhouse resolves with uv for the target platform, downloads exactly those pins and
proves, with --no-index, that dxkit resolves for Windows from the downloaded files alone.
"""

from __future__ import annotations

from pathlib import Path

from dxkit.bundle.build import build_wheel
from dxkit.bundle.wheelhouse import build_wheelhouse

ROOT = Path(__file__).resolve().parents[1]


def test_windows_wheelhouse_carries_windows_only_dependencies(tmp_path):
    wheel = build_wheel(tmp_path / "wheel")
    dest = tmp_path / "wheelhouse" / "win_amd64-py3.12"
    pins = build_wheelhouse("win_amd64-py3.12", dest, ROOT, wheel)  # raises unless --no-index resolves
    names = {p.split("==")[0].lower() for p in pins}
    assert "pywinpty" in names and "colorama" in names
    assert "ptyprocess" not in names and "pexpect" not in names
    files = [p.name.lower() for p in dest.glob("*.whl")]
    assert any(f.startswith("pywinpty-") and "win_amd64" in f for f in files)
    assert not any("manylinux" in f for f in files)
