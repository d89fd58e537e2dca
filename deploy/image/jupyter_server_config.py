# Learner image (deploy/image/Dockerfile): JupyterLab on a closed network.
c = get_config()  # noqa: F821
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
c.LabApp.extension_manager = "readonly"
