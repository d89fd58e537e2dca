"""dxkit.quiz: the pure grading class (tested directly) and its thin ipywidgets view."""

from __future__ import annotations

import pytest

from dxkit.errors import DxkitError
from dxkit.quiz import Question, Quiz, quiz_from_records


def questions():
    return [
        Question("q1", "差出人が city-midorino-lg.jp のメールは？", ["正規", "フィッシング"], answer="フィッシング",
                 explanation="点をハイフンに変えた偽ドメインです。"),
        Question("q2", "パスワードの定期変更は必要？", ["必要", "不要（漏えい時は変更）"], answer=1),
        Question("q3", "無害化が必要な向きは？", ["インターネット→LGWAN", "LGWAN→インターネット", "どちらも不要"], answer=0),
    ]


class Recorder:
    def __init__(self):
        self.calls = []

    def __call__(self, item_id, correct):
        self.calls.append((item_id, correct))


def test_answers_scores_and_feedback():
    rec = Recorder()
    quiz = Quiz(questions(), quiz_id="04/02/quiz", recorder=rec)
    fb = quiz.answer("q1", "フィッシング")
    assert fb.correct and fb.counted and fb.message.startswith("⭕")
    assert fb.explanation == "点をハイフンに変えた偽ドメインです。"
    fb = quiz.answer(1, 0)
    assert not fb.correct and "❌" in fb.message and "不要（漏えい時は変更）" in fb.message
    assert quiz.score == 1 and quiz.answered == 2 and quiz.total == 3 and not quiz.finished
    assert quiz.score_text() == "得点: 1 / 3（回答済み 2 問）"
    assert rec.calls == [("04/02/quiz/q1", True), ("04/02/quiz/q2", False)]


def test_only_the_first_answer_counts_but_every_answer_is_recorded():
    rec = Recorder()
    quiz = Quiz(questions(), quiz_id="x", recorder=rec)
    quiz.answer("q2", 0)
    fb = quiz.answer("q2", 1)
    assert fb.correct and not fb.counted and "得点に数えません" in fb.message
    assert quiz.score == 0
    assert rec.calls == [("x/q2", False), ("x/q2", True)]


def test_finishing_and_results():
    quiz = Quiz(questions(), recorder=None)
    for i, q in enumerate(quiz.questions):
        quiz.answer(i, q.answer)
    assert quiz.finished and quiz.score == 3 and "満点" in quiz.score_text()
    assert [r["結果"] for r in quiz.results()] == ["正解"] * 3
    quiz.reset()
    assert quiz.score == 0 and quiz.answered == 0 and quiz.results()[0]["結果"] == "未回答"


def test_default_recorder_writes_progress(tmp_path, monkeypatch):
    monkeypatch.setenv("DXKIT_HOME", str(tmp_path))
    quiz = Quiz(questions(), quiz_id="04/02/quiz")
    quiz.answer("q3", 0)
    from dxkit import progress

    assert progress.load()["items"]["04/02/quiz/q3"]["best"] == "correct"


def test_from_records_with_japanese_keys():
    quiz = quiz_from_records([{"ID": "a", "問題": "1+1?", "選択肢": ["1", "2"], "正解": "2", "解説": "たし算です。"}],
                             recorder=None)
    assert quiz.questions[0].answer == 1 and quiz.answer("a", "2").correct


@pytest.mark.parametrize("kwargs,match", [
    (dict(choices=["a"], answer=0), "2 つ以上"),
    (dict(choices=["a", "a"], answer=0), "重なって"),
    (dict(choices=["a", "b"], answer="c"), "選択肢にありません"),
    (dict(choices=["a", "b"], answer=5), "番号"),
    (dict(choices=["a", "b"], answer=True), "番号"),
])
def test_bad_questions(kwargs, match):
    with pytest.raises(DxkitError, match=match):
        Question("q", "?", **kwargs)


def test_bad_answers_and_quizzes():
    quiz = Quiz(questions(), recorder=None)
    with pytest.raises(DxkitError):
        quiz.answer("nope", 0)
    with pytest.raises(DxkitError):
        quiz.answer(9, 0)
    with pytest.raises(DxkitError):
        quiz.answer("q1", 2)
    with pytest.raises(DxkitError):
        quiz.answer("q1", "たぶん")
    with pytest.raises(DxkitError):
        Quiz([], recorder=None)
    with pytest.raises(DxkitError):
        Quiz(questions() + questions(), recorder=None)


def test_widget_is_a_thin_view_on_the_quiz():
    pytest.importorskip("ipywidgets")
    rec = Recorder()
    quiz = Quiz(questions(), quiz_id="w", recorder=rec)
    view = quiz.widget()
    first = view.children[0]
    buttons = first.children[1].children
    assert [b.description for b in buttons] == ["正規", "フィッシング"]
    buttons[1].click()                        # answer q1 through the widget
    assert quiz.score == 1 and rec.calls == [("w/q1", True)]
    assert "正解" in first.children[2].value
    assert buttons[1].button_style == "success"
    assert "得点: 1 / 3" in view.children[-1].value
    second = view.children[1].children[1].children
    second[0].click()                         # a wrong answer
    assert "不正解" in view.children[1].children[2].value and second[0].button_style == "danger"
