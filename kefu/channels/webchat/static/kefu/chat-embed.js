// The visitor's side of the web chat (inside the widget's iframe, or as a page of its own).
(function () {
  "use strict";
  var root = document.getElementById("chat");
  var department = root.dataset.department || "";
  var api = "/api/v1/chat";
  var key = "kefu.chat." + department;
  var state = { session: null, token: null, seen: {}, source: null, typingTimer: null, lastTyping: 0 };
  var $ = function (id) { return document.getElementById(id); };

  function show(id) {
    ["prechat", "talk"].forEach(function (part) { $(part).hidden = part !== id; });
  }

  function addLine(line) {
    if (state.seen[line.id]) return;
    state.seen[line.id] = true;
    var item = document.createElement("div");
    item.className = "line " + line.sender;
    item.dataset.testid = "line";
    var text = document.createElement("div");
    text.className = "text";
    text.textContent = line.text;  // visitor and agent text is never HTML
    if (line.sender === "agent" && line.author) {
      var who = document.createElement("div");
      who.className = "who";
      who.textContent = line.author;
      item.appendChild(who);
    }
    item.appendChild(text);
    $("lines").appendChild(item);
    $("lines").scrollTop = $("lines").scrollHeight;
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", "X-Chat-Token": state.token || "" },
      body: body ? JSON.stringify(body) : "{}",
    });
  }

  function setState(data) {
    var text = { queued: "正在为您接通客服…", active: data.agent ? "客服 " + data.agent + " 为您服务" : "客服为您服务",
                 message: "留言模式：客服上班后会尽快回复您", closed: "会话已结束" }[data.state] || "";
    $("state").textContent = text;
    if (data.state === "closed") { $("send").disabled = true; $("text").disabled = true; }
  }

  function listen() {
    if (state.source) state.source.close();
    var url = api + "/sessions/" + state.session + "/stream?token=" + encodeURIComponent(state.token) + "&after=0";
    state.source = new EventSource(url);
    state.source.addEventListener("chat.message", function (e) { addLine(JSON.parse(e.data).line); });
    state.source.addEventListener("chat.state", function (e) { setState(JSON.parse(e.data)); });
    state.source.addEventListener("chat.typing", function (e) {
      if (JSON.parse(e.data).who !== "agent") return;
      $("typing").hidden = false;
      clearTimeout(state.typingTimer);
      state.typingTimer = setTimeout(function () { $("typing").hidden = true; }, 3000);
    });
  }

  function begin(session, token, mode) {
    state.session = session;
    state.token = token;
    sessionStorage.setItem(key, JSON.stringify({ session: session, token: token }));
    show("talk");
    $("intro").hidden = true;
    setState({ state: mode });
    listen();
    $("text").focus();
  }

  function start(event) {
    if (event) event.preventDefault();
    $("error").textContent = "";
    fetch(api + "/sessions", {
      method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ department: department, name: $("name").value, phone: $("phone").value }),
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { $("error").textContent = data.detail || "无法发起会话，请稍后再试"; return; }
        begin(data.session, data.token, root.dataset.open === "1" ? "queued" : "message");
      });
    }).catch(function () { $("error").textContent = "网络异常，请稍后再试"; });
  }

  function send(event) {
    event.preventDefault();
    var text = $("text").value.trim();
    if (!text) return;
    $("send").disabled = true;
    post(api + "/sessions/" + state.session + "/messages", { text: text }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { $("error").textContent = data.detail || "发送失败"; return; }
        $("text").value = "";
        $("error").textContent = "";
        addLine(data);
      });
    }).catch(function () { $("error").textContent = "网络异常，消息未发送"; })
      .finally(function () { $("send").disabled = false; $("text").focus(); });
  }

  function typing() {
    var now = Date.now();
    if (!state.session || now - state.lastTyping < 3000) return;
    state.lastTyping = now;
    post(api + "/sessions/" + state.session + "/typing");
  }

  function status() {
    return fetch(api + "/status?department=" + encodeURIComponent(department)).then(function (r) { return r.json(); })
      .then(function (data) {
        root.dataset.open = data.open ? "1" : "0";
        $("status").textContent = data.open ? "客服在线" : (data.reason === "hours" ? "当前非服务时间" : "暂无客服在线");
        $("status").className = "status " + (data.open ? "open" : "closed");
        $("intro").textContent = data.open ? data.greeting : data.offline_text;
        $("start").textContent = data.open ? "开始咨询" : "留言";
        return data;
      });
  }

  $("prechat").addEventListener("submit", start);
  $("talk").addEventListener("submit", send);
  $("text").addEventListener("input", typing);
  $("text").addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); $("send").click(); }
  });
  $("close").addEventListener("click", function () { window.parent.postMessage("kefu-chat:close", "*"); });

  status().then(function (data) {
    var saved = JSON.parse(sessionStorage.getItem(key) || "null");
    if (saved) { begin(saved.session, saved.token, data.open ? "queued" : "message"); return; }
    if (!data.pre_chat_form) { $("prechat").hidden = true; start(); return; }
    show("prechat");
  }).catch(function () { $("status").textContent = "暂时无法连接客服"; });
})();
