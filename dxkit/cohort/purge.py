"""終わった受講者グループの個人データを消します。

消すもの: 成績簿の学習者と提出、submitted/・autograded/・feedback/、exchange に届いた提出、
``cohort/``（名簿・状態・原本の写し・書き出し・レポート）。課題の配布元（exercises/）と nbgrader の設定は残します。
講師が自分で用意した提出フォルダー（メールの保存先など）は dxkit の外にあるので、手で消してください。
"""

from __future__ import annotations

import shutil
from pathlib import Path

from dxkit.errors import DxkitError


def purge(course, yes: bool = False) -> list[str]:
    """個人データを消し、消したものの一覧を返します。``yes=True`` でなければ何も消しません。"""
    targets = [course.root / d for d in ("submitted", "autograded", "feedback")] + [course.cohort_dir]
    try:
        inbound = Path(course.config.Exchange.root) / course.course_id / "inbound"
        targets.append(inbound)
    except AttributeError:
        pass
    with course.gradebook() as gb:
        students = [s.id for s in gb.students]
    planned = [f"成績簿の学習者 {len(students)} 人と、その提出・得点"] + [str(t) for t in targets if t.exists()]
    if not yes:
        raise DxkitError("次のものを消します。よければ --yes をつけてもう一度実行してください:\n  " + "\n  ".join(planned))
    with course.gradebook() as gb:
        for sid in students:
            gb.remove_student(sid)
    for t in targets:
        if t.exists():
            shutil.rmtree(t)
    return planned
