/* remiss: the refer page's memo order (templates/remiss/registrar/_refer_order.html).
 *
 * Without JavaScript the list of chosen bodies is the server's: "Flytta upp/ned" post the form
 * and the page comes back reordered. Here the list follows the ticking at once: a ticked body
 * goes last, an unticked one leaves, and the buttons move an item in place. The hidden `order`
 * field always holds the list's body ids, so the server refers in exactly this order.
 *
 * Keyboard: the buttons are real buttons; after a move the focus stays on the pressed button
 * (which moved with its item), and a polite live region says where the item now stands.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-refer-order]");
  if (!form) return;
  var section = form.querySelector(".refer-order");
  var value = form.querySelector("#refer-order-value");
  var list = form.querySelector("#refer-order-list");
  var empty = form.querySelector("#refer-order-empty");
  var status = form.querySelector("#refer-order-status");
  var refresh = form.querySelector("#refer-order-refresh");
  if (!section || !value || !list) return;
  // Gone, not hidden: it would stay the form's default button, and Enter would only reload.
  if (refresh) refresh.parentNode.removeChild(refresh);

  function rowOf(pk) {
    return form.querySelector('tr[data-body="' + pk + '"]');
  }

  function button(direction, name) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button secondary small";
    b.setAttribute("data-move", direction);
    b.appendChild(document.createTextNode(section.getAttribute(direction === "up" ? "data-up" : "data-down")));
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + name;
    b.appendChild(hidden);
    return b;
  }

  function item(pk) {
    var name = rowOf(pk).getAttribute("data-name");
    var li = document.createElement("li");
    li.setAttribute("data-body", pk);
    var span = document.createElement("span");
    span.className = "refer-order-name";
    span.textContent = name;
    li.appendChild(span);
    li.appendChild(document.createTextNode(" "));
    li.appendChild(button("up", name));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(button("down", name));
    return li;
  }

  function items() {
    return Array.prototype.slice.call(list.children);
  }

  function sync() {
    value.value = items().map(function (li) { return li.getAttribute("data-body"); }).join(",");
    if (empty) empty.hidden = list.children.length > 0;
  }

  function checkbox(tr) {
    return tr.querySelector('input[type="checkbox"]');
  }

  /* The server's list (after an error, or the browser's restored boxes) rebuilt with the
     in-place buttons, then made to agree with the boxes as they are now. */
  function init() {
    var order = items().map(function (li) { return li.getAttribute("data-body"); });
    list.textContent = "";
    order.forEach(function (pk) {
      var tr = rowOf(pk);
      if (tr && checkbox(tr).checked) list.appendChild(item(pk));
    });
    Array.prototype.forEach.call(form.querySelectorAll("tr[data-body]"), function (tr) {
      var pk = tr.getAttribute("data-body");
      if (checkbox(tr).checked && !list.querySelector('li[data-body="' + pk + '"]')) list.appendChild(item(pk));
    });
    sync();
  }

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches('input[type="checkbox"]')) return;
    var tr = box.closest("tr[data-body]");
    if (!tr) return;
    var pk = tr.getAttribute("data-body");
    var present = list.querySelector('li[data-body="' + pk + '"]');
    if (box.checked && !present) list.appendChild(item(pk));
    if (!box.checked && present) list.removeChild(present);
    sync();
  });

  list.addEventListener("click", function (event) {
    var b = event.target.closest ? event.target.closest("button[data-move]") : null;
    if (!b) return;
    event.preventDefault();
    var li = b.closest("li");
    if (b.getAttribute("data-move") === "up" && li.previousElementSibling) {
      list.insertBefore(li, li.previousElementSibling);
    } else if (b.getAttribute("data-move") === "down" && li.nextElementSibling) {
      list.insertBefore(li.nextElementSibling, li);
    }
    b.focus();
    sync();
    var all = items();
    status.textContent = section.getAttribute("data-moved")
      .replace("%(name)s", rowOf(li.getAttribute("data-body")).getAttribute("data-name"))
      .replace("%(n)s", String(all.indexOf(li) + 1))
      .replace("%(total)s", String(all.length));
  });

  init();
})();
