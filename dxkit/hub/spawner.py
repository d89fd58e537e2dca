"""Per-learner resource limits for JupyterHub's LocalProcessSpawner (one Linux user per learner).

    c.JupyterHub.spawner_class = "dxkit.hub.spawner.LimitedLocalProcessSpawner"
    c.Spawner.mem_limit = "2G"                          # RLIMIT_AS of every process of the server
    c.LimitedLocalProcessSpawner.max_processes = 256     # RLIMIT_NPROC of the learner's Linux user
    c.LimitedLocalProcessSpawner.exempt_users = {"sensei01"}   # e.g. instructors, who autograde

The limits are set (soft = hard) in the child just before it becomes the learner's user, so the
learner cannot raise them again; the server's kernels inherit them. RLIMIT_AS limits each process,
not the learner's total: for a hard total per learner use SystemdSpawner (cgroups) on a host whose
PID 1 is systemd (see deploy/OPERATIONS.md).
"""

from __future__ import annotations

import resource

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Integer, Set, Unicode


def apply_limits(limits: list[tuple[int, int]]) -> None:
    for which, value in limits:
        resource.setrlimit(which, (value, value))


class LimitedLocalProcessSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that applies ``mem_limit`` (RLIMIT_AS) and ``max_processes`` (RLIMIT_NPROC)."""

    max_processes = Integer(256, help="RLIMIT_NPROC for the learner's user (processes and threads); 0: none").tag(
        config=True)

    exempt_users = Set(Unicode(), help="Users whose servers get no limits (instructors: autograding).").tag(config=True)

    def rlimits(self) -> list[tuple[int, int]]:
        if self.user.name in self.exempt_users:
            return []
        limits = []
        if self.mem_limit:
            limits.append((resource.RLIMIT_AS, int(self.mem_limit)))
        if self.max_processes:
            limits.append((resource.RLIMIT_NPROC, int(self.max_processes)))
        return limits

    def make_preexec_fn(self, name):
        become_user = super().make_preexec_fn(name)
        limits = self.rlimits()

        def preexec():
            apply_limits(limits)
            become_user()

        return preexec
