"""JupyterHub for one server (a prefecture's or a town's training server): /etc/jupyterhub/jupyterhub_config.py

Install with deploy/OPERATIONS.md §2 (setup-host.sh, add-user.sh). Every learner and instructor is a
Linux user with a 0700 home (PAM login); each server runs as its owner with per-learner limits
(dxkit.hub.spawner); learners submit through the dxkit submission service, the only writer of
the exchange's inbound; idle servers and idle kernels are culled.

tests/test_hub.py RUNS THIS FILE as it is, with real Linux users. The only differences it makes
come from these environment variables (unset in production, defaults in brackets):

  DXKIT_HUB_BIND_URL [https://0.0.0.0:443]     DXKIT_HUB_TLS [on; "off": no certificate]
  DXKIT_HUB_API_URL [http://127.0.0.1:8081]    DXKIT_PROXY_API_URL [http://127.0.0.1:8001]
  DXKIT_SUBMIT_SERVICE_URL [http://127.0.0.1:10101]
  DXKIT_HUB_STATE [/var/lib/jupyterhub]        DXKIT_HUB_ETC [/etc/jupyterhub]
  DXKIT_PREFIX [/opt/dxkit]   DXKIT_VENV [$DXKIT_PREFIX/venv]   DXKIT_CHP [configurable-http-proxy in the prefix]
  DXKIT_EXCHANGE_ROOT [/srv/nbgrader/exchange]
  DXKIT_CULL_TIMEOUT [3600], DXKIT_CULL_EVERY [300], DXKIT_KERNEL_CULL_TIMEOUT [1200],
  DXKIT_ACTIVITY_INTERVAL [300] (seconds)
"""

import csv
import os
from pathlib import Path

c = get_config()  # noqa: F821
env = os.environ
HERE = Path(__file__).resolve().parent

COURSE = "dxkit-2025a"                          # one nbgrader course per cohort (OPERATIONS.md §3)
ETC = Path(env.get("DXKIT_HUB_ETC", "/etc/jupyterhub"))
STATE = Path(env.get("DXKIT_HUB_STATE", "/var/lib/jupyterhub"))
PREFIX = Path(env.get("DXKIT_PREFIX", "/opt/dxkit"))
VENV = Path(env.get("DXKIT_VENV", PREFIX / "venv"))
EXCHANGE = env.get("DXKIT_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
SUBMIT_URL = env.get("DXKIT_SUBMIT_SERVICE_URL", "http://127.0.0.1:10101")


def names(path: Path) -> set[str]:
    """User names from roster.csv (nbgrader's roster format: id,last_name,first_name,email) or a .txt list."""
    if not path.exists():
        return set()
    with open(path, encoding="utf-8") as f:
        if path.suffix == ".csv":
            return {row["id"].strip() for row in csv.DictReader(f) if row.get("id", "").strip()}
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


LEARNERS = names(ETC / "roster.csv")
INSTRUCTORS = names(ETC / "instructors.txt")

# --- network: behind the organisation's TLS terminator or with our own certificate -------------
c.JupyterHub.bind_url = env.get("DXKIT_HUB_BIND_URL", "https://0.0.0.0:443")
if env.get("DXKIT_HUB_TLS", "on") != "off":
    c.JupyterHub.ssl_cert = str(ETC / "tls" / "server.crt")
    c.JupyterHub.ssl_key = str(ETC / "tls" / "server.key")
c.JupyterHub.hub_bind_url = env.get("DXKIT_HUB_API_URL", "http://127.0.0.1:8081")
c.ConfigurableHTTPProxy.api_url = env.get("DXKIT_PROXY_API_URL", "http://127.0.0.1:8001")
c.ConfigurableHTTPProxy.command = [env.get("DXKIT_CHP", str(PREFIX / "node_modules/.bin/configurable-http-proxy"))]
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
# how often servers report activity, and the hub reads the proxy's (formgrader pages count only there)
ACTIVITY_INTERVAL = env.get("DXKIT_ACTIVITY_INTERVAL", "300")
c.JupyterHub.last_activity_interval = int(ACTIVITY_INTERVAL)

# --- users: Linux users (PAM); the instructor is not a hub admin -------------------------------
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = LEARNERS | INSTRUCTORS
c.Authenticator.admin_users = {"hubadmin"}           # the server operator, not the instructor
# nbgrader reads course membership from hub groups: formgrade-<course> / nbgrader-<course>
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": sorted(INSTRUCTORS)},
    f"nbgrader-{COURSE}": {"users": sorted(LEARNERS)},
}

