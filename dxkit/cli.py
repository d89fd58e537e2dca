"""コマンド ``dxkit`` の入り口です。引数を読み取り、ライブラリの関数を呼ぶだけにします。

サブコマンドは ``command()`` で登録します（``cohort``・``bundle``・``verify`` なども同じ形で追加します）。

    @command("progress", help="学習の進み具合を表示します", arguments=_progress_arguments)
    def _progress(args) -> int: ...
"""

from __future__ import annotations

import argparse
import sys
import warnings
from dataclasses import dataclass
from datetime import date
from typing import Callable

from dxkit.errors import DxkitError

EXIT_ERROR = 2


class UsageError(Exception):
    """引数の誤りです（argparse の英語のエラーの代わりに日本語で出します）。"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="使い方: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "引数"
        self._optionals.title = "オプション"
        self.add_argument("-h", "--help", action="help", help="この説明を表示して終わります。")

    def error(self, message):
        raise UsageError(f"{_translate(message)}\n`{self.prog} --help` で使い方を確かめてください。")


_MESSAGES = {
    "the following arguments are required": "次の引数が必要です",
    "unrecognized arguments": "分からない引数があります",
    "invalid choice": "選べない値です",
    "expected one argument": "値を 1 つ指定してください",
    "choose from": "選べるのは",
    "argument": "引数",
}


def _translate(message: str) -> str:
    for en, ja in _MESSAGES.items():
        message = message.replace(en, ja)
    return message


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None] | None = None
    description: str = ""


COMMANDS: dict[str, Command] = {}


def command(name: str, help: str, arguments=None, description: str = ""):
    """サブコマンドを登録するデコレーターです。関数は ``args`` を受け取り、終了コード（int）を返します。"""
    def decorate(run):
        COMMANDS[name] = Command(name, help, run, arguments, description or help)
        return run
    return decorate


# Modules that register further subcommands with @command; imported when the parser is built,
# so `import dxkit.cli` itself stays light.
PLUGINS = ("dxkit.bundle.commands", "dxkit.cohort.cli", "dxkit.lab.cli", "dxkit.data_cli")


def _load_plugins() -> None:
    import importlib

    for name in PLUGINS:
        importlib.import_module(name)


def build_parser() -> argparse.ArgumentParser:
    _load_plugins()
    parser = _Parser(prog="dxkit", description="dxkit: 自治体職員のための自治体DX学習ツールキットのコマンドです。")
    from dxkit import __version__

    parser.add_argument("--version", action="version", version=f"dxkit {__version__}",
                        help="バージョンを表示して終わります。")
    sub = parser.add_subparsers(dest="command", title="サブコマンド", metavar="<サブコマンド>", parser_class=_Parser)
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.description)
        if cmd.arguments:
            cmd.arguments(p)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"注意: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """コマンドを実行し、終了コードを返します（0: 成功、2: エラー）。"""
    parser = build_parser()
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = _show_warning
        try:
            args = parser.parse_args(argv)
            if not args.command:
                parser.print_help()
                return 0
            return int(COMMANDS[args.command].run(args) or 0)
        except (UsageError, DxkitError) as exc:
            print(f"エラー: {exc}", file=sys.stderr)
        except OSError as exc:
            print(f"エラー: ファイルの読み書きに失敗しました（{exc.strerror or exc}: {exc.filename or ''}）。",
                  file=sys.stderr)
        except KeyboardInterrupt:
            print("中断しました。", file=sys.stderr)
        except Exception as exc:  # noqa: BLE001 - a bug: say so in Japanese, no traceback
            print(f"エラー: 予期しない問題が起きました（{type(exc).__name__}: {exc}）。"
                  "dxkit の不具合かもしれません。この表示を添えて教材の管理者に知らせてください。", file=sys.stderr)
    return EXIT_ERROR


# ---------------------------------------------------------------- dxkit progress

def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"日付は 2025-04-01 の形で書いてください（{text}）。") from None


def _progress_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--export", metavar="ファイル.xlsx", help="受講記録を Excel ファイルに書き出します。")
    p.add_argument("--name", metavar="氏名", help="受講記録に書く氏名です。")
    p.add_argument("--affiliation", metavar="所属", help="受講記録に書く所属です。")
    p.add_argument("--date", type=_date, metavar="YYYY-MM-DD", help="受講記録の出力日です（省略すると今日）。")


@command("progress", help="学習の進み具合を表示します（--export で受講記録を Excel に書き出します）。",
         arguments=_progress_arguments,
         description="学習の進み具合を表示します。記録はこの PC の中（環境変数 DXKIT_HOME、既定は ~/.dxkit）にあり、"
                     "どこにも送信されません。")
def _progress(args: argparse.Namespace) -> int:
    from dxkit import progress

    if (args.name or args.affiliation or args.date) and not args.export:
        raise DxkitError("--name・--affiliation・--date は --export と一緒に指定してください。")
    if args.export:
        path = progress.export_progress(args.export, name=args.name, affiliation=args.affiliation,
                                        exported_on=args.date)
        print(f"受講記録を保存しました: {path}")
        return 0
    print(repr(progress.show_progress()))
    print(f"\n（記録の場所: {progress.progress_path()}）")
    return 0


# ---------------------------------------------------------------- dxkit sources

def _sources_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stale", action="store_true", help="最終確認日が古い出典を一覧にします（失敗扱いにはしません）。")
    p.add_argument("--as-of", type=_date, metavar="YYYY-MM-DD", help="--stale の基準日です（省略すると今日）。")
    p.add_argument("--months", type=int, default=12, metavar="月数", help="何か月より前を古いとするかです（既定 12）。")
    p.add_argument("--readmes", action="store_true", help="各講座の README の出典の節を、登録簿から作り直します。")
    p.add_argument("--registry", metavar="ファイル.yml", help="登録簿のファイルです（省略すると courses/sources.yml）。")


@command("sources", help="出典の登録簿を点検します（--stale で確認が古い出典、--readmes で README の出典の節）。",
         arguments=_sources_arguments)
def _sources(args: argparse.Namespace) -> int:
    from dxkit import sources

    registry = sources.load_registry(args.registry)
    if args.readmes:
        for course in sorted(sources.ROOT.glob("courses/[0-9][0-9]_*")):
            if sources.update_readme(registry, course):
                print(f"更新しました: {course / 'README.md'}")
    if args.stale or not args.readmes:
        print(sources.stale_report(registry, args.as_of or date.today(), args.months))
    return 0


if __name__ == "__main__":
    sys.exit(main())
