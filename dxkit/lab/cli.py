"""サブコマンド ``dxkit lab`` です（``make lab`` / ``make instructor`` と、配布パッケージの起動用ファイルが使います）。"""

from __future__ import annotations

import argparse
from pathlib import Path

from dxkit.cli import command
from dxkit.errors import DxkitError


def _lab_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".", metavar="フォルダ",
                   help="教材のフォルダ（courses/ のあるフォルダ。既定: 今いるフォルダ）。")
    p.add_argument("--instructor", action="store_true",
                   help="講師用: nbgrader の画面（課題の作成・採点）を使えるようにして開きます。")
    p.add_argument("jupyter_args", nargs=argparse.REMAINDER, metavar="…",
                   help="JupyterLab にそのまま渡す引数（例: --no-browser --ServerApp.port=8899）。")


@command("lab", help="教材を JupyterLab で開きます（日本語の画面。--instructor で講師用）。", arguments=_lab_arguments,
         description="教材のフォルダを JupyterLab で開き、最初のレッスンを表示します。画面は日本語で、"
                     "インターネットには接続しません。受講者には nbgrader の講師用の画面を出しません。")
def _lab(args: argparse.Namespace) -> int:
    from dxkit.lab import run_lab

    root = Path(args.root)
    if not (root / "courses").is_dir():
        raise DxkitError(f"{root.resolve()} に courses フォルダがありません。教材のフォルダで実行するか、"
                         "--root で教材のフォルダを指定してください。")
    extra = args.jupyter_args[1:] if args.jupyter_args[:1] == ["--"] else args.jupyter_args
    return run_lab(root, instructor=args.instructor, extra=extra)


__all__: list[str] = []
