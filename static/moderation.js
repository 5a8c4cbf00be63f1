// Keyboard shortcuts for the moderation queue and a correction's page. Every action also
// works with a mouse and without JavaScript (each button is a plain form, each step a link).
// In the queue:
//   j / k  move the focus ring to the next / previous item
//   a      approve the focused comment (submits its form), or open the focused correction
//          at its accept step (the text of the update, ready to edit)
//   r      go to the focused comment's reject reason, or open the focused correction at its
//          reject step
//   x      select or unselect the focused comment for a bulk action
// On a correction's page:
//   a      go to the text of the update (then Tab reaches "Accept and publish")
//   r      go to the reason of the rejection
// On both:
//   ?      show the list of keys (Escape closes it; focus goes back where it was)
// Keys are ignored while typing in a field, and with Ctrl, Alt or Meta held.
(function () {
  "use strict";
  var current = null;
  // The first field of a correction page's decision forms, by the key that opens them (the
  // forms' submit buttons carry data-key). The queue links to them by id: a fragment naming
  // a field focuses it, even without this script.
  var STEPS = { a: "update_text", r: "reason" };

  function items() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-queue] > [data-item]"));
  }

  function typing(target) {
    if (!target || target.nodeType !== 1) { return false; }
    if (target.isContentEditable) { return true; }
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    var type = (target.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset"].indexOf(type) === -1;
  }

  function mark(item) {
    if (current) {
      current.classList.remove("mq-item--current");
      current.removeAttribute("aria-current");
    }
    current = item;
    item.classList.add("mq-item--current");
    item.setAttribute("aria-current", "true");
  }

  function select(item) {
    if (!item) { return; }
    mark(item);
    item.focus({ preventScroll: true });
    item.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    var list = items();
    if (!list.length) { return; }
    var index = list.indexOf(current);
    if (index === -1) {
      select(step > 0 ? list[0] : list[list.length - 1]);
      return;
    }
    select(list[Math.min(list.length - 1, Math.max(0, index + step))]);
  }

  function submit(form) {
    if (!form) { return; }
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  // The first field of the decision form whose button carries data-key=key, focused with
  // the caret at the end of any text already there (the prefilled update, say).
  function focusStep(key) {
    var button = document.querySelector("button[data-key='" + key + "']");
    var form = button && button.form;
    if (!form) { return false; }
    var field = form.querySelector("textarea, select, input:not([type=hidden]):not([disabled])");
    if (!field) { return false; }
    field.focus();
    if (field.tagName === "TEXTAREA") {
      var end = field.value.length;
      field.setSelectionRange(end, end);
    }
    return true;
  }

  // In the queue: a and r on a correction open its page at that step.
  function openCorrection(key) {
    var link = current.querySelector("a[data-open]");
    if (link) { window.location.assign(link.href.split("#")[0] + "#" + STEPS[key]); }
  }

  function approve() {
    if (!current) { focusStep("a"); return; }
    if (current.getAttribute("data-item") === "comment") {
      submit(current.querySelector("form[data-action=approve]"));
    } else if (current.getAttribute("data-item") === "correction") {
      openCorrection("a");
    }
  }

  function reject() {
    if (!current) { focusStep("r"); return; }
    if (current.getAttribute("data-item") === "correction") {
      openCorrection("r");
      return;
    }
    var reason = current.querySelector("form[data-action=reject] [data-reject-reason]");
    if (reason) { reason.focus(); }
  }

  function toggle() {
    var box = current && current.querySelector("input[type=checkbox][name=ids]");
    if (box) { box.checked = !box.checked; }
  }

  function showKeys(dialog) {
    if (!dialog || dialog.open) { return; }
    var before = document.activeElement;
    dialog.addEventListener("close", function restore() {
      dialog.removeEventListener("close", restore);
      if (before && before.focus) { before.focus({ preventScroll: true }); }
    });
    dialog.showModal();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var dialog = document.getElementById("keys-dialog");
    var hint = document.querySelector("[data-keys-hint]");
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    if (hint) { hint.hidden = false; }

    // Opened from the queue with "a" or "r": that step's field, with the caret at its end.
    var hash = window.location.hash.slice(1);
    Object.keys(STEPS).forEach(function (key) {
      if (STEPS[key] === hash) { focusStep(key); }
    });

    // A click inside an item makes it the current one, so keys and mouse agree.
    document.addEventListener("click", function (event) {
      var item = event.target.closest && event.target.closest("[data-queue] > [data-item]");
      if (item && item !== current) { mark(item); }
    });

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) { return; }
      if (dialog.open || typing(event.target)) { return; }
      var actions = {
        j: function () { move(1); },
        k: function () { move(-1); },
        a: approve,
        r: reject,
        x: toggle,
        "?": function () { showKeys(dialog); }
      };
      var action = actions[event.key];
      if (!action) { return; }
      event.preventDefault();
      action();
    });
  });
})();
