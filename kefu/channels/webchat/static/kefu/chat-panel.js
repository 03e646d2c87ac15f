// The agents' live chat panel: the department's queue, my chats, the open transcript, phrases, transfer,
// typing hints and a heartbeat that keeps me listed as online. Events arrive through live.js ("kefu:live").
(function () {
  "use strict";
  var panel = document.getElementById("chat-panel");
  if (!panel) return;
  var base = panel.dataset.base;  // /chat/panel/
  var csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  var T = JSON.parse(document.getElementById("chat-strings").textContent);
  var current = null;
  var seen = {};
  var unread = {};
  var typingTimer = null;
  var lastTyping = 0;
  var $ = function (id) { return document.getElementById(id); };

  function call(url, body) {
    return fetch(url, {
      method: body === undefined ? "GET" : "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (r) {
      if (r.status === 204) return {};
      return r.json().then(function (data) {
        if (!r.ok) { $("chat-error").textContent = data.detail || T.failed; throw data; }
        $("chat-error").textContent = "";
        return data;
      });
    });
  }

  function entry(s, waiting) {
    var li = document.createElement("li");
    li.dataset.session = s.session;
    li.dataset.testid = waiting ? "waiting" : "mine";
    var name = document.createElement("span");
    name.textContent = s.visitor + (s.phone ? " · " + s.phone : "");
    li.appendChild(name);
    if (unread[s.session]) {
      var dot = document.createElement("span");
      dot.className = "badge";
      dot.textContent = unread[s.session];
      li.appendChild(dot);
    }
    if (waiting) {
      var take = document.createElement("button");
      take.type = "button";
      take.className = "primary small";
      take.textContent = T.accept;
      take.dataset.testid = "accept";
      take.addEventListener("click", function (e) { e.stopPropagation(); accept(s.session); });
      li.appendChild(take);
    } else {
      li.addEventListener("click", function () { open(s.session); });
      if (current === s.session) li.className = "current";
    }
    return li;
  }

  var queueTimer = null;
  function loadQueue() {
    clearTimeout(queueTimer);
    queueTimer = setTimeout(function () {
      call(base + "queue/").then(function (data) {
        $("waiting").replaceChildren.apply($("waiting"), data.waiting.map(function (s) { return entry(s, true); }));
        $("mine").replaceChildren.apply($("mine"), data.mine.map(function (s) { return entry(s, false); }));
        $("waiting-count").textContent = String(data.waiting.length);
        var select = $("transfer-to");
        var options = [new Option(T.transfer_to, "")].concat(data.colleagues.map(function (c) { return new Option(c.name, c.id); }));
        select.replaceChildren.apply(select, options);
      });
    }, 100);
  }

  function addLine(line) {
    if (seen[line.id]) return;
    seen[line.id] = true;
    var item = document.createElement("div");
    item.className = "chat-line " + line.sender;
    item.dataset.testid = "chat-line";
    var meta = document.createElement("div");
    meta.className = "muted small";
    meta.textContent = (line.sender === "visitor" ? T.visitor : line.sender === "agent" ? (line.author || T.agent) : T.system) +
      " " + line.at.slice(11, 16);
    var text = document.createElement("div");
    text.className = "text";
    text.textContent = line.text;
    item.appendChild(meta);
    item.appendChild(text);
    $("transcript").appendChild(item);
    $("transcript").scrollTop = $("transcript").scrollHeight;
  }

  function open(session) {
    current = session;
    seen = {};
    delete unread[session];
    $("transcript").replaceChildren();
    call(base + session + "/").then(function (data) {
      $("chat-title").textContent = data.session.visitor + (data.session.phone ? " · " + data.session.phone : "");
      var link = $("chat-ticket");
      link.hidden = !data.session.ticket;
      link.href = "/tickets/" + data.session.ticket + "/";
      link.textContent = T.ticket + " " + data.session.ticket;
      data.lines.forEach(addLine);
      $("chat-main").hidden = false;
      $("reply").focus();
      loadQueue();
    });
  }

  function accept(session) {
    call(base + session + "/accept/", {}).then(function () { open(session); });
  }

  function send(event) {
    event.preventDefault();
    var text = $("reply").value.trim();
    if (!text || !current) return;
    call(base + current + "/say/", { text: text }).then(function (line) {
      $("reply").value = "";
      $("assist").replaceChildren();
      addLine(line);
    });
  }

  document.addEventListener("kefu:live", function (event) {
    var kind = event.detail.kind;
    var data = event.detail.data;
    if (kind === "chat.queue" || kind === "chat.state") {
      loadQueue();
      if (data.session === current && data.state === "closed") $("chat-state").textContent = T.ended;
    } else if (kind === "chat.message") {
      if (data.session === current) addLine(data.line);
      else if (data.line.sender === "visitor") { unread[data.session] = (unread[data.session] || 0) + 1; loadQueue(); }
    } else if (kind === "chat.typing" && data.session === current && data.who === "visitor") {
      $("chat-typing").hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { $("chat-typing").hidden = true; }, 3000);
    }
  });

  $("chat-form").addEventListener("submit", send);
  $("reply").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(e); }
  });
  var assistTimer = null;
  function assist() {
    clearTimeout(assistTimer);
    assistTimer = setTimeout(function () {
      call(base + "assist/", { text: $("reply").value, session: current }).then(function (data) {
        $("assist").replaceChildren.apply($("assist"), data.findings.map(function (f) {
          var li = document.createElement("li");
          li.className = "sev-" + f.severity;
          li.textContent = T.qa + f.message + (f.text ? "（" + f.text + "）" : "");
          return li;
        }));
      }).catch(function () {});
    }, 500);
  }
  $("reply").addEventListener("input", assist);
  $("reply").addEventListener("input", function () {
    var now = Date.now();
    if (!current || now - lastTyping < 3000) return;
    lastTyping = now;
    call(base + current + "/typing/", {}).catch(function () {});
  });
  panel.addEventListener("click", function (event) {
    var phrase = event.target.closest(".chat-phrase");
    if (phrase) { $("reply").value += phrase.dataset.text; $("reply").focus(); }
  });
  $("transfer").addEventListener("click", function () {
    var to = $("transfer-to").value;
    if (!current || !to) return;
    call(base + current + "/transfer/", { to: Number(to) }).then(function () {
      current = null;
      $("chat-main").hidden = true;
      loadQueue();
    });
  });
  $("end-chat").addEventListener("click", function () {
    if (!current) return;
    call(base + current + "/close/", {}).then(function () { $("chat-state").textContent = T.ended; loadQueue(); });
  });
  $("online").addEventListener("change", function () {
    call(base + "presence/", { online: $("online").checked });
  });
  setInterval(function () { if ($("online").checked) call(base + "presence/", { online: true }).catch(function () {}); }, 30000);
  loadQueue();
})();
