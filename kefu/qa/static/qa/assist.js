// 实时辅助: checks the reply draft as the agent types (POST /api/v1/qa/check, which writes nothing),
// underlines the words in a preview under the box, suggests a standard phrase, and records a reply
// sent anyway (POST /api/v1/qa/assist/overrides). Never blocks sending.
(function () {
  const box = document.getElementById("qa-assist");
  const form = document.getElementById("reply-form");
  if (!box || !form) return;
  const area = form.querySelector("textarea[name=body]");
  if (!area) return;
  area.insertAdjacentElement("afterend", box);
  const labels = JSON.parse(document.getElementById("qa-assist-labels").textContent);
  const preview = box.querySelector("[data-role=preview]");
  const list = box.querySelector("[data-role=list]");
  let headers = {"Content-Type": "application/json"};
  try { Object.assign(headers, JSON.parse(document.body.getAttribute("hx-headers") || "{}")); } catch (e) { /* no token */ }
  let current = [], timer = null, seq = 0;

  function isReply() {
    const kind = form.querySelector("input[name=kind]:checked");
    return !kind || kind.value === "reply";
  }
  function esc(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }
  function render(text, findings) {
    current = findings;
    if (!findings.length) { box.hidden = true; list.innerHTML = ""; preview.innerHTML = ""; return; }
    const marks = findings.filter(f => f.end > f.start).sort((a, b) => a.start - b.start);
    let html = "", at = 0;
    for (const f of marks) {
      if (f.start < at) continue;
      html += esc(text.slice(at, f.start)) + '<u class="qa-under sev-' + esc(f.severity) + '" title="' + esc(f.message) + '">' +
        esc(text.slice(f.start, f.end)) + "</u>";
      at = f.end;
    }
    preview.innerHTML = html + esc(text.slice(at));
    list.innerHTML = "";
    findings.forEach(function (f, i) {
      const li = document.createElement("li");
      li.className = "sev-" + f.severity;
      li.innerHTML = "<b>" + esc(f.rule) + "</b> " + esc(f.message) +
        (f.suggestion ? '<div class="qa-suggest">' + esc(labels.suggest) + "：" + esc(f.suggestion) +
          ' <button type="button" class="link" data-use="' + i + '">' + esc(labels.use) + "</button></div>" : "");
      list.appendChild(li);
    });
    box.hidden = false;
  }
  function check() {
    if (!isReply() || !area.value.trim()) { render("", []); return; }
    const text = area.value, mine = ++seq;
    fetch(box.dataset.checkUrl, {method: "POST", headers: headers, credentials: "same-origin",
      body: JSON.stringify({role: "agent", text: text, ticket: box.dataset.ticket})})
      .then(r => r.ok ? r.json() : {findings: []})
      .then(data => { if (mine === seq && area.value === text) render(text, data.findings || []); })
      .catch(() => {});
  }
  area.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 250); });
  form.addEventListener("change", function (e) { if (e.target.name === "kind") check(); });
  list.addEventListener("click", function (e) {
    const button = e.target.closest("[data-use]");
    if (!button) return;
    const f = current[Number(button.dataset.use)];
    if (f.category === "impolite_address") area.value = f.suggestion;
    else area.value = area.value.slice(0, f.start) + f.suggestion + area.value.slice(f.end);
    area.focus();
    check();
  });
  form.addEventListener("submit", function () {
    if (!isReply() || !current.length) return;
    // Sent anyway: allowed, and recorded for the inspector (keepalive survives the page change).
    fetch(box.dataset.overrideUrl, {method: "POST", headers: headers, credentials: "same-origin", keepalive: true,
      body: JSON.stringify({text: area.value, ticket: box.dataset.ticket, rules: current.map(f => f.rule)})});
  });
})();
