// Autosave for the author's editor; every button of the editor works without it.
// About two seconds after the author stops typing, the draft is saved with the version the
// page last saw. A save from another tab since then (409) stops autosaving, so this tab
// never overwrites it; the message says to reload. Its words come from the page, in the
// page's language (the status line's data-js-strings, JSON).
(function () {
  "use strict";
  var words = {};
  var DELAY = 2000;
  var form = null;
  var status = null;
  var url = "";
  var timer = null;
  var busy = false;
  var again = false;
  var stopped = false;
  var waitingSubmit = null;

  function say(text, kind) {
    status.textContent = text;
    status.className = "editor-status" + (kind ? " editor-status--" + kind : "");
  }

  function fill(template, name, value) {
    // A function, so that "$&" and the like in the value are not read as patterns.
    return template.replace("%(" + name + ")s", function () { return String(value); });
  }

  function savedAt(iso) {
    var when = new Date(iso);
    if (isNaN(when.getTime())) { return words.saved; }
    var lang = document.documentElement.lang || undefined;
    return fill(words.saved_at, "time", when.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" }));
  }

  // The draft's version sits in the editor form and in the rebase form; both follow saves.
  function setVersion(version) {
    var inputs = document.querySelectorAll("[data-draft-version]");
    for (var i = 0; i < inputs.length; i++) { inputs[i].value = version; }
  }

  // New sections get their key from their heading when saved; later saves must send it.
  function setKeys(keys) {
    var inputs = form.querySelectorAll("[data-section-key]");
    for (var i = 0; i < inputs.length && i < keys.length; i++) { inputs[i].value = keys[i]; }
  }

  function reason(result) {
    if (result.body && result.body.error && result.body.error.message) { return result.body.error.message; }
    if (result.status === 400) { return words.expired; }
    return fill(words.status, "status", result.status);
  }

  function read(response) {
    return response.json().then(
      function (body) { return { status: response.status, body: body }; },
      function () { return { status: response.status, body: null }; }
    );
  }

  function finished() {
    busy = false;
    if (waitingSubmit) {
      var button = waitingSubmit;
      waitingSubmit = null;
      if (form.requestSubmit) { form.requestSubmit(button === true ? undefined : button); } else { form.submit(); }
      return;
    }
    if (again && !stopped) { again = false; schedule(); }
  }

  function save() {
    timer = null;
    if (stopped) { return; }
    if (busy) { again = true; return; }
    busy = true;
    var data = new FormData(form);
    data.delete("op");
    say(words.saving);
    window.fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(read).then(function (result) {
      if (result.status === 200 && result.body) {
        setVersion(result.body.version);
        setKeys(result.body.keys || []);
        say(savedAt(result.body.saved_at), "ok");
      } else if (result.status === 409) {
        stopped = true;
        say(fill(words.stopped, "reason", reason(result)), "error");
      } else {
        say(fill(words.failed, "reason", reason(result)), "error");
      }
    }, function () {
      say(words.no_answer, "error");
    }).then(finished);
  }

  function schedule() {
    if (stopped) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  function onSubmit(event) {
    window.clearTimeout(timer);
    if (busy) {
      // Let the save in flight finish first, or the form would carry a stale version.
      event.preventDefault();
      waitingSubmit = event.submitter || true;
      return;
    }
    stopped = true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("editor-form");
    status = document.getElementById("editor-status");
    try { words = status ? JSON.parse(status.getAttribute("data-js-strings") || "{}") : {}; } catch (e) { words = {}; }
    if (!form || !status || !window.fetch || !window.FormData || !words.saving) { return; }
    url = form.getAttribute("data-autosave-url");
    form.addEventListener("input", schedule);
    form.addEventListener("submit", onSubmit);
  });
})();
