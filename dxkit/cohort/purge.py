"""終わった受講者グループの個人データを消します。

消すもの: 成績簿の学習者と提出、submitted/・autograded/・feedback/（nbgrader の CourseDirectory の設定どおりの
場所）、exchange に届いた提出、``cohort/``（名簿・状態・原本の写し・書き出し・レポート）。課題の配布元と
nbgrader の設定は残します。講師が自分で用意した提出フォルダー（メールの保存先など）は dxkit の外にあるので、
手で消してください。
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dxkit.cohort import exchange


def targets(course) -> list[Path]:
    """消す対象のフォルダー（あるものだけ）です。"""
    found = [course.step_root(step) for step in ("submitted", "autograded", "feedback")] + [course.cohort_dir]
    inbound = exchange.inbound(course)
    if inbound is not None:
        found.append(inbound)
    return [t for t in dict.fromkeys(found) if t.exists()]


def purge(course, yes: bool = False) -> tuple[list[str], bool]:
    """個人データの一覧を返し、``yes=True`` のときだけ消します。(一覧, 消したか) を返します。"""
    with course.gradebook() as gb:
        students = [s.id for s in gb.students]
    folders = targets(course)
    planned = [f"成績簿の学習者 {len(students)} 人と、その提出・得点"] + [str(t) for t in folders]
    if not yes:
        return planned, False
    with course.gradebook() as gb:
        for sid in students:
            gb.remove_student(sid)
    for t in folders:
        shutil.rmtree(t)
    return planned, True
