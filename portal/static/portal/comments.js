// Comments on a passage. Select text in the document (reader page or editor), press "Góp ý"
// (or Ctrl+Alt+M), write and send: the server answers with the panel, and the passages of
// the threads are marked in the reader's text. Without the script the panel's forms (reply,
// resolve, reopen) post and come back to the page.
(function () {
  "use strict";
  var CONTEXT = 32;
  var pending = null;
  var button = null;

  function panel() { return document.getElementById("comments"); }

  function textRoot() {
    return document.querySelector(".reader .body") || document.querySelector(".ck-editor__editable");
  }

  function selectionIn(root) {
    var selection = window.getSelection();
    if (!root || !selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    if (!root.contains(range.commonAncestorContainer)) return null;
    var quote = selection.toString().trim();
    if (!quote) return null;
    var before = document.createRange();
    before.selectNodeContents(root);
    before.setEnd(range.startContainer, range.startOffset);
    var after = document.createRange();
    after.selectNodeContents(root);
    after.setStart(range.endContainer, range.endOffset);
    return {
      quote: quote,
      prefix: before.toString().slice(-CONTEXT),
      suffix: after.toString().slice(0, CONTEXT),
      rect: range.getBoundingClientRect()
    };
  }

  function startButton(root) {
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.id = "comment-start";
      button.className = "comment-start";
      button.textContent = panel().dataset.label;
      // Keep the selection when the button is pressed with the mouse.
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () { openForm(pending); });
    }
    // Right after the text in the page's order: Tab from the selection reaches it.
    var after = root.closest(".ck-editor") || root;
    if (after.nextSibling !== button) after.after(button);
    return button;
  }

  function offerComment() {
    if (!panel()) return;
    var root = textRoot();
    var found = selectionIn(root);
    if (!found) {
      if (button) button.hidden = true;
      return;
    }
    pending = found;
    var start = startButton(root);
    start.hidden = false;
    // Placed under the selection, in the coordinates of the box it is positioned in.
    var box = start.offsetParent ? start.offsetParent.getBoundingClientRect() : { top: -window.scrollY, left: -window.scrollX };
    start.style.top = found.rect.bottom - box.top + 6 + "px";
    start.style.left = found.rect.left - box.left + "px";
  }

  function openForm(found) {
    var form = document.getElementById("comment-new");
    if (!form || !found) return;
    form.elements.quote.value = found.quote;
    form.elements.prefix.value = found.prefix;
    form.elements.suffix.value = found.suffix;
    document.getElementById("comment-new-quote").textContent = found.quote;
    form.hidden = false;
    if (button) button.hidden = true;
    form.scrollIntoView({ block: "nearest" });
    form.elements.body.focus();
  }

  function send(form) {
    var data = new FormData(form);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json();
    }).then(function (answer) {
      var old = panel();
      var holder = document.createElement("div");
      holder.innerHTML = answer.html;
      old.replaceWith(holder.querySelector("#comments"));
      if (!answer.error) window.getSelection().removeAllRanges();
      if (button) button.hidden = true;
      highlight();
    }).catch(function () {
      form.submit();
    });
  }

  function unwrapMarks(root) {
    root.querySelectorAll("mark.comment-anchor").forEach(function (mark) {
      mark.replaceWith.apply(mark, Array.prototype.slice.call(mark.childNodes));
    });
    root.normalize();
  }

  // The passage's characters found in the text nodes, spaces aside: the server's text has
  // line breaks between blocks where the page has none.
  function markPassage(root, passage, occurrence, id, resolved) {
    var needle = passage.replace(/\s+/g, "");
    if (!needle) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var flat = "";
    var places = [];
    var node;
    while ((node = walker.nextNode())) {
      var value = node.nodeValue;
      for (var i = 0; i < value.length; i++) {
        if (!/\s/.test(value[i])) {
          flat += value[i];
          places.push([node, i]);
        }
      }
    }
    var at = -1;
    var from = 0;
    for (var n = 0; n <= occurrence; n++) {
      var next = flat.indexOf(needle, from);
      if (next < 0) break;
      at = next;
      from = next + 1;
    }
    if (at < 0) return;
    var pieces = [];
    places.slice(at, at + needle.length).forEach(function (place) {
      var last = pieces[pieces.length - 1];
      if (last && last.node === place[0]) last.end = place[1] + 1;
      else pieces.push({ node: place[0], start: place[1], end: place[1] + 1 });
    });
    pieces.reverse().forEach(function (piece) {
      var range = document.createRange();
      range.setStart(piece.node, piece.start);
      range.setEnd(piece.node, piece.end);
      var mark = document.createElement("mark");
      mark.className = "comment-anchor" + (resolved ? " resolved" : "");
      mark.dataset.comment = id;
      range.surroundContents(mark);
    });
  }

  function highlight() {
    var root = document.querySelector(".reader .body");
    if (!root || !panel()) return;
    unwrapMarks(root);
    panel().querySelectorAll(".comment-thread[data-passage]").forEach(function (thread) {
      if (!thread.dataset.passage) return;
      markPassage(root, thread.dataset.passage, Number(thread.dataset.occurrence) || 0,
        thread.dataset.comment, thread.classList.contains("resolved"));
    });
  }

  document.addEventListener("mouseup", function (event) {
    var root = textRoot();
    if (root && root.contains(event.target)) setTimeout(offerComment, 0);
  });
  document.addEventListener("keyup", function (event) {
    if (event.shiftKey || event.key === "Shift") offerComment();
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey && event.altKey && (event.key === "m" || event.key === "M")) {
      var found = selectionIn(textRoot());
      if (found) {
        event.preventDefault();
        openForm(found);
      }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest("#comments")) return;
    event.preventDefault();
    send(form);
  });
  document.addEventListener("click", function (event) {
    if (event.target.id === "comment-cancel") {
      document.getElementById("comment-new").hidden = true;
      return;
    }
    var mark = event.target.closest && event.target.closest("mark.comment-anchor");
    if (mark) {
      var thread = document.getElementById("comment-" + mark.dataset.comment);
      if (thread) thread.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  });
  document.addEventListener("change", function (event) {
    // Sending the open comments as the reason: the typed reason becomes optional.
    if (event.target.id !== "return-with-comments") return;
    var reason = event.target.form.elements.reason;
    if (reason) reason.required = !event.target.checked;
  });
  highlight();
})();
