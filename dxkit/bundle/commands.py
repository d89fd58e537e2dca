"""サブコマンド ``dxkit bundle`` / ``verify`` / ``install`` / ``update`` / ``reset`` です。"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from dxkit.cli import command



def _bundle_arguments(p: argparse.ArgumentParser) -> None:
    from dxkit.bundle.build import EDITIONS
    from dxkit.bundle.wheelhouse import TARGETS

    p.add_argument("--edition", action="append", choices=EDITIONS, metavar="版",
                   help="作る版: learner（受講者版）・instructor（講師版）・kaisetsu（解説パック）・site（閲覧用 HTML）。"
                        "複数指定できます（既定: learner と instructor）。")
    p.add_argument("--courses", metavar="講座", help="入れる講座をカンマ区切りで（例: 00,05_data_analysis）。既定はすべて。")
    p.add_argument("--settings", metavar="設定.toml", help="自治体ごとの設定ファイル（bundle.example.toml を参照）。")
    p.add_argument("--offline", action="append", metavar="対象",
                   help="閉じたネットワーク向けに、依存パッケージ一式（wheelhouse）を入れます。対象: "
                        + "、".join(TARGETS) + "、all、current（この PC）。複数指定できます。")
    p.add_argument("--out", default="dist", metavar="フォルダ", help="パッケージを置くフォルダ（既定: dist）。")
    p.add_argument("--built", metavar="日時", help="作成日時（例: 2025-04-01T09:00:00）。省略すると今。")


@command("bundle", help="配布用の教材パッケージ（zip）を作ります。", arguments=_bundle_arguments,
         description="配布用の教材パッケージ（zip）を作り、それぞれの SHA-256 を表示します。"
                     "SHA-256 は、パッケージとは別の経路（ホームページや文書）で公表してください。")
def _bundle(args: argparse.Namespace) -> int:
    from dxkit.bundle.build import build_bundle, build_wheel
    from dxkit.bundle.customize import Settings, load_settings

    from dxkit.bundle.wheelhouse import resolve_targets

    settings = load_settings(args.settings) if args.settings else Settings()
    courses = [c for c in (args.courses or "").split(",") if c.strip()] or None
    editions = args.edition or ["learner", "instructor"]
    resolve_targets(args.offline or [])  # a wrong target name stops here, before anything is built
    out = Path(args.out)
    wheel = None
    if any(e in ("learner", "instructor") for e in editions):
        print("dxkit の wheel を作っています…")
        wheel = build_wheel(out / ".wheel")
    with tempfile.TemporaryDirectory(prefix="dxkit-releases-") as releases:  # shared by learner and instructor
        for edition in dict.fromkeys(editions):
            print(f"{edition} を作っています…")
            result = build_bundle(out, edition, courses=courses, settings=settings, built=args.built,
                                  targets=args.offline or [], wheel=wheel,
                                  wheelhouse_cache=out / ".wheelhouse" if args.offline else None,
                                  releases=Path(releases), progress=lambda what: print(f"  {what}"))
            print(result)
            print(f"  （{result.seconds:.0f} 秒。SHA-256 は {result.path.name}.sha256 にも書きました）")
    print("\n上の SHA-256 を、パッケージとは別に公表してください。受け取った側は "
          "`dxkit verify <zip> --sha256 <値>` で確かめられます。")
    return 0


def _verify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", metavar="パッケージ", help="検査する zip（または展開したフォルダ）。")
    p.add_argument("--sha256", metavar="値", help="配布元が公表した、パッケージの SHA-256。")


@command("verify", help="教材パッケージが壊れたり書き換えられたりしていないか確かめます。", arguments=_verify_arguments)
def _verify(args: argparse.Namespace) -> int:
    from dxkit.bundle.manifest import verify

    report = verify(args.bundle, args.sha256)
    print(report, file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


def _install_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("bundle", metavar="パッケージ", help="教材パッケージの zip（または展開したフォルダ）。")
    p.add_argument("--work", metavar="フォルダ", help="作業フォルダ（既定: ~/dxkit/work）。")


@command("install", help="教材パッケージの講座を作業フォルダに入れます（書き込んだものは上書きしません）。",
         arguments=_install_arguments)
def _install(args: argparse.Namespace) -> int:
    from dxkit.bundle.workspace import install

    print(install(args.bundle, args.work))
    return 0


@command("update", help="作業フォルダの教材を新しい版にします（書き込んだものは残し、新しい版を隣に置きます）。",
         arguments=_install_arguments)
def _update(args: argparse.Namespace) -> int:
    from dxkit.bundle.workspace import update

    print(update(args.bundle, args.work))
    return 0


def _reset_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("lesson", metavar="レッスン", help="元に戻すレッスン（例: 01_bpr/02_measure）。")
    p.add_argument("--work", metavar="フォルダ", help="作業フォルダ（既定: 今いるフォルダの作業フォルダ）。")


@command("reset", help="1 つのレッスンを配布されたときの状態に戻します（それまでの内容はバックアップに残します）。",
         arguments=_reset_arguments)
def _reset(args: argparse.Namespace) -> int:
    from dxkit.bundle.workspace import reset

    dest, backup = reset(args.lesson, args.work)
    print(f"{dest} を配布されたときの状態に戻しました。")
    if backup:
        print(f"それまでの内容は {backup} に残してあります。")
    return 0


__all__: list[str] = []
