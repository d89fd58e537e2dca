"""閲覧用 HTML 版の 1 ページ: 実行済みのノートブックを、外部を何も読み込まない HTML にします。

nbconvert の lab テンプレートを土台に、CDN のスクリプト（require.js・MathJax・ウィジェット・Mermaid）を外し、
グラフの ``<img>`` に代替テキスト（``dxkit.plotting`` が出力の metadata に付けた ``alt``）を入れ、
サイトの見出し・検索窓・前後のレッスンへのリンクを付けます。外部のページへのリンクはクリックできない文字にします。
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from dxkit.errors import DxkitError

STATIC = Path(__file__).parent  # site.css and site.js, shipped as package data
SITE_TITLE = "自治体DX 実践カリキュラム（閲覧用）"

_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block footer_js -%}{%- endblock footer_js -%}
{%- block notebook_css -%}
{%- if resources.dxkit_static -%}
<link rel="stylesheet" href="{{ resources.dxkit_static }}lab.css">
<link rel="stylesheet" href="{{ resources.dxkit_static }}site.css">
{%- else -%}
{{ super() }}
<style>{{ resources.dxkit_site_css }}</style>
{%- endif -%}
{%- endblock notebook_css -%}
{%- block body_header -%}
<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
{{ resources.dxkit_header }}
<main id="main">
{%- endblock body_header -%}
{%- block body_footer -%}
</main>
{{ resources.dxkit_footer }}
{%- if resources.dxkit_static %}<script src="{{ resources.dxkit_static }}site.js"></script>{% endif %}
</body>
{%- endblock body_footer -%}
{%- block data_png scoped -%}
<div class="jp-RenderedImage jp-OutputArea-output {{ extra_class }}">
<img src="data:image/png;base64,{{ output.data['image/png'] | escape_html }}"
 alt="{{ (output | get_metadata('alt', 'image/png')) or resources.dxkit_missing_alt }}"
{%- set width=output | get_metadata('width', 'image/png') -%}
{%- if width is not none %} width="{{ width | escape_html }}"{% endif %}
{%- set height=output | get_metadata('height', 'image/png') -%}
{%- if height is not none %} height="{{ height | escape_html }}"{% endif %}>
</div>
{%- endblock data_png -%}
"""
_CONF = '{"base_template": "lab", "mimetypes": {"text/html": true}}'
MISSING_ALT = "グラフ（説明がありません）"

_EXTERNAL_A = re.compile(r'<a\b[^>]*\bhref="(https?:)?//([^"]*)"[^>]*>(.*?)</a>', re.S | re.I)
_SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="(?!(\.\./)*static/site\.js")', re.I)  # only the site's own script
_LOCAL_NOTEBOOK = re.compile(r'(<a\b[^>]*\bhref=")(?![a-z]+:|//|#)([^"#]*?)\.ipynb(["#])', re.I)
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_RELATIVE_A = re.compile(r'<a\b[^>]*\bhref="(?![a-z][a-z0-9+.-]*:|//|#)([^"]+)"[^>]*>(.*?)</a>', re.S | re.I)
_TASK_ITEM = re.compile(r'<li class="task-list-item">(<input\b[^>]*/>)(.*?)</li>', re.S)


@dataclass(frozen=True)
class PageNav:
    """ページの置き場所と、前後のレッスンです（href はサイトの一番上からの相対パス）。"""

    href: str
    course: str = ""
    course_href: str = ""
    title: str = ""
    prev: tuple[str, str] | None = None   # (href, title)
    next: tuple[str, str] | None = None
    site_pages: frozenset[str] = frozenset()  # every page of the site; links elsewhere are unlinked

    @property
    def root(self) -> str:
        return "../" * self.href.count("/")


def exporter(tmp: Path):
    """閲覧用 HTML 版の nbconvert の HTMLExporter を返します（テンプレートは ``tmp`` に書きます）。"""
    from nbconvert import HTMLExporter

    folder = tmp / "dxkit_offline"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html.j2").write_text(_TEMPLATE, encoding="utf-8")
    (folder / "conf.json").write_text(_CONF, encoding="utf-8")
    exp = HTMLExporter(extra_template_basedirs=[str(tmp)], template_name="dxkit_offline")
    exp.embed_images = True
    exp.exclude_input_prompt = False
    exp.language_code = "ja"
    return exp


def lab_css(exp) -> str:
    """nbconvert の lab テンプレートの CSS（本体と明るいテーマ）です。サイトでは 1 つのファイルにして共有します。"""
    env = exp.environment
    return "\n".join(env.loader.get_source(env, name)[0] for name in ("static/index.css", "static/theme-light.css"))


def _unlink_external(text: str) -> str:
    def repl(m: re.Match) -> str:
        url = html.unescape((m[1] or "https:") + "//" + m[2])
        label = m[3]
        shown = "" if html.unescape(re.sub(r"<[^>]+>", "", label)).strip() == url else f"（{html.escape(url)}）"
        return f'<span class="external-link" title="{html.escape(url)}">{label}{shown}</span>'
    return _EXTERNAL_A.sub(repl, text)


