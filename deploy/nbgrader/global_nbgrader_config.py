"""Site-wide nbgrader settings for every user of the hub: /etc/jupyter/nbgrader_config.py
(in the learner image: /opt/conda/etc/jupyter/nbgrader_config.py).

Tested in this form by tests/test_hub.py (deploy/local-hub/hubctl.py writes the same settings).
"""

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821

# The shared exchange: one folder every server mounts read-write (NFS / a Kubernetes PVC with
# ReadWriteMany). Create it once with: mkdir -p /srv/nbgrader/exchange && chmod 1777 /srv/nbgrader/exchange
c.Exchange.root = "/srv/nbgrader/exchange"
# Several courses share the exchange: keep each course's files in its own sub-folder, and fetch
# into ~/<course>/<assignment> so two courses' assignments of the same name never collide.
c.Exchange.path_includes_course = True
# Which courses a user belongs to comes from JupyterHub groups: nbgrader-<course> (learners)
# and formgrade-<course> (instructors).
c.Authenticator.plugin_class = JupyterHubAuthPlugin
