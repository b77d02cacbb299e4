/* Scenario stage forms: save what is typed as a draft on the server while the trainee (or a team member) fills the
   form in, so that leaving the page, losing the connection or a stage closing loses nothing. The form still works
   without this script: its "Save draft" button posts the same fields. The form carries data-draft-url; a polite
   status line says when the draft was last saved. */
(function () {
  'use strict';
  var form = document.querySelector('form[data-draft-url]');
  if (!form || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute('data-draft-url');
  var status = form.querySelector('[data-draft-status]');
  var timer = null;
  var busy = false;
  var again = false;

  function fields() {
    var data = new FormData(form);
    data.delete('save_draft');
    return data;
  }

  function saved() {
    if (!status) { return; }
    var time = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    status.textContent = status.getAttribute('data-saved-text').replace('%s', time);
  }

  function save() {
    timer = null;
    if (busy) { again = true; return; }
    busy = true;
    fetch(url, { method: 'POST', body: fields(), credentials: 'same-origin' })
      .then(function (response) { if (response.ok) { saved(); } })
      .catch(function () { /* offline: the next change, or the button, saves it */ })
      .then(function () {
        busy = false;
        if (again) { again = false; save(); }
      });
  }

  function later() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, 1500);
  }

  form.addEventListener('input', later);
  form.addEventListener('change', later);
  window.addEventListener('pagehide', function () {
    // leaving with a change not yet saved: send it on the way out
    if (timer && navigator.sendBeacon) { window.clearTimeout(timer); navigator.sendBeacon(url, fields()); }
  });
}());
