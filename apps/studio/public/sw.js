// vidflow Studio service worker: the app shell offline. index.html and every hashed /assets/* file of the build
// (each page's lazy chunk too, so a page never opened before still opens offline) are cached at install; pages
// fall back to the cached index.html when the network is down. /api is never touched: statuses and lists change,
// so they always come from the server.
// The build (apps/studio/vite.config.ts, precacheList) fills in both lines below: a new build is a new worker
// with a new cache, and its activation drops the old one.
const PRECACHE = [];
const CACHE = 'vidflow-shell-dev';

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['/', ...PRECACHE])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k)))).then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (/^\/(api|health|metrics|docs)(\/|$)/.test(url.pathname)) return;
  if (url.pathname.startsWith('/assets/')) {
    event.respondWith(
      caches.match(event.request).then(
        (hit) => hit || fetch(event.request).then((res) => {
          if (res.ok) void caches.open(CACHE).then((cache) => cache.put(event.request, res.clone()));
          return res;
        }),
      ),
    );
    return;
  }
  if (event.request.mode === 'navigate') {
    event.respondWith(
      fetch(event.request)
        .then((res) => {
          if (res.ok) void caches.open(CACHE).then((cache) => cache.put('/', res.clone()));
          return res;
        })
        .catch(() => caches.match('/').then((hit) => hit || Response.error())),
    );
  }
});
