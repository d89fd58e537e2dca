"""Site-wide Jupyter Server settings on the single server (found through JUPYTER_CONFIG_PATH)."""

import os

c = get_config()  # noqa: F821

# Closed network (LGWAN): no news, no update checks, no extension installs.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"

# A kernel left behind by a closed tab is shut down after this many idle seconds (the hub's idle
# culler stops whole servers; this returns a still-running server's memory).
timeout = int(os.environ.get("DXKIT_KERNEL_CULL_TIMEOUT", "1200"))
c.MappingKernelManager.cull_idle_timeout = timeout
c.MappingKernelManager.cull_interval = max(1, min(300, timeout // 2))
