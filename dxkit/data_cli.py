"""``dxkit data check FOLDER`` と ``dxkit data convert FILE --as population`` です（dxkit.cli に登録されます）。"""

from __future__ import annotations

import argparse
from pathlib import Path

from dxkit.cli import command
from dxkit.errors import DxkitError


def _arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="data_command", title="操作", metavar="<check | convert>")
    check = sub.add_parser("check", help="フォルダの自治体のデータが、dxkit の講座で使えるかを調べます。")
    check.add_argument("folder", metavar="フォルダ", help="自治体のデータを置いたフォルダ（DXKIT_DATA_DIR にするもの）")
    convert = sub.add_parser("convert", help="公開されているファイルを、dxkit のデータセットの形に書き直します。")
    convert.add_argument("file", metavar="ファイル", help="書き直すファイル（CSV または Excel）")
    convert.add_argument("--as", dest="kind", required=True, choices=["population"], help="データセットの種類")
    convert.add_argument("-o", "--output", metavar="書き出し先", help="書き出すファイル（省略すると 元の名前_dxkit.csv）")


@command("data", help="自治体のデータを調べる（check）・dxkit の形に書き直す（convert）コマンドです。", arguments=_arguments)
def _data(args: argparse.Namespace) -> int:
    from dxkit.town import check_folder

    if args.data_command == "check":
        text, ok = check_folder(Path(args.folder))
        print(text)
        return 0 if ok else 1
    if args.data_command == "convert":
        from dxkit.convert import convert_file

        out, notes = convert_file(args.file, args.kind, args.output)
        print(f"書き出しました: {out}")
        for note in notes:
            print(f"・{note}")
        print(f"このファイルを DXKIT_DATA_DIR のフォルダに「{args.kind}.csv」という名前で置くと、講座で使えます。")
        return 0
    raise DxkitError("操作を指定してください: dxkit data check フォルダ / dxkit data convert ファイル --as population")
