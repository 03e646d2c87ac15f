// Workspace behaviours with no inline script (the CSP allows only files): the phone menu, dismissible
// banners and copy buttons. Inbox selection and shortcuts live in inbox.js.
(function () {
  "use strict";
  const DISMISSED = "kefu.dismissed-banners";

  function dismissed() {
    try { return JSON.parse(localStorage.getItem(DISMISSED) || "[]"); } catch (e) { return []; }
  }

  function hideDismissedBanners() {
    const keys = dismissed();
    document.querySelectorAll("[data-dismiss-key]").forEach(function (banner) {
      if (keys.indexOf(banner.dataset.dismissKey) >= 0) banner.hidden = true;
    });
  }

  document.addEventListener("click", function (event) {
    const toggle = event.target.closest(".nav-toggle");
    if (toggle) {
      const open = document.body.classList.toggle("nav-open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      return;
    }
    const close = event.target.closest(".banner-close");
    if (close) {
      const banner = close.closest("[data-dismiss-key]");
      const keys = dismissed();
      keys.push(banner.dataset.dismissKey);
      try { localStorage.setItem(DISMISSED, JSON.stringify(keys.slice(-50))); } catch (e) { /* private mode */ }
      banner.hidden = true;
      return;
    }
    const copy = event.target.closest("[data-copy-target]");
    if (copy) {
      const source = document.getElementById(copy.dataset.copyTarget);
      const text = source.value || source.textContent;
      const done = function () { copy.textContent = copy.dataset.copied || "✔"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
      } else {  // plain http on an intranet: the clipboard API is not offered
        source.select && source.select();
        document.execCommand("copy");
        done();
      }
      return;
    }
    if (document.body.classList.contains("nav-open") && !event.target.closest(".sidebar")) {
      document.body.classList.remove("nav-open");
    }
  });

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", hideDismissedBanners);
  else hideDismissedBanners();
})();
