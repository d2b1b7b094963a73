/* Focus after a save or a refused form (WCAG 2.4.3, 3.3.1). The server answers a post with a new
   page, and the browser puts focus on <body>: a screen reader starts reading from the top and a
   keyboard user from the skip link, and neither learns what happened. Focus goes to the outcome
   instead: the error summary when the page has errors, otherwise the confirmation message.

   An error summary's link to a radio or checkbox group focuses the first choice; the browser
   would scroll only that one input into view, hiding the group's legend and error text above
   it, so the group is scrolled into view from its legend first. */
(function () {
  "use strict";

  function focusOutcome() {
    // A link to a place on the page (#field, #rapportera) decides where the reader is.
    var hash = window.location.hash.slice(1);
    if (hash && document.getElementById(hash)) return;
    var target = document.querySelector(".error-summary") || document.querySelector(".messages");
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus();
  }

  function showWholeGroup(event) {
    var link = event.target.closest && event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    var group = field && field.closest("fieldset");
    if (!group) return;
    event.preventDefault();
    (group.querySelector("legend") || group).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  }

  document.addEventListener("click", showWholeGroup);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOutcome);
  } else {
    focusOutcome();
  }
})();
