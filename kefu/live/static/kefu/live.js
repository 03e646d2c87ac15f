// The live workspace: one server-sent event stream per page. New notifications update the badge (with
// an optional desktop notice and sound), the inbox reloads its rows, the open order reloads its thread,
// and every event is re-dispatched as a "kefu:live" DOM event for pages with their own needs (chat).
(function () {
  "use strict";
  const body = document.body;
  const base = body.dataset.liveUrl;
  if (!base || !window.EventSource) return;
  const ticketNode = document.querySelector("[data-live-ticket]");
  const ticket = ticketNode ? ticketNode.dataset.liveTicket : "";
  const prefs = {
    get desktop() { return localStorage.getItem("kefu.live.desktop") === "1"; },
    get sound() { return localStorage.getItem("kefu.live.sound") === "1"; },
  };

  function setBadge(count) {
    const bell = document.querySelector(".bell");
    if (!bell) return;
    let badge = bell.querySelector(".badge");
    if (!count) { if (badge) badge.remove(); return; }
    if (!badge) {
      badge = document.createElement("span");
      badge.className = "badge";
      badge.dataset.testid = "unread";
      bell.appendChild(badge);
    }
    badge.textContent = String(count);
  }

  let audio = null;
  function beep() {
    if (!prefs.sound) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch (e) { /* no audio device: the badge still shows it */ }
  }

  function desktop(text, url, tag) {
    if (!prefs.desktop || !("Notification" in window) || Notification.permission !== "granted") return;
    // Only when the agent looks elsewhere (another tab or application): the page itself shows it otherwise.
    if (document.visibilityState === "visible" && document.hasFocus()) return;
    const notice = new Notification("Kefu", { body: text, tag: tag || "kefu" });
    notice.onclick = function () { window.focus(); if (url) location.href = url; };
  }

  function replaceFrom(url, selector) {
    return fetch(url, { credentials: "same-origin", headers: { "X-Live": "1" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        const fresh = new DOMParser().parseFromString(html, "text/html").querySelector(selector);
        const current = document.querySelector(selector);
        if (fresh && current) current.replaceWith(fresh);
      });
  }

  let inboxTimer = null;
  function refreshInbox() {
    const rows = document.getElementById("inbox-rows");
    if (!rows || !window.htmx) return;
    clearTimeout(inboxTimer);  // a burst of changes reloads once
    inboxTimer = setTimeout(function () {
      window.htmx.ajax("GET", location.pathname + location.search, { target: "#inbox-rows" });
    }, 300);
  }

  let threadTimer = null;
  function refreshTicket() {
    clearTimeout(threadTimer);
    threadTimer = setTimeout(function () {
      replaceFrom(location.href, "[data-testid=thread]");
    }, 150);
  }

  function connect() {
    const params = new URLSearchParams({ after: body.dataset.liveAfter || "0" });
    if (ticket) params.set("ticket", ticket);
    const source = new EventSource(base + "?" + params.toString());
    source.addEventListener("notification", function (event) {
      const data = JSON.parse(event.data);
      setBadge(data.unread);
      desktop(data.text, data.url);
      beep();
    });
    source.addEventListener("chat.queue", function (event) {
      const data = JSON.parse(event.data);
      if (data.state !== "queued") return;  // a new visitor waits in this department's queue
      desktop((body.dataset.liveNewChat || "") + (data.visitor ? "：" + data.visitor : ""),
              body.dataset.liveChatUrl, "kefu-chat-" + data.session);
      beep();
    });
    source.addEventListener("ticket", function (event) {
      const data = JSON.parse(event.data);
      if (ticket && data.number === ticket) refreshTicket();
      refreshInbox();
    });
    source.onmessage = null;
    ["ticket", "notification", "chat.queue", "chat.message", "chat.typing", "chat.state"].forEach(function (kind) {
      source.addEventListener(kind, function (event) {
        document.dispatchEvent(new CustomEvent("kefu:live", { detail: { kind: kind, data: JSON.parse(event.data) } }));
      });
    });
    source.addEventListener("open", function () { body.dataset.liveState = "open"; });
    source.addEventListener("error", function () { body.dataset.liveState = "reconnecting"; });
  }

  function settings() {
    const box = document.getElementById("live-options");
    if (!box) return;
    box.querySelectorAll("input[data-pref]").forEach(function (input) {
      const key = "kefu.live." + input.dataset.pref;
      input.checked = localStorage.getItem(key) === "1";
      input.addEventListener("change", function () {
        localStorage.setItem(key, input.checked ? "1" : "0");
        if (input.checked && input.dataset.pref === "desktop" && "Notification" in window) {
          Notification.requestPermission();
        }
        if (input.checked && input.dataset.pref === "sound") beep();
      });
    });
  }

  settings();
  connect();
})();
