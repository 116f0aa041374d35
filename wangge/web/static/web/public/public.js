/* The public report form: pin the place on the map or use the phone's position. */
"use strict";

(function () {
  const form = document.getElementById("public-report");
  if (!form) return;
  const mapEl = document.getElementById("pin-map");
  const lon = document.getElementById("id_lon");
  const lat = document.getElementById("id_lat");
  const status = document.getElementById("location-status");
  const gridData = JSON.parse(document.getElementById("located-grid").textContent || "null");
  const center = mapEl.dataset.center ? mapEl.dataset.center.split(",").map(Number) : undefined;
  const map = Wangge.map(mapEl, { tileUrl: mapEl.dataset.tileUrl, attribution: mapEl.dataset.attribution, center, zoom: 11 });
  let marker = null;

  function place(latLng, zoom) {
    lat.value = latLng.lat.toFixed(6);
    lon.value = latLng.lng.toFixed(6);
    if (marker) marker.setLatLng(latLng);
    else marker = L.marker(latLng, { draggable: true }).addTo(map).on("dragend", () => place(marker.getLatLng()));
    if (zoom) map.setView(latLng, zoom);
  }

  if (gridData) {
    const layer = L.geoJSON(gridData, { style: { color: "#b42318", weight: 2, fillOpacity: 0.06 } }).addTo(map);
    map.fitBounds(layer.getBounds());
  }
  if (lon.value && lat.value) place(L.latLng(Number(lat.value), Number(lon.value)), gridData ? null : 16);
  map.on("click", (e) => place(e.latlng));

  document.getElementById("use-location").addEventListener("click", () => {
    if (!navigator.geolocation) { status.textContent = status.dataset.failed; return; }
    status.textContent = status.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      (pos) => { status.textContent = status.dataset.located; place(L.latLng(pos.coords.latitude, pos.coords.longitude), 17); },
      () => { status.textContent = status.dataset.failed; },
      { enableHighAccuracy: true, timeout: 10000 });
  });

  form.addEventListener("submit", (e) => {
    if (!lon.value || !lat.value) {
      e.preventDefault();
      status.textContent = status.dataset.needPin;
      mapEl.scrollIntoView({ block: "center" });
    }
  });
}());
