/* Boards: drag a card (with the mouse, or by its grip with a finger) to change the board's order;
   the order is saved through the API (PUT /api/boards/{id}/order, with the page's CSRF token).
   Without JavaScript the arrow buttons do the same one step at a time. */
(function () {
  "use strict";

  function setup() {
    var list = document.getElementById("board-items");
    if (!list || list.dataset.filtered) return;
    var status = document.getElementById("order-status");
    var dragged = null;

    function cards() { return Array.prototype.slice.call(list.querySelectorAll("li[data-key]")); }
    function clearMarks() { cards().forEach(function (c) { c.classList.remove("drop-before"); }); }

    function save() {
      var keys = cards().map(function (c) { return c.dataset.key; });
      fetch("/api/boards/" + encodeURIComponent(list.dataset.board) + "/order", {
        method: "PUT",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": list.dataset.csrf},
        body: JSON.stringify({keys: keys})
      }).then(function (r) {
        if (status) status.textContent = r.ok ? list.dataset.saved : list.dataset.failed;
        list.dataset.savedOrder = r.ok ? keys.join(",") : "";
      }, function () { if (status) status.textContent = list.dataset.failed; });
    }

    // Dropped on a card: the dragged one takes its place (before it when coming from below,
    // after it when coming from above), as in every sortable list.
    function place(moved, card) {
      var all = cards();
      if (all.indexOf(moved) < all.indexOf(card)) list.insertBefore(moved, card.nextSibling);
      else list.insertBefore(moved, card);
    }

    cards().forEach(function (card) {
      card.addEventListener("dragstart", function (ev) {
        dragged = card;
        card.classList.add("dragging");
        if (ev.dataTransfer) { ev.dataTransfer.effectAllowed = "move"; ev.dataTransfer.setData("text/plain", card.dataset.key); }
      });
      card.addEventListener("dragend", function () {
        card.classList.remove("dragging");
        clearMarks();
        dragged = null;
      });
      card.addEventListener("dragover", function (ev) {
        if (!dragged || dragged === card) return;
        ev.preventDefault();
        clearMarks();
        card.classList.add("drop-before");
      });
      card.addEventListener("drop", function (ev) {
        if (!dragged || dragged === card) return;
        ev.preventDefault();
        place(dragged, card);
        clearMarks();
        save();
      });
      touchDrag(card);
    });

    // Touch and pen: HTML drag and drop does not start from a finger, so the card's grip follows
    // pointer events instead (the grip takes no scrolling: touch-action none); the mouse keeps
    // the native drag above.  The arrow buttons remain the keyboard's and no-JavaScript way.
    function touchDrag(card) {
      var grip = card.querySelector(".grip");
      if (!grip) return;
      grip.addEventListener("pointerdown", function (ev) {
        if (ev.pointerType === "mouse") return;
        ev.preventDefault();
        if (grip.setPointerCapture) grip.setPointerCapture(ev.pointerId);
        var target = null;
        card.classList.add("dragging");
        function move(e) {
          var el = document.elementFromPoint(e.clientX, e.clientY);
          var over = el && el.closest ? el.closest("#board-items > li[data-key]") : null;
          clearMarks();
          target = over && over !== card ? over : null;
          if (target) target.classList.add("drop-before");
          if (e.clientY < 48) window.scrollBy(0, -24);
          else if (e.clientY > window.innerHeight - 48) window.scrollBy(0, 24);
        }
        function end(e) {
          grip.removeEventListener("pointermove", move);
          grip.removeEventListener("pointerup", end);
          grip.removeEventListener("pointercancel", end);
          card.classList.remove("dragging");
          clearMarks();
          if (target && e.type === "pointerup") { place(card, target); save(); }
        }
        grip.addEventListener("pointermove", move);
        grip.addEventListener("pointerup", end);
        grip.addEventListener("pointercancel", end);
      });
    }
  }

  // The new share link: a Copy button where the clipboard can be written (https or localhost).
  function setupCopy() {
    var button = document.getElementById("copy-share");
    var field = document.getElementById("new-share-url");
    if (!button || !field) return;
    field.addEventListener("focus", function () { field.select(); });
    if (!(navigator.clipboard && window.isSecureContext)) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () { button.textContent = button.dataset.copied; }, function () { field.select(); });
    });
  }

  function start() { setup(); setupCopy(); }
  if (document.readyState !== "loading") start(); else document.addEventListener("DOMContentLoaded", start);
})();
