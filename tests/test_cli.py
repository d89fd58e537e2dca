"""dxkit.cli: Japanese help, the progress subcommand, errors as exit code 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime

import openpyxl
import pytest

from dxkit import check as chk
from dxkit import cli, progress


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("DXKIT_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(chk, "_ITEMS", {})
    monkeypatch.setattr(chk, "_COURSES", {})
    monkeypatch.setattr(chk, "_loaded", True)
    chk.register_course(chk.Course(id="98", slug="98_test", title="テスト講座", exercise_parts=("q1",)))
    chk.register(chk.Item(id="98/01/a", title="問題 a", var="x", solution="x = 1", hints=["h"]))
    progress.record_attempt("98/01/a", "correct", now=datetime(2025, 4, 1, 9))


def test_no_command_prints_japanese_help(capsys):
    assert cli.main([]) == 0
    out = capsys.readouterr().out
    assert "使い方: dxkit" in out and "progress" in out and "サブコマンド" in out


def test_help_is_japanese(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["progress", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "使い方: dxkit progress" in out and "オプション" in out and "受講記録" in out
    assert "show this help" not in out


def test_progress_prints_the_table(capsys):
    assert cli.main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "テスト講座" in out and "練習問題 1 / 1 問正解" in out and "2025-04-01" in out


def test_progress_export(tmp_path, capsys):
    target = tmp_path / "受講記録.xlsx"
    code = cli.main(["progress", "--export", str(target), "--name", "架空 太郎", "--affiliation", "情報政策課",
                     "--date", "2025-04-03"])
    assert code == 0 and target.exists()
    assert "受講記録を保存しました" in capsys.readouterr().out
    summary = openpyxl.load_workbook(target)["概要"]
    assert summary["B3"].value == "架空 太郎" and summary["B5"].value.year == 2025


@pytest.mark.parametrize("argv, words", [
    (["nope"], "選べない値"),
    (["progress", "--bogus"], "分からない引数"),
    (["progress", "--export"], "値を 1 つ"),
    (["progress", "--export", "x.xlsx", "--date", "4/1"], "2025-04-01 の形"),
    (["progress", "--name", "架空"], "--export と一緒"),
    (["progress", "--export", "record.csv"], ".xlsx で終わる"),
    (["progress", "--export", "/no/such/folder/x.xlsx"], "フォルダ"),
])
def test_errors_exit_2_in_japanese(argv, words, capsys):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("エラー: ") and words in err and "Traceback" not in err


def test_os_errors_are_japanese(tmp_path, capsys, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied", "x.xlsx")

    monkeypatch.setattr(progress, "export_progress", denied)
    assert cli.main(["progress", "--export", str(tmp_path / "x.xlsx")]) == 2
    assert "ファイルの読み書きに失敗しました" in capsys.readouterr().err


def test_corrupt_record_is_a_short_japanese_note(tmp_path, capsys):
    (tmp_path / "home" / "progress.json").write_text("{broken", encoding="utf-8")
    assert cli.main(["progress"]) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith("注意: 進捗ファイル") and "UserWarning" not in captured.err
    assert "練習問題 0 / 1 問正解" in captured.out


def test_unexpected_errors_have_no_traceback(monkeypatch, capsys):
    def bug(*args, **kwargs):
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(progress, "show_progress", bug)
    assert cli.main(["progress"]) == 2
    err = capsys.readouterr().err
    assert "予期しない問題" in err and "ZeroDivisionError" in err and "Traceback" not in err


def test_subcommands_plug_in(monkeypatch, capsys):
    monkeypatch.setattr(cli, "COMMANDS", dict(cli.COMMANDS))

    @cli.command("hello", help="あいさつします。", arguments=lambda p: p.add_argument("name"))
    def _hello(args):
        print(f"こんにちは、{args.name}さん")
        return 0

    assert cli.main(["hello", "架空"]) == 0
    assert "こんにちは、架空さん" in capsys.readouterr().out


def test_console_script_module_runs():
    result = subprocess.run([sys.executable, "-m", "dxkit.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("dxkit ")
