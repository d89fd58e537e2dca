"""レッスンの読むだけの HTML 版（静的サイト）を作ります。

レッスンを新しいカーネルで上から実行し、出力（表・グラフ）つきの HTML にします。LGWAN の中の Web サーバーに
置いても外部へ何も取りに行かないよう、CDN のスクリプト（require.js・MathJax・ウィジェット）やフォントを
読み込まず、画像はすべて HTML の中に埋め込みます。外部のページへのリンクは、クリックできない文字（URL つき）にします。
"""

from __future__ import annotations

import html
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from dxkit.errors import DxkitError

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block footer_js -%}{%- endblock footer_js -%}
"""
_CONF = '{"base_template": "lab", "mimetypes": {"text/html": true}}'
_EXTERNAL_A = re.compile(r'<a\b[^>]*\bhref="(https?:)?//([^"]*)"[^>]*>(.*?)</a>', re.S | re.I)
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc=", re.I)
_LOCAL_NOTEBOOK = re.compile(r'(<a\b[^>]*\bhref=")(?![a-z]+:|//|#)([^"#]*?)\.ipynb(["#])', re.I)

_STYLE = """body{font-family:"Yu Gothic","Meiryo","Hiragino Sans","Noto Sans CJK JP",sans-serif;max-width:60em;
margin:2em auto;padding:0 1em;line-height:1.7;color:#222}h1{font-size:1.6em}a{color:#0645ad}
.note{color:#555;font-size:.9em}li{margin:.2em 0}"""


@dataclass
class SiteResult:
    index: Path
    pages: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def _exporter(tmp: Path):
    from nbconvert import HTMLExporter

    folder = tmp / "dxkit_offline"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html.j2").write_text(_TEMPLATE, encoding="utf-8")
    (folder / "conf.json").write_text(_CONF, encoding="utf-8")
    exporter = HTMLExporter(extra_template_basedirs=[str(tmp)], template_name="dxkit_offline")
    exporter.embed_images = True
    exporter.exclude_input_prompt = False
    return exporter


def _unlink_external(text: str) -> str:
    def repl(m: re.Match) -> str:
        url = html.unescape((m[1] or "https:") + "//" + m[2])
        label = m[3]
        shown = "" if html.unescape(re.sub(r"<[^>]+>", "", label)).strip() == url else f"（{html.escape(url)}）"
        return f'<span class="external-link" title="{html.escape(url)}">{label}{shown}</span>'
    return _EXTERNAL_A.sub(repl, text)


def execute_notebook(path: Path, *, timeout: int = 180):
    """ノートブックを新しいカーネルで上から実行し、出力つきのノートブックを返します。"""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        last = str(exc).strip().splitlines()[-1][:200]
        raise DxkitError(f"{path.name} を実行できませんでした（{last}）。") from None
    return nb


def render_html(nb, title: str, exporter) -> str:
    """実行済みのノートブックを、外部を読み込まない 1 枚の HTML にします。"""
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    body = _LOCAL_NOTEBOOK.sub(r"\1\2.html\3", _unlink_external(body))
    if _SCRIPT_SRC.search(body):
        raise DxkitError(f"{title}: 外部のスクリプトを読み込む部分が残っています（dxkit の不具合です）。")
    return body


def notebook_title(nb, default: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return default


def course_title(course_dir: Path) -> str:
    readme = course_dir / "README.md"
    if readme.is_file():
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
    return course_dir.name


def build_site(out_dir: Path | str, course_dirs: list[Path], *, municipality: str | None = None,
               data_dir: Path | None = None, version: str = "", built: str = "",
               lessons: list[str] | None = None, progress=None) -> SiteResult:
    """``course_dirs`` のレッスンを実行して HTML にし、``out_dir`` に目次（index.html）とともに書きます。

    ``lessons``（"00_orientation/01_jupyterlab" の形）を渡すと、そのレッスンだけにします。
    ``data_dir`` を渡すと、自治体のデータで実行します。
    """
    from dxkit.bundle.customize import town_data

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    result = SiteResult(out / "index.html")
    toc = []
    home_before = os.environ.get("DXKIT_HOME")
    with tempfile.TemporaryDirectory(prefix="dxkit-site-") as tmp, town_data(data_dir):
        os.environ["DXKIT_HOME"] = str(Path(tmp) / "home")  # the build's own check() records
        try:
            exporter = _exporter(Path(tmp) / "templates")
            for course in course_dirs:
                entries = []
                for path in sorted(course.glob("*.ipynb")):
                    key = f"{course.name}/{path.stem}"
                    if lessons is not None and key not in lessons:
                        continue
                    if progress:
                        progress(key)
                    start = time.perf_counter()
                    nb = execute_notebook(path)
                    title = notebook_title(nb, path.stem)
                    page = out / course.name / f"{path.stem}.html"
                    page.parent.mkdir(parents=True, exist_ok=True)
                    page.write_text(render_html(nb, title, exporter), encoding="utf-8")
                    result.pages.append(page)
                    result.seconds[key] = time.perf_counter() - start
                    entries.append((f"{course.name}/{path.stem}.html", title))
                if entries:
                    toc.append((course_title(course), entries))
        finally:
            if home_before is None:
                os.environ.pop("DXKIT_HOME", None)
            else:
                os.environ["DXKIT_HOME"] = home_before
    heading = "自治体DX 実践カリキュラム（閲覧用）"
    parts = [f"<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{heading}</title>"
             f"<style>{_STYLE}</style></head><body>",
             f"<h1>{heading}</h1>",
             f"<p class=\"note\">{html.escape(municipality) + ' ・ ' if municipality else ''}教材の版 "
             f"{html.escape(version)}（{html.escape(built[:10])} 作成）。"
             "各レッスンを実行した結果つきで、読むだけの版です。練習問題を解くには JupyterLab の教材を使ってください。</p>"]
    for title, entries in toc:
        parts.append(f"<h2>{html.escape(title)}</h2><ul>")
        parts += [f'<li><a href="{html.escape(href)}">{html.escape(t)}</a></li>' for href, t in entries]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    result.index.write_text("\n".join(parts), encoding="utf-8")
    return result
