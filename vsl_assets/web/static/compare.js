// The compare page: transcripts scrolled together by time (each column shows the same second).
// Without this script the columns are plain, each scrolled on its own.
(function () {
  "use strict";
  const box = document.getElementById("cmp-transcripts");
  const toggle = document.getElementById("cmp-sync");
  if (!box || !toggle) return;
  const lists = Array.from(box.querySelectorAll("ol.cmp-transcript"));
  if (lists.length < 2) return;
  document.getElementById("cmp-sync-label").hidden = false;
  const starts = lists.map((ol) => Array.from(ol.children).map((li) => parseFloat(li.dataset.start) || 0));
  // Scroll events a sync itself caused are not synced back (each list remembers where it was put).
  const placed = new Map();

  function topItem(k) {
    const ol = lists[k];
    const items = ol.children;
    let lo = 0, hi = items.length - 1, found = 0;
    while (lo <= hi) {  // the last item starting at or above the visible top
      const mid = (lo + hi) >> 1;
      if (items[mid].offsetTop <= ol.scrollTop + 1) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function indexAt(k, t) {
    const s = starts[k];
    let lo = 0, hi = s.length - 1, found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] <= t + 0.01) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found;
  }

  function sync(from) {
    if (!toggle.checked) return;
    const ol = lists[from];
    const was = placed.get(ol);
    placed.delete(ol);
    if (was === ol.scrollTop) return;
    const i = topItem(from);
    if (ol.children.length === 0) return;
    const item = ol.children[i];
    const next = ol.children[i + 1];
    // The second at the top edge, interpolated inside the item.
    const into = item.offsetHeight ? (ol.scrollTop - item.offsetTop) / item.offsetHeight : 0;
    const end = next ? starts[from][i + 1] : starts[from][i];
    const t = starts[from][i] + Math.max(0, Math.min(1, into)) * (end - starts[from][i]);
    lists.forEach((other, k) => {
      if (k === from || other.children.length === 0) return;
      const j = indexAt(k, t);
      const target = other.children[j];
      const after = other.children[j + 1];
      const span = after ? starts[k][j + 1] - starts[k][j] : 0;
      const frac = span > 0 ? Math.max(0, Math.min(1, (t - starts[k][j]) / span)) : 0;
      const top = Math.round(target.offsetTop + frac * target.offsetHeight);
      if (Math.abs(other.scrollTop - top) < 2) return;
      other.scrollTop = top;
      placed.set(other, other.scrollTop);
      Array.from(other.querySelectorAll("li.at")).forEach((li) => li.classList.remove("at"));
      target.classList.add("at");
    });
  }

  lists.forEach((ol, k) => {
    let pending = false;
    ol.addEventListener("scroll", () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; sync(k); });
    }, { passive: true });
  });
})();
