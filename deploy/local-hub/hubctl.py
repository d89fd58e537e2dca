"""Start and stop a throwaway JupyterHub on 127.0.0.1 (used by tests/test_hub.py and benchmarks/hub.py).

    with LocalHub(tmp_path) as hub:          # instructor + learner1 + learner2, nbgrader course "dxkit-test"
        hub.spawn("learner1")
        s = hub.session("learner1")          # requests.Session with the learner's own API token
        s.get(hub.user_url("learner1", "api/status"))

Run ``python deploy/local-hub/hubctl.py`` to try it by hand (Ctrl+C stops everything).

Everything the hub starts (proxy, single-user servers, kernels) carries DXKIT_HUB_MARKER=<random>
in its environment; ``stop()`` asks the hub to shut down cleanly and then kills whatever still
carries the marker, so nothing outlives a test, pass or fail. Not for production: see
deploy/OPERATIONS.md.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "jupyterhub_config.py"
REPO = HERE.parents[1]


class HubError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_proxy() -> str | None:
    """configurable-http-proxy: $DXKIT_CHP, deploy/local-hub/node_modules (npm install here), or PATH."""
    candidates = [os.environ.get("DXKIT_CHP"), str(HERE / "node_modules" / ".bin" / "configurable-http-proxy"),
                  shutil.which("configurable-http-proxy")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    return None


def missing_requirements() -> str | None:
    """Why a local hub cannot start here (None when it can)."""
    try:
        import jupyterhub  # noqa: F401
        import requests  # noqa: F401
    except ImportError as exc:
        return f"jupyterhub が入っていません（{exc.name}）。pip install -e '.[hub]' で入ります。"
    if not shutil.which("node") and not os.environ.get("DXKIT_CHP"):
        return "Node.js がないため configurable-http-proxy を動かせません。"
    if not find_proxy():
        return ("configurable-http-proxy が見つかりません。"
                "`npm install --prefix deploy/local-hub` で入ります（make setup-test が root の Debian では自動で行います）。")
    if not Path(sys.executable).with_name("jupyterhub-singleuser").exists():
        return "jupyterhub-singleuser が Python と同じフォルダにありません。"
    return None


def marked_pids(marker: str) -> list[int]:
    """PIDs of processes whose environment carries DXKIT_HUB_MARKER=<marker> (Linux /proc, else psutil)."""
    needle = f"DXKIT_HUB_MARKER={marker}".encode()
    pids = []
    me = os.getpid()
    if Path("/proc/self/environ").exists():
        for p in Path("/proc").iterdir():
            if not p.name.isdigit() or int(p.name) == me:
                continue
            try:
                if needle in (p / "environ").read_bytes().split(b"\0"):
                    pids.append(int(p.name))
            except OSError:
                continue
        return pids
    try:
        import psutil
    except ImportError:
        return []
    for proc in psutil.process_iter():
        try:
            if proc.pid != me and proc.environ().get("DXKIT_HUB_MARKER") == marker:
                pids.append(proc.pid)
        except (psutil.Error, OSError):
            continue
    return pids


def kill_marked(marker: str, grace: float = 5.0) -> list[int]:
    """SIGTERM then SIGKILL every process carrying the marker; returns the PIDs found at first."""
    found = marked_pids(marker)
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        left = marked_pids(marker)
        if not left:
            break
        for pid in left:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and marked_pids(marker):
            time.sleep(0.2)
    return found


class LocalHub:
    """One JupyterHub with one instructor and some learners, each with a temporary home folder."""

    def __init__(self, root: Path | str, instructor: str = "instructor",
                 learners: tuple[str, ...] = ("learner1", "learner2"), course: str = "dxkit-test",
                 assignments: tuple[str, ...] = ()):
        self.root = Path(root).resolve()
        self.instructor, self.learners, self.course = instructor, tuple(learners), course
        self.users = (instructor, *self.learners)
        self.assignments = assignments
        self.port, self.api_port, self.proxy_port = free_port(), free_port(), free_port()
        self.password = secrets.token_urlsafe(12)
        self.service_token = secrets.token_hex(24)
        self.marker = secrets.token_hex(8)
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._tokens: dict[str, str] = {}
        self.log_path = self.root / "jupyterhub.log"

    # ---------------------------------------------------------------- files
    def home(self, user: str) -> Path:
        return self.root / "home" / user

    @property
    def exchange(self) -> Path:
        return self.root / "exchange"

    @property
    def course_root(self) -> Path:
        return self.home(self.instructor) / "course"

    def prepare(self) -> None:
        for user in self.users:
            self.home(user).mkdir(parents=True, exist_ok=True)
        self.exchange.mkdir(parents=True, exist_ok=True)
        os.chmod(self.exchange, 0o1777)   # world-writable + sticky, as nbgrader's shared exchange needs
        etc = self.root / "etc" / "jupyter"
        etc.mkdir(parents=True, exist_ok=True)
        (etc / "nbgrader_config.py").write_text(
            "# Site-wide nbgrader settings for every user of this hub (see deploy/nbgrader/).\n"
            "from nbgrader.auth import JupyterHubAuthPlugin\n"
            "c = get_config()\n"
            f"c.Exchange.root = {str(self.exchange)!r}\n"
            "c.Exchange.path_includes_course = True\n"
            "c.Authenticator.plugin_class = JupyterHubAuthPlugin\n", encoding="utf-8")
        # nbgrader names a submission after the OS user of the server, except in containers where
        # that user is "jovyan" (then it uses JUPYTERHUB_USER). Here every server runs as the hub's
        # own OS user, so make them behave like the containers of deploy/z2jh (local test only).
        (etc / "jupyter_server_config.py").write_text(
            "# Local test hub only: every server runs as one OS user; name submissions by hub user.\n"
            "import os\n"
            "if os.environ.get('JUPYTERHUB_USER'):\n"
            "    import nbgrader.utils\n"
            "    nbgrader.utils.get_osusername = lambda: 'jovyan'\n", encoding="utf-8")
        conf = self.home(self.instructor) / ".jupyter"
        conf.mkdir(parents=True, exist_ok=True)
        (conf / "nbgrader_config.py").write_text(
            "# The instructor's course: deploy/nbgrader/instructor_nbgrader_config.py with this hub's paths.\n"
            "c = get_config()\n"
            f"load_subconfig('instructor_nbgrader_config.py', path={str(HERE.parent / 'nbgrader')!r})\n"
            f"c.CourseDirectory.course_id = {self.course!r}\n"
            f"c.CourseDirectory.root = {str(self.course_root)!r}\n", encoding="utf-8")
        for name in self.assignments:
            src = REPO / "exercises" / name
            dst = self.course_root / "source" / name
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))

    # ---------------------------------------------------------------- life cycle
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        bin_dir = str(Path(sys.executable).parent)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        env.update({
            "DXKIT_HUB_ROOT": str(self.root),
            "DXKIT_HUB_PORT": str(self.port),
            "DXKIT_HUB_API_PORT": str(self.api_port),
            "DXKIT_PROXY_API_PORT": str(self.proxy_port),
            "DXKIT_HUB_PASSWORD": self.password,
            "DXKIT_HUB_SERVICE_TOKEN": self.service_token,
            "DXKIT_HUB_USERS": ",".join(self.users),
            "DXKIT_HUB_COURSE": self.course,
            "DXKIT_HUB_MARKER": self.marker,
            "DXKIT_CHP": find_proxy() or "configurable-http-proxy",
        })
        env.pop("JUPYTERHUB_API_TOKEN", None)
        return env

    def start(self, timeout: float = 60) -> float:
        """Start the hub and wait until it answers through the proxy; returns the seconds it took."""
        why = missing_requirements()
        if why:
            raise HubError(why)
        self.prepare()
        t0 = time.monotonic()
        log = open(self.log_path, "ab")
        try:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)],
                cwd=self.root, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True)
        finally:
            log.close()
        import requests

        deadline = t0 + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HubError(f"JupyterHub が終了しました（終了コード {self.proc.returncode}）。\n{self.log_tail()}")
            try:
                if requests.get(self.url + "/hub/health", timeout=2).status_code == 200:
                    return time.monotonic() - t0
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise HubError(f"JupyterHub が {timeout:.0f} 秒以内に応答しませんでした。\n{self.log_tail()}")

    def stop(self, timeout: float = 30) -> None:
        """Stop the hub (which stops the servers and the proxy), then kill anything left over."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except OSError:
                self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except OSError:
                    self.proc.kill()
                self.proc.wait(10)
        kill_marked(self.marker)

    def leftovers(self) -> list[int]:
        return marked_pids(self.marker)

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""

    def __enter__(self) -> LocalHub:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---------------------------------------------------------------- API
    def api(self, method: str, path: str, **kw):
        import requests

        kw.setdefault("timeout", 30)
        r = requests.request(method, f"{self.url}/hub/api{path}",
                             headers={"Authorization": f"token {self.service_token}"}, **kw)
        if r.status_code >= 400:
            raise HubError(f"{method} {path}: HTTP {r.status_code} {r.text[:300]}")
        return r.json() if r.content else None

    def spawn(self, user: str, timeout: float = 90) -> float:
        """Start a user's server and wait until it is ready; returns the seconds it took."""
        t0 = time.monotonic()
        self.api("POST", f"/users/{user}/server")
        return self.wait_ready(user, timeout, t0)

    def wait_ready(self, user: str, timeout: float = 90, t0: float | None = None) -> float:
        t0 = time.monotonic() if t0 is None else t0
        deadline = t0 + timeout
        while time.monotonic() < deadline:
            server = (self.api("GET", f"/users/{user}").get("servers") or {}).get("")
            if server and server.get("ready"):
                return time.monotonic() - t0
            if self.proc is not None and self.proc.poll() is not None:
                raise HubError(f"JupyterHub が終了しました。\n{self.log_tail()}")
            time.sleep(0.3)
        raise HubError(f"{user} のサーバーが {timeout:.0f} 秒以内に起動しませんでした。\n{self.log_tail()}")

    def token(self, user: str) -> str:
        if user not in self._tokens:
            self._tokens[user] = self.api("POST", f"/users/{user}/tokens",
                                          json={"note": "dxkit local hub", "expires_in": 3600})["token"]
        return self._tokens[user]

    def session(self, user: str):
        """A requests.Session that acts as ``user`` (their own API token, so no XSRF cookie is needed)."""
        import requests

        s = requests.Session()
        s.headers["Authorization"] = f"token {self.token(user)}"
        return s

    def user_url(self, user: str, path: str = "") -> str:
        return f"{self.url}/user/{user}/{path.lstrip('/')}"


def main() -> int:
    import tempfile

    why = missing_requirements()
    if why:
        print(why)
        return 1
    with tempfile.TemporaryDirectory(prefix="dxkit-hub-") as tmp, \
            LocalHub(tmp, assignments=("00_orientation",)) as hub:
        print(f"JupyterHub: {hub.url}/hub/login  （ユーザー: {', '.join(hub.users)}　パスワード: {hub.password}）")
        print("Ctrl+C で止めます。")
        try:
            while hub.proc.poll() is None:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
