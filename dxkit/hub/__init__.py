"""dxkit on a JupyterHub: the pieces that run inside the hub, not in lessons.

- ``dxkit.hub.service``: the submission service (a JupyterHub service). Learners submit their
  notebooks to it with their hub token; it writes nbgrader's inbound entry as the service's own
  user, under the name the hub authenticated. Learners never write to the exchange.
- ``dxkit.hub.exchange``: nbgrader's ``ExchangeSubmit`` plugin that submits through that service
  (so the Assignments tab of JupyterLab works unchanged).
- ``dxkit.hub.spawner``: a ``LocalProcessSpawner`` that applies per-learner resource limits.

See deploy/OPERATIONS.md for how they are configured.
"""
