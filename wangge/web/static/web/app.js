/* Shared browser helpers: live updates over server-sent events and the Leaflet map. */
"use strict";

window.Wangge = window.Wangge || {};

/* Subscribe to a server-sent-events URL; EventSource reconnects by itself. */
Wangge.live = function (url, handlers) {
  const source = new EventSource(url);
  Object.entries(handlers).forEach(([name, fn]) =>
    source.addEventListener(name, (e) => fn(JSON.parse(e.data))));
  return source;
};

/* The top bar's bell: the unread count, live from the server's `unread` events. */
Wangge.bell = function (link) {
  const badge = link.querySelector("[data-unread-count]");
  Wangge.live(link.dataset.unreadLive, {
    unread: (data) => {
      badge.textContent = data.unread > 99 ? "99+" : String(data.unread);
      badge.hidden = data.unread === 0;
      link.dataset.unread = String(data.unread);
    },
  });
};
document.addEventListener("DOMContentLoaded", () =>
  document.querySelectorAll("[data-unread-live]").forEach(Wangge.bell));

/* A Leaflet map that shows vectors even when no tiles can be reached.
   options: {tileUrl, attribution, center: [lat, lon], zoom} */
Wangge.map = function (element, options) {
  const map = L.map(element, { preferCanvas: true }).setView(options.center || [40.32, 120.0], options.zoom || 10);
  if (options.tileUrl) {
    const tiles = L.tileLayer(options.tileUrl, { maxZoom: 19, attribution: options.attribution || "" });
    tiles.on("tileerror", () => element.classList.add("tiles-offline"));
    tiles.addTo(map);
  }
  element.leafletMap = map;  // for the browser tests, which click markers drawn on a canvas
  return map;
};

/* Keep a map's points in step with its view, over the jurisdiction's grids.
   Draws the grids (GeoJSON from options.gridsUrl) into options.grids and fits the map to
   them, then fetches options.pointsUrl for the visible box 300 ms after the view or the
   legend settles; only the newest answer is drawn. options.query(params) adds the page's
   own parameters and returns false when there is nothing to fetch; options.draw(data)
   and options.failed() show the answer. Returns the function that schedules a reload. */
Wangge.viewportPoints = function (map, element, options) {
  let timer = null;
  let request = 0;

  function load() {
    const b = map.getBounds();
    const params = new URLSearchParams({
      bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => Math.max(-180, Math.min(180, v)).toFixed(5)).join(","),
    });
    const mine = ++request;
    if (options.query(params) === false) return;
    fetch(options.pointsUrl + "?" + params, { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((data) => { if (mine === request) options.draw(data); })
      .catch(() => { if (mine === request) options.failed(); });
  }

  function later() { clearTimeout(timer); timer = setTimeout(load, 300); }

  fetch(options.gridsUrl + "?zoom=12", { credentials: "same-origin" })
    .then((r) => r.json())
    .then((collection) => {
      options.grids.addData(collection);
      if (collection.features.length) map.fitBounds(options.grids.getBounds());
      element.dataset.grids = String(collection.features.length);
      map.on("moveend", later);
      options.legend.addEventListener("change", later);
      load();
    });
  return later;
};
