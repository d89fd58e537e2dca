"""Site-wide nbgrader settings on the single server, for learners and instructors alike.

Found through JUPYTER_CONFIG_PATH, which deploy/single-server/jupyterhub_config.py sets for every
server. The exchange's folders are prepared by setup-host.sh (OPERATIONS.md §2):

  <exchange>/<course>/           the instructor, group dxkit-graders, 2755 (outbound/, feedback/ made by nbgrader)
  <exchange>/<course>/inbound/   dxkit-submit (the submission service), group dxkit-graders, 2750

Learners can read what is released and their own feedback, and write nothing: they submit through
the dxkit submission service (dxkit/hub/service.py), which records the hub-authenticated name.
"""

import os

from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821

c.Exchange.root = os.environ.get("DXKIT_EXCHANGE_ROOT", "/srv/nbgrader/exchange")
c.Exchange.path_includes_course = True
c.Authenticator.plugin_class = JupyterHubAuthPlugin
# The administrator owns the exchange's permissions (nbgrader would otherwise demand, and try to
# make, a world-writable exchange).
c.CourseDirectory.groupshared = True
# "Submit" goes to the submission service with the learner's hub token.
c.ExchangeFactory.submit = "dxkit.hub.exchange.ExchangeSubmit"
# Every inbound entry is owned by the service's user; the name in it is the one the hub authenticated.
c.ExchangeCollect.check_owner = False
