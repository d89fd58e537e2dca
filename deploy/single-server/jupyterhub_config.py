"""JupyterHub for one server (a prefecture's or a town's training server): /etc/jupyterhub/jupyterhub_config.py

NOT VERIFIED AS A WHOLE here (it needs system users and a TLS certificate); the parts it shares with
deploy/local-hub/jupyterhub_config.py (groups for nbgrader, server token scopes, the exchange) are
exercised by tests/test_hub.py. See deploy/OPERATIONS.md.

Learners are isolated from each other: every learner is a Linux system user (LocalProcessSpawner +
PAM, or SystemdSpawner for memory/CPU limits), so learners cannot read each other's files.
Never use SimpleLocalProcessSpawner for real learners (it runs everyone as one OS user).
"""

c = get_config()  # noqa: F821

COURSE = "dxkit-2025a"                      # one nbgrader course per cohort (see OPERATIONS.md)
INSTRUCTORS = {"sensei01"}
LEARNERS_FILE = "/etc/jupyterhub/learners.txt"   # one Linux user name per line

# --- network: behind the organisation's TLS terminator or with our own certificate -------------
c.JupyterHub.bind_url = "https://0.0.0.0:443"
c.JupyterHub.ssl_cert = "/etc/jupyterhub/tls/server.crt"
c.JupyterHub.ssl_key = "/etc/jupyterhub/tls/server.key"
c.JupyterHub.db_url = "sqlite:////var/lib/jupyterhub/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "/var/lib/jupyterhub/jupyterhub_cookie_secret"
c.ConfigurableHTTPProxy.command = ["/opt/dxkit/node_modules/.bin/configurable-http-proxy"]

# --- users: Linux system users (PAM), the instructor is not a hub admin ----------------------
c.JupyterHub.authenticator_class = "pam"
try:
    with open(LEARNERS_FILE, encoding="utf-8") as f:
        learners = {line.strip() for line in f if line.strip() and not line.startswith("#")}
except FileNotFoundError:
    learners = set()
c.Authenticator.allowed_users = learners | INSTRUCTORS
c.Authenticator.admin_users = {"hubadmin"}           # the server operator, not the instructor

# nbgrader reads course membership from hub groups (JupyterHubAuthPlugin):
#   formgrade-<course> = instructors, nbgrader-<course> = learners
c.JupyterHub.load_groups = {
    f"formgrade-{COURSE}": {"users": sorted(INSTRUCTORS)},
    f"nbgrader-{COURSE}": {"users": sorted(learners)},
}

# --- single-user servers: each learner as their own Linux user --------------------------------
c.JupyterHub.spawner_class = "localprocess"          # or "systemdspawner.SystemdSpawner" for limits
c.Spawner.cmd = ["/opt/dxkit/venv/bin/jupyterhub-singleuser"]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {"DXKIT_HOME": "~/.dxkit", "MPLBACKEND": "Agg"}
c.Spawner.args = [
    "--LabApp.news_url=None",
    "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    "--LabApp.extension_manager=readonly",
]
# nbgrader asks the hub which courses (groups) the server's owner belongs to
c.Spawner.server_token_scopes = [
    "users:activity!user",
    "access:servers!server",
    "read:users:groups!user",
    "read:users:name!user",
]
# Stop idle servers (and their kernels) so memory returns to the pool: see benchmarks/hub.py
# jupyterhub-idle-culler is a separate package (pip install jupyterhub-idle-culler); not verified here.
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": ["/opt/dxkit/venv/bin/python", "-m", "jupyterhub_idle_culler", "--timeout=3600"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
