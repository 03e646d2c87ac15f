// QA conversation page: clicking a highlighted span scrolls to its finding card.
document.querySelectorAll(".qa-hit[data-findings]").forEach(function (mark) {
  mark.addEventListener("click", function () {
    var id = mark.getAttribute("data-findings").split(" ")[0];
    var target = document.getElementById(id);
    if (target) { target.scrollIntoView({behavior: "smooth", block: "center"}); target.classList.add("focus"); }
  });
});
