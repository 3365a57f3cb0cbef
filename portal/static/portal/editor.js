/* Authoring helpers beside CKEditor 5: outline, footnotes, autosave; outline of the reader view.
 *
 * Footnotes are stored as <span class="footnote">text</span> at the call site; CKEditor keeps
 * them through General HTML Support (CKEDITOR_5_CONFIGS "htmlSupport" in settings).
 */
(function () {
  "use strict";

  var WIDE = "(min-width: 60em)";
  var HEADINGS = "h2, h3, h4, h5";

  function openOutlinesOnWideScreens() {
    var wide = window.matchMedia && window.matchMedia(WIDE).matches;
    document.querySelectorAll("details.outline").forEach(function (details) {
      if (wide) details.open = true;
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  /* ---- outline of the editor's content ---------------------------------------------- */

  function headingsOf(html) {
    var doc = new DOMParser().parseFromString("<body>" + html + "</body>", "text/html");
    return Array.prototype.map.call(doc.body.querySelectorAll(HEADINGS), function (h) {
      h.querySelectorAll(".footnote").forEach(function (note) { note.remove(); });
      return { level: Number(h.tagName.charAt(1)), text: h.textContent.replace(/\s+/g, " ").trim() };
    });
  }

  function scrollToHeading(editor, index) {
    var root = editor.editing.view.getDomRoot();
    var target = root && root.querySelectorAll(HEADINGS)[index];
    if (!target) return;
    target.scrollIntoView({ block: "center" });
    try {
      var viewElement = editor.editing.view.domConverter.mapDomToView(target);
      var modelElement = viewElement && editor.editing.mapper.toModelElement(viewElement);
      if (modelElement) {
        editor.model.change(function (writer) { writer.setSelection(modelElement, 0); });
      }
      editor.editing.view.focus();
    } catch (error) {
      /* scrolling is what matters; the caret stays where it was */
    }
  }

  function renderOutline(editor, list) {
    var headings = headingsOf(editor.getData());
    list.replaceChildren();
    headings.forEach(function (heading, index) {
      var item = document.createElement("li");
      item.className = "level-" + heading.level;
      var link = document.createElement("a");
      link.href = "#";
      link.textContent = heading.text || "…";
      link.addEventListener("click", function (event) {
        event.preventDefault();
        scrollToHeading(editor, index);
      });
      item.appendChild(link);
      list.appendChild(item);
    });
    var empty = document.getElementById("outline-empty");
    if (empty) empty.hidden = headings.length > 0;
  }

  /* ---- footnotes -------------------------------------------------------------------- */

  function dropSpanAttributes(editor, writer) {
    // Typing after a new footnote must not go on inside it.
    Array.from(editor.model.document.selection.getAttributeKeys()).forEach(function (key) {
      if (key.indexOf("html") === 0) writer.removeSelectionAttribute(key);
    });
  }

  function insertFootnote(editor, text) {
    var view = editor.data.processor.toView('<span class="footnote">' + escapeHtml(text) + "</span>");
    var fragment = editor.data.toModel(view, "$block");
    editor.model.change(function (writer) {
      editor.model.insertContent(fragment);
      dropSpanAttributes(editor, writer);
    });
    editor.editing.view.focus();
  }

  function footnoteElement(viewElement) {
    var node = viewElement;
    while (node && !(node.is && node.is("attributeElement") && node.hasClass("footnote"))) {
      node = node.parent;
    }
    return node || null;
  }

  function editFootnote(editor, viewFootnote, ask) {
    var range = editor.editing.mapper.toModelRange(editor.editing.view.createRangeOn(viewFootnote));
    var current = "";
    var attributes = null;
    Array.from(range.getItems()).forEach(function (item) {
      if (item.is("$textProxy")) {
        current += item.data;
        attributes = attributes || new Map(item.getAttributes());
      }
    });
    var next = ask(current);
    if (next === null || next.trim() === current) return;
    editor.model.change(function (writer) {
      var start = range.start;
      writer.remove(range);
      if (next.trim()) writer.insertText(next.trim(), attributes, start);
    });
  }

  function setUpFootnotes(editor, button) {
    var ask = function (message, value) { return window.prompt(message, value || ""); };
    button.disabled = false;
    button.addEventListener("click", function () {
      var text = ask(button.dataset.prompt);
      if (text && text.trim()) insertFootnote(editor, text.trim());
    });
    editor.editing.view.document.on("click", function (event, data) {
      var footnote = footnoteElement(data.target);
      if (!footnote) return;
      editFootnote(editor, footnote, function (current) {
        return ask(button.dataset.editPrompt, current);
      });
    });
  }

  /* ---- autosave and no lost edits -------------------------------------------------- */

  function setUpAutosave(form) {
    var status = document.getElementById("autosave-status");
    var base = form.querySelector("input[name=base_revision]");
    var url = form.dataset.autosaveUrl;
    var seconds = Number(form.dataset.autosaveSeconds || 20);
    var inflight = null;
    var submitting = false;
    var stopped = false;

    function snapshot() {
      var parts = [];
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && name !== "base_revision") parts.push([name, value]);
      });
      return JSON.stringify(parts);
    }
    var lastSaved = snapshot();

    function say(message, kind) {
      if (!status) return;
      status.textContent = message;
      status.className = "autosave-status " + (kind || "");
    }

    function dirty() { return snapshot() !== lastSaved; }

    function save(hiding) {
      if (submitting || stopped || inflight || !url || !dirty()) return inflight;
      var sent = snapshot();
      var body = new URLSearchParams(new FormData(form));
      var size = body.toString().length;
      say(form.dataset.savingText, "");
      inflight = fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
        keepalive: Boolean(hiding) && size < 60000, // browsers cap keepalive bodies at 64 kB
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (payload) {
            if (response.ok) {
              lastSaved = sent;
              if (base) base.value = payload.revision;
              if (payload.autosave_url && payload.autosave_url !== url) {
                url = payload.autosave_url;
                form.action = payload.edit_url;
                form.dataset.autosaveUrl = url;
                window.history.replaceState(null, "", payload.edit_url);
              }
              say(payload.message, "ok");
            } else {
              say(payload.error || form.dataset.failedText + " (" + response.status + ")", "error");
              // A conflict, a document submitted meanwhile, no right: saving again cannot help.
              if (payload.conflict || payload.stop || response.status === 403 || response.status === 404) stopped = true;
            }
          });
        })
        .catch(function () { say(form.dataset.offlineText, "error"); })
        .finally(function () { inflight = null; });
      return inflight;
    }

    window.setInterval(function () { save(false); }, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true);
    });
    window.addEventListener("pagehide", function () { save(true); });
    window.addEventListener("beforeunload", function (event) {
      if (!submitting && dirty()) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    form.addEventListener("submit", function (event) {
      submitting = true;
      if (inflight) {
        // A first autosave may be creating the draft: submit to where it went, once.
        event.preventDefault();
        inflight.finally(function () { form.submit(); });
      }
    });
    return { save: save, dirty: dirty };
  }

  /* ---- wiring ----------------------------------------------------------------------- */

  function whenEditorReady(id, callback) {
    if (window.editors && window.editors[id]) {
      callback(window.editors[id]);
    } else if (window.ckeditorRegisterCallback) {
      window.ckeditorRegisterCallback(id, callback);
    }
  }

  function setUpEditorPage() {
    var form = document.getElementById("document-form");
    if (!form) return;
    var api = setUpAutosave(form);
    window.portalEditor = { autosave: api.save, dirty: api.dirty };
    whenEditorReady("id_body", function (editor) {
      window.portalEditor.editor = editor;
      var list = document.getElementById("outline-list");
      if (list) {
        var timer = null;
        renderOutline(editor, list);
        editor.model.document.on("change:data", function () {
          window.clearTimeout(timer);
          timer = window.setTimeout(function () { renderOutline(editor, list); }, 250);
        });
      }
      var button = document.getElementById("insert-footnote");
      if (button) setUpFootnotes(editor, button);
      document.documentElement.dataset.editorReady = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    openOutlinesOnWideScreens();
    setUpEditorPage();
  });
})();
