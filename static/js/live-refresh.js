/* Live runs: keep the page current without reloading it (WCAG 2.2.2, 2.4.3).
   The page has one [data-live-src] control bar and parts marked [data-live-part] (with ids) inside a
   [data-live-fragment] root that carries data-live-state (what the page was built for) and data-live-summary.
   Every data-live-every seconds (5 at least) the source is fetched; each part whose HTML changed is swapped in
   place, except one holding the keyboard focus (it waits for the next round), and the scroll position is kept.
   A changed summary is said in the polite status line. When the state itself changed (a stage opened or closed),
   nothing is swapped: a notice with a link to the latest page appears instead (a projected page marked
   data-live-follow reloads itself). "Pause updates" stops it all. */
(function () {
  'use strict';
  var bar = document.querySelector('[data-live-src]');
  var root = document.querySelector('[data-live-fragment]');
  if (!bar || !root || !window.fetch) { return; }
  var seconds = Math.max(5, parseInt(bar.getAttribute('data-live-every'), 10) || 10);
  var src = bar.getAttribute('data-live-src');
  var pause = bar.querySelector('.live-pause');
  var status = bar.querySelector('.live-status');
  var moved = bar.querySelector('.live-moved');
  var busy = false;
  var stopped = false;

  Array.prototype.forEach.call(bar.querySelectorAll('.live-js'), function (el) { el.hidden = false; });
  pause.addEventListener('click', function () {
    var paused = pause.getAttribute('aria-pressed') !== 'true';
    pause.setAttribute('aria-pressed', paused ? 'true' : 'false');
  });

  function isPaused() {
    return pause.getAttribute('aria-pressed') === 'true' || document.visibilityState !== 'visible';
  }

  function anchor() {
    // The element whose place on screen must not move: the focused one, else the first part in view.
    var active = document.activeElement;
    if (active && active !== document.body && active !== document.documentElement) { return active; }
    var parts = root.querySelectorAll('[data-live-part]');
    for (var i = 0; i < parts.length; i += 1) {
      if (parts[i].getBoundingClientRect().bottom > 0) { return parts[i]; }
    }
    return null;
  }

  function swap(fresh) {
    var keep = anchor();
    var before = keep ? keep.getBoundingClientRect().top : 0;
    Array.prototype.forEach.call(root.querySelectorAll('[data-live-part]'), function (part) {
      var next = fresh.querySelector('#' + CSS.escape(part.id));
      if (!next || next.innerHTML === part.innerHTML) { return; }
      if (part.contains(document.activeElement)) { return; } // never pull the focus away: next round
      part.innerHTML = next.innerHTML;
    });
    if (keep && document.documentElement.contains(keep)) {
      var shift = keep.getBoundingClientRect().top - before;
      if (shift) { window.scrollBy(0, shift); }
    }
  }

  function tick() {
    if (busy || stopped || isPaused()) { return; }
    busy = true;
    fetch(src, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, 'text/html');
        var fresh = doc.querySelector('[data-live-fragment]');
        if (!fresh) { return; }
        if (fresh.getAttribute('data-live-state') !== root.getAttribute('data-live-state')) {
          // a projected page (data-live-follow) has nobody at the keyboard: it loads the new state itself
          if (bar.hasAttribute('data-live-follow')) { window.location.reload(); return; }
          moved.hidden = false;
          status.textContent = moved.textContent.trim();
          stopped = true;
          return;
        }
        swap(fresh);
        var summary = fresh.getAttribute('data-live-summary') || '';
        if (summary !== root.getAttribute('data-live-summary')) {
          root.setAttribute('data-live-summary', summary);
          status.textContent = summary;
        }
      })
      .catch(function () { /* offline for a moment: try again next round */ })
      .then(function () { busy = false; });
  }

  setInterval(tick, seconds * 1000);
}());
