// Kefu web chat widget: the one script tag a company puts on its site, e.g.
//   <script src="https://kefu.example.cn/static/kefu/chat-widget.js" data-department="service" async></script>
// It adds a button and, when opened, Kefu's chat page in an iframe (full screen on phones).
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__kefuChat) return;
  window.__kefuChat = true;
  var base = new URL(script.src, location.href).origin;
  var department = script.getAttribute("data-department") || "";
  var label = script.getAttribute("data-label") || "在线客服";

  var button = document.createElement("button");
  button.type = "button";
  button.textContent = label;
  button.setAttribute("aria-label", label);
  button.setAttribute("data-kefu-chat", "open");
  Object.assign(button.style, {
    position: "fixed", right: "16px", bottom: "16px", zIndex: "2147483000", padding: "12px 18px",
    border: "0", borderRadius: "24px", background: "#1a73e8", color: "#fff", fontSize: "16px",
    boxShadow: "0 2px 8px rgba(0,0,0,.25)", cursor: "pointer",
  });

  var frame = null;
  function phone() { return window.innerWidth < 520; }
  function place() {
    if (!frame) return;
    if (phone()) {
      Object.assign(frame.style, { left: "0", top: "0", right: "0", bottom: "0", width: "100%", height: "100%",
                                   borderRadius: "0" });
    } else {
      Object.assign(frame.style, { left: "auto", top: "auto", right: "16px", bottom: "76px", width: "380px",
                                   height: "min(600px, calc(100vh - 100px))", borderRadius: "12px" });
    }
  }
  function open() {
    if (!frame) {
      frame = document.createElement("iframe");
      frame.src = base + "/chat/embed/?department=" + encodeURIComponent(department);
      frame.title = label;
      frame.setAttribute("data-kefu-chat", "frame");
      Object.assign(frame.style, { position: "fixed", zIndex: "2147483001", border: "0", background: "#fff",
                                   boxShadow: "0 4px 24px rgba(0,0,0,.3)" });
      document.body.appendChild(frame);
      place();
    }
    frame.style.display = "block";
    if (phone()) button.style.display = "none";
  }
  function close() {
    if (frame) frame.style.display = "none";
    button.style.display = "block";
  }
  button.addEventListener("click", function () {
    if (frame && frame.style.display !== "none") close(); else open();
  });
  window.addEventListener("resize", place);
  window.addEventListener("message", function (event) {
    if (event.origin === base && event.data === "kefu-chat:close") close();
  });
  function mount() { document.body.appendChild(button); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
