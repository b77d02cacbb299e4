/* Live runs: reload the page every N seconds (data-refresh="N") unless someone is typing in a form. */
(function () {
  var el = document.querySelector('[data-refresh]');
  if (!el) { return; }
  var seconds = Math.max(5, parseInt(el.getAttribute('data-refresh'), 10) || 10);
  var dirty = false;
  document.addEventListener('input', function () { dirty = true; });
  setInterval(function () {
    var active = document.activeElement;
    var typing = active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName);
    if (!dirty && !typing && document.visibilityState === 'visible') { window.location.reload(); }
  }, seconds * 1000);
}());
