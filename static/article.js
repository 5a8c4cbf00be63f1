// Progressive enhancement for the article page; every form works without it.
// Selecting words in a section offers "Comment on this" and "Suggest a correction"
// with the quote (and a little context either side) filled in.
// Its words come from the page, in the page's language (data-js-strings, JSON).
(function () {
  "use strict";
  var CONTEXT = 32;
  var toolbar = null;
  var current = null;
  var words = {};

  function readWords() {
    var holder = document.querySelector("[data-js-strings]");
    try { words = holder ? JSON.parse(holder.getAttribute("data-js-strings")) : {}; } catch (e) { words = {}; }
  }

  function sectionOf(node) {
    var el = node && (node.nodeType === 1 ? node : node.parentElement);
    return el ? el.closest(".section") : null;
  }

  // The section's words only, without its heading, so the heading is never read into the
  // quote's context (the server finds the quote in the section's text, which has no heading).
  function textOf(section) {
    return section.querySelector("[data-quote-root]");
  }

  // The quote with some words of context, as the server's find_quote understands it.
  // Whitespace runs (the newlines between paragraphs included) become one space; the
  // server folds the section's text the same way when the quote is not found as it is.
  function describe(range, container) {
    var exact = range.toString().replace(/\s+/g, " ").trim();
    var before = document.createRange();
    before.selectNodeContents(container);
    before.setEnd(range.startContainer, range.startOffset);
    var after = document.createRange();
    after.selectNodeContents(container);
    after.setStart(range.endContainer, range.endOffset);
    var prefix = before.toString().replace(/\s+/g, " ");
    var suffix = after.toString().replace(/\s+/g, " ");
    return {
      exact: exact,
      prefix: prefix.slice(-CONTEXT),
      suffix: suffix.slice(0, CONTEXT)
    };
  }

  // Hiding keeps the last selection: a click on a button that is being hidden, in the same
  // moment the selection collapses, still knows what was selected.
  function hide() {
    if (toolbar) { toolbar.hidden = true; }
  }

  function build() {
    toolbar = document.createElement("div");
    toolbar.className = "selection-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", words.toolbar);
    toolbar.hidden = true;
    var comment = document.createElement("button");
    comment.type = "button";
    comment.textContent = words.comment;
    comment.addEventListener("click", onComment);
    var correct = document.createElement("button");
    correct.type = "button";
    correct.textContent = words.correct;
    correct.addEventListener("click", onCorrect);
    toolbar.appendChild(comment);
    toolbar.appendChild(correct);
    // Pressing a button must not collapse the reader's selection before it is used.
    toolbar.addEventListener("mousedown", function (event) { event.preventDefault(); });
    document.body.appendChild(toolbar);
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toolbar && !toolbar.hidden) { hide(); }
    });
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) { hide(); return; }
    var range = selection.getRangeAt(0);
    var section = sectionOf(range.commonAncestorContainer);
    if (!section || !section.querySelector("[data-quote-field]")) { hide(); return; }
    var container = textOf(section);
    if (!container || !container.contains(range.commonAncestorContainer)) { hide(); return; }
    var quote = describe(range, container);
    if (!quote.exact) { hide(); return; }
    current = { section: section, quote: quote };
    var rect = range.getBoundingClientRect();
    toolbar.hidden = false;
    toolbar.style.top = (window.scrollY + rect.bottom + 8) + "px";
    toolbar.style.left = Math.max(8, window.scrollX + rect.left) + "px";
  }

  function onComment() {
    if (!current) { return; }
    var section = current.section;
    var details = section.querySelector(".comment-details");
    if (details) { details.open = true; }
    var form = section.querySelector(".comment-form");
    form.querySelector("[data-quote-field]").value = current.quote.exact;
    form.querySelector("[name=quote_prefix]").value = current.quote.prefix;
    form.querySelector("[name=quote_suffix]").value = current.quote.suffix;
    hide();
    form.querySelector("textarea[name=body]").focus();
  }

  function onCorrect() {
    if (!current) { return; }
    var link = current.section.querySelector("[data-suggest-link]");
    if (!link) { return; }
    var url = new URL(link.href, window.location.href);
    url.searchParams.set("quote", current.quote.exact);
    url.searchParams.set("prefix", current.quote.prefix);
    url.searchParams.set("suffix", current.quote.suffix);
    window.location.assign(url.toString());
  }

  // Without JavaScript, "Reply" opens a page; with it, the section's form answers in place.
  function onReply(event) {
    var link = event.target.closest("[data-reply-to]");
    if (!link) { return; }
    var section = link.closest(".section");
    var form = section && section.querySelector(".comment-form");
    if (!form) { return; }
    event.preventDefault();
    var details = section.querySelector(".comment-details");
    if (details) { details.open = true; }
    form.querySelector("[name=parent_id]").value = link.getAttribute("data-reply-to");
    var summary = details && details.querySelector("summary");
    if (summary && words.reply_to) {
      var name = link.getAttribute("data-reply-name");
      summary.textContent = words.reply_to.replace("%(name)s", function () { return name; });
    }
    form.querySelector("textarea[name=body]").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    readWords();
    if (!words.toolbar) { return; }  // no words, no buttons: the page's own links still work
    build();
    document.addEventListener("selectionchange", function () {
      window.clearTimeout(onSelection.timer);
      onSelection.timer = window.setTimeout(onSelection, 150);
    });
    document.addEventListener("click", onReply);
  });
})();
