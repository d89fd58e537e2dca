"""Lines that must never reach a learner: the inside of nbgrader's solution and hidden-test regions.

Shared by the leak checks of the grading pipeline, dxkit cohort feedback and the JupyterHub exchange test.
"""

from __future__ import annotations


def marked_lines(source: str, region: str, min_len: int = 8, skip_comments: bool = False) -> list[str]:
    """Meaningful lines between ``### BEGIN <region>`` and ``### END <region>`` (e.g. "SOLUTION", "HIDDEN TESTS")."""
    lines, inside = [], False
    for line in source.splitlines():
        if f"BEGIN {region}" in line:
            inside = True
        elif f"END {region}" in line:
            inside = False
        elif inside and len(line.strip()) > min_len and not (skip_comments and line.strip().startswith("#")):
            lines.append(line.strip())
    return lines


def hidden_lines(source: str, **kw) -> list[str]:
    return marked_lines(source, "HIDDEN TESTS", **kw)


def solution_lines(source: str, **kw) -> list[str]:
    return marked_lines(source, "SOLUTION", **kw)
