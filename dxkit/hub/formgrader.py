"""formgrader's links behind JupyterHub.

nbgrader 0.9's formgrader, opened in its own browser tab, links assignments, submissions and
"Preview" to ``/tree/…``, ``/notebooks/…`` and ``/edit/…`` at the site's root: behind a hub those
are 404s (the server lives under ``/user/<name>/``). ``links_under_base_url()``, called from the
instructor's jupyter_server_config.py, serves formgrader's ``utils.js`` with those prefixes under
the server's base URL instead. Nothing else of nbgrader changes.
"""

from __future__ import annotations

import json
from pathlib import Path

from tornado import web

PREFIXES = ("tree", "notebooks", "edit")


def rewrite_links(js: str, base_url: str) -> str:
    """Replace the root-relative link prefixes in formgrader's utils.js with ones under ``base_url``."""
    base = "/" + base_url.strip("/") + "/" if base_url.strip("/") else "/"
    for kind in PREFIXES:
        js = js.replace(f'"/{kind}/"', json.dumps(f"{base}{kind}/"))
    return js


class UtilsJSHandler(web.RequestHandler):
    """formgrader's static utils.js, with its links under this server's base URL."""

    def get(self) -> None:
        from nbgrader.server_extensions.formgrader import handlers

        js = (Path(handlers.static_path) / "js" / "utils.js").read_text(encoding="utf-8")
        self.set_header("Content-Type", "application/javascript; charset=UTF-8")
        self.set_header("Cache-Control", "no-cache")
        self.finish(rewrite_links(js, self.settings.get("base_url", "/")))


def links_under_base_url() -> None:
    """Register the handler ahead of formgrader's own static files (before the extension loads)."""
    from nbgrader.server_extensions.formgrader import handlers

    route = (r"/formgrader/static/js/utils.js", UtilsJSHandler)
    if route not in handlers.default_handlers:
        handlers.default_handlers.insert(0, route)
