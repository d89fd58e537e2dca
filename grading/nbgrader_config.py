"""nbgrader course configuration for dxkit.

Run nbgrader from this folder (``cd grading``): the assignments' source is the
repository's ``exercises/`` folder itself, so nothing is copied and exercises/
stays the one source of truth. Everything nbgrader generates here (release/,
submitted/, autograded/, feedback/, exchange/, gradebook.db) is git-ignored.
"""

from pathlib import Path

c = get_config()  # noqa: F821  (provided by traitlets when this file is loaded)

HERE = Path(__file__).resolve().parent

c.CourseDirectory.course_id = "dxkit"
c.CourseDirectory.root = str(HERE)
# An absolute path: os.path.join(root, source_directory, ...) then resolves to exercises/<assignment>.
c.CourseDirectory.source_directory = str(HERE.parent / "exercises")
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "_work"]

# A writable exchange inside the course by default (nbgrader's default /srv/nbgrader/exchange
# needs root). On a shared JupyterHub, point this at the shared exchange instead.
c.Exchange.root = str(HERE / "exchange")

# Japanese stubs in what learners receive.
c.ClearSolutions.code_stub = {"python": "# ここに解答を書きます (YOUR CODE HERE)\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ここに解答を書いてください。(YOUR ANSWER HERE)"

# A cell of the learner's may run this long before it is interrupted and marked failed.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
