"""An instructor's course: ~/.jupyter/nbgrader_config.py of the instructor (one file per instructor).

One course per cohort (e.g. dxkit-2025a, dxkit-2025b); the course id must match the hub groups
formgrade-<course> / nbgrader-<course>. Tested in this form by tests/test_hub.py.
"""

import os

c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "dxkit-2025a"
c.CourseDirectory.root = os.path.expanduser("~/courses/dxkit-2025a")
# The source notebooks (with solutions and hidden tests) live ONLY in the instructor's home:
# ~/courses/dxkit-2025a/source/<assignment>/ (from the instructor bundle or a git clone of the
# repository's exercises/). Never put exercises/ in the learner image.
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "_work"]

# Japanese stubs in what learners receive (the same as grading/nbgrader_config.py)
c.ClearSolutions.code_stub = {"python": "# ここに解答を書きます (YOUR CODE HERE)\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "ここに解答を書いてください。(YOUR ANSWER HERE)"
c.ExecutePreprocessor.timeout = 60

# Feedback must not show hidden tests. nbgrader's stock feedback HTML contains the hidden-test code
# (and a failing hidden test's traceback quotes it, expected values included). dxkit's HideHiddenTests
# (nbgrader's ClearHiddenTests plus short Japanese reasons instead of tracebacks) is the same preprocessor
# `dxkit cohort feedback` uses; dxkit is installed in the image.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from dxkit.cohort.preprocessors import HideHiddenTests  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
c.HideHiddenTests.enforce_metadata = False
