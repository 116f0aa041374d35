/* The hotline form's location: a pin on the map (click or drag) or a village/grid found by
   name; either fills the hidden lon/lat the server locates in its grid. */
"use strict";

(function () {
  const el = document.getElementById("hotline-map");
  if (!el || !window.L) return;
  const lon = document.getElementById("lon");
  const lat = document.getElementById("lat");
  const shown = document.getElementById("point-shown");
  const search = document.getElementById("place-search");
  const options = document.getElementById("place-options");
  const map = Wangge.map(el, { tileUrl: el.dataset.tileUrl });
  let pin = null;
  let found = [];

  function place(latlng, zoom) {
    lat.value = latlng.lat.toFixed(6);
    lon.value = latlng.lng.toFixed(6);
    shown.textContent = lon.value + ", " + lat.value;
    if (pin) pin.setLatLng(latlng);
    else {
      pin = L.marker(latlng, { draggable: true }).addTo(map);
      pin.on("dragend", () => place(pin.getLatLng()));
    }
    if (zoom) map.setView(latlng, zoom);
  }

  fetch("/api/map/grids?zoom=12", { credentials: "same-origin" })
    .then((r) => (r.ok ? r.json() : null))
    .then((data) => {
      if (!data) return;
      const grids = L.geoJSON(data, { style: () => ({ color: "#1d4ed8", weight: 1, fillOpacity: 0.04 }) }).addTo(map);
      if (!lon.value && grids.getBounds().isValid()) map.fitBounds(grids.getBounds());
    });
  if (lon.value && lat.value) place(L.latLng(Number(lat.value), Number(lon.value)), 15);
  map.on("click", (e) => place(e.latlng));

  let timer = null;
  search.addEventListener("input", () => {
    const chosen = found.find((p) => p.label + " " + p.code === search.value);
    if (chosen) { place(L.latLng(chosen.lat, chosen.lon), 15); return; }
    clearTimeout(timer);
    timer = setTimeout(() => {
      fetch(search.dataset.url + "?q=" + encodeURIComponent(search.value), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : { places: [] }))
        .then((data) => {
          found = data.places;
          options.replaceChildren(...found.map((p) => {
            const option = document.createElement("option");
            option.value = p.label + " " + p.code;
            return option;
          }));
        });
    }, 250);
  });
})();
