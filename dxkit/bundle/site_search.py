"""閲覧用 HTML 版の全文検索: 各ページの見出しごとの文章を小さな索引（search-index.js）にし、
search.html のスクリプトがブラウザの中だけで探します（サーバーもインターネットも要りません）。"""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_SKIP_TAGS = {"style", "script", "header", "nav", "form", "footer"}
_SKIP_CLASSES = ("jp-OutputArea", "jp-InputPrompt", "anchor-link", "skip-link")
_HEADINGS = {"h1", "h2", "h3", "h4"}


class _Sections(HTMLParser):
    """見出し（id つき）で区切った、本文とコードの文字です（出力・ナビゲーションは除きます）。"""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sections: list[dict] = [{"id": "", "h": "", "x": []}]
        self.stack: list[tuple[str, bool]] = []
        self.skipping = 0
        self.heading: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        a = dict(attrs)
        skip = tag in _SKIP_TAGS or any(c in (a.get("class") or "") for c in _SKIP_CLASSES)
        self.stack.append((tag, skip))
        self.skipping += skip
        if tag in _HEADINGS and a.get("id") and not self.skipping:
            self.sections.append({"id": a["id"], "h": "", "x": []})
            self.heading = tag

    def handle_endtag(self, tag):
        if tag in _VOID or not any(t == tag for t, _ in self.stack):
            return
        while self.stack:
            name, skip = self.stack.pop()
            self.skipping -= skip
            if name == tag:
                break
        if tag == self.heading:
            self.heading = None

    def handle_data(self, data):
        if self.skipping:
            return
        part = self.sections[-1]
        if self.heading:
            part["h"] += data
        else:
            part["x"].append(data)


def page_sections(page_html: str) -> list[dict]:
    """1 ページの HTML から、見出しごとの ``{"id", "h", "x"}``（アンカー・見出し・本文）を返します。"""
    parser = _Sections()
    parser.feed(page_html)
    out = []
    for s in parser.sections:
        text = re.sub(r"\s+", " ", " ".join(s["x"])).strip()
        head = re.sub(r"\s+", " ", s["h"]).replace("¶", "").strip()
        if text or head:
            out.append({"id": s["id"], "h": head, "x": text})
    return out


def index_js(pages: list[tuple[str, str, str]]) -> str:
    """``(href, ページ名, HTML)`` の一覧から、search-index.js の中身を作ります。"""
    entries = []
    for href, title, text in pages:
        for s in page_sections(text):
            entries.append({"u": href + (f"#{s['id']}" if s["id"] else ""), "p": title, "h": s["h"], "x": s["x"]})
    data = json.dumps(entries, ensure_ascii=False, separators=(",", ":"))
    return f"window.DXKIT_SEARCH={data};\n"


def search_page(head: str, header: str) -> str:
    """検索のページ（search.html）です。索引とスクリプトは同じフォルダの static/ から読みます。"""
    return (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
            f"<title>検索 - {html.escape(head)}</title>"
            '<link rel="stylesheet" href="static/site.css"></head><body class="site-page">'
            f'{header}<main id="main"><h1>教材の検索</h1>'
            '<p>ことば（複数なら空白で区切る）を入れると、すべてのことばを含む節を探します。'
            "この検索はブラウザの中だけで動きます。</p>"
            '<p id="search-status" role="status" aria-live="polite">スクリプトが動かないときは、目次からたどってください。</p>'
            '<ol id="search-results" class="search-results"></ol></main>'
            '<script src="static/search-index.js"></script><script src="static/site.js"></script></body></html>\n')
