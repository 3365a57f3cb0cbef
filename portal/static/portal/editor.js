/* Authoring helpers beside CKEditor 5: outline, footnotes (also pasted ones, with paste.js),
 * autosave; outline of the reader view.
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

  function footnoteAt(editor, viewFootnote) {
    var range = editor.editing.mapper.toModelRange(editor.editing.view.createRangeOn(viewFootnote));
    var text = "";
    var attributes = null;
    Array.from(range.getItems()).forEach(function (item) {
      if (item.is("$textProxy")) {
        text += item.data;
        attributes = attributes || new Map(item.getAttributes());
      }
    });
    return { range: range, text: text, attributes: attributes };
  }

  function replaceFootnote(editor, found, next) {
    editor.model.change(function (writer) {
      var start = found.range.start;
      writer.remove(found.range);
      if (next) writer.insertText(next, found.attributes, start);
    });
  }

  /* The dialog asks for a footnote's text, for a new footnote and for an existing one.
   * Esc and "Hủy" leave the text as it was; an empty text is refused; on closing, the
   * caret goes back to the editor. */
  function footnoteDialog(editor) {
    var dialog = document.getElementById("footnote-dialog");
    var form = document.getElementById("footnote-form");
    var field = document.getElementById("footnote-text");
    var heading = document.getElementById("footnote-dialog-title");
    var ok = document.getElementById("footnote-ok");
    var remove = document.getElementById("footnote-remove");
    var error = document.getElementById("footnote-error");
    var current = null;

    function showError(shown) {
      error.hidden = !shown;
      if (shown) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    }

    function finish(action, value) {
      var chosen = current;
      current = null;
      dialog.close();
      if (chosen && action) chosen[action](value);
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = field.value.replace(/\s+/g, " ").trim();
      if (!value) {
        showError(true);
        field.focus();
        return;
      }
      finish("save", value);
    });
    field.addEventListener("input", function () { if (field.value.trim()) showError(false); });
    document.getElementById("footnote-cancel").addEventListener("click", function () { finish(null); });
    remove.addEventListener("click", function () { finish("remove"); });
    dialog.addEventListener("close", function () {
      current = null;
      editor.editing.view.focus();
    });

    return function open(options) {
      var editing = Boolean(options.remove);
      current = options;
      heading.textContent = editing ? dialog.dataset.editTitle : dialog.dataset.insertTitle;
      ok.textContent = editing ? dialog.dataset.editLabel : dialog.dataset.insertLabel;
      remove.hidden = !editing;
      field.value = options.text || "";
      showError(false);
      dialog.showModal();
      field.focus();
    };
  }

  function setUpFootnotes(editor, button) {
    var ask = footnoteDialog(editor);
    button.disabled = false;
    button.addEventListener("click", function () {
      ask({ save: function (text) { insertFootnote(editor, text); } });
    });
    editor.editing.view.document.on("click", function (event, data) {
      var viewFootnote = footnoteElement(data.target);
      if (!viewFootnote) return;
      var found = footnoteAt(editor, viewFootnote);
      ask({
        text: found.text,
        save: function (text) { if (text !== found.text) replaceFootnote(editor, found, text); },
        remove: function () { replaceFootnote(editor, found, ""); },
      });
    });
  }

  /* ---- footnotes pasted from Word, LibreOffice or typed text (paste.js) --------------- */

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function listed(items) {
    return items.join("; ").replace(/\.$/, ""); // the message ends with its own full stop
  }

  function showPasteReport(status, report) {
    var texts = status.dataset;
    var parts = [];
    if (report.converted) {
      var done = report.source === "typed" ? texts.doneTyped : texts.done;
      var source = report.source === "word" ? "Word" : "LibreOffice";
      parts.push(fill(done, { count: report.converted, source: source }));
    }
    if (report.missing.length) {
      parts.push(fill(texts.missing, { count: report.missing.length, list: listed(report.missing) }));
    }
    if (report.unplaced.length) {
      parts.push(fill(texts.unplaced, { count: report.unplaced.length, list: listed(report.unplaced) }));
    }
    var lost = report.missing.length + report.unplaced.length;
    status.textContent = parts.join(" ");
    status.className = "paste-report " + (lost ? "warning" : "ok");
    status.hidden = !parts.length;
  }

  /* Runs after Paste from Office (priority "high") has cleaned Word's markup and before the
   * content is read into the editor (priority "low"): the documented place to change what
   * is pasted is the inputTransformation event's content. */
  function setUpPastedFootnotes(editor, status) {
    if (!window.portalPaste || !editor.plugins.has("ClipboardPipeline")) return;
    editor.plugins.get("ClipboardPipeline").on("inputTransformation", function (event, data) {
      if (data.sourceEditorId) return; // copied from an editor: its footnotes are already ours
      var processor = editor.data.htmlProcessor;
      var result = window.portalPaste.convertFootnotes(processor.toData(data.content));
      if (result.report.source) data.content = processor.toView(result.html);
      showPasteReport(status, result.report);
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
    // This page's editing session: its autosaves rewrite one working copy on the server
    // instead of adding a revision each time. Reopening the editor starts a new one.
    var session = Array.prototype.map.call(
      window.crypto.getRandomValues(new Uint8Array(16)),
      function (byte) { return (byte + 256).toString(16).slice(1); }
    ).join("");

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
      body.append("editing_session", session);
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
      var pasteReport = document.getElementById("paste-report");
      if (pasteReport) setUpPastedFootnotes(editor, pasteReport);
      document.documentElement.dataset.editorReady = "1";
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    openOutlinesOnWideScreens();
    setUpEditorPage();
  });
})();
