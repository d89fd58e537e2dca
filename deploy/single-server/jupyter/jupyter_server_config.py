"""Site-wide Jupyter Server settings for hub users (single server and the learner image).

Found through JUPYTER_CONFIG_PATH; the Japanese UI and "no news" come from dxkit.lab's shared layer.
"""

import os

c = get_config()  # noqa: F821

# A kernel left behind by a closed tab is shut down after this many idle seconds (the hub's idle
# culler stops whole servers; this returns a still-running server's memory).
timeout = int(os.environ.get("DXKIT_KERNEL_CULL_TIMEOUT", "1200"))
c.MappingKernelManager.cull_idle_timeout = timeout
c.MappingKernelManager.cull_interval = max(1, min(300, timeout // 2))
