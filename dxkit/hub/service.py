"""The submission service: learners submit through the hub; only this service writes nbgrader's inbound.

Run by JupyterHub as a managed service under a system user of its own (``dxkit-submit``), which
alone can write ``<exchange>/<course>/inbound/``. The submitter's name is the one the hub
authenticated from their token, never a name sent by the client, and the timestamp is the
service's clock, so nobody can submit as someone else or "in the future".

API (under the service's prefix, e.g. ``/services/dxkit-submit/``)::

    POST api/submit/<course_id>/<assignment_id>
        Authorization: token <the learner's hub token>  (JUPYTERHUB_API_TOKEN in their server)
        Content-Type: application/json
        {"files": {"<relative path>": "<base64 content>", ...}}
    201 {"user", "course_id", "assignment_id", "timestamp", "submission_secret", "entry"}
    4xx {"message": "<why, in Japanese>"}

    GET api/health  ->  200 {"status": "ok"}  (no token needed)

The entry is nbgrader's own inbound layout ``<user>+<assignment>+<timestamp>+<random>/`` with
``timestamp.txt`` and ``submission_secret.txt``, so ``nbgrader collect`` reads it unchanged.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import datetime
import json
import os
import re
import secrets
import shutil
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from tornado import ioloop, web

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")      # course and assignment ids
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"                     # nbgrader's Exchange.timestamp_format
RESERVED = {"timestamp.txt", "submission_secret.txt"}


class Refused(web.HTTPError):
    """An HTTP error whose Japanese message goes to the client as JSON."""

    def __init__(self, status: int, message: str):
        super().__init__(status)
        self.message = message


def check_files(files: object, max_bytes: int) -> dict[PurePosixPath, bytes]:
    """Decode ``{"relative/path": base64}``; refuse absolute paths, '..', reserved names and oversize."""
    if not isinstance(files, dict) or not files:
        raise Refused(400, "提出するファイルがありません（files に 1 つ以上必要です）。")
    out, total = {}, 0
    for name, data in files.items():
        rel = PurePosixPath(str(name))
        if (rel.is_absolute() or not rel.parts or any(p in ("", ".", "..") for p in rel.parts)
                or "\\" in str(name) or str(rel) in RESERVED):
            raise Refused(400, f"ファイル名が正しくありません: {name!r}")
        try:
            content = base64.b64decode(str(data), validate=True)
        except (binascii.Error, ValueError):
            raise Refused(400, f"{name} の中身が base64 になっていません。") from None
        total += len(content)
        if total > max_bytes:
            raise Refused(413, f"提出が大きすぎます（上限 {max_bytes // 2**20} MiB）。")
        out[rel] = content
    return out


def write_entry(inbound: Path, user: str, assignment: str, files: dict[PurePosixPath, bytes],
                now: datetime.datetime) -> dict:
    """Write one submission into ``inbound`` atomically (a hidden folder renamed into place)."""
    tmp = inbound / f".incoming-{secrets.token_hex(8)}"
    tmp.mkdir(mode=0o750)
    try:
        for rel, content in files.items():
            target = tmp.joinpath(*rel.parts)
            target.parent.mkdir(mode=0o750, parents=True, exist_ok=True)
            with open(target, "xb") as f:
                f.write(content)
        timestamp = now.strftime(TIMESTAMP_FORMAT)
        secret = secrets.token_hex(64)
        (tmp / "timestamp.txt").write_text(timestamp, encoding="utf-8")
        (tmp / "submission_secret.txt").write_text(secret, encoding="utf-8")
        random = base64.urlsafe_b64encode(os.urandom(9)).decode("ascii")
        entry = f"{user}+{assignment}+{timestamp}+{random}"
        os.rename(tmp, inbound / entry)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return {"user": user, "assignment_id": assignment, "timestamp": timestamp,
            "submission_secret": secret, "entry": entry}


class JSONHandler(web.RequestHandler):
    def write_error(self, status_code: int, **kwargs) -> None:
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = getattr(exc, "message", None) or f"提出を受け付けられませんでした（HTTP {status_code}）。"
        self.finish({"message": message})


class HealthHandler(JSONHandler):
    def get(self) -> None:
        self.finish({"status": "ok"})


class SubmitHandler(JSONHandler):
    def initialize(self, hub_auth, exchange_root: Path, max_bytes: int) -> None:
        self.hub_auth, self.exchange_root, self.max_bytes = hub_auth, exchange_root, max_bytes

    def check_xsrf_cookie(self) -> None:       # token-only API: no cookies are ever accepted
        pass

    async def authenticated_user(self, course: str) -> str:
        model = await self.hub_auth.get_user(self, sync=False)
        if not model or model.get("kind", "user") != "user":
            raise Refused(401, "ハブのトークンがないか、無効です。JupyterHub から開いたサーバーで提出してください。")
        if not self.hub_auth.check_scopes(self.hub_auth.access_scopes, model):
            raise Refused(403, "このトークンでは提出サービスを使えません（access:services の権限がありません）。")
        groups = model.get("groups")
        if groups is None:
            raise Refused(403, "所属コースを確かめられません（トークンに read:users:groups!user が必要です）。")
        if not {f"nbgrader-{course}", f"formgrade-{course}"} & set(groups):
            raise Refused(403, f"コース {course} の受講者ではないため提出できません。")
        name = model["name"]
        if "+" in name or "/" in name or name.startswith("."):
            raise Refused(403, f"ユーザー名 {name!r} は提出の記録に使えません。管理者に連絡してください。")
        return name

    async def post(self, course: str, assignment: str) -> None:
        if not (ID_RE.match(course) and ID_RE.match(assignment)):
            raise Refused(404, "コースか課題の名前が正しくありません。")
        user = await self.authenticated_user(course)
        course_dir = self.exchange_root / course
        if not (course_dir / "outbound" / assignment).is_dir():
            raise Refused(404, f"課題 {assignment} はコース {course} で配布されていません。")
        inbound = course_dir / "inbound"
        if not inbound.is_dir():
            raise Refused(404, f"コース {course} の提出先がありません。管理者に連絡してください。")
        try:
            body = json.loads(self.request.body or b"{}")
        except ValueError:
            raise Refused(400, "送られたデータが JSON ではありません。") from None
        files = check_files(body.get("files") if isinstance(body, dict) else None, self.max_bytes)
        now = datetime.datetime.now(datetime.timezone.utc)
        result = write_entry(inbound, user, assignment, files, now)
        self.set_status(201)
        self.finish({**result, "course_id": course})


def make_app(exchange_root: Path, prefix: str = "/", max_bytes: int = 50 * 2**20, hub_auth=None) -> web.Application:
    if hub_auth is None:
        from jupyterhub.services.auth import HubAuth

        hub_auth = HubAuth(cache_max_age=60)
    base = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    ids = r"([^/]+)"
    return web.Application([
        (f"{base}api/health", HealthHandler),
        (f"{base}api/submit/{ids}/{ids}", SubmitHandler,
         {"hub_auth": hub_auth, "exchange_root": exchange_root, "max_bytes": max_bytes}),
    ], max_body_size=max_bytes * 2)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="dxkit の提出サービス（JupyterHub のサービスとして起動します）")
    ap.add_argument("--exchange-root", default=os.environ.get("DXKIT_EXCHANGE_ROOT", "/srv/nbgrader/exchange"))
    ap.add_argument("--max-mib", type=int, default=50)
    args = ap.parse_args(argv)
    os.umask(0o027)                     # entries: 0750 folders, 0640 files (group = the graders)
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = make_app(Path(args.exchange_root), os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"),
                   args.max_mib * 2**20)
    app.listen(url.port or 80, url.hostname or "127.0.0.1")
    ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
