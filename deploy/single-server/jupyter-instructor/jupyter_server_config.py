"""The instructor's layer on the single server: formgrader's links open inside the hub."""

from dxkit.hub.formgrader import links_under_base_url

c = get_config()  # noqa: F821
links_under_base_url()
