/* Every page. After a failed submit the error summary takes focus (the server marks it autofocus; this repeats
   it where the browser skipped autofocus, e.g. after a back/forward navigation). A link in the summary moves
   focus to its control and scrolls the control's label or legend into view. */
(function () {
  'use strict';
  var summary = document.querySelector('.error-summary');
  if (!summary) { return; }
  if (document.activeElement === document.body || document.activeElement === null) {
    summary.focus();
  }
  summary.addEventListener('click', function (event) {
    var link = event.target.closest('a[href^="#"]');
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute('href').slice(1));
    if (!target) { return; }
    event.preventDefault();
    var group = target.closest('fieldset');
    var label = (group && group.querySelector('legend')) ||
      document.querySelector('label[for="' + target.id + '"]') || target;
    label.scrollIntoView();
    target.focus({ preventScroll: true });
  });
}());
