/* Footnotes in pasted HTML, turned into the portal's own footnotes before the editor reads it.
 *
 * A footnote is stored as <span class="footnote">text</span> at its call (see editor.js).
 * Word's clipboard HTML marks a call <a href="#_ftn1" name="_ftnref1"> and puts the note in
 * <div style="mso-element:footnote" id="ftn1"> with a back-link to "#_ftnref1" (endnotes:
 * _edn1, edn1). LibreOffice marks it <a class="sdfootnoteanc" href="#sdfootnote1sym"> and
 * puts the note in <div id="sdfootnote1"> with a back-link to "#sdfootnote1anc" (endnotes:
 * sdendnote). Text typed by hand has superscript calls (<sup>1</sup> or "¹") and note lines
 * at its end ("1 Text", "¹ Text").
 *
 * convertFootnotes(html) is pure (it needs only DOMParser) so that it can be tested on its
 * own: it returns the new HTML and a report of what it converted and what it could not keep.
 * No text is dropped: a call without a note stays as it was typed, and a note without a call
 * stays as a paragraph of its own, marked as text not placed.
 */
(function (root) {
  "use strict";

  var SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  // Calls: Word "#_ftn1" / "#_edn1"; LibreOffice "#sdfootnote1sym" / "#sdendnote1sym".
  // CKEditor's Paste from Office rewrites Word's footnotes before this runs, as
  // <sup class="footnote"><a id="ref-ftn1" href="#ftn1"></a></sup> calls and
  // <ol class="footnotes"><li id="ftn1"><a href="#ref-ftn1">^</a>… notes: "#ftn1" is a call
  // too, and "#ref-ftn1" a back-link.
  var OFFICE_CALL = /^#(?:_?(ftn|edn)(\d+)|(sdfootnote|sdendnote)(\d+)sym)$/;
  // Back-links from a note to its call: "#_ftnref1" / "#ref-ftn1" / "#sdfootnote1anc".
  var OFFICE_BACK = /^#(?:_(ftn|edn)ref(\d+)|ref-(ftn|edn)(\d+)|(sdfootnote|sdendnote)(\d+)anc)$/;
  // The note's own block: Word id="ftn1", LibreOffice id="sdfootnote1".
  var OFFICE_NOTE_ID = /^(?:(ftn|edn)(\d+)|(sdfootnote|sdendnote)(\d+))$/;
  var TYPED_CALL_TEXT = /[⁰¹²³⁴⁵⁶⁷⁸⁹]+/g;
  var TYPED_NOTE_LINE = /^\s*(?:([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*|(\d{1,3})(?:\s+|\)\s*))(\S[\s\S]*)$/;
  var BLOCKS = "p, div, li, h1, h2, h3, h4, h5, h6, blockquote";

  function squash(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  /* "ftn1", "edn1", "sdfootnote1": the note's kind and number, whichever spelling matched. */
  function keyOf(match) {
    return match.slice(1).filter(Boolean).join("");
  }

  function numberOf(text) {
    return Number(
      text.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹]/g, function (digit) {
        return String(SUPERSCRIPT_DIGITS.indexOf(digit));
      }),
    );
  }

  function footnoteSpan(doc, text) {
    var span = doc.createElement("span");
    span.className = "footnote";
    span.textContent = text;
    return span;
  }

  function unplacedParagraph(doc, text) {
    var paragraph = doc.createElement("p");
    paragraph.className = "unplaced";
    paragraph.textContent = text;
    return paragraph;
  }

  /* The few words before a call, to say where a call without its note is. */
  function wordsBefore(node) {
    var text = "";
    var walker = node.ownerDocument.createTreeWalker(node.ownerDocument.body, 4 /* text */);
    while (walker.nextNode()) {
      var current = walker.currentNode;
      if (node.compareDocumentPosition(current) & 2 /* preceding */ && !node.contains(current)) {
        text += current.data;
      }
    }
    return squash(text).split(" ").slice(-4).join(" ");
  }

  function noteLabel(label, node) {
    var before = wordsBefore(node);
    return before ? label + " (sau «" + before + "»)" : label;
  }

  function cut(text) {
    return text.length > 60 ? text.slice(0, 57) + "…" : text;
  }

  /* ---- Word and LibreOffice: calls and notes linked by anchors ------------------------ */

  function officeNotes(doc) {
    var notes = {};
    doc.body.querySelectorAll("[id]").forEach(function (element) {
      var match = OFFICE_NOTE_ID.exec(element.id);
      if (match && element.querySelector("a[href]")) notes[keyOf(match)] = element;
    });
    // A note block that lost its id still holds its back-link.
    doc.body.querySelectorAll("a[href]").forEach(function (link) {
      var match = OFFICE_BACK.exec(link.getAttribute("href"));
      var key = match && keyOf(match);
      if (key && !notes[key]) notes[key] = link.closest("div") || link.closest("p") || link;
    });
    return notes;
  }

  function noteText(block) {
    var copy = block.cloneNode(true);
    copy.querySelectorAll("a[href]").forEach(function (link) {
      if (OFFICE_BACK.test(link.getAttribute("href"))) link.remove();
    });
    copy.querySelectorAll("p, div, li, br").forEach(function (block) {
      block.after(" "); // a note of several paragraphs reads as one line
    });
    return squash(copy.textContent);
  }

  /* Remove a note and what held only notes: Word's <div style="mso-element:footnote-list">
   * with its rule, Paste from Office's <ol class="footnotes">. */
  function removeNote(block) {
    var parent = block.parentElement;
    block.remove();
    while (parent && parent.tagName !== "BODY" && !squash(parent.textContent) && !parent.querySelector("img, table")) {
      var next = parent.parentElement;
      parent.remove();
      parent = next;
    }
  }

  /* The element that stands for a call: the link, or the <sup> that holds only the link. */
  function callElement(link) {
    var parent = link.parentElement;
    if (parent && parent.tagName === "SUP" && parent.childNodes.length === 1) return parent;
    return link;
  }

  function convertOfficeNotes(doc, report) {
    var calls = [];
    doc.body.querySelectorAll("a[href]").forEach(function (link) {
      var match = OFFICE_CALL.exec(link.getAttribute("href"));
      if (match) calls.push({ link: link, key: keyOf(match), word: Boolean(match[1]) });
    });
    var notes = officeNotes(doc);
    var texts = {};
    Object.keys(notes).forEach(function (key) {
      texts[key] = noteText(notes[key]);
    });
    var used = {};
    calls.forEach(function (call) {
      report.source = report.source || (call.word ? "word" : "libreoffice");
      var text = texts[call.key];
      if (text === undefined || !text) {
        var label = squash(call.link.textContent);
        if (!label) {
          // Paste from Office leaves an empty link, which the editor would drop: the call
          // stays visible as its number.
          label = call.key.replace(/\D+/, "");
          var sup = doc.createElement("sup");
          sup.textContent = label;
          callElement(call.link).replaceWith(sup);
          call.link = sup;
        }
        report.missing.push(noteLabel(label, call.link));
        return;
      }
      callElement(call.link).replaceWith(footnoteSpan(doc, text));
      used[call.key] = true;
      report.converted += 1;
    });
    Object.keys(notes).forEach(function (key) {
      var block = notes[key];
      if (!block.isConnected) return;
      if (!used[key] && texts[key]) {
        report.unplaced.push(cut(texts[key]));
        doc.body.appendChild(unplacedParagraph(doc, texts[key]));
      }
      removeNote(block);
    });
    var keys = Object.keys(notes);
    if (!report.source && keys.length) {
      report.source = keys[0].indexOf("sd") === 0 ? "libreoffice" : "word";
    }
  }

  /* ---- typed calls and note lines at the end ---------------------------------------- */

  function lastBlocks(doc) {
    var blocks = Array.prototype.filter.call(doc.body.querySelectorAll(BLOCKS), function (block) {
      return !block.querySelector(BLOCKS) && squash(block.textContent);
    });
    return blocks;
  }

  function typedNoteLines(doc) {
    var blocks = lastBlocks(doc);
    var lines = [];
    for (var index = blocks.length - 1; index >= 0; index -= 1) {
      var block = blocks[index];
      var sup = block.firstElementChild;
      var text = block.textContent;
      var match = null;
      if (sup && sup.tagName === "SUP" && /^\s*$/.test(text.slice(0, text.indexOf(sup.textContent)))) {
        var rest = squash(text.slice(text.indexOf(sup.textContent) + sup.textContent.length));
        if (/^\d{1,3}$/.test(squash(sup.textContent)) && rest) {
          match = [null, null, squash(sup.textContent), rest];
        }
      }
      match = match || TYPED_NOTE_LINE.exec(text);
      if (!match) break;
      lines.unshift({ block: block, number: numberOf(match[1] || match[2]), text: squash(match[3]) });
    }
    // Notes are numbered in order; a body line that only looks like a note ("3 ngày…") ends
    // the run.
    while (lines.length && lines.some(function (line, i) { return i && line.number <= lines[i - 1].number; })) {
      lines.shift();
    }
    return lines;
  }

  function typedCalls(doc, noteBlocks) {
    var calls = [];
    function inNotes(node) {
      return noteBlocks.some(function (block) { return block.contains(node); });
    }
    doc.body.querySelectorAll("sup").forEach(function (sup) {
      var text = squash(sup.textContent);
      if (/^\d{1,3}$/.test(text) && !inNotes(sup) && !sup.closest(".footnote")) {
        calls.push({ node: sup, number: Number(text), label: text });
      }
    });
    var walker = doc.createTreeWalker(doc.body, 4 /* text */);
    var textNodes = [];
    while (walker.nextNode()) textNodes.push(walker.currentNode);
    textNodes.forEach(function (node) {
      if (inNotes(node) || (node.parentNode.closest && node.parentNode.closest(".footnote"))) return;
      var match;
      TYPED_CALL_TEXT.lastIndex = 0;
      var found = [];
      while ((match = TYPED_CALL_TEXT.exec(node.data))) {
        // A call follows a word or punctuation, never a space.
        if (match.index > 0 && !/\s/.test(node.data.charAt(match.index - 1))) found.push(match);
      }
      found.reverse().forEach(function (hit) {
        var after = node.splitText(hit.index);
        after.splitText(hit[0].length);
        calls.push({ node: after, number: numberOf(hit[0]), label: hit[0] });
      });
    });
    calls.sort(function (a, b) {
      return a.node.compareDocumentPosition(b.node) & 4 /* following */ ? -1 : 1;
    });
    return calls;
  }

  function convertTypedNotes(doc, report) {
    var lines = typedNoteLines(doc);
    if (!lines.length) return;
    var noteBlocks = lines.map(function (line) { return line.block; });
    var calls = typedCalls(doc, noteBlocks);
    if (!calls.length) return; // numbered lines at the end, with no call: ordinary text
    var notes = {};
    lines.forEach(function (line) { notes[line.number] = line; });
    var used = {};
    report.source = report.source || "typed";
    calls.forEach(function (call) {
      var line = notes[call.number];
      if (!line) {
        report.missing.push(noteLabel(call.label, call.node));
        return;
      }
      call.node.replaceWith(footnoteSpan(doc, line.text));
      used[call.number] = true;
      report.converted += 1;
    });
    lines.forEach(function (line) {
      if (used[line.number]) {
        line.block.remove();
      } else {
        report.unplaced.push(cut(line.text));
        line.block.replaceWith(unplacedParagraph(doc, line.text));
      }
    });
  }

  /* Footnotes of the pasted HTML as the portal's footnotes, and what could not be kept. */
  function convertFootnotes(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var report = { source: null, converted: 0, missing: [], unplaced: [] };
    convertOfficeNotes(doc, report);
    if (!report.source) convertTypedNotes(doc, report);
    return { html: report.source ? doc.body.innerHTML : html, report: report };
  }

  root.portalPaste = { convertFootnotes: convertFootnotes };
})(window);
