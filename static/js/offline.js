/* Offline lessons (course pages only; everything works without it).
   - [data-offline-save]: "Save for offline (N KB)": asks the service worker (/sw.js) to keep the course's pages.
   - form.quiz answered while offline: the answers are kept on this device (localStorage) with a random key and
     sent when the connection is back; the key makes a retry store the attempt once.
   - [data-offline-queue]: shows what is kept on the device: saved / sending / sent / failed.
   Texts come translated from the page (data-* attributes). */
(function () {
  'use strict';
  var script = document.currentScript;
  var STORE = 'training-offline-answers';
  var WEEK = 7 * 24 * 3600 * 1000;

  function fill(text, values) {
    return String(text || '').replace(/\{(\w+)\}/g, function (_m, k) { return values[k] === undefined ? '' : values[k]; });
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || []; } catch (e) { return []; }
  }
  function store(items) {
    var now = Date.now();
    localStorage.setItem(STORE, JSON.stringify(items.filter(function (i) { return i.state !== 'sent' || now - i.at < WEEK; })));
    render();
  }
  function newKey() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /* -- the queue of answers ------------------------------------------------------------------------------------ */
  function render() {
    var items = load();
    document.querySelectorAll('[data-offline-queue]').forEach(function (box) {
      var mine = items.filter(function (i) { return !box.dataset.url || i.url === box.dataset.url; });
      box.hidden = mine.length === 0;
      var list = box.querySelector('ul');
      list.textContent = '';
      mine.forEach(function (item) {
        var li = document.createElement('li');
        li.className = 'offline-' + item.state;
        li.appendChild(document.createTextNode(fill(box.dataset[item.state], { title: item.title, reason: item.reason || '' }) + ' '));
        if (item.state === 'sent' && item.result) {
          var link = document.createElement('a');
          link.href = item.result;
          link.textContent = box.dataset.see;
          li.appendChild(link);
        }
        if (item.state === 'failed') {
          var retry = document.createElement('button');
          retry.type = 'button';
          retry.textContent = box.dataset.retry;
          retry.addEventListener('click', function () { item.state = 'saved'; replace(item); send(); });
          li.appendChild(retry);
        }
        list.appendChild(li);
      });
    });
  }
  function replace(item) {
    store(load().map(function (i) { return i.key === item.key ? item : i; }));
  }
  var sending = false;
  function send() {
    if (sending || !navigator.onLine) { return; }
    var item = load().filter(function (i) { return i.state === 'saved' || i.state === 'sending'; })[0];
    if (!item) { return; }
    sending = true;
    item.state = 'sending';
    replace(item);
    fetch(item.url, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' },
                      body: new URLSearchParams(item.fields) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (answer) {
          if (response.ok) {
            item.state = 'sent';
            item.result = answer.attempt_url;
          } else if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
            item.state = 'failed';
            item.reason = answer.error || String(response.status);
          } else {
            item.state = 'saved';
          }
        });
      }, function () { item.state = 'saved'; })
      .then(function () {
        item.at = Date.now();
        replace(item);
        sending = false;
        if (item.state === 'sent') { send(); }
      });
  }
  document.querySelectorAll('form.quiz').forEach(function (form) {
    var box = document.querySelector('[data-offline-queue][data-url]');
    if (!box) { return; }
    form.addEventListener('submit', function (event) {
      if (navigator.onLine) { return; }  /* online: the form posts as usual */
      event.preventDefault();
      var fields = [];
      new FormData(form).forEach(function (value, name) { fields.push([name, value]); });
      fields.push(['offline_key', newKey()]);
      var items = load();
      items.push({ key: fields[fields.length - 1][1], url: box.dataset.url, fields: fields, state: 'saved',
                   title: document.title.split(' · ')[0], at: Date.now() });
      store(items);
      form.hidden = true;
      box.focus();
    });
  });
  window.addEventListener('online', send);
  render();
  send();

  /* -- saving a course for offline ------------------------------------------------------------------------------ */
  var save = document.querySelector('[data-offline-save]');
  if (!save) { return; }
  var button = save.querySelector('button');
  var status = save.querySelector('[role=status]');
  if (!('serviceWorker' in navigator) || !script || !script.dataset.sw) {
    save.hidden = false;
    button.hidden = true;
    status.textContent = save.dataset.unsupported;
    return;
  }
  var plan = null;
  fetch(save.dataset.plan, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (answer) {
      if (!answer) { return; }
      plan = answer;
      button.textContent = answer.label;
      save.hidden = false;
    }, function () {});
  navigator.serviceWorker.addEventListener('message', function (event) {
    var data = event.data || {};
    if (data.type === 'progress') {
      status.textContent = fill(save.dataset.saving, { done: data.done, total: data.total });
    } else if (data.type === 'saved') {
      status.textContent = fill(save.dataset.saved, { kb: Math.max(1, Math.round(data.bytes / 1024)) });
      button.disabled = false;
    } else if (data.type === 'failed') {
      status.textContent = fill(save.dataset.failed, { reason: data.reason });
      button.disabled = false;
    }
  });
  button.addEventListener('click', function () {
    if (!plan) { return; }
    button.disabled = true;
    status.textContent = fill(save.dataset.saving, { done: 0, total: plan.urls.length });
    navigator.serviceWorker.register(script.dataset.sw, { scope: '/' })
      .then(function () { return navigator.serviceWorker.ready; })
      .then(function (registration) { registration.active.postMessage({ type: 'save', urls: plan.urls }); })
      .catch(function (error) {
        status.textContent = fill(save.dataset.failed, { reason: error.message });
        button.disabled = false;
      });
  });
}());
