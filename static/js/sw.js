/* Service worker: keeps the pages of a course a trainee saved for offline, and serves them when the network is
   gone. Pages: network first (a saved page is refreshed each time it is opened online), the saved copy when
   offline, else the offline page. Static files (content-hashed URLs): the saved copy first. */
'use strict';
var PAGES = 'training-pages-v1';
var ASSETS = 'training-assets-v1';

self.addEventListener('install', function () { self.skipWaiting(); });
self.addEventListener('activate', function (event) { event.waitUntil(self.clients.claim()); });

function tell(client, message) { if (client) { client.postMessage(message); } }

function save(urls, client) {
  var bytes = 0;
  var done = 0;
  return Promise.all([caches.open(PAGES), caches.open(ASSETS)]).then(function (stores) {
    return urls.reduce(function (chain, url) {
      return chain.then(function () {
        return fetch(url, { credentials: 'same-origin', cache: 'no-store' }).then(function (response) {
          if (!response.ok || response.redirected) { throw new Error(url + ': ' + response.status); }
          var store = url.indexOf('/static/') === 0 ? stores[1] : stores[0];
          return response.clone().arrayBuffer().then(function (body) {
            bytes += body.byteLength;
            done += 1;
            tell(client, { type: 'progress', done: done, total: urls.length });
            return store.put(url, response);
          });
        });
      });
    }, Promise.resolve());
  }).then(function () {
    tell(client, { type: 'saved', bytes: bytes });
  }).catch(function (error) {
    tell(client, { type: 'failed', reason: String(error && error.message || error) });
  });
}

self.addEventListener('message', function (event) {
  var data = event.data || {};
  if (data.type === 'save' && Array.isArray(data.urls)) {
    event.waitUntil(save(data.urls, event.source));
  }
});

function page(request) {
  return fetch(request).then(function (response) {
    if (response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (store) {
        return store.match(request, { ignoreSearch: true }).then(function (old) {
          if (old) { return store.put(new URL(request.url).pathname, copy); }
        });
      });
    }
    return response;
  }).catch(function () {
    return caches.match(request, { ignoreSearch: true }).then(function (saved) {
      return saved || caches.match('/offline');
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) { return; }
  if (request.mode === 'navigate') {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf('/static/') === 0) {
    event.respondWith(caches.match(request).then(function (saved) { return saved || fetch(request); }));
  }
});
