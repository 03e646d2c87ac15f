// Inbox keyboard flow and selection (no inline script: the CSP allows files only).
//   j / k   next / previous order        Enter or o   open it
//   x       select it for a bulk action   r            open it at the reply box
//   a       assign the selected orders    /            search
(function () {
  "use strict";
  let current = -1;

  function rows() { return Array.from(document.querySelectorAll("[data-inbox-row]")); }

  function focusRow(index) {
    const all = rows();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (row, i) { row.classList.toggle("kbd-focus", i === current); });
    all[current].scrollIntoView({block: "nearest"});
  }

  function focused() { return rows()[current]; }

  function updateCount() {
    const count = document.querySelectorAll("[data-select-row]:checked").length;
    const label = document.querySelector("[data-selected-count]");
    if (label) label.textContent = String(count);
    const bar = document.getElementById("bulk-form");
    if (bar) bar.classList.toggle("has-selection", count > 0);
  }

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable=true]") !== null;
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/" && !typing(event.target)) {
      const search = document.querySelector("[data-inbox-search]") || document.querySelector(".top-search input");
      if (search) { event.preventDefault(); search.focus(); search.select(); }
      return;
    }
    if (typing(event.target) || !document.querySelector("[data-inbox-row]")) return;
    const row = focused();
    switch (event.key) {
      case "j": focusRow(current + 1); break;
      case "k": focusRow(current < 0 ? 0 : current - 1); break;
      case "Enter": case "o": if (row) window.location.href = row.dataset.href; break;
      case "r": if (row) window.location.href = row.dataset.href + "#reply"; break;
      case "x": {
        if (!row) break;
        const box = row.querySelector("[data-select-row]");
        if (box) { box.checked = !box.checked; updateCount(); }
        break;
      }
      case "a": {
        if (row && !document.querySelector("[data-select-row]:checked")) {
          const box = row.querySelector("[data-select-row]");
          if (box) { box.checked = true; updateCount(); }
        }
        const action = document.querySelector("#bulk-form select[name=action]");
        if (action) { action.value = "assign"; action.dispatchEvent(new Event("change")); }
        const who = document.querySelector("#bulk-form select[name=assignee]");
        if (who) { event.preventDefault(); who.focus(); }
        break;
      }
      default: return;
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-select-all]")) {
      document.querySelectorAll("[data-select-row]").forEach(function (box) { box.checked = event.target.checked; });
    }
    if (event.target.matches("[data-select-row], [data-select-all]")) updateCount();
    if (event.target.matches("#bulk-form select[name=action]")) {
      const form = event.target.form;
      form.dataset.action = event.target.value;  // CSS shows the fields of the chosen action
    }
  });

  // htmx swaps the rows when filters change: start again from no focus.
  document.addEventListener("htmx:afterSwap", function () { current = -1; updateCount(); });
  // The order page: r puts the cursor in the reply box.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "r" || typing(event.target) || event.ctrlKey || event.metaKey) return;
    const area = document.querySelector("#reply-form textarea[name=body]");
    if (area && !document.querySelector("[data-inbox-row]")) { event.preventDefault(); area.focus(); }
  });
  // Opened with r from the inbox: the cursor in the reply box. "#reply" names no element on purpose:
  // Chromium's scroll to a fragment that names one (#reply-form) moves the focus back to the page.
  if (window.location.hash === "#reply") {
    document.addEventListener("DOMContentLoaded", function () {
      const area = document.querySelector("#reply-form textarea[name=body]");
      if (area) area.focus();
    });
  }
})();
