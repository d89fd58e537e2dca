"""閉じたネットワークの PC に入れるための、依存パッケージ一式（wheelhouse）を作ります。

対象（target）ごとに、その OS・Python の版で依存関係を解決し直します（``uv pip compile --python-platform``）。
Linux で ``pip download --platform win_amd64`` を使うと、環境マーカー（``sys_platform`` など）が Linux のまま
評価され、Windows に要る pywinpty などが抜けるためです。解決した版（pins）をそのまま ``pip download --no-deps``
で取り、最後に ``--no-index`` でその wheelhouse だけから解決できることを確かめます。
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from dxkit.errors import DxkitError


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    uv_platform: str
    pip_platforms: tuple[str, ...]
    python: str


_LINUX = ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64",
          "manylinux_2_12_x86_64", "manylinux2010_x86_64", "manylinux_2_5_x86_64", "manylinux1_x86_64")
TARGETS = {t.name: t for t in (
    Target("win_amd64-py3.12", "Windows（64 ビット）・Python 3.12", "x86_64-pc-windows-msvc", ("win_amd64",), "3.12"),
    Target("win_amd64-py3.11", "Windows（64 ビット）・Python 3.11", "x86_64-pc-windows-msvc", ("win_amd64",), "3.11"),
    Target("linux_x86_64-py3.12", "Linux（x86-64）・Python 3.12", "x86_64-manylinux_2_28", _LINUX, "3.12"),
    Target("linux_x86_64-py3.11", "Linux（x86-64）・Python 3.11", "x86_64-manylinux_2_28", _LINUX, "3.11"),
)}


def current_target() -> str | None:
    """この PC（今の Python）に当たる対象の名前を返します（当たるものがなければ None）。"""
    import platform

    machine = platform.machine().lower()
    plat = {"win32": "win_amd64", "linux": "linux_x86_64"}.get(sys.platform)
    if plat is None or machine not in {"amd64", "x86_64"}:
        return None
    name = f"{plat}-py{sys.version_info.major}.{sys.version_info.minor}"
    return name if name in TARGETS else None


def resolve_targets(names) -> list[Target]:
    out = []
    for name in names:
        if name == "all":
            out += [t for t in TARGETS.values() if t not in out]
        elif name == "current":
            cur = current_target()
            if cur is None:
                raise DxkitError("この PC に当たる対象がありません。--offline で対象を名前で指定してください。")
            out.append(TARGETS[cur])
        elif name in TARGETS:
            out.append(TARGETS[name])
        else:
            raise DxkitError(f"対象「{name}」はありません。選べるのは {'、'.join(TARGETS)}、all、current です。")
    return list(dict.fromkeys(out))


def requirements(root: Path) -> list[str]:
    """dxkit の実行に要るパッケージ（pyproject.toml の dependencies）です。"""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def _uv() -> list[str]:
    exe = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if exe:
        return [exe]
    try:
        import uv  # noqa: F401

        return [sys.executable, "-m", "uv"]
    except ImportError:
        raise DxkitError("オフライン用の wheelhouse を作るには uv が必要です。"
                         "`pip install uv`（または dxkit[bundle]）で入れてください。") from None


def _run(cmd: list[str], what: str, env: dict | None = None) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-15:])
        raise DxkitError(f"{what}に失敗しました。\n{tail}")
    return proc.stdout


def _clean_env() -> dict:
    # Ignore the builder's own pip/uv settings (extra indexes, find-links): only PyPI or the wheelhouse.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "UV_"))}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["UV_NO_CONFIG"] = "1"
    return env


def compile_pins(target: Target, requirement_lines: list[str], work: Path, *,
                 find_links: list[Path] = (), no_index: bool = False) -> list[str]:
    """``target`` の OS・Python で依存関係を解決し、``name==version`` の一覧を返します。"""
    work.mkdir(parents=True, exist_ok=True)
    req = work / f"{target.name}.in"
    req.write_text("\n".join(requirement_lines) + "\n", encoding="utf-8")
    cmd = [*_uv(), "pip", "compile", str(req), "--python-platform", target.uv_platform,
           "--python-version", target.python, "--no-header", "--no-annotate", "--quiet", "--only-binary", ":all:"]
    if no_index:
        cmd.append("--no-index")
    for link in find_links:
        cmd += ["--find-links", str(link)]
    what = (f"{target.label} 向けに、wheelhouse だけから依存関係を解決すること" if no_index
            else f"{target.label} 向けの依存関係の解決")
    out = _run(cmd, what, env=_clean_env())
    pins = [line.split(";")[0].strip() for line in out.splitlines()
            if line.strip() and not line.lstrip().startswith(("#", "-"))]
    return sorted(pins, key=str.lower)


def build_wheelhouse(target: Target | str, dest: Path, root: Path, dxkit_wheel: Path) -> list[str]:
    """``dest`` に ``target`` 向けの wheel をすべて取り、``--no-index`` で解決できることを確かめます。

    取った版の一覧（``dest/requirements.txt`` にも書きます）を返します。``dest`` にすでにある wheel は取り直しません。
    """
    target = TARGETS[target] if isinstance(target, str) else target
    dest.mkdir(parents=True, exist_ok=True)
    scratch = dest.parent / f".{target.name}-work"
    pins = compile_pins(target, requirements(root), scratch)
    (dest / "requirements.txt").write_text("\n".join(pins) + "\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
           "--implementation", "cp", "--python-version", target.python, "-d", str(dest),
           "-r", str(dest / "requirements.txt")]
    for plat in target.pip_platforms:
        cmd += ["--platform", plat]
    try:
        _run(cmd, f"{target.label} 向けの wheel のダウンロード", env=_clean_env())
    except DxkitError as err:
        # uv may have seen a release that pip's cached index page (kept up to 10 minutes) does not list yet.
        if "No matching distribution" not in str(err):
            raise
        _run([*cmd, "--no-cache-dir"], f"{target.label} 向けの wheel のダウンロード（再試行）", env=_clean_env())
    # Proof: dxkit and everything it needs resolve for this platform from these files alone.
    offline = compile_pins(target, [f"dxkit=={_wheel_version(dxkit_wheel)}"], scratch,
                           find_links=[dest, dxkit_wheel.parent], no_index=True)
    expected = {p.lower() for p in pins} | {f"dxkit=={_wheel_version(dxkit_wheel)}"}
    if {p.lower() for p in offline} != expected:
        raise DxkitError(f"{target.label} 向けの wheelhouse だけでは、解決した版がそろいません: "
                         f"{sorted(expected ^ {p.lower() for p in offline})}")
    shutil.rmtree(scratch, ignore_errors=True)
    return pins


_LEGACY_MANYLINUX = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def glibc_needed(folder: Path) -> str | None:
    """wheelhouse の Linux 用の wheel が求める glibc の版（例 "2.28"）です。Linux 用の wheel がなければ None。"""
    needed = None
    for wheel in folder.glob("*.whl"):
        versions = []  # a wheel tagged for several manylinux versions runs on the oldest of them
        for tag in wheel.stem.split("-")[-1].split("."):
            match = re.match(r"manylinux_(\d+)_(\d+)_", tag)
            version = (int(match[1]), int(match[2])) if match else _LEGACY_MANYLINUX.get(tag.split("_")[0])
            if version:
                versions.append(version)
        if versions:
            needed = max(needed or min(versions), min(versions))
    return f"{needed[0]}.{needed[1]}" if needed else None


def _wheel_version(wheel: Path) -> str:
    return wheel.name.split("-")[1]
