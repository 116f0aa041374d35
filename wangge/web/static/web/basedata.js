/* 基础数据 pages: the import upload (through the API) with polled progress, and the map.
   Data from the server is only ever put into the page with textContent. */
"use strict";

(function () {
  const W = window.Wangge;
  const LAYER_COLOURS = { house: "#1d4ed8", person: "#15803d", key_place: "#b42318" };

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  /* ---------------------------------------------------------------- import */
  function explain(body) {
    const details = Array.isArray(body.details) ? body.details : [];
    return [body.message || ""].concat(details.map((d) => (d.field || d.file || "") + " " + (d.reason || ""))).join(" ");
  }

  function setupImport(form) {
    const error = document.getElementById("import-error");
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      error.hidden = true;
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      fetch(form.dataset.api, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken() },
      })
        .then((r) => r.json().then((body) => ({ ok: r.ok, body })))
        .then(({ ok, body }) => {
          if (!ok) throw new Error(explain(body));
          form.reset();
          const url = form.dataset.jobUrl.replace(/\/0\/$/, "/" + body.id + "/");
          return htmx.ajax("GET", url, { target: "#import-job", swap: "innerHTML" });
        })
        .catch((err) => {
          error.textContent = form.dataset.failed + "：" + err.message;
          error.hidden = false;
        })
        .finally(() => { button.disabled = false; });
    });
  }

  /* ---------------------------------------------------------------- map */
  function text(value) {
    const el = document.createElement("span");
    el.textContent = value;
    return el;
  }

  function recordUrl(template, category, id) {
    return template.replace(/\/house\/0\/$/, "/" + category + "/" + id + "/");
  }

  function popup(el, props) {
    const box = document.createElement("div");
    const link = document.createElement("a");
    link.href = recordUrl(el.dataset.recordUrl, props.category, props.id);
    link.textContent = props.label;
    const grid = document.createElement("a");
    grid.href = el.dataset.gridUrl.replace(/\/0\/$/, "/" + encodeURIComponent(props.grid) + "/");
    grid.textContent = props.grid;
    box.append(link, document.createElement("br"), grid);
    return box;
  }

  function baseMap(el) {
    const legend = document.getElementById("base-legend");
    const summary = document.getElementById("base-summary");
    const map = W.map(el, { tileUrl: el.dataset.tileUrl, attribution: el.dataset.attribution });
    if (!map.getMaxZoom() || map.getMaxZoom() === Infinity) map.setMaxZoom(19);
    const grids = L.geoJSON(null, {
      style: () => ({ color: "#1d4ed8", weight: 1, fillOpacity: 0.04 }),
      onEachFeature: (feature, layer) => {
        layer.bindTooltip(text(feature.properties.name));
        layer.on("dblclick", () => {
          window.location.href = el.dataset.gridUrl.replace(/\/0\/$/, "/" + encodeURIComponent(feature.properties.code) + "/");
        });
      },
    }).addTo(map);
    const points = L.markerClusterGroup({ maxClusterRadius: 40 }).addTo(map);

    function draw(data) {
      points.clearLayers();
      data.features.forEach((f) => {
        const [lon, lat] = f.geometry.coordinates;
        const marker = L.circleMarker([lat, lon], {
          radius: 6, color: LAYER_COLOURS[f.properties.category] || "#333", weight: 2, fillOpacity: 0.8,
        });
        marker.bindPopup(popup(el, f.properties));
        points.addLayer(marker);
      });
      el.dataset.points = String(data.features.length);
      summary.textContent = data.features.length + " " + summary.dataset.points +
        (data.truncated.length ? "，" + summary.dataset.more : "");
    }

    W.viewportPoints(map, el, {
      grids,
      legend,
      gridsUrl: el.dataset.gridsUrl,
      pointsUrl: el.dataset.pointsUrl,
      query: (params) => {
        const layers = Array.from(legend.querySelectorAll("input[name=layer]:checked")).map((i) => i.value);
        layers.forEach((l) => params.append("layer", l));
        if (!layers.length) draw({ features: [], truncated: [] });
        return layers.length > 0;
      },
      draw,
      failed: () => { summary.textContent = "—"; },
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    const form = document.getElementById("import-form");
    if (form) setupImport(form);
    const mapElement = document.getElementById("base-map");
    if (mapElement) baseMap(mapElement);
  });
})();