def _drop_widget_views(nb) -> None:
    """ウィジェットの表示（Python がないと空の枠になる）を、ほかの表し方があればそちらにします。"""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if _WIDGET_VIEW in data:
                del data[_WIDGET_VIEW]
                if set(data) <= {"text/plain"}:
                    data["text/html"] = ('<p class="dxkit-widget-note">（ここには JupyterLab で操作する部品があります。'
                                         "閲覧用の版では動きません。）</p>")
    nb.metadata.pop("widgets", None)


def _strip_ansi_colours(nb) -> None:
    """Tracebacks and streams as plain text: the terminal colours fail the contrast check on the error background."""
    from nbconvert.filters import strip_ansi

    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                out["traceback"] = [strip_ansi(line) for line in out.get("traceback", [])]
            elif out.get("output_type") == "stream":
                out["text"] = strip_ansi(out.get("text", ""))


def _label_task_lists(body: str) -> str:
    """Markdown check lists (``- [ ] …``): each checkbox gets its item's text as its label."""
    def repl(m: re.Match) -> str:
        if re.search(r"<(li|ul|ol)\b", m[2]):
            text = html.escape(re.sub(r"<[^>]+>", "", m[2]).strip()[:80], quote=True)
            return f'<li class="task-list-item">{m[1][:-2]} aria-label="{text}"/>{m[2]}</li>'
        return f'<li class="task-list-item"><label>{m[1]}{m[2]}</label></li>'
    return _TASK_ITEM.sub(repl, body)


def _unlink_missing(body: str, nav: PageNav) -> str:
    """Relative links to what is not a page of this site (a lesson left out, exercises/, README.md) become text."""
    here = posixpath.dirname(nav.href)

    def repl(m: re.Match) -> str:
        target = posixpath.normpath(posixpath.join(here, html.unescape(m[1]).split("#")[0]))
        if target in nav.site_pages:
            return m[0]
        return f'<span class="missing-link">{m[2]}（閲覧用の版にはありません）</span>'
    return _RELATIVE_A.sub(repl, body)


def header_html(nav: PageNav, title: str) -> str:
    e = html.escape
    crumbs = [] if nav.href == "index.html" else [f'<a href="{nav.root}index.html">目次</a>']
    if nav.course:
        crumbs.append(f'<a href="{nav.root}{e(nav.course_href)}">{e(nav.course)}</a>')
    crumbs.append(f'<span aria-current="page">{e(title)}</span>')
    return ('<a class="skip-link" href="#main">本文へ移動</a>'
            f'<header class="site-header"><p class="site-title"><a href="{nav.root}index.html">{SITE_TITLE}</a></p>'
            f'<nav aria-label="現在の位置" class="breadcrumbs">{" ＞ ".join(crumbs)}</nav>'
            f'{search_form(nav.root)}</header>')


def search_form(root: str) -> str:
    return (f'<form class="site-search" role="search" action="{root}search.html" method="get">'
            '<label for="site-search-q">教材を検索</label>'
            '<input id="site-search-q" name="q" type="search" autocomplete="off">'
            '<button type="submit">検索</button></form>')


def footer_html(nav: PageNav) -> str:
    e = html.escape
    links = []
    if nav.prev:
        links.append(f'<a class="prev" rel="prev" href="{nav.root}{e(nav.prev[0])}">← 前のレッスン: {e(nav.prev[1])}</a>')
    links.append(f'<a class="up" href="{nav.root}index.html">目次へ戻る</a>')
    if nav.next:
        links.append(f'<a class="next" rel="next" href="{nav.root}{e(nav.next[0])}">次のレッスン: {e(nav.next[1])} →</a>')
    return f'<nav class="pager" aria-label="前後のレッスン">{"".join(links)}</nav>'


def render_html(nb, title: str, exp, nav: PageNav | None = None, site_css: str = "") -> str:
    """実行済みのノートブックを、外部を読み込まない 1 枚の HTML にします。

    ``nav`` を渡すとサイトの 1 ページ（共有の CSS・スクリプト、見出し、前後のリンク）に、
    渡さないと CSS も中に入れた単独の HTML（解説パックなど）にします。
    """
    _drop_widget_views(nb)
    _strip_ansi_colours(nb)
    resources = {"metadata": {"name": title}, "dxkit_missing_alt": MISSING_ALT}
    if nav is not None:
        resources.update(dxkit_static=f"{nav.root}static/", dxkit_header=header_html(nav, title),
                         dxkit_footer=footer_html(nav))
    else:
        resources.update(dxkit_site_css=site_css or (STATIC / "site.css").read_text(encoding="utf-8"))
    body, _ = exp.from_notebook_node(nb, resources=resources)
    body = _label_task_lists(_LOCAL_NOTEBOOK.sub(r"\1\2.html\3", _unlink_external(body)))
    if nav is not None and nav.site_pages:
        head, sep, rest = body.partition('<main id="main">')  # the site's own header links stay as they are
        body = head + sep + _unlink_missing(rest, nav)
    if _SCRIPT_SRC.search(body):
        raise DxkitError(f"{title}: 外部のスクリプトを読み込む部分が残っています（dxkit の不具合です）。")
    return body
