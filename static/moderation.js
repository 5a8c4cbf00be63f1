// Keyboard shortcuts for the moderation queue; every action also works with a mouse and
// without JavaScript (each button is a plain form).
//   j / k  move the focus ring to the next / previous item
//   a      approve the focused comment (submits its form), or open the focused correction
//   r      go to the focused comment's reject reason
//   x      select or unselect the focused comment for a bulk action
//   ?      show the list of keys (Escape closes it; focus goes back where it was)
// Keys are ignored while typing in a field, and with Ctrl, Alt or Meta held.
(function () {
  "use strict";
  var current = null;

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

  function select(item) {
    if (!item) { return; }
    if (current) {
      current.classList.remove("mq-item--current");
      current.removeAttribute("aria-current");
    }
    current = item;
    item.classList.add("mq-item--current");
    item.setAttribute("aria-current", "true");
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

  function approve() {
    if (!current) { return; }
    if (current.getAttribute("data-item") === "comment") {
      submit(current.querySelector("form[data-action=approve]"));
      return;
    }
    var link = current.querySelector("a[data-open]");
    if (link) { window.location.assign(link.href); }
  }

  function rejectReason() {
    var reason = current && current.querySelector("form[data-action=reject] [data-reject-reason]");
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

    // A click inside an item makes it the current one, so keys and mouse agree.
    document.addEventListener("click", function (event) {
      var item = event.target.closest && event.target.closest("[data-queue] > [data-item]");
      if (item && item !== current) {
        if (current) {
          current.classList.remove("mq-item--current");
          current.removeAttribute("aria-current");
        }
        current = item;
        item.classList.add("mq-item--current");
        item.setAttribute("aria-current", "true");
      }
    });

    document.addEventListener("keydown", function (event) {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey) { return; }
      if (dialog.open || typing(event.target)) { return; }
      var actions = {
        j: function () { move(1); },
        k: function () { move(-1); },
        a: approve,
        r: rejectReason,
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
