/* The Swipe: a few small behaviours, no framework (served as is; no build step).
   - VSL page: transcript synced to the video (highlight, click to seek, filter), beats and quotes seek,
     ?t=SECONDS starts there, "copy link to this moment".
   - Add and queue pages: live status of each URL (polls /api/statuses). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function setupPlayer() {
    var video = document.getElementById("player");
    var list = document.getElementById("transcript");
    var segs = list ? Array.prototype.slice.call(list.querySelectorAll(".seg")) : [];
    var current = null;

    function seek(seconds) {
      if (!video || isNaN(seconds)) return;
      video.currentTime = seconds;
      var p = video.play();
      if (p && p.catch) p.catch(function () {});
    }

    function highlight() {
      if (!video) return;
      var t = video.currentTime, found = null;
      for (var i = 0; i < segs.length; i++) {
        var s = parseFloat(segs[i].dataset.start), e = parseFloat(segs[i].dataset.end);
        if (t >= s && t < e) { found = segs[i]; break; }
        if (t >= s) found = segs[i];
      }
      if (found !== current) {
        if (current) current.classList.remove("current");
        if (found) {
          found.classList.add("current");
          if (list && !list.matches(":hover")) found.scrollIntoView({block: "nearest"});
        }
        current = found;
      }
    }

    segs.forEach(function (el) {
      el.addEventListener("click", function () { seek(parseFloat(el.dataset.start)); });
      el.addEventListener("keydown", function (ev) { if (ev.key === "Enter") seek(parseFloat(el.dataset.start)); });
    });
    document.querySelectorAll("[data-seek]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!video) return;
        ev.preventDefault();
        seek(parseFloat(el.dataset.seek));
      });
    });
    document.querySelectorAll(".beat[data-width]").forEach(function (el) {
      el.style.flexGrow = String(Math.max(parseFloat(el.dataset.width) || 0, 1));
    });

    var filter = document.getElementById("transcript-filter");
    if (filter) {
      filter.addEventListener("input", function () {
        var q = filter.value.trim().toLowerCase();
        segs.forEach(function (el) {
          var hit = q && el.textContent.toLowerCase().indexOf(q) >= 0;
          el.hidden = Boolean(q) && !hit;
          el.classList.toggle("match", Boolean(hit));
        });
      });
    }

    if (video) {
      var start = parseFloat(video.dataset.start);
      if (!isNaN(start)) {
        var jump = function () { video.currentTime = start; highlight(); };
        if (video.readyState >= 1) jump(); else video.addEventListener("loadedmetadata", jump, {once: true});
      }
      video.addEventListener("timeupdate", highlight);
      video.addEventListener("seeked", highlight);
    }

    var copy = document.getElementById("copy-moment");
    var out = document.getElementById("moment-link");
    if (copy && video) {
      copy.addEventListener("click", function () {
        var link = location.origin + location.pathname + "?t=" + Math.floor(video.currentTime);
        if (out) { out.value = link; out.select(); }
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(link).then(function () { copy.textContent = copy.dataset.copied; }, function () {});
        }
      });
    }

    var boardSelect = document.getElementById("board-select");
    var boardForm = document.getElementById("board-form");
    if (boardSelect && boardForm) {
      boardSelect.addEventListener("change", function () {
        boardForm.action = "/boards/" + encodeURIComponent(boardSelect.value) + "/items";
      });
    }
  }

  function setupPosters() {
    document.querySelectorAll("img[data-fallback]").forEach(function (img) {
      img.addEventListener("error", function () { img.remove(); });
    });
  }

  var FINAL = {analyzed: true, failed: true};
  var LABELS = {};
  try { LABELS = JSON.parse(document.body.dataset.statusLabels || "{}"); } catch (e) { LABELS = {}; }

  function setupPolling() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("[data-poll-key]"));
    if (!rows.length) return;
    var byKey = {};
    rows.forEach(function (r) { byKey[r.dataset.pollKey] = r; });
    function paint(row, item) {
      var badge = row.querySelector(".badge");
      if (badge && badge.dataset.status !== item.status) {
        badge.className = "badge s-" + item.status;
        badge.dataset.status = item.status;
        badge.textContent = LABELS[item.status] || item.status;
      }
      var reason = row.querySelector(".reason");
      if (reason) reason.textContent = item.reason || "";
      row.classList.toggle("is-failed", item.status === "failed");
      if (item.status === "failed") addRetry(row, item.partition_key);
    }
    // A row that fails while the page is open gets its Retry button here: the server renders one
    // only on rows already failed, so the page never carries a form per row.
    function addRetry(row, key) {
      var cell = row.querySelector(".actions");
      var csrf = document.querySelector("input[name=csrf_token]");
      if (!cell || !csrf || cell.querySelector("form.retry")) return;
      var form = document.createElement("form");
      form.method = "post";
      form.action = "/vsl/" + encodeURIComponent(key) + "/retry";
      form.className = "inline retry";
      [["csrf_token", csrf.value], ["next", location.pathname + location.search]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden"; input.name = pair[0]; input.value = pair[1];
        form.appendChild(input);
      });
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = (row.closest("table") && row.closest("table").dataset.retryLabel) || "Retry";
      form.appendChild(button);
      cell.appendChild(form);
    }
    function tick() {
      var keys = Object.keys(byKey).join(",");
      fetch("/api/statuses?keys=" + encodeURIComponent(keys), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          var pending = false;
          items.forEach(function (item) {
            var row = byKey[item.partition_key];
            if (row) paint(row, item);
            if (!FINAL[item.status]) pending = true;
          });
          setTimeout(tick, pending ? 1000 : 4000);
        })
        .catch(function () { setTimeout(tick, 4000); });
    }
    rows.forEach(function (r) {
      var b = r.querySelector(".badge");
      r.classList.toggle("is-failed", b && b.dataset.status === "failed");
    });
    setTimeout(tick, 500);
  }

  onReady(function () { setupPlayer(); setupPosters(); setupPolling(); });
})();
