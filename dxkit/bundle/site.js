/* dxkit static HTML edition: quizzes and full-text search, offline (no server, nothing from outside). */
(function () {
  "use strict";

  // ------------------------------------------------------------------ quizzes (dxkit.bundle.site_quiz)
  function setupQuiz(quiz) {
    var total = Number(quiz.getAttribute("data-total"));
    var first = {};  // question index -> correctness of the first answer (as dxkit.quiz.Quiz counts)
    var score = quiz.querySelector(".dxkit-score");
    var questions = quiz.querySelectorAll(".dxkit-question");
    Array.prototype.forEach.call(questions, function (q, qi) {
      var correct = Number(q.getAttribute("data-correct"));
      var feedback = q.querySelector(".dxkit-feedback");
      var buttons = q.querySelectorAll(".dxkit-choice");
      Array.prototype.forEach.call(buttons, function (b) {
        b.addEventListener("click", function () {
          var chosen = Number(b.getAttribute("data-choice"));
          var ok = chosen === correct;
          var counted = !(qi in first);
          if (counted) { first[qi] = ok; }
          var message = ok ? "⭕ 正解です。" : "❌ 不正解です。正解は「" + q.getAttribute("data-answer") + "」です。";
          if (!counted) { message += "（2 回目以降の答えは得点に数えません）"; }
          feedback.textContent = message;
          feedback.className = "dxkit-feedback " + (ok ? "is-correct" : "is-wrong");
          Array.prototype.forEach.call(buttons, function (other) {
            var k = Number(other.getAttribute("data-choice"));
            other.setAttribute("aria-pressed", k === chosen ? "true" : "false");
            other.classList.toggle("is-answer", k === correct);
            other.classList.toggle("is-chosen-wrong", k === chosen && !ok);
          });
          var details = q.querySelector("details");
          if (details) { details.open = true; }
          var answered = Object.keys(first).length;
          var points = Object.keys(first).filter(function (k) { return first[k]; }).length;
          var text = "得点: " + points + " / " + total + "（回答済み " + answered + " 問）";
          if (answered === total) {
            text += " — 全問に答えました。" + (points === total ? "満点です！" : "間違えた問題の解説を読み直しましょう。");
          }
          score.textContent = text;
        });
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".dxkit-quiz"), setupQuiz);

  // ------------------------------------------------------------------ course self-assessments
  function setupSelfAssessment(box) {
    var result = box.querySelector(".dxkit-selfassess-result");
    box.querySelector(".dxkit-selfassess-done").addEventListener("click", function () {
      var items = box.querySelectorAll(".dxkit-selfassess-item");
      var levels = [];
      for (var i = 0; i < items.length; i++) {
        var chosen = items[i].querySelector("input:checked");
        if (!chosen) {
          result.textContent = "未回答の項目があります（" + (i + 1) + " 番など）。すべてに答えてください。";
          return;
        }
        levels.push(Number(chosen.value));
      }
      var mean = levels.reduce(function (a, b) { return a + b; }, 0) / levels.length;
      result.textContent = "✅ " + levels.length + " 項目に答えました。平均は " + mean.toFixed(1) + " / " +
        box.getAttribute("data-levels") + " です（この版では記録されません）。";
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll(".dxkit-selfassess"), setupSelfAssessment);

  // ------------------------------------------------------------------ search (search.html)
  var results = document.getElementById("search-results");
  if (!results || !window.DXKIT_SEARCH) { return; }
  var status = document.getElementById("search-status");
  var input = document.getElementById("site-search-q");
  function norm(s) { return (s || "").normalize("NFKC").toLowerCase(); }
  function snippet(text, term) {
    var at = norm(text).indexOf(term);
    var start = Math.max(0, at - 40);
    return (start > 0 ? "…" : "") + text.slice(start, start + 140) + (start + 140 < text.length ? "…" : "");
  }
  function run(query) {
    var terms = norm(query).split(/\s+/).filter(Boolean);
    results.innerHTML = "";
    if (!terms.length) { status.textContent = "探すことばを入れてください。"; return; }
    var hits = window.DXKIT_SEARCH.filter(function (e) {
      var hay = norm(e.p + " " + e.h + " " + e.x);
      return terms.every(function (t) { return hay.indexOf(t) >= 0; });
    });
    status.textContent = "「" + query + "」を含む節: " + hits.length + " 件";
    hits.slice(0, 100).forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.u;
      a.textContent = e.p + (e.h && e.h !== e.p ? " ＞ " + e.h : "");
      var p = document.createElement("p");
      p.textContent = snippet(e.x, terms[0]);
      li.appendChild(a);
      li.appendChild(p);
      results.appendChild(li);
    });
  }
  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (input) { input.value = query; }
  if (query) { run(query); } else { status.textContent = "探すことばを入れて「検索」を押してください。"; }
})();