# --- single-user servers: each user as their own Linux user, with limits -----------------------
c.JupyterHub.spawner_class = "dxkit.hub.spawner.LimitedLocalProcessSpawner"
c.Spawner.mem_limit = "3G"                     # RLIMIT_AS of each process (see OPERATIONS.md §8)
c.LimitedLocalProcessSpawner.max_processes = 256
c.LimitedLocalProcessSpawner.exempt_users = INSTRUCTORS   # autograding runs in the instructor's server
# The lessons hook (deploy/image/10-dxkit-courses.sh) is SOURCED first, as docker-stacks does.
c.Spawner.cmd = ["/bin/bash", "-c", '. "$0"; exec "$@"', str(PREFIX / "10-dxkit-courses.sh"),
                 str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90


def jupyter_config_path(spawner) -> str:
    """The instructor's or the learner's layer, the site's settings, then dxkit's JupyterLab settings
    shared by everyone (Japanese UI, no news: dxkit.lab's common layer, the one ``dxkit lab`` uses)."""
    from dxkit.lab import config_dirs

    role = "instructor" if spawner.user.name in INSTRUCTORS else "learner"
    shared = [str(d) for d in config_dirs(instructor=True)]        # the layer without learner restrictions
    return os.pathsep.join([str(HERE / f"jupyter-{role}"), str(HERE / "jupyter"), *shared])


c.Spawner.environment = {
    "PATH": f"{VENV / 'bin'}:/usr/local/bin:/usr/bin:/bin",    # nbgrader runs `alembic` from PATH
    "JUPYTER_CONFIG_PATH": jupyter_config_path,
    "DXKIT_HOME": "~/.dxkit",
    "MALLOC_ARENA_MAX": "2",            # fewer malloc arenas: threads reserve less address space (RLIMIT_AS)
    "DXKIT_COURSES_SRC": str(PREFIX / "courses"),
    "DXKIT_EXCHANGE_ROOT": EXCHANGE,
    "DXKIT_SUBMIT_URL": f"{SUBMIT_URL}/services/dxkit-submit/",
    "DXKIT_KERNEL_CULL_TIMEOUT": env.get("DXKIT_KERNEL_CULL_TIMEOUT", "1200"),
    # how often a server tells the hub it is in use (the idle culler's measure of activity)
    "JUPYTERHUB_ACTIVITY_INTERVAL": ACTIVITY_INTERVAL,
}
if env.get("DXKIT_HUB_MARKER"):                    # tests only: tags every process for clean-up
    c.Spawner.environment["DXKIT_HUB_MARKER"] = env["DXKIT_HUB_MARKER"]
# nbgrader asks the hub for the owner's groups; the submission service needs access to itself
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:groups!user",
    "read:users:name!user",
    "access:services!service=dxkit-submit",
]

# --- services: submissions (dxkit.hub.service) and the idle culler (jupyterhub-idle-culler) ------
c.JupyterHub.services = [
    {
        "name": "dxkit-submit",
        "url": SUBMIT_URL,
        "user": "dxkit-submit",             # the only user that can write <exchange>/<course>/inbound
        "command": [str(VENV / "bin" / "python"), "-m", "dxkit.hub.service", f"--exchange-root={EXCHANGE}"],
        "environment": {"DXKIT_HUB_MARKER": env.get("DXKIT_HUB_MARKER", "")},
        "display": False,
    },
    {
        "name": "idle-culler",
        "command": [str(VENV / "bin" / "python"), "-m", "jupyterhub_idle_culler",
                    f"--timeout={env.get('DXKIT_CULL_TIMEOUT', '3600')}",
                    f"--cull-every={env.get('DXKIT_CULL_EVERY', '300')}"],
        "environment": {"DXKIT_HUB_MARKER": env.get("DXKIT_HUB_MARKER", "")},
    },
]
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "access:services!service=dxkit-submit"]},
    {"name": "idle-culler", "services": ["idle-culler"],
     "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]},
]
