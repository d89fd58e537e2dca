"""dxkit の教材パッケージを、この PC に入れます（インターネットにつながっていなくても入ります）。

使い方（パッケージを展開したフォルダで）:

    Windows:  py -3.12 install.py
    Linux:    python3 install.py

入れる場所は --target で変えられます（既定は Windows では %USERPROFILE%\\dxkit、Linux では ~/dxkit）。
もう一度実行すると更新になります。書き込んだノートブックは上書きせず、新しい版を隣に置きます。

This file is copied into every bundle as install.py; it uses the standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
WINDOWS = os.name == "nt"


def fail(message: str) -> None:
    print(f"エラー: {message}", file=sys.stderr)
    sys.exit(2)


def target_name() -> str:
    plat = "win_amd64" if WINDOWS else "linux_x86_64"
    return f"{plat}-py{sys.version_info.major}.{sys.version_info.minor}"


def venv_python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if WINDOWS else "bin/python")


def run(cmd: list, env: dict | None = None) -> None:
    proc = subprocess.run([str(c) for c in cmd], env=env)
    if proc.returncode != 0:
        fail("途中で失敗しました（上の表示を確かめてください）。この画面の写しを添えて、問い合わせ先に知らせてください。")


def write_launchers(target: Path) -> list[Path]:
    """JupyterLab.bat / jupyterlab.sh: ``dxkit lab`` (Japanese, offline settings) with the venv first on PATH,
    so that ``dxkit reset`` / ``dxkit progress`` work in JupyterLab's Terminal."""
    bat = target / "JupyterLab.bat"
    bat.write_text(
        "@echo off\r\n"
        "rem Opens the dxkit courses in JupyterLab (no internet access needed).\r\n"
        'set "PATH=%~dp0.venv\\Scripts;%PATH%"\r\n'
        'set "DXKIT_WORK=%~dp0work"\r\n'
        'if exist "%~dp0work\\data" set "DXKIT_DATA_DIR=%~dp0work\\data"\r\n'
        '"%~dp0.venv\\Scripts\\dxkit.exe" lab --root "%~dp0work"\r\n'
        "pause\r\n", encoding="ascii")
    sh = target / "jupyterlab.sh"
    sh.write_text(
        "#!/bin/sh\n"
        "# Opens the dxkit courses in JupyterLab (no internet access needed).\n"
        'HERE="$(cd "$(dirname "$0")" && pwd)"\n'
        'export PATH="$HERE/.venv/bin:$PATH"\n'
        'export DXKIT_WORK="$HERE/work"\n'
        'if [ -d "$HERE/work/data" ]; then export DXKIT_DATA_DIR="$HERE/work/data"; fi\n'
        'exec "$HERE/.venv/bin/dxkit" lab --root "$HERE/work" -- "$@"\n', encoding="ascii")
    sh.chmod(0o755)
    return [bat, sh]


def file_sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dxkit の教材をこの PC に入れます。")
    default = Path(os.environ.get("USERPROFILE") or Path.home()) / "dxkit"
    parser.add_argument("--target", type=Path, default=default, help=f"入れる場所（既定: {default}）")
    parser.add_argument("--online", action="store_true",
                        help="wheelhouse を使わず、インターネット（PyPI）から入れます。")
    args = parser.parse_args(argv)

    if sys.version_info < (3, 11):
        fail(f"Python 3.11 以上が必要です（今の Python は {sys.version.split()[0]}）。導入手順の Python を入れてください。")
    manifest = json.loads((HERE / "MANIFEST.json").read_text(encoding="utf-8"))
    version = manifest["version"]
    target = args.target.expanduser().resolve()
    env_dir = target / ".venv"
    print(f"dxkit {version} を {target} に入れます。")

    wheels = sorted((HERE / "wheels").glob("dxkit-*.whl"))
    if not wheels:
        fail("パッケージの中に wheels/dxkit-*.whl がありません。パッケージが壊れています。")
    houses = sorted(p.name for p in (HERE / "wheelhouse").iterdir()) if (HERE / "wheelhouse").is_dir() else []
    house = HERE / "wheelhouse" / target_name()
    pip_env = dict(os.environ)
    if args.online:
        source = ["--find-links", HERE / "wheels"]
    elif house.is_dir():
        # Only the files in this bundle: no index, and no pip settings of this PC.
        pip_env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
        pip_env["PIP_CONFIG_FILE"] = os.devnull
        source = ["--no-index", "--find-links", house, "--find-links", HERE / "wheels"]
    elif houses:
        fail(f"このパッケージには、この PC（{target_name()}）向けの部品がありません。入っているのは "
             f"{'、'.join(houses)} です。導入手順に書かれた版の Python で実行してください。")
    else:
        print("このパッケージには wheelhouse がないため、インターネット（PyPI）から入れます。")
        source = ["--find-links", HERE / "wheels"]

    print("1/4 Python の仮想環境を作ります…")
    if not venv_python(env_dir).exists():
        venv.create(env_dir, with_pip=True)
    py = venv_python(env_dir)
    print("2/4 dxkit と必要なパッケージを入れます（数分かかります）…")
    pip = [py, "-m", "pip", "install", "--disable-pip-version-check", "--quiet", *source]
    run([*pip, wheels[-1]], env=pip_env)
    # pip keeps an installed dxkit of the same version number: whenever the wheel's content differs from
    # the one installed last time, install it again (its dependencies are already in place).
    stamp = env_dir / "dxkit-wheel.sha256"
    digest = file_sha256(wheels[-1])
    if not stamp.is_file() or stamp.read_text(encoding="ascii").strip() != digest:
        print("3/4 dxkit の中身を新しい版にします…")
        run([*pip, "--force-reinstall", "--no-deps", wheels[-1]], env=pip_env)
        stamp.write_text(digest + "\n", encoding="ascii")
    else:
        print("3/4 dxkit の中身は前回と同じです。")
    print("4/4 教材を作業フォルダに入れます…")
    code = ("import sys; import dxkit.bundle.commands; from dxkit.cli import main; "
            "sys.exit(main(sys.argv[1:]))")
    run([py, "-c", code, "install", HERE, "--work", target / "work"])
    launchers = write_launchers(target)
    print()
    print("入れ終わりました。")
    print(f"教材を開くには: {launchers[0] if WINDOWS else launchers[1]} を実行します"
          + ("（ダブルクリック）。" if WINDOWS else "。"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
