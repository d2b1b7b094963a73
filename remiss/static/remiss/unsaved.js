/* remiss: a guard against losing typed text to another form on the same page.
 *
 * A page with a text form often has other forms beside it (the Word upload, the positions, the
 * status buttons, logging out). Submitting one of those reloads the page, and whatever was typed
 * in the text form and not saved is gone. So: a form is "dirty" when one of its textareas (or the
 * rich-text editor that stands in for it, see editor.js) differs from what the page was loaded
 * with. Submitting any other form while one is dirty is stopped once, with a message beside the
 * button (role="alert"); a second submit of that form goes through, as the message says.
 *
 * No beforeunload, confirm() or alert(): the message is part of the page, readable and testable.
 * The message text comes from the template (data-message on this script's tag) so it is
 * translated like every other text. Without JavaScript nothing is guarded, and nothing breaks.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var MESSAGE = (script && script.getAttribute("data-message")) ||
    "Texten har ändringar som inte är sparade. Spara texten först, eller klicka igen för att fortsätta utan att spara.";

  /* What the person sees: the editor's HTML for a rich-text textarea (editor.js only copies it
     into the textarea on input), the value for a plain one. */
  function current(textarea) {
    var wrap = textarea.nextElementSibling;
    var editor = wrap && wrap.classList.contains("editor-wrap") ? wrap.querySelector(".editor") : null;
    return editor ? editor.innerHTML : textarea.value;
  }

  var watched = []; // [{form, fields: [{textarea, initial}]}]
  var warnings = 0;

  function isDirty(entry) {
    return entry.fields.some(function (f) { return current(f.textarea) !== f.initial; });
  }

  function warn(form, button) {
    var note = form.querySelector(".unsaved-warning");
    if (!note) {
      note = document.createElement("p");
      note.className = "field-error unsaved-warning";
      note.setAttribute("role", "alert");
      warnings += 1;
      note.id = "unsaved-warning-" + warnings;
    }
    note.textContent = MESSAGE;
    var anchor = button && form.contains(button) ? button : form.lastElementChild;
    if (anchor) anchor.insertAdjacentElement("afterend", note);
    else form.appendChild(note);
    if (button) button.setAttribute("aria-describedby", ((button.getAttribute("aria-describedby") || "") + " " + note.id).trim());
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.dataset.unsavedWarned === "1") return;
    var dirty = watched.some(function (entry) { return entry.form !== form && isDirty(entry); });
    if (!dirty) return;
    event.preventDefault();
    form.dataset.unsavedWarned = "1"; // the next submit of this form is the person's informed choice
    warn(form, event.submitter || form.querySelector('button[type="submit"], button:not([type]), input[type="submit"]'));
  }

  function init() {
    Array.prototype.forEach.call(document.forms, function (form) {
      var fields = Array.prototype.filter.call(form.querySelectorAll("textarea"), function (t) { return !t.disabled; })
        .map(function (t) { return { textarea: t, initial: current(t) }; });
      if (fields.length) watched.push({ form: form, fields: fields });
    });
    // Capture, so the check runs before the form's own submit handlers.
    document.addEventListener("submit", onSubmit, true);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
