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

/* A Leaflet map that shows vectors even when no tiles can be reached.
   options: {tileUrl, attribution, center: [lat, lon], zoom} */
Wangge.map = function (element, options) {
  const map = L.map(element, { preferCanvas: true }).setView(options.center || [40.32, 120.0], options.zoom || 10);
  if (options.tileUrl) {
    const tiles = L.tileLayer(options.tileUrl, { maxZoom: 19, attribution: options.attribution || "" });
    tiles.on("tileerror", () => element.classList.add("tiles-offline"));
    tiles.addTo(map);
  }
  return map;
};
