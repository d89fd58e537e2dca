"""A Windows wheelhouse built on this (Linux) machine is resolved for Windows, not for Linux.

`pip download --platform win_amd64` alone would still evaluate Linux markers (no pywinpty, an extra
ptyprocess). build_wheelhouse resolves with uv for the target platform, downloads exactly those pins and
proves, with --no-index, that dxkit resolves for Windows from the downloaded files alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dxkit.bundle.build import build_wheel
from dxkit.bundle.wheelhouse import build_wheelhouse

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.network  # resolves and downloads Windows wheels from the package index
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


def test_download_retries_without_pip_cache_when_a_fresh_release_is_missing(tmp_path, monkeypatch):
    """uv may resolve a release published minutes ago that pip's cached index page does not list yet."""
    from dxkit.bundle import wheelhouse
    from dxkit.errors import DxkitError

    calls = []

    def fake_run(cmd, what, env=None):
        calls.append(cmd)
        if cmd[:3] == [wheelhouse.sys.executable, "-m", "pip"] and "--no-cache-dir" not in cmd:
            raise DxkitError("ERROR: No matching distribution found for packaging==26.4")
        return ""

    pins = iter([["packaging==26.4"], ["dxkit==0.1.0", "packaging==26.4"]])
    monkeypatch.setattr(wheelhouse, "compile_pins", lambda *a, **k: next(pins))
    monkeypatch.setattr(wheelhouse, "_run", fake_run)
    wheel = tmp_path / "dxkit-0.1.0-py3-none-any.whl"
    assert wheelhouse.build_wheelhouse("win_amd64-py3.12", tmp_path / "wh", ROOT, wheel) == ["packaging==26.4"]
    assert [("--no-cache-dir" in c) for c in calls] == [False, True]
