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


SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"   # systemd's default PATH


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

    def command(self) -> list[str]:
        return [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(CONFIG)]

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
                self.command(),
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


def run_cells(ws_url: str, token: str, cells: list[str], timeout: float = 120) -> list[dict]:
    """Execute cells one by one over a kernel's websocket; returns per cell {"s", "first_output_s", "error"}."""
    import json
    import uuid

    import asyncio

    from tornado import httpclient, websocket

    async def go():
        req = httpclient.HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}, request_timeout=timeout)
        conn = await websocket.websocket_connect(req)
        session, out = uuid.uuid4().hex, []
        try:
            for code in cells:
                msg_id, t0 = uuid.uuid4().hex, time.monotonic()
                conn.write_message(json.dumps({
                    "header": {"msg_id": msg_id, "username": "dxkit", "session": session,
                               "msg_type": "execute_request", "version": "5.3", "date": ""},
                    "parent_header": {}, "metadata": {}, "channel": "shell",
                    "content": {"code": code, "silent": False, "store_history": True,
                                "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}}))
                res = {"first_output_s": None, "error": None}
                while True:
                    raw = await conn.read_message()
                    if raw is None:
                        raise RuntimeError("kernel websocket closed")
                    m = json.loads(raw) if isinstance(raw, str) else {}
                    if m.get("parent_header", {}).get("msg_id") != msg_id:
                        continue
                    kind = m.get("msg_type")
                    if kind in ("stream", "execute_result", "display_data", "error") and res["first_output_s"] is None:
                        res["first_output_s"] = time.monotonic() - t0
                    if kind == "error":
                        res["error"] = f"{m['content'].get('ename')}: {m['content'].get('evalue')}"
                    if kind == "execute_reply":
                        break
                    if time.monotonic() - t0 > timeout:
                        raise TimeoutError("cell did not finish")
                res["s"] = time.monotonic() - t0
                out.append(res)
        finally:
            conn.close()
        return out

    async def bounded():
        return await asyncio.wait_for(go(), timeout * max(1, len(cells)))

    return asyncio.run(bounded())            # its own event loop: callable from any thread


def kill_user_processes(user: str) -> None:
    """SIGKILL, by PID, every process left running as a (test-created) Linux user."""
    import pwd

    try:
        uid = str(pwd.getpwnam(user).pw_uid)
    except KeyError:
        return
    for p in Path("/proc").iterdir():
        try:
            if p.name.isdigit() and any(line.split()[1] == uid for line in (p / "status").read_text().splitlines()
                                        if line.startswith("Uid:")):
                os.kill(int(p.name), signal.SIGKILL)
        except (OSError, IndexError):
            continue


class SingleServerHub(LocalHub):
    """deploy/single-server/jupyterhub_config.py as it is, with real Linux users (root on Linux only).

    The users are created with the documented scripts (setup-host.sh, add-user.sh) and passwords set
    with chpasswd; PAM logs them in. Only the environment overrides that the config file documents
    differ from production (loopback ports, no TLS, state/etc/exchange/home folders under ``root``).
    ``stop()`` removes the users and groups it created and undoes the permission it had to grant.
    """

    CONFIG = REPO / "deploy" / "single-server" / "jupyterhub_config.py"
    COURSE = "dxkit-2025a"                       # the course id written in that config

    def __init__(self, root, learners=("l1", "l2", "l3"), names=None, cull_timeout=60, cull_every=5,
                 kernel_cull_timeout=10, activity_interval=5, assignments=(), courses=("05_data_analysis",)):
        tag = secrets.token_hex(2)
        super().__init__(root, instructor=f"dxt{tag}sensei", learners=tuple(f"dxt{tag}{x}" for x in learners),
                         course=self.COURSE, assignments=assignments)
        self.admin = "hubadmin"                      # the admin named in the config (a Linux user too)
        self.names = names or {}
        self.courses = courses
        self.cull = (cull_timeout, cull_every, kernel_cull_timeout, activity_interval)
        self.submit_port = free_port()
        self.passwords = {u: secrets.token_urlsafe(12) for u in (*self.users, self.admin)}
        self._created_users: list[str] = []
        self._created_groups: list[str] = []
        self._chmodded: list[tuple[Path, int]] = []
        self._roster: subprocess.Popen | None = None

    @staticmethod
    def unavailable() -> str | None:
        why = missing_requirements()
        if why:
            return why
        if not sys.platform.startswith("linux") or os.geteuid() != 0:
            return "本物の Linux ユーザーを作るため、Linux の root でだけ実行します。"
        for tool in ("useradd", "userdel", "chpasswd", "groupadd", "runuser", "getent"):
            if not shutil.which(tool):
                return f"{tool} がありません（Debian/Ubuntu の passwd・util-linux パッケージ）。"
        try:
            import pamela  # noqa: F401
            import jupyterhub_idle_culler  # noqa: F401
        except ImportError as exc:
            return f"{exc.name} が入っていません（pip install -e '.[hub]'）。"
        return None

    def home(self, user: str) -> Path:
        return self.root / "home" / user

    @property
    def exchange(self) -> Path:
        return self.root / "srv" / "exchange"

    @property
    def course_root(self) -> Path:
        return self.home(self.instructor) / "courses" / self.course

    def as_user(self, user: str, *cmd, env: dict | None = None) -> list[str]:
        """``cmd`` run as ``user`` (runuser) in a clean environment: HOME, PATH with the venv, ``env``."""
        base = {"HOME": str(self.home(user)), "USER": user, "LANG": "C.UTF-8",
                "PATH": f"{Path(sys.executable).parent}:{SYSTEM_PATH}"}
        return ["runuser", "-u", user, "--", "env", "-i", *[f"{k}={v}" for k, v in {**base, **(env or {})}.items()], *cmd]

    def run(self, *cmd, user: str | None = None, env: dict | None = None, check=True, **kw):
        """Run a command as root, or as ``user``."""
        full = self.as_user(user, *cmd, env=env) if user else list(cmd)
        return subprocess.run(full, check=check, capture_output=True, text=True, timeout=kw.pop("timeout", 120), **kw)

    def _grant_search(self) -> None:
        """The users run this venv's interpreter from homes in a temp folder: both must be searchable (o+x)."""
        starts = {Path(sys.executable).resolve(), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(), REPO,
                  self.root / "x"}                  # and the temporary folder the homes are in
        for start in starts:
            for d in reversed(start.parents):
                mode = d.stat().st_mode
                if not mode & 0o001:
                    self._chmodded.append((d, mode & 0o7777))
                    os.chmod(d, (mode & 0o7777) | 0o001)

    def _script(self, name: str, *args: str) -> None:
        env = dict(os.environ, DXKIT_EXCHANGE_ROOT=str(self.exchange), DXKIT_HOME_BASE=str(self.root / "home"))
        proc = subprocess.run(["bash", str(REPO / "deploy" / "single-server" / name), *args], env=env,
                              capture_output=True, text=True, timeout=60)
        if proc.returncode:
            raise HubError(f"{name} {' '.join(args)}: {proc.stderr or proc.stdout}")

    def prepare(self) -> None:
        t0 = time.monotonic()
        self._grant_search()
        for d in ("state", "etc", "home", "prefix"):
            (self.root / d).mkdir(parents=True, exist_ok=True)
        os.chmod(self.root, 0o755)
        for group in ("dxkit-graders", "dxkit-submit"):
            if subprocess.run(["getent", "group", group], capture_output=True).returncode:
                self._created_groups.append(group)
        if subprocess.run(["getent", "passwd", "dxkit-submit"], capture_output=True).returncode:
            self._created_users.append("dxkit-submit")
        if subprocess.run(["getent", "passwd", self.admin], capture_output=True).returncode == 0:
            raise HubError(f"{self.admin} というユーザーがすでにあります。テスト用に作れません。")
        for user in (*self.users, self.admin):
            self._created_users.insert(0, user)
            self._script("add-user.sh", user)
        subprocess.run(["chpasswd"], input="".join(f"{u}:{p}\n" for u, p in self.passwords.items()),
                       text=True, check=True, timeout=30)
        self._script("setup-host.sh", self.course, self.instructor)
        self.timings = {"users": time.monotonic() - t0}
        etc = self.root / "etc"
        rows = ["id,last_name,first_name,email"] + [
            f"{u},{self.names.get(u, ('', ''))[0]},{self.names.get(u, ('', ''))[1]}," for u in self.learners]
        (etc / "roster.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
        (etc / "instructors.txt").write_text(self.instructor + "\n", encoding="utf-8")
        prefix = self.root / "prefix"
        shutil.copy(REPO / "deploy" / "image" / "10-dxkit-courses.sh", prefix / "10-dxkit-courses.sh")
        for c in self.courses:
            shutil.copytree(REPO / "courses" / c, prefix / "courses" / c,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        os.chmod(self.root / "prefix", 0o755)
        # the instructor: ~/.jupyter/nbgrader_config.py from deploy/nbgrader, the sources, the roster
        inst, home = self.instructor, self.home(self.instructor)
        conf = home / ".jupyter"
        conf.mkdir(exist_ok=True)
        shutil.copy(REPO / "deploy" / "nbgrader" / "instructor_nbgrader_config.py", conf / "nbgrader_config.py")
        self.course_root.mkdir(parents=True, exist_ok=True)
        for name in self.assignments:
            shutil.copytree(REPO / "exercises" / name, self.course_root / "source" / name,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        shutil.copy(etc / "roster.csv", self.course_root / "roster.csv")
        subprocess.run(["chown", "-R", f"{inst}:{inst}", str(home)], check=True, timeout=30)
        self.timings["files"] = time.monotonic() - t0 - self.timings["users"]
        # the documented `nbgrader db student import roster.csv`, as the instructor, while the hub starts
        self._roster = subprocess.Popen(self.as_user(inst, "nbgrader", "db", "student", "import", "roster.csv"),
                                        cwd=self.course_root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def env(self) -> dict[str, str]:
        env = super().env()
        timeout, every, kernel, activity = self.cull
        env.update({
            "PATH": SYSTEM_PATH,                  # as under systemd: the venv's bin is NOT on the hub's PATH
            "DXKIT_HUB_BIND_URL": self.url,
            "DXKIT_HUB_TLS": "off",
            "DXKIT_HUB_API_URL": f"http://127.0.0.1:{self.api_port}",
            "DXKIT_PROXY_API_URL": f"http://127.0.0.1:{self.proxy_port}",
            "DXKIT_SUBMIT_SERVICE_URL": f"http://127.0.0.1:{self.submit_port}",
            "DXKIT_HUB_STATE": str(self.root / "state"),
            "DXKIT_HUB_ETC": str(self.root / "etc"),
            "DXKIT_PREFIX": str(self.root / "prefix"),
            "DXKIT_VENV": str(Path(sys.executable).parent.parent),
            "DXKIT_EXCHANGE_ROOT": str(self.exchange),
            "DXKIT_CULL_TIMEOUT": str(timeout), "DXKIT_CULL_EVERY": str(every),
            "DXKIT_KERNEL_CULL_TIMEOUT": str(kernel),
            "DXKIT_ACTIVITY_INTERVAL": str(activity),
        })
        return env

    def command(self) -> list[str]:
        return [str(Path(sys.executable).with_name("jupyterhub")), "-f", str(self.CONFIG)]

    def start(self, timeout: float = 60) -> float:
        """Start the hub; the test driver then acts as the hub's admin (hubadmin logs in through PAM)."""
        took = super().start(timeout)
        self.timings["hub"] = took
        t0 = time.monotonic()
        self.service_token = self.login_token("hubadmin")
        _, err = self._roster.communicate(timeout=300)     # the roster import ran while the hub started
        if self._roster.returncode:
            raise HubError(f"名簿を取り込めません: {err[-1500:]}")
        self.timings["token+roster"] = time.monotonic() - t0
        return took

    def login_token(self, user: str) -> str:
        """Log in through the hub's login form (PAM), then ask for an API token with that session."""
        import requests

        s = requests.Session()
        s.get(f"{self.url}/hub/login", timeout=30)
        xsrf = s.cookies.get("_xsrf", "")
        r = s.post(f"{self.url}/hub/login", data={"username": user, "password": self.passwords[user], "_xsrf": xsrf},
                   timeout=60, allow_redirects=False)
        if r.status_code != 302:
            raise HubError(f"{user} がログインできません: HTTP {r.status_code}")
        xsrf = [c.value for c in s.cookies if c.name == "_xsrf"][-1]    # the hub renews it at login
        r = s.post(f"{self.url}/hub/api/users/{user}/tokens", json={"note": "dxkit test", "expires_in": 3600},
                   headers={"X-XSRFToken": xsrf, "Referer": f"{self.url}/hub/"}, timeout=30)
        if r.status_code >= 400:
            raise HubError(f"{user} のトークンを作れません: HTTP {r.status_code} {r.text[:300]}")
        return r.json()["token"]

    def server_env(self, user: str) -> dict[str, str]:
        """The environment the hub gave ``user``'s running server (from /proc), to run nbgrader as them."""
        for pid in marked_pids(self.marker):
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                env = dict(kv.split("=", 1) for kv in Path(f"/proc/{pid}/environ").read_text().split("\0") if "=" in kv)
            except OSError:
                continue
            if b"jupyterhub-singleuser" in cmd and env.get("JUPYTERHUB_USER") == user:
                return env
        raise HubError(f"{user} のサーバーが動いていません。")

    def stop(self, timeout: float = 30) -> None:
        try:
            if self._roster is not None and self._roster.poll() is None:
                self._roster.kill()
                self._roster.wait(10)
            super().stop(timeout)
        finally:
            for user in self._created_users:
                kill_user_processes(user)
                subprocess.run(["userdel", "-r", user], capture_output=True, timeout=60)
            for group in self._created_groups:
                subprocess.run(["groupdel", group], capture_output=True, timeout=60)
            for d, mode in reversed(self._chmodded):
                os.chmod(d, mode)
            self._created_users, self._created_groups, self._chmodded = [], [], []


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
