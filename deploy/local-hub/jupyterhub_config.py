"""A throwaway JupyterHub on 127.0.0.1 for tests, benchmarks and a first look (NOT for production).

Everything comes from environment variables set by ``hubctl.py`` (which also writes the
per-user nbgrader configuration):

- DXKIT_HUB_ROOT: a temporary folder (database, cookie secret, home/<user>/, exchange/, etc/jupyter/)
- DXKIT_HUB_PORT / DXKIT_HUB_API_PORT / DXKIT_PROXY_API_PORT: free ports on 127.0.0.1
- DXKIT_HUB_PASSWORD, DXKIT_HUB_SERVICE_TOKEN, DXKIT_HUB_USERS (instructor first, then learners)
- DXKIT_HUB_COURSE: the nbgrader course id; DXKIT_HUB_MARKER: tags every process the hub starts
- DXKIT_CHP: the configurable-http-proxy executable (installed from npm into node_modules/)

SimpleLocalProcessSpawner runs every user's server as the hub's own OS user in a folder of its
own, so learners could read each other's files: fine here, never for real learners
(see deploy/OPERATIONS.md: use system users, containers or KubeSpawner).
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821

env = os.environ
root = Path(env["DXKIT_HUB_ROOT"])
users = env["DXKIT_HUB_USERS"].split(",")
instructor, learners = users[0], users[1:]
course = env.get("DXKIT_HUB_COURSE", "dxkit")

# --- network: loopback only --------------------------------------------------------------
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = int(env["DXKIT_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env["DXKIT_HUB_API_PORT"])
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['DXKIT_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.command = [env.get("DXKIT_CHP", "configurable-http-proxy")]
c.ConfigurableHTTPProxy.pid_file = str(root / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{root / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(root / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(root / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.shutdown_on_logout = False

# --- who may log in ------------------------------------------------------------------------
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = env["DXKIT_HUB_PASSWORD"]
c.Authenticator.allowed_users = set(users)

# nbgrader's JupyterHubAuthPlugin reads course membership from hub groups:
# formgrade-<course> = instructors, nbgrader-<course> = learners.
c.JupyterHub.load_groups = {
    f"formgrade-{course}": {"users": [instructor]},
    f"nbgrader-{course}": {"users": learners},
}

# A service token for the test driver: it creates users' servers and per-user tokens.
c.JupyterHub.services = [{"name": "dxkit-driver", "api_token": env["DXKIT_HUB_SERVICE_TOKEN"]}]
c.JupyterHub.load_roles = [{
    "name": "dxkit-driver",
    "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "admin:groups"],
    "services": ["dxkit-driver"],
}]

# --- single-user servers ------------------------------------------------------------------
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(root / "home" / "{username}")
c.Spawner.cmd = [str(Path(sys.executable).with_name("jupyterhub-singleuser"))]
c.Spawner.default_url = "/lab"
# Jupyter refuses to start as root unless told to (containers, CI); without this the spawn
# only fails after the whole start timeout.
c.Spawner.args = (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []) + [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
]
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    # the site-wide nbgrader configuration (exchange, auth plugin) lives here
    "JUPYTER_CONFIG_PATH": str(root / "etc" / "jupyter"),
    "DXKIT_HUB_MARKER": env.get("DXKIT_HUB_MARKER", ""),
}
# nbgrader asks the hub which groups (courses) the server's owner belongs to.
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:groups!user",
    "read:users:name!user",
]
