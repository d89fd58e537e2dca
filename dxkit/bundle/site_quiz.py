"""閲覧用 HTML 版のクイズと自己チェック（コードを実行できない読者のための表示）です。

- クイズ: ipywidgets のボタン（Python が動かないと空の枠になる）の代わりに、素の HTML のボタンと小さな
  スクリプト（static/site.js）で答えられるクイズにします。スクリプトが動かないブラウザでも、各問の
  「正解と解説」（``<details>``）を開けば答えを確かめられます。判定の文言は ``dxkit.quiz.Quiz.answer`` と同じです。
- 講座の自己評価（``SelfAssessment.widget()``）: 項目ごとのラジオボタンと「まとめを見る」ボタンにします
  （閲覧用の版では記録されず、その場で平均の段階を示します）。
- 自己チェック（``check()``）: 未回答・不正解の枠の下に、ノートブックで ``hint()`` / ``solution()`` を呼んだときと
  同じヒントと解答例を、開いて読む形（``<details>``）で付けます。

どちらも、閲覧用 HTML 版を作るカーネルの中だけで ``use_static_edition()`` が有効にします。
"""

from __future__ import annotations

import html

# Run in the site build's kernel before the lesson's own cells (see site_build.execute_notebook).
KERNEL_PREAMBLE = "from dxkit.bundle.site_quiz import use_static_edition as _u; _u(); del _u"


def quiz_html(quiz) -> str:
    """``dxkit.quiz.Quiz`` を、スクリプトで答えられる素の HTML にします（答えは ``<details>`` にも入ります）。"""
    e = html.escape
    parts = [f'<div class="dxkit-quiz" data-total="{quiz.total}">',
             '<p class="dxkit-quiz-how">選択肢のボタンを押すと、その場で正解かどうかと解説が出ます。'
             "（得点は記録されません。記録するには JupyterLab の教材で答えてください。）</p>"]
    for i, q in enumerate(quiz.questions, start=1):
        correct = e(q.correct_choice)
        parts.append(f'<fieldset class="dxkit-question" data-correct="{q.answer}" data-answer="{correct}">'
                     f"<legend>問 {i}</legend>"
                     f'<div class="dxkit-question-text">{e(q.text)}</div>'
                     '<div class="dxkit-choices">')
        parts += [f'<button type="button" class="dxkit-choice" data-choice="{j}">{e(c)}</button>'
                  for j, c in enumerate(q.choices)]
        parts.append('</div><p class="dxkit-feedback" role="status" aria-live="polite"></p>'
                     f"<details><summary>問 {i} の正解と解説</summary><p>正解: {correct}</p>"
                     + (f"<p>{e(q.explanation)}</p>" if q.explanation else "")
                     + "</details></fieldset>")
    parts.append(f'<p class="dxkit-score" aria-live="polite">得点: 0 / {quiz.total}（回答済み 0 問）</p></div>')
    return "".join(parts)


class StaticQuiz:
    """ノートブックに表示すると、``quiz_html`` の HTML になるクイズの表示です。"""

    def __init__(self, quiz):
        self.quiz = quiz

    def _repr_html_(self) -> str:
        return quiz_html(self.quiz)

    def __repr__(self) -> str:
        return repr(self.quiz)


def selfassess_html(assessment) -> str:
    """``dxkit.selfassess.SelfAssessment`` を、ラジオボタンで答えて平均を見られる素の HTML にします。"""
    from dxkit.selfassess import LEVELS, PHASES

    e = html.escape
    name = f"sa-{e(assessment.course_id)}-{e(assessment.phase)}"
    parts = [f'<div class="dxkit-selfassess" data-levels="{len(LEVELS)}">',
             f"<p><strong>自己評価（{e(PHASES[assessment.phase])}）</strong>: それぞれ、いまの自分に近いものを選んでください。"
             "（閲覧用の版では記録されません。記録するには JupyterLab の教材で答えてください。）</p>"]
    for n, text in enumerate(assessment.items, start=1):
        parts.append(f'<fieldset class="dxkit-selfassess-item"><legend>{n}. {e(text)}</legend>')
        parts += [f'<label><input type="radio" name="{name}-{n}" value="{i}"> {e(label)}</label>'
                  for i, label in enumerate(LEVELS, start=1)]
        parts.append("</fieldset>")
    parts.append('<button type="button" class="dxkit-selfassess-done">まとめを見る</button>'
                 '<p class="dxkit-selfassess-result" role="status" aria-live="polite"></p></div>')
    return "".join(parts)


class StaticSelfAssessment:
    """ノートブックに表示すると、``selfassess_html`` の HTML になる自己評価の表示です。"""

    def __init__(self, assessment):
        self.assessment = assessment

    def _repr_html_(self) -> str:
        return selfassess_html(self.assessment)


def check_html(result) -> str:
    """``check()`` の結果の枠に、未回答・不正解ならヒントと解答例（開いて読む形）を付けた HTML です。"""
    from dxkit.check import get_item

    box = result._repr_html_()
    if result.status not in ("unanswered", "incorrect"):
        return box
    try:
        item = get_item(result.item_id)
    except KeyError:
        return box
    e = html.escape
    parts = [box, '<p class="dxkit-self-check-note">閲覧用の版ではコードを実行できません。'
                  "答えを考えたら、ヒントと解答例で確かめてください（記録は JupyterLab の教材で）。</p>"]
    if item.hints:
        parts.append(f'<details class="dxkit-self-check"><summary>ヒントを見る（{e(item.id)}）</summary><ol>'
                     + "".join(f"<li>{e(h)}</li>" for h in item.hints) + "</ol></details>")
    if item.solution:
        parts.append('<details class="dxkit-self-check"><summary>模範解答の例を見る</summary>'
                     "<p>まず自分で考えてから開きましょう。別の書き方でも、結果が同じなら正解です。</p>"
                     f"<pre><code>{e(item.solution)}</code></pre></details>")
    return "".join(parts)


def use_static_edition() -> None:
    """この（閲覧用 HTML 版を作るための）カーネルで、クイズと自己チェックを読むだけの版の表示にします。"""
    from IPython import get_ipython

    from dxkit.quiz import Quiz
    from dxkit.selfassess import SelfAssessment

    Quiz.widget = lambda self: StaticQuiz(self)
    SelfAssessment.widget = lambda self: StaticSelfAssessment(self)
    shell = get_ipython()
    if shell is not None:
        shell.display_formatter.formatters["text/html"].for_type_by_name("dxkit.check", "CheckResult", check_html)
