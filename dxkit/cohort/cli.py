"""``dxkit cohort …``: 受講者グループの採点をまとめて行うコマンドです（引数を読んでライブラリを呼ぶだけ）。"""

from __future__ import annotations

import argparse

from dxkit.cli import _Parser, command
from dxkit.errors import DxkitError

STEPS = """手順（よく使う順）:
  dxkit cohort roster 名簿.xlsx                 名簿を読み込む
  dxkit cohort release 00_orientation           配布版を作る（学習者ごとの写しも）
  dxkit cohort collect 00_orientation --from 受信フォルダー   （--dry-run で変わる内容だけ表示）
  dxkit cohort choose 00_orientation 学習者ID ファイル   決められなかった提出を講師が決める
  dxkit cohort autograde 00_orientation         並列で自動採点
  dxkit cohort feedback 00_orientation          学習者ごとの HTML
  dxkit cohort export                           成績を Excel / CSV に（自治体別も）
  dxkit cohort report 00_orientation            受講者全体のレポート（HTML）
  dxkit cohort run 00_orientation --from 受信フォルダー   collect から report までを一度に
"""


def _course(args):
    from dxkit.cohort.course import Course

    return Course.open(args.course, args.config)


def _arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--course", metavar="フォルダー", help="nbgrader の講座フォルダー（省略すると dxkit の grading/、"
                                                        "dxkit のソースの外では今のフォルダー）。")
    p.add_argument("--config", metavar="フォルダー", help="nbgrader_config.py のあるフォルダー（省略すると講座フォルダー）。"
                                                         "/etc/jupyter・~/.jupyter の設定も nbgrader と同じ順で読みます。")
    sub = p.add_subparsers(dest="cohort_command", title="サブコマンド", metavar="<操作>", parser_class=_Parser)

    s = sub.add_parser("roster", help="名簿（CSV / Excel）を読み込み、成績簿に登録します。")
    s.add_argument("file", metavar="名簿ファイル", help="列: 団体コード, 職員番号, 氏名, 所属自治体, 所属課, e-mail")
    s.add_argument("--strict", action="store_true", help="問題のある行が 1 行でもあれば何も登録しません。")

    s = sub.add_parser("release", help="課題の配布版を作ります（学習者 ID を書き込んだ個人別の写しも）。")
    s.add_argument("assignment", metavar="課題")
    s.add_argument("--no-personal", action="store_true", help="個人別の写しを作りません。")

    s = sub.add_parser("stamp", help="（学習者用）ノートブックに自分の学習者 ID を書き込みます（閉じてから実行）。")
    s.add_argument("notebook", metavar="ノートブック.ipynb")
    s.add_argument("learner", metavar="学習者ID", help="団体コード-職員番号（例: 992011-123）。")
    s.add_argument("--assignment", metavar="課題", help="課題の名前（講師に指示されたときだけ）。")

    s = sub.add_parser("collect", help="提出フォルダー（と exchange）から提出を集め、名簿と対応づけます。")
    s.add_argument("assignment", metavar="課題")
    s.add_argument("--from", dest="inbox", metavar="フォルダー", help="メールの添付などを保存したフォルダー。")
    s.add_argument("--no-exchange", action="store_true", help="nbgrader の exchange を見ません。")
    s.add_argument("--dry-run", action="store_true", help="何が変わるかを表示するだけで、何も書きません。")

    s = sub.add_parser("choose", help="決められなかった提出（同じ日時・学習者 ID の食い違い）の、採点するファイルを決めます。")
    s.add_argument("assignment", metavar="課題")
    s.add_argument("learner", metavar="学習者ID")
    s.add_argument("file", metavar="ファイル", help="採点するノートブック（collect が表示した原本の写しなど）。")

    for name, helptext in (("autograde", "提出を並列に自動採点します。"),
                           ("run", "collect・autograde・feedback・export・report を続けて行います。")):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("assignment", metavar="課題")
        if name == "run":
            s.add_argument("--from", dest="inbox", metavar="フォルダー", help="提出フォルダー。")
            s.add_argument("--encoding", default="utf-8-sig", help="CSV の文字コード（utf-8-sig または cp932）。")
        s.add_argument("--workers", type=int, metavar="N", help="同時に実行する数（省略するとコア数）。")
        s.add_argument("--sandbox", choices=("require",), default="require",
                       help="require（既定）: 提出ごとに bubblewrap の箱で実行し、箱を作れなければ中止します。")
        s.add_argument("--unsafe-no-sandbox", action="store_true",
                       help="隔離せずに採点します（信頼できる提出だけ。すべての出力に警告が載ります）。")
        s.add_argument("--timeout", type=int, metavar="秒", help="1 セルの制限時間（省略すると設定ファイルの値）。")

    s = sub.add_parser("feedback", help="学習者ごとのフィードバック（HTML、隠しテストのコードなし）を作ります。")
    s.add_argument("assignment", metavar="課題")

    s = sub.add_parser("export", help="成績を Excel と CSV に書き出します（課題ごと・全体・所属自治体ごと）。")
    s.add_argument("assignments", nargs="*", metavar="課題", help="省略すると採点したすべての課題。")
    s.add_argument("--out", metavar="フォルダー", help="書き出し先（省略すると 講座/cohort/export）。")
    s.add_argument("--encoding", default="utf-8-sig", help="CSV の文字コード: utf-8-sig（既定、Excel 向け）か cp932。")
    s.add_argument("--no-town", action="store_true", help="所属自治体ごとのフォルダーを作りません。")

    s = sub.add_parser("written-export", help="記述式の問の全員の解答を Excel に書き出します。")
    s.add_argument("assignment", metavar="課題")
    s.add_argument("question", metavar="問", help="記述式の解答セルの grade_id（例: q6）。")
    s.add_argument("--out", metavar="ファイル.xlsx")

    s = sub.add_parser("written-import", help="採点した Excel の得点とコメントを成績簿に反映します。")
    s.add_argument("file", metavar="ファイル.xlsx")

    s = sub.add_parser("report", help="得点の分布・問ごとの正答率・未提出者の HTML レポートを作ります。")
    s.add_argument("assignment", metavar="課題")
    s.add_argument("--out", metavar="ファイル.html")

    s = sub.add_parser("purge", help="終わった受講者グループの個人データを消します（--yes が無ければ一覧だけ）。")
    s.add_argument("--yes", action="store_true", help="一覧のものを消します。")


