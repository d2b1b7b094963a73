/* remiss: the memo compilation page follows its job without a reload.
 *
 * Progressive enhancement of <section data-memo-job data-status-url=… data-status=…>: while the
 * job is queued or rendering, ask data-status-url (JSON) every 2 seconds and update the page in
 * place. The sentence sits in an aria-live="polite" region and is only rewritten when it changes,
 * so a screen reader hears each new status once. The parts marked data-when="<statuses>" are shown
 * for those statuses only (the download link when done; the reason and "Försök igen" when failed).
 *
 * The page's flash message ("står i kö …", from the compile button) speaks of the status the
 * page was loaded with; once the job has moved on it is hidden, so it never contradicts the box.
 *
 * Every text comes from the server's JSON; nothing here is Swedish. Without JavaScript, or when
 * asking fails a few times in a row (e.g. the session ended), the "Uppdatera" link is there.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 2000;
  var MAX_FAILURES = 3;

  var root = document.querySelector("[data-memo-job]");
  if (!root || !window.fetch) {
    return;
  }
  var url = root.getAttribute("data-status-url");
  var loadedStatus = root.getAttribute("data-status");
  var refresh = root.querySelector("[data-refresh]");
  var failures = 0;

  function isFinal(status) {
    return status === "done" || status === "failed";
  }

  function setText(selector, value) {
    var el = root.querySelector(selector);
    if (el && el.textContent !== value) {
      el.textContent = value;
    }
  }

  function showParts(status) {
    var parts = root.querySelectorAll("[data-when]");
    for (var i = 0; i < parts.length; i++) {
      parts[i].hidden = parts[i].getAttribute("data-when").split(" ").indexOf(status) < 0;
    }
  }

  function apply(state) {
    setText("[data-label]", state.label || "");
    setText("[data-message]", state.message || "");
    setText("[data-error]", state.error || "");
    setText("[data-sha]", state.sha256 || "");
    var download = root.querySelector("[data-download]");
    if (download && state.download_url) {
      download.setAttribute("href", state.download_url);
    }
    root.setAttribute("data-status", state.status);
    showParts(state.status);
    var flash = document.querySelector(".messages");
    if (flash && state.status !== loadedStatus) {
      flash.hidden = true;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (!response.ok || type.indexOf("application/json") !== 0) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        failures = 0;
        apply(state);
        if (!isFinal(state.status)) {
          window.setTimeout(poll, INTERVAL_MS);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < MAX_FAILURES) {
          window.setTimeout(poll, INTERVAL_MS);
        } else if (refresh) {
          refresh.hidden = false; // give up; the person can reload by hand
        }
      });
  }

  if (!isFinal(root.getAttribute("data-status"))) {
    if (refresh) {
      refresh.hidden = true;
    }
    window.setTimeout(poll, INTERVAL_MS);
  }
})();
