/* The Swipe: a few small behaviours, no framework (served as is; no build step).
   - VSL page: transcript synced to the video (highlight, click to seek, filter), beats and quotes seek,
     ?t=SECONDS starts there, "copy link to this moment".
   - Add and queue pages: live status of each URL (polls /api/statuses). */
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  // The browser's time zone, for the server to show dates in it (named); UTC until it knows.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("vsl_tz=" + encodeURIComponent(zone)) < 0) {
      document.cookie = "vsl_tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* no Intl: dates stay in UTC, named */ }

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
        if (out) { out.hidden = false; out.value = link; out.select(); }
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
  var LABELS = {}, MESSAGES = {};
  try { LABELS = JSON.parse(document.body.dataset.statusLabels || "{}"); } catch (e) { LABELS = {}; }
  try { MESSAGES = JSON.parse(document.body.dataset.messages || "{}"); } catch (e) { MESSAGES = {}; }
  function msg(text) { return MESSAGES[text] || text; }

  // "in 16 minutes" in the page's language (the server writes the first one with Babel).
  function inWords(seconds) {
    var lang = document.documentElement.lang || "en";
    var s = Math.max(0, Math.round(seconds));
    try {
      var fmt = new Intl.RelativeTimeFormat(lang, {numeric: "always"});
      if (s < 90) return fmt.format(s, "second");
      if (s < 90 * 60) return fmt.format(Math.round(s / 60), "minute");
      return fmt.format(Math.round(s / 3600), "hour");
    } catch (e) { return Math.round(s / 60) + " min"; }
  }

  function span(cls, text, data) {
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    Object.keys(data || {}).forEach(function (k) { el.dataset[k] = data[k]; });
    return el;
  }

  // Stage n/5, percent, place in line, ETA, stalled, a bar: the same pieces as the server's
  // progress_bits macro, refreshed from /api/statuses.
  function paintProgress(row, item) {
    var box = row.querySelector("td.progress, [data-progress]");
    if (!box) return;
    box.textContent = "";
    if (item.stage === null || item.stage === undefined || FINAL[item.status]) return;
    var head = row.closest("table") && row.closest("table").querySelector("th.progress[data-unreported]");
    if (head) head.removeAttribute("data-unreported");  // a row reports progress now: show the column
    box.appendChild(span("stage", msg("Step") + " " + item.stage + "/5", {stage: item.stage}));
    if (item.percent !== null && item.percent !== undefined) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(span("percent", Math.round(item.percent) + "%", {percent: item.percent}));
    }
    if (item.ahead) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(span("ahead", item.ahead + " " + msg("ahead in line"), {ahead: item.ahead}));
    }
    if (item.eta_at) {
      var when = Date.parse(item.eta_at);
      if (!isNaN(when)) {
        box.appendChild(document.createTextNode(" "));
        box.appendChild(span("eta", msg("ETA") + " " + inWords((when - Date.now()) / 1000), {eta: item.eta_at}));
      }
    }
    if (item.stalled) {
      box.appendChild(document.createTextNode(" "));
      box.appendChild(span("badge stalled", msg("stalled"), {stalled: "1"}));
    }
    var bar = document.createElement("progress");
    bar.max = 5;
    bar.value = item.stage + (item.percent || 0) / 100;
    bar.setAttribute("aria-label", msg("Progress"));
    box.appendChild(bar);
  }

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
      // The server wrote the reason translated (its raw text in data-raw); one that changed while
      // the page was open is shown as the pipeline wrote it.
      var reason = row.querySelector(".reason");
      var shown = reason && reason.querySelector("[data-raw]");
      if (reason && !(shown && shown.dataset.raw === (item.reason || ""))) reason.textContent = item.reason || "";
      paintProgress(row, item);
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

  // Phones: the header's links behind a Menu button; the library's filters folded in a drawer
  // (open on wide screens, and always without JavaScript).
  function setupLayout() {
    document.documentElement.classList.add("js");
    // An error page's "Back to the form" goes back in history, where the browser gives the form
    // back with what was typed in it; without JavaScript it opens the form's page afresh.
    var back = document.querySelector("a[data-back]");
    if (back && window.history.length > 1) {
      back.addEventListener("click", function (ev) { ev.preventDefault(); window.history.back(); });
    }
    var toggle = document.querySelector(".menu-toggle");
    var menu = document.getElementById("site-menu");
    if (toggle && menu) {
      toggle.addEventListener("click", function () {
        var open = !menu.classList.contains("open");
        menu.classList.toggle("open", open);
        toggle.setAttribute("aria-expanded", String(open));
        if (open) { var first = menu.querySelector("a, button"); if (first) first.focus(); }
      });
      document.addEventListener("keydown", function (ev) {
        if (ev.key === "Escape" && menu.classList.contains("open")) {
          menu.classList.remove("open");
          toggle.setAttribute("aria-expanded", "false");
          toggle.focus();
        }
      });
    }
    if (window.matchMedia && window.matchMedia("(max-width: 720px)").matches) {
      document.querySelectorAll("details[data-collapse-narrow]").forEach(function (d) { d.open = false; });
    }
  }

  // Keys: "/" focuses the page's search box; on the VSL page j or ArrowDown / ArrowUp move to the
  // next / previous transcript segment (and seek there), space or k play and pause.  Never while
  // typing in a field, and never over a control that uses the key itself.
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function ownsKey(el, key) {
    if (!el || el === document.body) return false;
    var tag = el.tagName;
    if (key === " ") return tag === "BUTTON" || tag === "A" || tag === "SUMMARY" || tag === "VIDEO" || tag === "AUDIO";
    return tag === "VIDEO" || tag === "AUDIO" || tag === "SELECT";
  }
  function setupKeys() {
    var video = document.getElementById("player");
    var list = document.getElementById("transcript");
    function visibleSegs() {
      return list ? Array.prototype.filter.call(list.querySelectorAll(".seg"), function (el) { return !el.hidden; }) : [];
    }
    function step(delta) {
      var segs = visibleSegs();
      if (!segs.length) return false;
      var at = segs.indexOf(document.activeElement);
      if (at < 0) at = segs.indexOf(list.querySelector(".seg.current"));
      var next = at < 0 ? (delta > 0 ? 0 : segs.length - 1) : Math.max(0, Math.min(segs.length - 1, at + delta));
      var el = segs[next];
      el.focus({preventScroll: true});
      el.scrollIntoView({block: "nearest"});
      if (video) {
        video.currentTime = parseFloat(el.dataset.start) || 0;
      }
      return true;
    }
    document.addEventListener("keydown", function (ev) {
      if (ev.defaultPrevented || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      var el = document.activeElement;
      if (typing(el)) return;
      var key = ev.key;
      if (key === "/") {
        var box = document.querySelector("[data-shortcut='/']");
        if (box) { ev.preventDefault(); box.focus(); if (box.select) box.select(); }
        return;
      }
      if (!list) return;
      if (ownsKey(el, key)) return;
      if (key === "j" || key === "ArrowDown") { if (step(1)) ev.preventDefault(); }
      else if (key === "ArrowUp") { if (step(-1)) ev.preventDefault(); }
      else if ((key === " " || key === "k") && video) {
        ev.preventDefault();
        if (video.paused) { var p = video.play(); if (p && p.catch) p.catch(function () {}); } else video.pause();
      }
    });
  }

  onReady(function () { setupLayout(); setupPlayer(); setupPosters(); setupPolling(); setupKeys(); });
})();
