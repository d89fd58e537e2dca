"""選択式の小テスト（クイズ）です。採点は ``Quiz``（ブラウザなしで動く純粋なクラス）が行い、
ipywidgets のボタン画面（``Quiz.widget()``）はその薄い見た目です。

    from dxkit.quiz import Question, Quiz

    quiz = Quiz([
        Question("q1", "このメールは安全ですか？", ["安全", "フィッシング"], answer="フィッシング",
                 explanation="差出人のドメインが役所のものではありません。"),
    ], quiz_id="04/02/quiz")
    quiz.widget()          # ノートブックではボタンで答えます
    quiz.answer("q1", 1)   # コードからも答えられます（番号は 0 から）

答えるたびに、その場で日本語の講評を返し、得点を数え、``dxkit.check.record(問題ID, 正誤)`` で
進捗に記録します。同じ問題に何度答えても、得点に数えるのは最初の答えだけです。
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from dxkit.errors import DxkitError

__all__ = ["Feedback", "Question", "Quiz"]


@dataclass(frozen=True)
class Question:
    """1 問です。``answer`` は正しい選択肢の番号（0 から）か、選択肢の文字列です。"""

    id: str
    text: str
    choices: tuple[str, ...]
    answer: int | str
    explanation: str = ""

    def __post_init__(self):
        object.__setattr__(self, "choices", tuple(str(c) for c in self.choices))
        if len(self.choices) < 2:
            raise DxkitError(f"問題「{self.id}」: 選択肢は 2 つ以上にしてください。")
        if len(set(self.choices)) != len(self.choices):
            raise DxkitError(f"問題「{self.id}」: 同じ選択肢が重なっています。")
        if isinstance(self.answer, str):
            if self.answer not in self.choices:
                raise DxkitError(f"問題「{self.id}」: 正解「{self.answer}」が選択肢にありません。")
            object.__setattr__(self, "answer", self.choices.index(self.answer))
        elif isinstance(self.answer, bool) or not isinstance(self.answer, int) or not 0 <= self.answer < len(self.choices):
            raise DxkitError(f"問題「{self.id}」: 正解は選択肢の番号（0〜{len(self.choices) - 1}）か文字列で指定してください。")

    @property
    def correct_choice(self) -> str:
        return self.choices[self.answer]

    @classmethod
    def from_mapping(cls, data: Mapping) -> Question:
        """``{"id", "text", "choices", "answer", "explanation"}``（日本語の「問題」「選択肢」「正解」「解説」も可）から作ります。"""
        def get(*keys, default=None):
            for k in keys:
                if k in data:
                    return data[k]
            if default is None:
                raise DxkitError(f"問題の辞書に {keys[0]}（{keys[-1]}）がありません。")
            return default

        return cls(str(get("id", "ID")), str(get("text", "問題")), tuple(get("choices", "選択肢")),
                   get("answer", "正解"), str(get("explanation", "解説", default="")))


@dataclass(frozen=True)
class Feedback:
    """1 回の答えへの講評です。``counted`` は得点に数えた（その問題への最初の答え）なら True です。"""

    question_id: str
    chosen: int
    correct: bool
    message: str
    explanation: str
    counted: bool

    def __str__(self) -> str:
        return self.message + (f"\n{self.explanation}" if self.explanation else "")


class Quiz:
    """選択式クイズの採点役です（画面を持たないので、テストから直接使えます）。

    ``quiz_id`` をつけると、各問題の結果を ``<quiz_id>/<問題ID>`` という ID で進捗に記録します。
    ``recorder`` は記録に使う関数で、既定は ``dxkit.check.record`` です（``None`` なら記録しません）。
    """

    def __init__(self, questions: Iterable[Question | Mapping], quiz_id: str = "",
                 recorder: Callable[[str, bool], None] | None | str = "default"):
        self.questions: list[Question] = [q if isinstance(q, Question) else Question.from_mapping(q) for q in questions]
        if not self.questions:
            raise DxkitError("クイズには 1 問以上の問題が必要です。")
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise DxkitError("クイズの問題 ID が重なっています。")
        self.quiz_id = quiz_id
        if recorder == "default":
            from dxkit.check import record

            recorder = record
        self._recorder = recorder
        self._first: dict[str, bool] = {}   # question id -> correctness of the first answer
        self.history: list[Feedback] = []

    # ------------------------------------------------------------------ grading
    def _question(self, key: str | int) -> Question:
        if isinstance(key, int) and not isinstance(key, bool):
            if not 0 <= key < len(self.questions):
                raise DxkitError(f"問題の番号は 0〜{len(self.questions) - 1} です。")
            return self.questions[key]
        for q in self.questions:
            if q.id == key:
                return q
        raise DxkitError(f"問題「{key}」はこのクイズにありません。")

    def item_id(self, question: Question) -> str:
        """進捗に記録するときの ID です。"""
        return f"{self.quiz_id}/{question.id}" if self.quiz_id else question.id

    def answer(self, question: str | int, choice: int | str) -> Feedback:
        """問題（ID か番号）に選択肢（番号か文字列）で答え、講評を返します。"""
        q = self._question(question)
        if isinstance(choice, str):
            if choice not in q.choices:
                raise DxkitError(f"「{choice}」は問題「{q.id}」の選択肢にありません。")
            choice = q.choices.index(choice)
        if isinstance(choice, bool) or not isinstance(choice, int) or not 0 <= choice < len(q.choices):
            raise DxkitError(f"選択肢の番号は 0〜{len(q.choices) - 1} です。")
        correct = choice == q.answer
        counted = q.id not in self._first
        if counted:
            self._first[q.id] = correct
        if correct:
            message = "⭕ 正解です。"
        else:
            message = f"❌ 不正解です。正解は「{q.correct_choice}」です。"
        if not counted:
            message += "（2 回目以降の答えは得点に数えません）"
        fb = Feedback(q.id, choice, correct, message, q.explanation, counted)
        self.history.append(fb)
        if self._recorder is not None:
            self._recorder(self.item_id(q), correct)
        return fb

    @property
    def score(self) -> int:
        """最初の答えが正解だった問題の数です。"""
        return sum(self._first.values())

    @property
    def answered(self) -> int:
        return len(self._first)

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def finished(self) -> bool:
        return self.answered == self.total

    def score_text(self) -> str:
        """「得点: 2 / 5（回答済み 3 問）」のような文です。"""
        text = f"得点: {self.score} / {self.total}（回答済み {self.answered} 問）"
        if self.finished:
            text += " — 全問に答えました。" + ("満点です！" if self.score == self.total else "間違えた問題の解説を読み直しましょう。")
        return text

    def results(self) -> list[dict]:
        """問題ごとの結果（ID、正解、最初の答えの正誤）のリストです。"""
        return [{"問題": q.id, "正解": q.correct_choice,
                 "結果": {True: "正解", False: "不正解", None: "未回答"}[self._first.get(q.id)]} for q in self.questions]

    def reset(self) -> None:
        """得点と履歴を消して、最初からやり直します（進捗の記録は消えません）。"""
        self._first.clear()
        self.history.clear()

    def __repr__(self) -> str:
        return f"Quiz({self.total} 問、{self.score_text()})"

    # ------------------------------------------------------------------ view
    def widget(self):
        """ipywidgets のボタンで答える画面を返します（ノートブックのセルの最後に置くと表示されます）。"""
        import ipywidgets as w

        score = w.HTML(value=html.escape(self.score_text()))
        boxes = []
        for i, q in enumerate(self.questions):
            feedback = w.HTML(value="")
            buttons = []
            for j, choice in enumerate(q.choices):
                button = w.Button(description=choice, layout=w.Layout(width="auto"), tooltip=choice)

                def on_click(_b, q=q, j=j, feedback=feedback, buttons=buttons):
                    fb = self.answer(q.id, j)
                    color = "#1a7f37" if fb.correct else "#b42318"
                    feedback.value = (f"<div style='color:{color}'><b>{html.escape(fb.message)}</b></div>"
                                      + (f"<div>{html.escape(fb.explanation)}</div>" if fb.explanation else ""))
                    for k, b in enumerate(buttons):
                        b.button_style = "success" if k == q.answer else ("danger" if k == j else "")
                    score.value = html.escape(self.score_text())

                button.on_click(on_click)
                buttons.append(button)
            title = w.HTML(value=f"<b>問 {i + 1}.</b> {html.escape(q.text).replace(chr(10), '<br>')}")
            boxes.append(w.VBox([title, w.HBox(buttons), feedback]))
        return w.VBox(boxes + [score])


def quiz_from_records(records: Sequence[Mapping], quiz_id: str = "", **kw) -> Quiz:
    """辞書のリスト（``Question.from_mapping`` の形）からクイズを作ります。"""
    return Quiz([Question.from_mapping(r) for r in records], quiz_id=quiz_id, **kw)


__all__.append("quiz_from_records")
