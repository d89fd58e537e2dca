"""パッケージに入れる「導入手順」（Markdown と、ブラウザで読める HTML）を作ります。"""

from __future__ import annotations


from dxkit.bundle.customize import Settings
from dxkit.bundle.wheelhouse import TARGETS

_STYLE = """body{font-family:"Yu Gothic","Meiryo","Hiragino Sans","Noto Sans CJK JP",sans-serif;max-width:50em;
margin:2em auto;padding:0 1em;line-height:1.8;color:#222}code,pre{background:#f4f4f4;font-family:Consolas,monospace}
pre{padding:.6em;overflow-x:auto}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em}"""


def platforms(targets: list[str]) -> tuple[str, ...]:
    """手順を書く OS: wheelhouse の対象の OS だけ（wheelhouse がなければ Windows と Linux の両方）。"""
    found = tuple(p for p in ("win", "linux") if any(t.startswith(p) for t in targets))
    return found or ("win", "linux")


def _python(targets: list[str], prefix: str) -> str:
    versions = sorted((TARGETS[t].python for t in targets if t.startswith(prefix)), key=lambda v: int(v.split(".")[1]))
    return versions[-1] if versions else "3.12"


def _check_lines(name: str, town: str, win: bool, linux: bool) -> list[str]:
    lines = [
        "## 1. パッケージが本物か確かめる",
        "",
        f"受け取った `{name}.zip` が、{town}が公表したものと同じか（途中で壊れたり書き換えられたりしていないか）を、"
        "まず確かめます。公表された SHA-256（64 文字の英数字）を用意してください。",
        "",
    ]
    if win:
        lines += ["- Windows: スタートメニューで「コマンド プロンプト」を開き、zip のあるフォルダで次を実行します"
                  "（Windows に最初から入っている certutil を使います）。", "",
                  "  ```", f"  certutil -hashfile {name}.zip SHA256", "  ```", ""]
    if linux:
        lines += [f"- Linux: 端末で `sha256sum {name}.zip` を実行します。", ""]
    return lines + [
        "表示された値が公表された値と 1 文字でも違うときは、使わずに問い合わせ先に連絡してください。"
        "dxkit を入れた後は、`dxkit verify <zip> --sha256 <公表された値>` で、ファイル 1 つずつまで確かめられます"
        "（`.sha256` ファイルの中身をそのまま渡してもかまいません）。",
        "",
    ]


def _python_lines(targets: list[str], win: bool, linux: bool, glibc: str | None) -> list[str]:
    lines = ["## 2. Python を入れる", ""]
    if targets:
        pythons = sorted({TARGETS[t].python for t in targets})
        lines += [
            "このパッケージは、インターネットにつながらない PC（LGWAN 接続系など）でも入れられるように、"
            "必要な部品（wheelhouse）をすべて含んでいます。対応する PC と Python は次のとおりです。",
            "",
            "| 対象 | フォルダ |",
            "|---|---|",
            *[f"| {TARGETS[t].label} | `wheelhouse/{t}` |" for t in targets],
            "",
            f"**Python の版は、上の表にあるもの（{'・'.join(pythons)}）に合わせてください。** 版が違うと入りません。",
            "",
        ]
    if win:
        py = _python(targets, "win")
        lines += [
            f"Windows では:",
            "",
            f"1. インターネットにつながる PC で、python.org の「Downloads」→「Windows」から、**Python {py} の "
            f"Windows installer (64-bit)**（ファイル名 `python-{py}.X-amd64.exe`、X は最新の番号）をダウンロードします。",
            "2. そのファイルを、庁内の決まりに沿った方法（USB メモリ、ファイル無害化システムなど）で、"
            "教材を入れる PC に持ち込みます。",
            "3. インストーラーを実行し、最初の画面で **「Add python.exe to PATH」にチェック**を入れて"
            "「Install Now」を押します（管理者権限がなくても、自分のユーザーに入ります）。"
            "「py launcher」も入れてください（既定で入ります）。",
            f"4. コマンド プロンプトで `py -{py} --version` と入力し、`Python {py}.X` と表示されれば準備完了です。",
            "",
        ]
    if linux:
        py = _python(targets, "linux")
        lines += [f"Linux では、ディストリビューションの Python {py}（`python{py}` と `python{py}-venv`）を使います。", ""]
        if glibc:
            lines += [f"Linux 用の部品は **glibc {glibc} 以上**の Linux で動きます。`ldd --version` の 1 行目の"
                      f"末尾の数字で確かめてください（{glibc} より小さいと入りません）。", ""]
    return lines


