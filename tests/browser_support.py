"""Shared helpers for the real-browser tests (tests/test_browser.py, tests/test_hub.py).

Playwright drives the distribution's Chromium through its executable path: on a closed network
Playwright cannot download its own browser, so ``playwright install`` is never used. ``make setup-test``
installs Chromium and a Japanese font (fonts-ipafont, fonts-noto-cjk) when it runs as root on
Debian/Ubuntu; anywhere else these tests skip and say why.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import time
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / ".artifacts" / "browser"

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome",
                       "/usr/bin/google-chrome-stable")
# Headless on a machine without a GPU or network; without the background-networking flags
# Chromium's own connections pile up and loopback connections are refused many at a time.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def chromium_path() -> str | None:
    env = os.environ.get("DXKIT_CHROMIUM")
    for c in ([env] if env else []) + list(CHROMIUM_CANDIDATES):
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return None


@functools.cache
def chromium_runs(path: str) -> str | None:
    """None when ``path --version`` works; otherwise why not (Ubuntu's apt 'chromium' is only a snap stub)."""
    try:
        proc = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{path} を起動できません（{exc}）。"
    if proc.returncode != 0 or "chrom" not in proc.stdout.lower():
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or [""]
        return (f"{path} が動きません（{tail[0][:160]}）。Ubuntu の apt の chromium は snap 版の入口なので、"
                "Debian の chromium か Google Chrome を入れ、DXKIT_CHROMIUM で指定してください。")
    return None


def japanese_fonts() -> list[str]:
    """Font families fontconfig offers for Japanese (empty: every Japanese glyph would be a box)."""
    if not shutil.which("fc-list"):
        return []
    out = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True, timeout=30).stdout
    return sorted({line.strip() for line in out.splitlines() if line.strip()})


def unavailable() -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("Playwright が入っていません（pip install -e '.[hub]'。ブラウザ本体は Debian/Ubuntu の "
                "chromium を使うので `playwright install` は不要です）。")
    if not chromium_path():
        return ("Chromium が見つかりません（root の Debian/Ubuntu では make setup-test が apt で入れます。"
                "ほかの場所にあれば環境変数 DXKIT_CHROMIUM で指定できます）。")
    runs = chromium_runs(chromium_path())
    if runs:
        return runs
    if not japanese_fonts():
        return "日本語フォントがありません（fonts-ipafont か fonts-noto-cjk を入れてください）。"
    return None


def skip_without_browser() -> None:
    why = unavailable()
    if why:
        warnings.warn(f"ブラウザのテストを飛ばします: {why}")
        pytest.skip(why)


@contextlib.contextmanager
def browser(tmp: Path | None = None):
    """A headless Chromium driven by Playwright; always closed at the end.

    ``launch()`` gives Chromium a fresh, temporary user-data-dir of its own every time.
    """
    skip_without_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        br = p.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS,
                               timeout=60_000)
        try:
            yield br
        finally:
            br.close()


def save_screenshot(page, name: str, **kw) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path), **kw)
    return path


# ------------------------------------------------------------------ processes

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float, proc: subprocess.Popen | None = None, log: Path | None = None) -> float:
    import urllib.error
    import urllib.request

    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"server exited with {proc.returncode}\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status < 500:
                    return time.monotonic() - t0
        except urllib.error.HTTPError as e:
            if e.code < 500:
                return time.monotonic() - t0
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def stop_process_group(proc: subprocess.Popen, timeout: float = 15) -> None:
    """SIGTERM the process group started with start_new_session=True, then SIGKILL."""
    if proc.poll() is None:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(OSError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
