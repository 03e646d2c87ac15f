// Small behaviours of the workspace: phrase insertion, /shortcut expansion, customer picking.
(function () {
  function insertAtCursor(area, text) {
    const start = area.selectionStart ?? area.value.length;
    const end = area.selectionEnd ?? area.value.length;
    area.value = area.value.slice(0, start) + text + area.value.slice(end);
    area.selectionStart = area.selectionEnd = start + text.length;
    area.focus();
  }
  document.addEventListener("click", function (event) {
    const phrase = event.target.closest(".phrase");
    if (phrase) {
      const area = document.querySelector("#reply-form textarea[name=body]");
      if (area) insertAtCursor(area, phrase.dataset.text);
      const details = phrase.closest("details");
      if (details) details.open = false;
      return;
    }
    const pick = event.target.closest(".pick-customer");
    if (pick) {
      document.querySelector("[name=customer_id]").value = pick.dataset.id;
      document.getElementById("chosen-customer").textContent = "✔ " + pick.dataset.name;
      document.getElementById("lookup-results").innerHTML = "";
    }
  });
  document.addEventListener("keyup", function (event) {
    const area = event.target;
    if (!area.matches || !area.matches("#reply-form textarea[name=body]") || event.key !== " ") return;
    const data = document.getElementById("phrase-shortcuts");
    if (!data) return;
    const shortcuts = JSON.parse(data.textContent);
    const before = area.value.slice(0, area.selectionStart);
    const match = before.match(/\/([A-Za-z0-9]+) $/);
    if (match && shortcuts[match[1]]) {
      const start = before.length - match[0].length;
      area.value = area.value.slice(0, start) + shortcuts[match[1]] + area.value.slice(area.selectionStart);
      area.selectionStart = area.selectionEnd = start + shortcuts[match[1]].length;
    }
  });
})();

// Behaviours declared with data- attributes, so that pages need no inline handlers (the CSP forbids them).
(function () {
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    const target = event.target;
    if (!target.closest) return;
    if (target.matches("[data-select-on-click]")) target.select();
    if (target.closest("[data-print]")) window.print();
    if (target.closest("[data-back]")) { event.preventDefault(); history.back(); }
    const copy = target.closest("[data-copy-from]");
    if (copy && navigator.clipboard) {
      const source = document.getElementById(copy.dataset.copyFrom);
      if (source) navigator.clipboard.writeText(source.value);
    }
  });
})();
