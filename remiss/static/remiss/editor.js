/* remiss: the rich-text editor.
 *
 * Progressive enhancement of every <textarea data-richtext>: a toolbar of real buttons and an
 * editable region in place of the textarea, which stays in the form (hidden) and receives the
 * region's HTML on every input and on submit, marked as HTML by a hidden <name>_format=html.
 * Without JavaScript the textarea works as it is: plain text, stored as that text.
 *
 * Pasting prefers the clipboard's HTML and reduces it here to the same allowlist as
 * remiss/richtext.py (p, h3, h4, ul, ol, li, strong, em, br; no attributes), turning Word's
 * list paragraphs into real lists. This is for the person's eyes only: the server sanitises
 * whatever arrives, whatever this script does.
 *
 * Keyboard: Tab reaches the toolbar, arrow keys move between its buttons, Escape returns to the
 * text; Alt+F10 in the text jumps to the toolbar; Ctrl+B and Ctrl+I work as usual.
 */
(function () {
  "use strict";

  var RENAME = { B: "STRONG", I: "EM", H1: "H3", H2: "H3", H3: "H3", H4: "H4", H5: "H4", H6: "H4" };
  var DROP = toSet("SCRIPT STYLE REMISS-STYLE TITLE HEAD TEMPLATE NOSCRIPT IFRAME OBJECT EMBED TEXTAREA SELECT OPTION " +
    "META LINK IMG SVG MATH CANVAS VIDEO AUDIO INPUT BUTTON XML V:SHAPE V:IMAGEDATA");
  var BLOCKS = toSet("P DIV H1 H2 H3 H4 H5 H6 UL OL LI BLOCKQUOTE PRE ADDRESS SECTION ARTICLE HEADER " +
    "FOOTER MAIN NAV ASIDE FIGURE FIGCAPTION TABLE CAPTION THEAD TBODY TFOOT TR TD TH DL DT DD CENTER FORM " +
    "FIELDSET HR BODY HTML");
  var LIST_MARKER = /^[\s\u00a0]*([\u00b7\u2022\u25aa\u25cf\u25e6\u2013\u2014\uf0b7\uf0a7\uf0d8\u00a7o*-]|\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,5}[.)])[\s\u00a0]+/i;
  var ORDERED_MARKER = /^\(?(\d{1,3}|[a-z]|[ivx]{1,5})[.)]$/i;

  function toSet(words) {
    var set = {};
    words.split(" ").forEach(function (w) { set[w] = true; });
    return set;
  }

  function styleOf(el) {
    return (el.getAttribute && (el.getAttribute("data-remiss-style") || "")).toLowerCase().replace(/\s+/g, "");
  }

  /* Rename style and on* attributes before parsing, so the page's Content-Security-Policy has
     nothing to refuse (and report); the styles are still read, as data, for bold and lists.
     A DOMParser document belongs to this window, so the policy covers it too: Word's <style>
     blocks are removed before parsing, and any <style> left unclosed is renamed to an element
     the cleaner drops with its content. */
  var INLINE_ATTR = /(<[a-zA-Z][^>]*?\s)(style|on[a-z]+)(\s*=)/gi;
  var STYLE_BLOCK = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
  var STYLE_TAG = /<(\/?)style\b/gi;
  function defuse(html) {
    var before;
    html = html.replace(STYLE_BLOCK, "").replace(STYLE_TAG, "<$1remiss-style");
    do {
      before = html;
      html = html.replace(INLINE_ATTR, "$1data-remiss-$2$3");
    } while (html !== before);
    return html;
  }

  function hasBlockDescendant(el) {
    var all = el.getElementsByTagName("*");
    for (var i = 0; i < all.length; i++) {
      if (BLOCKS[all[i].tagName.toUpperCase()]) return true;
    }
    return false;
  }

  function isEmpty(el) {
    return !el.querySelector("br") && el.textContent.replace(/[\s\u00a0]/g, "") === "";
  }

  function collapse(text) {
    return text.replace(/[\t\n\r ]+/g, " ");
  }

  /* A Word list paragraph: class MsoListParagraph* or an mso-list style (not the marker's own). */
  function isWordListParagraph(el) {
    if (el.tagName.toUpperCase() !== "P") return false;
    var cls = el.getAttribute("class") || "";
    var style = styleOf(el);
    return /MsoListParagraph/i.test(cls) || (/mso-list:/.test(style) && !/mso-list:ignore/.test(style));
  }

  /* Remove Word's marker ("·", "o", "§", "1.") and say whether it numbered the item. */
  function takeMarker(el) {
    var ordered = false;
    var markers = Array.prototype.filter.call(el.getElementsByTagName("span"), function (s) {
      return /mso-list:ignore/.test(styleOf(s));
    });
    if (markers.length) {
      markers.forEach(function (m) {
        var text = m.textContent.replace(/[\s\u00a0]+/g, "");
        if (ORDERED_MARKER.test(text)) ordered = true;
        if (m.parentNode) m.parentNode.removeChild(m);
      });
      return ordered;
    }
    // No marker span (some exports): strip a leading bullet or number from the first text.
    var walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT, null);
    var node;
    while ((node = walker.nextNode())) {
      if (!node.nodeValue.replace(/[\s\u00a0]/g, "")) continue;
      var match = node.nodeValue.match(LIST_MARKER);
      if (match) {
        ordered = ORDERED_MARKER.test(match[1]);
        node.nodeValue = node.nodeValue.slice(match[0].length);
      }
      break;
    }
    return ordered;
  }

  function Cleaner(doc) {
    this.doc = doc; // the document new nodes are made in (never the parsed one)
  }

  Cleaner.prototype.make = function (tag) {
    return this.doc.createElement(tag.toLowerCase());
  };

  /* Block context: dst takes blocks. Stray inline content gathers into paragraphs. */
  Cleaner.prototype.blocks = function (src, dst) {
    var self = this;
    var para = null;
    var list = null;
    var listOrdered = null;
    Array.prototype.forEach.call(src.childNodes, function (node) {
      if (node.nodeType === 3) {
        if (!node.nodeValue.replace(/[\s\u00a0]/g, "")) {
          if (para) para.appendChild(self.doc.createTextNode(" "));
          return;
        }
        list = null;
        if (!para) { para = self.make("p"); dst.appendChild(para); }
        para.appendChild(self.doc.createTextNode(collapse(node.nodeValue)));
        return;
      }
      if (node.nodeType !== 1) return; // comments, Word's <![if !supportLists]>, processing instructions
      var name = node.tagName.toUpperCase();
      if (DROP[name]) return;
      if (isWordListParagraph(node)) {
        para = null;
        var ordered = takeMarker(node);
        if (!list || listOrdered !== ordered) {
          list = self.make(ordered ? "ol" : "ul");
          listOrdered = ordered;
          dst.appendChild(list);
        }
        var item = self.make("li");
        self.inline(node, item);
        list.appendChild(item);
        return;
      }
      list = null;
      if (name === "BR") {
        if (para) para.appendChild(self.make("br"));
        return;
      }
      if (name === "HR") { para = null; return; }
      if (RENAME[name] && /^H/.test(name)) {
        para = null;
        var heading = self.make(RENAME[name]);
        self.inline(node, heading);
        dst.appendChild(heading);
        return;
      }
      if (name === "UL" || name === "OL") {
        para = null;
        dst.appendChild(self.list(node, name));
        return;
      }
      if (name === "LI") {
        para = null;
        var single = self.make("ul");
        var li = self.make("li");
        self.inline(node, li);
        single.appendChild(li);
        dst.appendChild(single);
        return;
      }
      if (BLOCKS[name] || hasBlockDescendant(node)) {
        para = null;
        if (hasBlockDescendant(node)) {
          self.blocks(node, dst); // a wrapper (Google Docs' <b>, Word's <div class=WordSection1>)
          return;
        }
        var cls = node.getAttribute("class") || "";
        var tag = /MsoTitle/i.test(cls) ? "h3" : /MsoSubtitle/i.test(cls) ? "h4" : "p";
        var block = self.make(tag);
        self.inline(node, block);
        dst.appendChild(block);
        return;
      }
      if (!para) { para = self.make("p"); dst.appendChild(para); }
      self.inlineNode(node, para);
    });
  };

  Cleaner.prototype.list = function (src, name) {
    var self = this;
    var out = self.make(name === "OL" ? "ol" : "ul");
    Array.prototype.forEach.call(src.childNodes, function (node) {
      if (node.nodeType === 3 && !node.nodeValue.replace(/[\s\u00a0]/g, "")) return;
      var item;
      if (node.nodeType === 1 && node.tagName.toUpperCase() === "LI") {
        item = self.make("li");
        self.inline(node, item);
      } else if (node.nodeType === 1 && /^(UL|OL)$/i.test(node.tagName)) {
        var last = out.lastElementChild;
        if (!last) { last = self.make("li"); out.appendChild(last); }
        last.appendChild(self.list(node, node.tagName.toUpperCase()));
        return;
      } else {
        item = self.make("li");
        self.inlineNode(node, item);
      }
      out.appendChild(item);
    });
    return out;
  };

  Cleaner.prototype.inline = function (src, dst) {
    var self = this;
    Array.prototype.forEach.call(src.childNodes, function (node) { self.inlineNode(node, dst); });
  };

  /* Inline context: dst is p, h3, h4, li, strong or em. */
  Cleaner.prototype.inlineNode = function (node, dst) {
    var self = this;
    if (node.nodeType === 3) {
      dst.appendChild(self.doc.createTextNode(collapse(node.nodeValue)));
      return;
    }
    if (node.nodeType !== 1) return;
    var name = node.tagName.toUpperCase();
    if (DROP[name]) return;
    var style = styleOf(node);
    if (/mso-list:ignore/.test(style)) return;
    if (name === "BR") { dst.appendChild(self.make("br")); return; }
    if ((name === "UL" || name === "OL") && dst.tagName.toUpperCase() === "LI") {
      dst.appendChild(self.list(node, name));
      return;
    }
    if (BLOCKS[name]) {
      // A paragraph inside a list item or a heading: keep its words, separated by a space.
      if (dst.childNodes.length) dst.appendChild(self.doc.createTextNode(" "));
      self.inline(node, dst);
      return;
    }
    var bold = name === "STRONG" || (name === "B" && !/font-weight:(normal|400)/.test(style)) ||
      /font-weight:(bold|[6-9]00)/.test(style);
    var italic = name === "EM" || name === "I" || /font-style:italic/.test(style);
    var target = dst;
    var wrapper = null;
    if (bold) { wrapper = self.make("strong"); target = wrapper; }
    if (italic) {
      var em = self.make("em");
      if (wrapper) { wrapper.appendChild(em); } else { wrapper = em; }
      target = em;
    }
    self.inline(node, target);
    if (wrapper) {
      if (!isEmpty(wrapper)) dst.appendChild(wrapper);
      else if (wrapper.textContent) dst.appendChild(self.doc.createTextNode(" "));
    }
  };

  /* Drop empty blocks and trim the edges of each block. */
  function tidy(root) {
    Array.prototype.slice.call(root.querySelectorAll("p, h3, h4, li")).reverse().forEach(function (el) {
      if (isEmpty(el) && !el.querySelector("ul, ol")) el.parentNode.removeChild(el);
    });
    Array.prototype.slice.call(root.querySelectorAll("ul, ol")).reverse().forEach(function (el) {
      if (!el.querySelector("li")) el.parentNode.removeChild(el);
    });
    Array.prototype.forEach.call(root.querySelectorAll("p, h3, h4, li"), function (el) {
      var first = el.firstChild;
      if (first && first.nodeType === 3) first.nodeValue = first.nodeValue.replace(/^[\s]+/, "");
      var last = el.lastChild;
      if (last && last.nodeType === 3) last.nodeValue = last.nodeValue.replace(/[\s]+$/, "");
      while (el.lastChild && el.lastChild.nodeName === "BR" && el.childNodes.length > 1) el.removeChild(el.lastChild);
    });
  }

  /* HTML in, allowlisted HTML out. Parsing happens in an inert document: nothing runs or loads. */
  function clean(html) {
    var parsed = new DOMParser().parseFromString(defuse(String(html || "")), "text/html");
    var out = document.createElement("div");
    new Cleaner(document).blocks(parsed.body, out);
    tidy(out);
    return out.innerHTML;
  }

  /* Plain text, by the server's rule (remiss/richtext.py, plain_to_html): blank lines separate
     paragraphs, single line breaks stay as <br>, lines that start with "•", "◦", "-" or "–" and
     a space become a bulleted list, lines numbered 1., 2., 3. … from the first a numbered one. */
  var BULLET = /^[\u2022\u25e6\u2013-]\s+/;
  var NUMBER = /^([1-9][0-9]{0,2})\.\s+/;

  function numberedRun(lines, start) {
    var end = start;
    while (end < lines.length) {
      var match = lines[end].match(NUMBER);
      if (!match || Number(match[1]) !== end - start + 1) break;
      end += 1;
    }
    return end;
  }

  function plainBlock(lines) {
    var list = BULLET.test(lines[0]) ? "ul" : numberedRun(lines, 0) > 0 ? "ol" : null;
    var end = list === "ul" ? 1 : list === "ol" ? numberedRun(lines, 0) : 1;
    while (list === "ul" && end < lines.length && BULLET.test(lines[end])) end += 1;
    while (!list && end < lines.length && !BULLET.test(lines[end]) && numberedRun(lines, end) === end) end += 1;
    var el = document.createElement(list || "p");
    lines.slice(0, end).forEach(function (line, i) {
      if (list) {
        var li = document.createElement("li");
        li.textContent = line.replace(list === "ul" ? BULLET : NUMBER, "");
        el.appendChild(li);
      } else {
        if (i) el.appendChild(document.createElement("br"));
        el.appendChild(document.createTextNode(line));
      }
    });
    return { el: el, end: end };
  }

  function plainToHtml(text) {
    var out = document.createElement("div");
    String(text || "").replace(/\r\n?/g, "\n").split(/\n[^\S\n]*\n/).forEach(function (chunk) {
      var lines = chunk.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
      while (lines.length) {
        var block = plainBlock(lines);
        out.appendChild(block.el);
        lines = lines.slice(block.end);
      }
    });
    return out.innerHTML;
  }

  /* Put cleaned HTML where the caret is, with DOM calls rather than execCommand("insertHTML"):
     Chromium's insertHTML wraps inserted text in <span style="…"> to keep its look next to a
     heading or bold text, and the CSP refuses those styles (and logs each one). Blocks pasted
     inside a paragraph, heading or list item split it at the caret, as pasting in Word does.
     The browser's undo does not cover it, so it is only the fallback where insertHTML fails. */
  var TEXT_BLOCKS = toSet("P H3 H4 LI");

  function insertCleanHtml(editor, html) {
    var sel = window.getSelection();
    var range;
    if (sel.rangeCount && editor.contains(sel.getRangeAt(0).commonAncestorContainer)) {
      range = sel.getRangeAt(0);
      range.deleteContents();
    } else {
      range = document.createRange();
      range.selectNodeContents(editor);
      range.collapse(false);
    }
    var holder = document.createElement("div");
    holder.innerHTML = html; // already cleaned: allowlisted tags, no attributes
    var blocks = Array.prototype.slice.call(holder.childNodes);
    var block = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentNode;
    while (block && block !== editor && !TEXT_BLOCKS[block.nodeName]) block = block.parentNode;
    if (block === editor) block = null;
    var last;
    if (blocks.length === 1 && blocks[0].nodeName === "P" && block) {
      // One paragraph: its words go in at the caret, in whatever block that is.
      var inline = document.createDocumentFragment();
      while (blocks[0].firstChild) inline.appendChild(blocks[0].firstChild);
      last = inline.lastChild;
      range.insertNode(inline);
    } else if (!block) {
      var all = document.createDocumentFragment();
      blocks.forEach(function (b) { all.appendChild(b); });
      last = all.lastChild;
      range.insertNode(all);
    } else {
      // Split the block at the caret: its first half takes the first pasted paragraph's words,
      // the pasted blocks follow, and its second half goes on as a block of its own kind.
      var tail = document.createRange();
      tail.setStart(range.startContainer, range.startOffset);
      tail.setEndAfter(block.lastChild || block);
      var rest = tail.extractContents();
      if (blocks[0] && blocks[0].nodeName === "P") {
        var first = blocks.shift();
        while (first.firstChild) block.appendChild(first.firstChild);
      }
      var container = block.nodeName === "LI" ? block : block.parentNode;
      var before = block.nodeName === "LI" ? null : block.nextSibling;
      blocks.forEach(function (b) { container.insertBefore(b, before); });
      last = blocks.length ? blocks[blocks.length - 1] : block.lastChild;
      if (rest.textContent.replace(/[\s\u00a0]/g, "")) {
        var after = document.createElement(block.nodeName.toLowerCase());
        after.appendChild(rest);
        block.parentNode.insertBefore(after, block.nextSibling);
        if (block.nodeName !== "LI" && blocks.length) block.parentNode.insertBefore(after, before);
      }
      if (!block.textContent.replace(/[\s\u00a0]/g, "") && !block.querySelector("ul, ol") && block.parentNode) {
        block.parentNode.removeChild(block);
      }
    }
    // The caret after what was pasted.
    if (last) {
      var caret = document.createRange();
      if (last.nodeType === 3) caret.setStart(last, last.nodeValue.length);
      else { caret.selectNodeContents(last); caret.collapse(false); }
      sel.removeAllRanges();
      sel.addRange(caret);
    }
  }

  /* The textarea holds plain text (what works without JavaScript); stored HTML comes beside it in
     a hidden <name>_html (remiss/forms.py, RichTextarea). */
  function toEditorHtml(textarea) {
    var stored = textarea.form && textarea.form.elements[textarea.name + "_html"];
    return stored && stored.value ? clean(stored.value) : plainToHtml(textarea.value);
  }

  /* From now on the textarea carries the editor's HTML, and says so: only a value marked as HTML
     is read as HTML by the server; anything else is stored as the plain text it is. */
  function markAsHtml(textarea) {
    var name = textarea.name + "_format";
    var marker = textarea.form && textarea.form.elements[name];
    if (!marker) {
      marker = document.createElement("input");
      marker.type = "hidden";
      marker.name = name;
      textarea.parentNode.insertBefore(marker, textarea);
    }
    marker.value = "html";
  }

  /* Chromium moves the caret to the start of the block after making it a list; put it back
     where it was, counted in characters (the command changes structure, not text). */
  function textOffset(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  function pointAt(container, n) {
    var walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, null);
    var node;
    var last = null;
    while ((node = walker.nextNode())) {
      if (n <= node.nodeValue.length) return [node, n];
      n -= node.nodeValue.length;
      last = node;
    }
    return last ? [last, last.nodeValue.length] : [container, container.childNodes.length];
  }

  function keepingCaret(editor, command) {
    var sel = window.getSelection();
    if (!sel.rangeCount || !editor.contains(sel.getRangeAt(0).commonAncestorContainer)) { command(); return; }
    var range = sel.getRangeAt(0);
    var start = textOffset(editor, range.startContainer, range.startOffset);
    var end = textOffset(editor, range.endContainer, range.endOffset);
    command();
    var a = pointAt(editor, start);
    var b = pointAt(editor, end);
    var restored = document.createRange();
    restored.setStart(a[0], a[1]);
    restored.setEnd(b[0], b[1]);
    sel.removeAllRanges();
    sel.addRange(restored);
  }

  var BUTTONS = [
    { label: "Rubrik", block: "h3" },
    { label: "Underrubrik", block: "h4" },
    { label: "Fet", command: "bold" },
    { label: "Kursiv", command: "italic" },
    { label: "Punktlista", command: "insertUnorderedList" },
    { label: "Numrerad lista", command: "insertOrderedList" }
  ];

  var counter = 0;

  function enhance(textarea) {
    if (textarea.dataset.richtextReady) return;
    counter += 1;
    var id = textarea.id || ("richtext-" + counter);
    var label = textarea.id ? document.querySelector('label[for="' + textarea.id + '"]') : null;
    if (label && !label.id) label.id = id + "_label";

    var wrap = document.createElement("div");
    wrap.className = "editor-wrap";

    var toolbar = document.createElement("div");
    toolbar.className = "editor-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Formatering" + (label ? ": " + label.textContent.replace(/\s*\(obligatoriskt\)\s*/, "").trim() : ""));
    toolbar.setAttribute("aria-controls", id + "_editor");

    var editor = document.createElement("div");
    editor.className = "editor";
    editor.id = id + "_editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    if (label) editor.setAttribute("aria-labelledby", label.id);
    else editor.setAttribute("aria-label", textarea.getAttribute("aria-label") || textarea.name);
    ["aria-describedby", "aria-invalid", "aria-required"].forEach(function (attr) {
      if (textarea.hasAttribute(attr)) editor.setAttribute(attr, textarea.getAttribute(attr));
    });
    if (textarea.required) editor.setAttribute("aria-required", "true");
    editor.innerHTML = toEditorHtml(textarea);

    var saved = null;
    function remember() {
      var sel = window.getSelection();
      if (sel.rangeCount && editor.contains(sel.getRangeAt(0).commonAncestorContainer)) saved = sel.getRangeAt(0).cloneRange();
    }
    function restore() {
      var range = saved; // focusing runs remember(), which would overwrite it
      editor.focus();
      if (range) {
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        saved = range;
      }
    }
    function sync() { textarea.value = editor.innerHTML; }
    function currentBlock() {
      var value = "";
      try { value = String(document.queryCommandValue("formatBlock") || ""); } catch (e) { value = ""; }
      return value.replace(/[<>]/g, "").toLowerCase();
    }

    var buttons = BUTTONS.map(function (spec, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = spec.label;
      button.tabIndex = index === 0 ? 0 : -1;
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        restore();
        try { document.execCommand("styleWithCSS", false, false); } catch (e) { /* older engines */ }
        if (spec.block) {
          keepingCaret(editor, function () {
            document.execCommand("formatBlock", false, currentBlock() === spec.block ? "<p>" : "<" + spec.block + ">");
          });
        } else if (/List$/.test(spec.command)) {
          keepingCaret(editor, function () { document.execCommand(spec.command, false, null); });
        } else {
          document.execCommand(spec.command, false, null); // bold/italic: the engine keeps the caret
        }
        remember();
        sync();
        updateStates();
      });
      toolbar.appendChild(button);
      return { el: button, spec: spec };
    });

    function updateStates() {
      var block = currentBlock();
      buttons.forEach(function (b) {
        var on = false;
        try { on = b.spec.block ? block === b.spec.block : document.queryCommandState(b.spec.command); } catch (e) { on = false; }
        b.el.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }

    toolbar.addEventListener("keydown", function (event) {
      var list = buttons.map(function (b) { return b.el; });
      var at = list.indexOf(document.activeElement);
      var next = null;
      if (event.key === "ArrowRight" || event.key === "ArrowDown") next = (at + 1) % list.length;
      else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = (at - 1 + list.length) % list.length;
      else if (event.key === "Home") next = 0;
      else if (event.key === "End") next = list.length - 1;
      else if (event.key === "Escape") { event.preventDefault(); restore(); return; }
      if (next === null) return;
      event.preventDefault();
      list.forEach(function (b, i) { b.tabIndex = i === next ? 0 : -1; });
      list[next].focus();
    });

    editor.addEventListener("keydown", function (event) {
      if (event.altKey && event.key === "F10") {
        event.preventDefault();
        remember();
        var current = buttons.filter(function (b) { return b.el.tabIndex === 0; })[0] || buttons[0];
        current.el.focus();
      }
    });
    editor.addEventListener("input", function () { sync(); remember(); });
    ["keyup", "mouseup", "focus"].forEach(function (type) {
      editor.addEventListener(type, function () { remember(); updateStates(); });
    });
    editor.addEventListener("blur", remember);
    editor.addEventListener("paste", function (event) {
      var data = event.clipboardData || window.clipboardData;
      if (!data) return;
      var html = data.getData("text/html");
      var text = data.getData("text/plain");
      var insert = html ? clean(html) : plainToHtml(text);
      event.preventDefault();
      if (!insert) return;
      // insertHTML keeps the paste on the browser's undo stack, so Ctrl+Z takes it back. Next to
      // a heading or bold text Chromium wraps the words in <span style="…">; the CSP refuses
      // those styles (a console report, nothing is applied) and the server drops them on save.
      // Undo matters more to someone pasting from Word than a clean console.
      if (!document.execCommand("insertHTML", false, insert)) insertCleanHtml(editor, insert);
      remember();
      sync();
    });

    if (label) {
      label.addEventListener("click", function (event) { event.preventDefault(); editor.focus(); });
    }
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href="#' + textarea.id + '"]');
      if (link && textarea.id) {
        event.preventDefault();
        editor.focus();
        editor.scrollIntoView({ block: "center" });
      }
    });
    if (textarea.form) {
      textarea.form.addEventListener("submit", function () {
        textarea.value = clean(editor.innerHTML);
      });
    }

    wrap.appendChild(toolbar);
    wrap.appendChild(editor);
    textarea.parentNode.insertBefore(wrap, textarea.nextSibling);
    textarea.hidden = true;
    textarea.value = clean(editor.innerHTML);
    markAsHtml(textarea);
    textarea.dataset.richtextReady = "1";
    if (textarea.id && window.location.hash === "#" + textarea.id) editor.focus();
  }

  function init() {
    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* older engines */ }
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-richtext]"), enhance);
  }

  window.remissEditor = { clean: clean, plainToHtml: plainToHtml, enhance: enhance };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