def _print(obj) -> None:
    print(str(obj))


@command("cohort", help="受講者グループの採点（名簿・回収・並列の自動採点・フィードバック・成績の書き出し）を行います。",
         arguments=_arguments, description="nbgrader の講座を使って、受講者グループの採点をまとめて行います。\n\n" + STEPS)
def run(args: argparse.Namespace) -> int:
    from dxkit.cohort import autograde, collect, export, feedback, purge, report, roster, worker, written

    worker.quiet()
    cmd = args.cohort_command
    if not cmd:
        print(STEPS)
        return 0
    if cmd == "stamp":  # learner side: needs no course folder
        from dxkit.cohort.notebooks import stamp

        learner = stamp(args.notebook, args.learner, args.assignment)
        print(f"{args.notebook} に学習者 ID {learner} を書き込みました。"
              "このファイルを Jupyter で開いて作業を続け、保存して提出してください。")
        return 0
    course = _course(args)
    if cmd == "roster":
        rep = roster.import_roster(course, args.file, strict=args.strict)
        _print(rep)
        return 0 if rep.ok else 1
    if cmd == "release":
        notes: list[str] = []
        made = collect.release(course, args.assignment, personal=not args.no_personal, exchange_note=notes)
        print(f"配布版を作りました: {course.release_dir(args.assignment)}（ほか {len(made)} ファイル）")
        print("\n".join(notes))
        return 0
    if cmd in ("collect", "run"):
        rep = collect.collect(course, args.assignment, args.inbox, exchange=not getattr(args, "no_exchange", False),
                              dry_run=getattr(args, "dry_run", False))
        _print(rep)
        if cmd == "collect":
            return 0
    if cmd == "choose":
        print(collect.choose(course, args.assignment, args.learner, args.file))
        return 0
    if cmd in ("autograde", "run"):
        rep = autograde.autograde(course, args.assignment, workers=args.workers, timeout=args.timeout,
                                  sandbox="none" if args.unsafe_no_sandbox else args.sandbox)
        _print(rep)
        if cmd == "autograde":
            return 0
    if cmd in ("feedback", "run"):
        rep = feedback.generate_feedback(course, args.assignment)
        _print(rep)
        if cmd == "feedback":
            return 1 if rep.failed else 0
    if cmd in ("export", "run"):
        names = getattr(args, "assignments", None) or ([args.assignment] if cmd == "run" else None)
        rep = export.export_grades(course, names, getattr(args, "out", None) if cmd == "export" else None,
                                   encoding=args.encoding, by_town=not getattr(args, "no_town", False))
        _print(rep)
        if cmd == "export":
            return 0
    if cmd in ("report", "run"):
        path = report.cohort_report(course, args.assignment, getattr(args, "out", None) if cmd == "report" else None)
        print(f"レポートを作りました: {path}")
        return 0
    if cmd == "written-export":
        print(f"書き出しました: {written.export_written(course, args.assignment, args.question, args.out)}")
        return 0
    if cmd == "written-import":
        rep = written.import_written(course, args.file)
        _print(rep)
        return 0 if not rep.problems else 1
    if cmd == "purge":
        planned, done = purge.purge(course, yes=args.yes)
        head = "消しました:" if done else "次のものを消します（消すときは --yes を付けてもう一度実行してください）:"
        print(head + "\n  " + "\n  ".join(planned))
        return 0
    raise DxkitError(f"分からない操作です: {cmd}")
