"""レッスンの読むだけの HTML 版（静的サイト）を作ります。

レッスンを新しいカーネルで上から実行し（2 つずつ並列に、変わっていないレッスンは前回の結果を使い回して）、
出力（表・グラフ）つきの HTML にします。目次・前後のレッスンへのリンク・全文検索（search.html）が付き、
クイズはページの中で答えられ、グラフには代替テキストが付きます（JIS X 8341-3:2016 の AA を目標にしています）。
LGWAN の中の Web サーバーに置いても、ファイルをそのまま開いても、外部へ何も取りに行きません。
"""

from __future__ import annotations

import html
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from dxkit.bundle.site_execute import default_cache, environment_key, executed, execute_notebook, kernel_env
from dxkit.bundle.site_page import SITE_TITLE, STATIC, PageNav, exporter, header_html, lab_css, render_html
from dxkit.bundle.site_quiz import KERNEL_PREAMBLE as _QUIZ_PREAMBLE
from dxkit.errors import DxkitError

__all__ = ["SiteResult", "build_site", "course_title", "execute_notebook", "notebook_title", "render_html"]

# In the build's kernel: static quizzes instead of ipywidgets, and alt text on every figure.
PREAMBLE = _QUIZ_PREAMBLE + "\nfrom dxkit.plotting import register_alt_text as _r; _r(); del _r"
_exporter = exporter  # kept for dxkit.bundle.build (解説パック)


@dataclass
class SiteResult:
    index: Path
    pages: list[Path] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    cached: list[str] = field(default_factory=list)


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


def _index_html(toc, municipality: str | None, version: str, built: str) -> str:
    e = html.escape
    nav = PageNav("index.html")
    parts = ["<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1.0\">"
             f"<title>{SITE_TITLE}</title><link rel=\"stylesheet\" href=\"static/site.css\"></head>"
             "<body class=\"site-page\">",
             header_html(nav, "目次"),
             f"<main id=\"main\"><h1>{SITE_TITLE}</h1>",
             f"<p class=\"note\">{e(municipality) + ' ・ ' if municipality else ''}教材の版 "
             f"{e(version)}（{e(built[:10])} 作成）。"
             "各レッスンを実行した結果つきで、読むだけの版です。クイズはこのページの中で答えられます。"
             "練習問題を解くには JupyterLab の教材を使ってください。</p>"]
    for course_id, title, entries in toc:
        parts.append(f"<section aria-labelledby=\"{e(course_id)}\"><h2 id=\"{e(course_id)}\">{e(title)}</h2>"
                     "<ol class=\"course-list\">")
        parts += [f'<li><a href="{e(href)}">{e(t)}</a></li>' for href, t in entries]
        parts.append("</ol></section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)


def _navigation(chosen: list[tuple[Path, Path]]) -> list[PageNav]:
    """Each lesson's place in the site: its page, its course, the lessons before and after it."""
    import nbformat

    titles = [notebook_title(nbformat.read(path, as_version=4), path.stem) for _, path in chosen]
    hrefs = [f"{course.name}/{path.stem}.html" for course, path in chosen]
    pages = frozenset(hrefs + ["index.html", "search.html"])
    return [PageNav(hrefs[i], course_title(course), f"index.html#{course.name}", title=titles[i],
                    prev=(hrefs[i - 1], titles[i - 1]) if i else None,
                    next=(hrefs[i + 1], titles[i + 1]) if i + 1 < len(chosen) else None, site_pages=pages)
            for i, (course, _path) in enumerate(chosen)]


def _render_lessons(chosen, navs, out: Path, tmp: Path, *, salt: str, cache: Path | None, workers: int,
                    progress) -> list[tuple[str, float, bool]]:
    """Execute (or reuse) and convert every lesson, ``workers`` at a time: [(HTML, seconds, from cache)].

    Execution happens in the kernels; converting in these threads overlaps with the other lessons' kernels.
    """
    env = kernel_env(tmp / "home")
    local = threading.local()

    def page(i: int) -> tuple[str, float, bool]:
        start = time.perf_counter()
        if progress:
            progress(navs[i].href.removesuffix(".html"))
        nb, from_cache = executed(chosen[i][1], env, cache=cache, salt=salt, preamble=PREAMBLE)
        if not hasattr(local, "exporter"):
            local.exporter = exporter(tmp / f"templates-{threading.get_ident()}")
        text = render_html(nb, navs[i].title, local.exporter, navs[i])
        target = out / navs[i].href
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return text, time.perf_counter() - start, from_cache

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(page, range(len(chosen))))


def build_site(out_dir: Path | str, course_dirs: list[Path], *, municipality: str | None = None,
               data_dir: Path | None = None, version: str = "", built: str = "",
               lessons: list[str] | None = None, progress=None, cache: Path | None | bool = True,
               workers: int | None = None) -> SiteResult:
    """``course_dirs`` のレッスンを実行して HTML にし、``out_dir`` に目次（index.html）・検索・各ページを書きます。

    ``lessons``（"00_orientation/01_jupyterlab" の形）を渡すと、そのレッスンだけにします。
    ``data_dir`` を渡すと、自治体のデータで実行します。``cache`` は実行結果を使い回す場所
    （True なら既定の場所、False なら使い回さない）、``workers`` は同時に実行するレッスンの数です。
    """
    from dxkit.bundle.customize import town_data
    from dxkit.bundle.site_search import index_js, search_page

    out = Path(out_dir)
    static = out / "static"
    static.mkdir(parents=True, exist_ok=True)
    chosen = [(course, path) for course in course_dirs for path in sorted(course.glob("*.ipynb"))
              if lessons is None or f"{course.name}/{path.stem}" in lessons]
    missing = sorted(set(lessons or ()) - {f"{course.name}/{path.stem}" for course, path in chosen})
    if missing:
        raise DxkitError(f"レッスン「{'、'.join(missing)}」が見つかりません"
                         "（「講座のフォルダ名/ファイル名（.ipynb なし）」の形で指定します）。")
    navs = _navigation(chosen)
    with tempfile.TemporaryDirectory(prefix="dxkit-site-") as tmp, town_data(data_dir):
        done = _render_lessons(chosen, navs, out, Path(tmp), salt=environment_key(data_dir),
                               cache=default_cache() if cache is True else (Path(cache) if cache else None),
                               workers=workers or min(2, os.cpu_count() or 1), progress=progress)
        (static / "lab.css").write_text(lab_css(exporter(Path(tmp) / "templates")), encoding="utf-8")
    for name in ("site.css", "site.js"):
        (static / name).write_bytes((STATIC / name).read_bytes())
    result = SiteResult(out / "index.html")
    toc: dict[str, tuple[str, str, list]] = {}
    for (course, _path), nav, (_text, seconds, from_cache) in zip(chosen, navs, done):
        key = nav.href.removesuffix(".html")
        result.pages.append(out / nav.href)
        result.seconds[key] = seconds
        result.cached += [key] if from_cache else []
        toc.setdefault(course.name, (course.name, nav.course, []))[2].append((nav.href, nav.title))
    (static / "search-index.js").write_text(index_js([(n.href, n.title, d[0]) for n, d in zip(navs, done)]),
                                            encoding="utf-8")
    (out / "search.html").write_text(search_page(SITE_TITLE, header_html(PageNav("search.html"), "検索")),
                                     encoding="utf-8")
    result.index.write_text(_index_html(list(toc.values()), municipality, version, built), encoding="utf-8")
    return result
