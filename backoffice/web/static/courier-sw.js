// The courier page's service worker: keeps the page (with its task list), its script and its
// style, so the page opens with no network. Served at /courier-sw.js, registered for /courier.
"use strict";
const CACHE = "vozvrat-courier";
const PAGE = "/courier";
const ASSETS = ["/static/courier.js", "/static/courier.css"];

async function keepPage(cache) {
  // The page only while logged in: a redirect to the login form is not the task list.
  const response = await fetch(PAGE, { credentials: "same-origin" });
  if (response.ok && !response.redirected) await cache.put(PAGE, response);
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE)
    .then((cache) => Promise.all([cache.addAll(ASSETS), keepPage(cache)]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

// Network first, so an online courier always sees today's list; the cache when offline.
async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) await cache.put(key, response.clone());
    return response;
  } catch (error) {
    const cached = await cache.match(key);
    if (cached) return cached;
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname === PAGE || ASSETS.includes(url.pathname)) {
    event.respondWith(networkFirst(event.request, url.pathname));
  }
});
