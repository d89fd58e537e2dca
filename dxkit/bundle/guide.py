"""パッケージに入れる「導入手順」（Markdown と、ブラウザで読める HTML）を作ります。"""

from __future__ import annotations


from dxkit.bundle.customize import Settings
from dxkit.bundle.wheelhouse import TARGETS

_STYLE = """body{font-family:"Yu Gothic","Meiryo","Hiragino Sans","Noto Sans CJK JP",sans-serif;max-width:50em;
margin:2em auto;padding:0 1em;line-height:1.8;color:#222}code,pre{background:#f4f4f4;font-family:Consolas,monospace}
pre{padding:.6em;overflow-x:auto}h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2em .6em}"""


def guide_markdown(edition: str, version: str, built: str, courses: list[str], settings: Settings,
                   targets: list[str], assignments: list[str]) -> str:
    town = settings.municipality or "配布元"
    name = f"dxkit-{version}-{edition}" + ("-offline" if targets else "")
    pythons = sorted({TARGETS[t].python for t in targets})
    py = pythons[-1] if pythons else "3.12"
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
    lines += [
        "## 1. パッケージが本物か確かめる",
        "",
        f"受け取った `{name}.zip` が、{town}が公表したものと同じか（途中で壊れたり書き換えられたりしていないか）を、"
        "まず確かめます。公表された SHA-256（64 文字の英数字）を用意してください。",
        "",
        "- Windows: スタートメニューで「コマンド プロンプト」を開き、zip のあるフォルダで次を実行します"
        "（Windows に最初から入っている certutil を使います）。",
        "",
        "  ```",
        f"  certutil -hashfile {name}.zip SHA256",
        "  ```",
        "",
        f"- Linux: `sha256sum {name}.zip`",
        "",
        "表示された値が公表された値と 1 文字でも違うときは、使わずに問い合わせ先に連絡してください。"
        "dxkit を入れた後は、`dxkit verify <zip> --sha256 <公表された値>` で、ファイル 1 つずつまで確かめられます。",
        "",
        "## 2. Python を入れる",
        "",
    ]
    if targets:
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
    lines += [
        f"1. インターネットにつながる PC で、python.org の「Downloads」→「Windows」から、**Python {py} の "
        f"Windows installer (64-bit)**（ファイル名 `python-{py}.X-amd64.exe`、X は最新の番号）をダウンロードします。",
        "2. そのファイルを、庁内の決まりに沿った方法（USB メモリ、ファイル無害化システムなど）で、"
        "教材を入れる PC に持ち込みます。",
        "3. インストーラーを実行し、最初の画面で **「Add python.exe to PATH」にチェック**を入れて"
        "「Install Now」を押します（管理者権限がなくても、自分のユーザーに入ります）。"
        "「py launcher」も入れてください（既定で入ります）。",
        f"4. コマンド プロンプトで `py -{py} --version` と入力し、`Python {py}.X` と表示されれば準備完了です。",
        "",
        f"Linux では、ディストリビューションの Python {py}（`python{py}` と `python{py}-venv`）を使います。",
        "",
        "## 3. 教材を入れる",
        "",
        f"1. `{name}.zip` を右クリックして「すべて展開」を選び、展開します。",
        f"2. 展開したフォルダ（`{name}`）でコマンド プロンプトを開き、次を実行します。",
        "",
        "   ```",
        f"   py -{py} install.py",
        "   ```",
        "",
        f"   Linux では `python{py} install.py` です。",
        "3. 「入れ終わりました。」と表示されるまで待ちます（数分かかります）。",
        "   教材は `%USERPROFILE%\\dxkit`（Linux では `~/dxkit`）に入ります。場所を変えるときは "
        "`install.py --target D:\\dxkit` のように指定します。",
    ]
    if targets:
        lines += [
            "",
            "このとき、インターネットには一切接続しません。内部では次のように、パッケージの中の部品だけを使って入れています"
            "（手作業で入れ直すときの参考です）。",
            "",
            "```",
            "py -3.12 -m venv %USERPROFILE%\\dxkit\\.venv",
            "%USERPROFILE%\\dxkit\\.venv\\Scripts\\python -m pip install --no-index "
            "--find-links wheelhouse\\win_amd64-py3.12 --find-links wheels wheels\\dxkit-" + version + "-py3-none-any.whl",
            "```",
        ]
    else:
        lines += ["", "このパッケージには wheelhouse がないため、入れるときだけインターネット（PyPI）に接続します。"]
    lines += [
        "",
        "## 4. 教材を開く",
        "",
        "- Windows: `%USERPROFILE%\\dxkit\\JupyterLab.bat` をダブルクリックします。",
        "- Linux: `~/dxkit/jupyterlab.sh` を実行します。",
        "",
        "ブラウザに JupyterLab が開きます。`courses/00_orientation/01_jupyterlab.ipynb` から始めてください。"
        "JupyterLab は、ニュースの取得・更新の確認・拡張機能の検索をしない設定で入っています"
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
        "あなたが書き込んだノートブックは上書きされません。新しい版は「<名前>_新版<版>.ipynb」として隣に置かれます。"
        "まだ開いていない（書き込んでいない）ものだけが新しい版に置き換わります。",
        "- **1 つのレッスンを最初の状態に戻す**: JupyterLab の「Terminal」で次を実行します"
        "（それまでの内容は `バックアップ` フォルダに残ります）。",
        "",
        "  ```",
        "  dxkit reset 01_bpr/02_measure",
        "  ```",
        "",
        "- 学習の記録は `dxkit progress` で見られます。記録はこの PC の中だけにあり、どこにも送信されません。",
        "",
    ]
    if edition == "instructor":
        lines += [
            "## 6. 講師の方へ（採点）",
            "",
            "講師版には、演習の原本（解答と隠しテストつき: `instructor/exercises/`）と nbgrader の採点コース"
            "（`instructor/grading/`）が入っています。**受講者には渡さないでください。**",
            "",
            "```",
            "cd instructor\\grading",
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


__all__ = ["guide_markdown", "guide_html"]
