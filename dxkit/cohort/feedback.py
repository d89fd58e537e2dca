"""学習者に返すフィードバック（HTML）を作ります。

nbgrader の GenerateFeedback をそのまま使い、プリプロセッサ ``preprocessors.HideHiddenTests`` を加えます
（JupyterHub の講師用設定と同じものです）: 隠しテストのコードを除き、失敗したテストは短い日本語の理由だけを
表示し、先頭に得点の要約を加えます。隔離せずに採点した提出（--unsafe-no-sandbox）には、その警告も載せます。
作れなかった学習者は、理由つきで報告します。
"""

from __future__ import annotations

import shutil
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from dxkit.cohort.roster import load_roster


@dataclass
class FeedbackReport:
    folder: Path
    made: list[Path] = field(default_factory=list)
    learners: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)     # learner -> why

    def lines(self) -> list[str]:
        out = [f"フィードバックを {len(self.learners)} 人分作りました（{self.folder}）。"]
        if self.failed:
            out.append(f"作れなかった人: {len(self.failed)} 人（成績簿と提出を確かめてください）")
            out += [f"  {learner}: {why}" for learner, why in sorted(self.failed.items())]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def _banner_config(banner: str | None):
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades
    from traitlets.config import Config

    from dxkit.cohort.preprocessors import HideHiddenTests

    c = Config()
    c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
    c.HideHiddenTests.enforce_metadata = False
    if banner:
        c.HideHiddenTests.banner = banner
    return c


def generate_feedback(course, assignment: str, learners: list[str] | None = None) -> FeedbackReport:
    """採点済みの学習者ごとに HTML のフィードバックを作り、``cohort/feedback/<所属自治体>/`` にも写します。"""
    from dxkit.cohort.sandbox import UNSAFE_BANNER

    status = course.load_status(assignment)
    roster = load_roster(course)
    if learners is None:
        learners = sorted(k for k, v in status.items() if v.get("graded") and not v.get("needs_review"))
    report = FeedbackReport(course.cohort_dir / "feedback" / assignment)
    apis = {}
    for learner in learners:
        unsafe = bool(status.get(learner, {}).get("unsandboxed"))
        if unsafe not in apis:
            apis[unsafe] = course.api(extra_config=_banner_config(UNSAFE_BANNER if unsafe else None))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = apis[unsafe].generate_feedback(assignment, learner)
        htmls = sorted(course.feedback_dir(learner, assignment).glob("*.html"))
        if not result["success"] or not htmls:
            lines = [ln for ln in (result.get("error") or result.get("log") or "").splitlines() if ln.strip()]
            report.failed[learner] = "nbgrader がフィードバックを作れませんでした" + (f"（{lines[-1][:160]}）" if lines else "。")
            continue
        town = roster[learner].town if learner in roster else "名簿にない学習者"
        for html in htmls:
            copy = report.folder / town / f"{learner}_{html.name}"
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(html, copy)
            report.made.append(copy)
        report.learners.append(learner)
    return report