def _install_lines(name: str, version: str, targets: list[str], win: bool, linux: bool) -> list[str]:
    lines = ["## 3. 教材を入れる", ""]
    if win:
        py = _python(targets, "win")
        lines += [
            f"Windows では、`{name}.zip` を右クリックして「すべて展開」を選び、展開したフォルダ（`{name}`）で"
            "コマンド プロンプトを開いて、次を実行します。",
            "",
            "```", f"py -{py} install.py", "```", "",
            "教材は `%USERPROFILE%\\dxkit` に入ります。場所を変えるときは `install.py --target D:\\dxkit` の"
            "ように指定します。",
            "",
        ]
    if linux:
        py = _python(targets, "linux")
        lines += [
            f"Linux では、`unzip {name}.zip` で展開し、展開したフォルダで次を実行します。",
            "",
            "```", f"python{py} install.py", "```", "",
            "教材は `~/dxkit` に入ります。場所を変えるときは `install.py --target /path/to/dxkit` のように指定します。",
            "",
        ]
    lines += ["「入れ終わりました。」と表示されるまで待ちます（数分かかります）。", ""]
    if not targets:
        return lines + ["このパッケージには wheelhouse がないため、入れるときだけインターネット（PyPI）に接続します。", ""]
    lines += ["このとき、インターネットには一切接続しません。内部では次のように、パッケージの中の部品だけを使って入れています"
              "（手作業で入れ直すときの参考です）。", ""]
    wheel = f"dxkit-{version}-py3-none-any.whl"
    for t in targets:
        if t.startswith("win") and win:
            lines += ["```", f"py -{TARGETS[t].python} -m venv %USERPROFILE%\\dxkit\\.venv",
                      "%USERPROFILE%\\dxkit\\.venv\\Scripts\\python -m pip install --no-index "
                      f"--find-links wheelhouse\\{t} --find-links wheels wheels\\{wheel}", "```", ""]
        elif t.startswith("linux") and linux:
            lines += ["```", f"python{TARGETS[t].python} -m venv ~/dxkit/.venv",
                      f"~/dxkit/.venv/bin/python -m pip install --no-index --find-links wheelhouse/{t} "
                      f"--find-links wheels wheels/{wheel}", "```", ""]
    return lines


def guide_markdown(edition: str, version: str, built: str, courses: list[str], settings: Settings,
                   targets: list[str], assignments: list[str], *, glibc: str | None = None,
                   name: str | None = None) -> str:
    """導入手順（Markdown）です。wheelhouse の対象の OS の手順だけを書きます（wheelhouse がなければ両方）。"""
    town = settings.municipality or "配布元"
    name = name or f"dxkit-{version}-{edition}"
    win, linux = (p in platforms(targets) for p in ("win", "linux"))
    lines = [
        f"# 導入手順（dxkit 自治体DX 実践カリキュラム {version}）",
        "",
        f"{town}が配布する、自治体職員向けの自治体DX 学習教材です。"
        f"この手順で、教材をパソコンに入れて JupyterLab で開けるようにします（作成日 {built[:10]}）。",
        "",
        "入っている講座: " + "、".join(courses),
        "",
    ]
    if settings.contact:
        lines += [f"**困ったときの問い合わせ先**: {settings.contact}", ""]
    lines += _check_lines(name, town, win, linux)
    lines += _python_lines(targets, win, linux, glibc)
    lines += _install_lines(name, version, targets, win, linux)
    lines += ["## 4. 教材を開く", ""]
    if win:
        lines.append("- Windows: `%USERPROFILE%\\dxkit\\JupyterLab.bat` をダブルクリックします。")
    if linux:
        lines.append("- Linux: `~/dxkit/jupyterlab.sh` を実行します。")
    lines += [
        "",
        "ブラウザに日本語の JupyterLab が開き、最初のレッスン `courses/00_orientation/01_jupyterlab.ipynb` が表示されます。"
        "JupyterLab は、ニュースの取得・更新の確認・拡張機能の検索をしない設定で開きます"
        "（インターネットにつながらない PC でも、エラーや問い合わせの表示は出ません）。",
        "",
    ]
    if settings.data_dir is not None:
        lines += ["この教材は、自治体が用意したデータ（`work/data`）を使う設定になっています。"
                  "架空のデータの代わりに、それが読み込まれます。", ""]
    lines += [
        "## 5. 更新と、やり直し",
        "",
        "- **更新**: 新しい版のパッケージを受け取ったら、1〜3 と同じ手順で `install.py` を実行します。"
        "dxkit の部品は、中身が変わっていれば版の番号が同じでも入れ直されます。"
        "あなたが書き込んだノートブックは上書きされません。新しい版は「<名前>_新版<版>.ipynb」として隣に置かれます。"
        "まだ開いていない（書き込んでいない）ものだけが新しい版に置き換わります。",
        "- **1 つのレッスンを最初の状態に戻す**: JupyterLab の「ターミナル」（「ファイル」→「新規」→「ターミナル」）で"
        "次を実行します（それまでの内容は `バックアップ` フォルダに残ります）。",
        "",
        "  ```",
        "  dxkit reset 01_bpr/02_measure",
        "  ```",
        "",
        "- 学習の記録は、同じターミナルで `dxkit progress` を実行すると見られます。"
        "記録はこの PC の中だけにあり、どこにも送信されません。",
        "",
    ]
    if edition == "instructor":
        sep = "\\" if win else "/"
        lines += [
            "## 6. 講師の方へ（採点）",
            "",
            "講師版には、演習の原本（解答と隠しテストつき: `instructor/exercises/`）と nbgrader の採点コース"
            "（`instructor/grading/`）が入っています。**受講者には渡さないでください。**",
            "",
            "```",
            f"cd instructor{sep}grading",
            "nbgrader generate_assignment <演習名>",
            "nbgrader autograde <演習名>",
            "```",
            "",
            "演習: " + ("、".join(assignments) if assignments else "（なし）"),
            "",
        ]
    return "\n".join(lines)


def guide_html(markdown_text: str) -> str:
    """導入手順の Markdown を、外部を何も読み込まない HTML にします。"""
    import mistune

    body = mistune.create_markdown(plugins=["table"], escape=True)(markdown_text)
    return (f"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>導入手順</title>"
            f"<style>{_STYLE}</style></head><body>\n{body}\n</body></html>\n")


__all__ = ["guide_markdown", "guide_html", "platforms"]
