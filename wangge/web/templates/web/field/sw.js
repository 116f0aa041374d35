/* Wangge grid-worker app service worker: the app shell for offline start.
   Pages: network first, the cached copy without signal. Static files: cache first.
   The API is never cached: the outbox (field.js) sends and retries on its own. */
"use strict";
const SHELL = {{ shell|safe }};
const CACHE = "wangge-field-" + SHELL.version;

async function cachePages(cache) {
  for (const url of SHELL.pages) {
    try {
      const response = await fetch(url, { credentials: "same-origin" });
      if (response.ok && !response.redirected) await cache.put(url, response);
    } catch (e) { /* offline during install: the page is cached on its next visit */ }
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then(async (cache) => {
    await cache.addAll(SHELL.files);
    await cachePages(cache);
  }).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith("wangge-field-") && k !== CACHE).map((k) => caches.delete(k))
  )).then(() => self.clients.claim()));
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected) {
      await cache.put(new URL(request.url).pathname, response.clone());
    }
    return response;
  } catch (e) {
    const cached = await cache.match(new URL(request.url).pathname);
    if (cached) return cached;
    throw e;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname.startsWith(SHELL.scope)) {
    event.respondWith(networkFirst(request));
  } else if (SHELL.files.includes(url.pathname)) {
    event.respondWith(cacheFirst(request));
  }
});
