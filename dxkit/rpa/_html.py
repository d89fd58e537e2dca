"""Small HTML helpers shared by the result objects of dxkit.rpa."""

from __future__ import annotations

import html


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


def table(rows: list[tuple[str, object]]) -> str:
    """A two-column key/value table."""
    body = "".join(f"<tr><th style='text-align:left'>{esc(k)}</th><td style='text-align:left'>{esc(v)}</td></tr>"
                   for k, v in rows)
    return f"<table>{body}</table>"


def frame(df, max_rows: int = 20) -> str:
    """A DataFrame as HTML without the index (empty frames say so)."""
    if df is None or len(df) == 0:
        return "<p>（なし）</p>"
    return df.head(max_rows).to_html(index=False, escape=True, na_rep="")
