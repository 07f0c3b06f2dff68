/*
 * sopsite self-assessment: turns the generated question blocks into a quiz.
 *
 * The page works without this script (options are listed, answers fold away in details
 * blocks). With it, each question gets inputs, a Check button, feedback, the explanation
 * and the steps to re-read opened after answering, and a running score. The score counts
 * first attempts only: a trainee may retry for practice, and a retry that comes out right is
 * shown as such, but a full score cannot be reached by trying every option in turn. It runs again after every page change of
 * Material's instant navigation (document$), so it needs no reload and no network.
 */
(function () {
  "use strict";

  function sameList(a, b) {
    return a.length === b.length && a.every(function (item, i) { return item === b[i]; });
  }

  function sameSet(a, b) {
    return sameList(a.slice().sort(), b.slice().sort());
  }

  function chosen(question, kind, items) {
    if (kind === "ordering") {
      var positions = items.map(function (li) {
        return { key: li.dataset.option, at: parseInt(li.querySelector("select").value, 10) };
      });
      var numbers = positions.map(function (p) { return p.at; });
      if (numbers.some(isNaN) || new Set(numbers).size !== numbers.length) return [];
      positions.sort(function (x, y) { return x.at - y.at; });
      return positions.map(function (p) { return p.key; });
    }
    return items
      .filter(function (li) { return li.querySelector("input").checked; })
      .map(function (li) { return li.dataset.option; });
  }

  function updateScore(quiz) {
    var questions = quiz.querySelectorAll(".sq-question");
    var answered = quiz.querySelectorAll(".sq-question[data-result]").length;
    var right = quiz.querySelectorAll(".sq-question[data-first='correct']").length;
    var retried = quiz.querySelectorAll(
      ".sq-question[data-first='wrong'][data-result='correct']").length;
    var score = quiz.querySelector(".sq-score");
    if (!score) return;
    score.textContent = quiz.dataset.score + ": " + right + " / " + questions.length +
      (retried ? " \u00b7 " + quiz.dataset.retried + ": " + retried : "");
    score.dataset.correct = String(right);
    score.dataset.retried = String(retried);
    score.dataset.answered = String(answered);
    score.dataset.total = String(questions.length);
  }

  function enhance(quiz) {
    if (quiz.dataset.ready === "1") return;
    quiz.dataset.ready = "1";
    quiz.querySelectorAll(".sq-question").forEach(function (question) {
      var kind = question.dataset.kind;
      var answer = JSON.parse(question.dataset.answer);
      var items = Array.prototype.slice.call(question.querySelectorAll("li[data-option]"));
      items.forEach(function (li, index) {
        var input;
        if (kind === "ordering") {
          input = document.createElement("select");
          var blank = document.createElement("option");
          blank.value = "";
          blank.textContent = quiz.dataset.position;
          input.appendChild(blank);
          for (var n = 1; n <= items.length; n++) {
            var option = document.createElement("option");
            option.value = String(n);
            option.textContent = String(n);
            input.appendChild(option);
          }
        } else {
          input = document.createElement("input");
          input.type = kind === "multiple" ? "checkbox" : "radio";
          input.name = question.id;
          input.value = li.dataset.option;
        }
        input.className = "sq-input";
        input.id = question.id + "-" + index;
        var label = document.createElement("label");
        label.htmlFor = input.id;
        while (li.firstChild) label.appendChild(li.firstChild);
        li.appendChild(input);
        li.appendChild(label);
      });
      var button = document.createElement("button");
      button.type = "button";
      button.className = "md-button sq-check";
      button.textContent = quiz.dataset.check;
      var feedback = document.createElement("p");
      feedback.className = "sq-feedback";
      feedback.setAttribute("role", "status");
      var details = question.querySelector("details");
      question.insertBefore(button, details);
      question.insertBefore(feedback, details);
      // The answer appears once the question is checked: open before, it would turn the
      // first attempt, the one the score counts, into reading the answer.
      if (details) details.hidden = true;
      button.addEventListener("click", function () {
        var picked = chosen(question, kind, items);
        if (!picked.length) {
          feedback.textContent = quiz.dataset.empty;
          return;
        }
        var right = kind === "multiple" ? sameSet(picked, answer) : sameList(picked, answer);
        var retry = question.dataset.first !== undefined;
        if (!retry) question.dataset.first = right ? "correct" : "wrong";
        question.dataset.result = right ? "correct" : "wrong";
        feedback.textContent = (right ? quiz.dataset.correct : quiz.dataset.wrong) +
          (retry ? " " + quiz.dataset.practice : "");
        if (details) {
          details.hidden = false;
          details.open = true;
        }
        updateScore(quiz);
      });
    });
  }

  function setup() {
    document.querySelectorAll(".sopsite-quiz").forEach(enhance);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setup);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
