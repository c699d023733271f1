// When an htmx request fails (an expired form, a refused value), say so in the page's
// live region instead of failing silently; the form still works without JavaScript.
document.addEventListener("htmx:responseError", function (event) {
  var status = document.getElementById("status");
  if (status) {
    // The words come from the page, in its language (data-expired, data-failed).
    status.textContent = event.detail.xhr.status === 403
      ? status.dataset.expired
      : status.dataset.failed.replace("{status}", String(event.detail.xhr.status));
  }
});

// --- Sessions that end gently -------------------------------------------------------
// Two minutes before the idle sign-out a warning offers "Stay signed in". Whatever is
// typed in a form is kept in this tab's sessionStorage when it is submitted (or when
// the session ends), so a form posted after expiry comes back, after signing in, with
// its text. The draft never leaves the browser and is deleted once restored.
(function () {
  var KEY = "kapj-draft";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds") || "0", 10);
  var prefix = body.getAttribute("data-prefix") || "/clinic";

  function fieldsOf(root) {
    var out = {};
    root.querySelectorAll("textarea[id], input[id]:not([type=hidden]):not([type=password])" +
      ":not([type=checkbox]):not([type=radio]):not([type=search])").forEach(function (el) {
      if (el.value) { out[el.id] = el.value; }
    });
    return out;
  }
  function save(fields, pending) {
    if (Object.keys(fields).length === 0) { return; }
    var page = location.pathname + location.search.replace(/[?&](acknowledged|scheduled|moved)=[^&]*/g, "");
    sessionStorage.setItem(KEY, JSON.stringify({ page: page, fields: fields, pending: pending }));
  }
  function load() {
    try { return JSON.parse(sessionStorage.getItem(KEY) || "null"); } catch (e) { return null; }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.closest && form.closest("form.signout")) { return; }
    if (form.action && form.action.indexOf("/login") !== -1) { return; }
    save(fieldsOf(form), false);
  });

  var draft = load();
  var next = document.getElementById("next");
  if (next) {
    // The sign-in page: a draft made before the session ended says where to return.
    if (draft && new URLSearchParams(location.search).get("ended") === "1") {
      draft.pending = true;
      sessionStorage.setItem(KEY, JSON.stringify(draft));
      if (!next.value) { next.value = draft.page; }
    }
  } else if (draft) {
    if (draft.pending && draft.page.split("?")[0] === location.pathname) {
      var restored = false;
      Object.keys(draft.fields).forEach(function (id) {
        var el = document.getElementById(id);
        if (el && el.value !== draft.fields[id]) { el.value = draft.fields[id]; restored = true; }
      });
      var notice = document.getElementById("draft-notice");
      if (restored && notice) { notice.hidden = false; }
    }
    if (!draft.pending || draft.page.split("?")[0] === location.pathname) {
      sessionStorage.removeItem(KEY);
    }
  }

  if (!idle) { return; }
  var warning = document.getElementById("idle-warning");
  var warnTimer, endTimer;
  function arm() {
    clearTimeout(warnTimer); clearTimeout(endTimer);
    warnTimer = setTimeout(function () {
      if (warning) { warning.hidden = false; document.getElementById("stay-signed-in").focus(); }
    }, Math.max(0, idle - 120) * 1000);
    endTimer = setTimeout(function () {
      save(fieldsOf(document), true);
      var here = location.pathname + location.search;
      location.assign(prefix + "/login?ended=1&next=" + encodeURIComponent(here));
    }, idle * 1000);
  }
  var stay = document.getElementById("stay-signed-in");
  if (stay) {
    stay.addEventListener("click", function () {
      fetch(prefix + "/session/renew", { credentials: "same-origin" }).then(function (r) {
        if (r.ok) { warning.hidden = true; arm(); }
        else { location.assign(prefix + "/login?ended=1"); }
      });
    });
  }
  document.addEventListener("htmx:afterRequest", arm);  // each request renews the session
  arm();
})();

// --- Confirmation before destructive actions, and the Print button ------------------
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) { event.preventDefault(); event.stopImmediatePropagation(); }
}, true);
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) { window.print(); }
});
