"""nbgrader's "Submit", through the dxkit submission service (see dxkit/hub/service.py).

Enable it in the learners' nbgrader configuration (deploy/single-server/jupyter/nbgrader_config.py,
deploy/z2jh/values.yaml)::

    c.ExchangeFactory.submit = "dxkit.hub.exchange.ExchangeSubmit"
    c.ExchangeSubmit.service_url = "http://127.0.0.1:10101/services/dxkit-submit/"   # or $DXKIT_SUBMIT_URL

The JupyterLab "Assignments" tab and ``nbgrader submit`` then work as usual, but the files go to
the service with the learner's hub token (``JUPYTERHUB_API_TOKEN``) instead of being written into
the shared exchange, which learners cannot write. The local cache nbgrader keeps for "submitted"
and for fetching feedback is written as before, with the service's timestamp and secret.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from nbgrader.exchange.default.submit import ExchangeSubmit as FilesystemExchangeSubmit
from traitlets import Unicode, default


def read_tree(folder: str | os.PathLike) -> dict[str, str]:
    """Every file under ``folder`` as {relative posix path: base64 text}."""
    root = Path(folder)
    return {p.relative_to(root).as_posix(): base64.b64encode(p.read_bytes()).decode("ascii")
            for p in sorted(root.rglob("*")) if p.is_file()}


def post_submission(service_url: str, token: str, course: str, assignment: str, files: dict[str, str],
                    timeout: float = 60) -> dict:
    """POST to the service; returns its JSON answer or raises RuntimeError with its Japanese message."""
    url = f"{service_url.rstrip('/')}/api/submit/{course}/{assignment}"
    req = urllib.request.Request(url, data=json.dumps({"files": files}).encode("utf-8"), method="POST",
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        try:
            message = json.loads(e.read()).get("message")
        except ValueError:
            message = None
        raise RuntimeError(message or f"提出サービスがエラーを返しました（HTTP {e.code}）。") from None
    except OSError as e:
        raise RuntimeError(f"提出サービスにつながりません（{url}）: {e}") from None


class ExchangeSubmit(FilesystemExchangeSubmit):
    """Submit through the dxkit submission service instead of writing into the exchange."""

    service_url = Unicode(help="The submission service's URL (its prefix included).").tag(config=True)

    @default("service_url")
    def _service_url_default(self) -> str:
        return os.environ.get("DXKIT_SUBMIT_URL", "")

    def init_dest(self) -> None:
        if self.coursedir.course_id == "":
            self.fail("コース ID が指定されていません。")
        if not self.authenticator.has_access(self.coursedir.student_id, self.coursedir.course_id):
            self.fail("このコースの受講者ではありません。")
        if not self.service_url:
            self.fail("提出サービスの URL が設定されていません（DXKIT_SUBMIT_URL）。管理者に連絡してください。")
        self.cache_path = os.path.join(self.cache, self.coursedir.course_id)

    def copy_files(self) -> None:
        self.init_release()
        self.check_filename_diff()
        course, assignment = self.coursedir.course_id, self.coursedir.assignment_id
        with tempfile.TemporaryDirectory(prefix="dxkit-submit-") as tmp:
            staged = os.path.join(tmp, assignment)
            self.do_copy(self.src_path, staged)        # nbgrader's own ignore/size rules
            files = read_tree(staged)
        token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
        if not token:
            self.fail("JupyterHub のトークンがありません。ハブから開いたサーバーで提出してください。")
        try:
            result = post_submission(self.service_url, token, course, assignment, files)
        except RuntimeError as e:
            self.fail(str(e))
        # nbgrader's cache of what was submitted ("submitted" in the list, feedback lookup)
        cache_path = os.path.join(self.cache_path, f"{result['user']}+{assignment}+{result['timestamp']}")
        os.makedirs(self.cache_path, exist_ok=True)
        self.do_copy(self.src_path, cache_path)
        Path(cache_path, "timestamp.txt").write_text(result["timestamp"], encoding="utf-8")
        Path(cache_path, "submission_secret.txt").write_text(result["submission_secret"], encoding="utf-8")
        self.timestamp = result["timestamp"]
        self.log.info("Submitted as: %s %s %s", course, assignment, result["timestamp"])
