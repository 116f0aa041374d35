/* Command console and department workspace: live channel, alerts, countdowns, maps.
   Data from the server is only ever put into the page with textContent. */
"use strict";

(function () {
  const W = window.Wangge;
  const STATE_COLOURS = {
    reported: "#dc2626", accepted: "#f97316", verifying: "#ca8a04", dispatched: "#7c3aed",
    handling: "#2563eb", submitted: "#0891b2", suspended: "#6b7280", shelved: "#9ca3af",
    closed: "#16a34a", rejected: "#78716c", merged: "#78716c", withdrawn: "#78716c",
  };

  /* ---------------------------------------------------------------- sound */
  const SOUND_KEY = "wangge.sound";
  let audio = null;

  function soundOn() { return localStorage.getItem(SOUND_KEY) !== "off"; }

  function audioContext() {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) audio = new Context();
    if (audio && audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  }

  /* Three short tones from an oscillator: no audio file to ship or to fail loading. */
  function beep() {
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps || 0) + 1);
    if (!soundOn()) return;
    const ctx = audioContext();
    if (!ctx) return;
    [0, 0.35, 0.7].forEach((offset) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = 880;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + offset);
      osc.stop(ctx.currentTime + offset + 0.2);
    });
  }

  function setupSoundToggle() {
    const button = document.getElementById("sound-toggle");
    if (!button) return;
    const show = () => { button.textContent = soundOn() ? button.dataset.on : button.dataset.off; };
    button.addEventListener("click", () => {
      localStorage.setItem(SOUND_KEY, soundOn() ? "off" : "on");
      show();
    });
    show();
    // Browsers start audio only after a user gesture: unlock it on the first one.
    const unlock = () => { if (soundOn()) audioContext(); };
    document.addEventListener("pointerdown", unlock, { once: true });
    document.addEventListener("keydown", unlock, { once: true });
  }

  /* ---------------------------------------------------------------- live channel */
  const fresh = new Set();

  function eventUrl(template, id) { return template.replace(/\/0\/$/, "/" + id + "/"); }

  function toast(msg) {
    const box = document.getElementById("toasts");
    if (!box) return;
    const item = document.createElement("a");
    item.className = "toast" + (msg.emergency ? " emergency" : "");
    item.href = eventUrl(box.dataset.eventUrl, msg.id);
    const label = document.createElement("strong");
    label.textContent = box.dataset.new + "：";
    const title = document.createElement("span");
    title.textContent = msg.title;
    item.append(label, title);
    box.prepend(item);
    setTimeout(() => item.remove(), 10000);
  }

  function emergencyBanner(msg) {
    const banner = document.getElementById("alert-banner");
    if (!banner) return;
    const link = banner.querySelector(".alert-link");
    link.textContent = msg.title + "（" + msg.tracking_code + "）";
    link.href = eventUrl(document.getElementById("toasts").dataset.eventUrl, msg.id);
    banner.hidden = false;
    document.body.dataset.alerts = String(Number(document.body.dataset.alerts || 0) + 1);
    beep();
  }

  function onChange(msg) {
    if (msg.new) {
      fresh.add(String(msg.id));
      toast(msg);
      if (msg.emergency) emergencyBanner(msg);
    }
    const page = document.querySelector(".event-page");
    if (page && page.dataset.event === String(msg.id)) {
      document.getElementById("stale-notice").hidden = false;
    }
    document.body.dispatchEvent(new CustomEvent("wangge:changed", { detail: msg }));
  }

  function connectLive() {
    const status = document.getElementById("live-status");
    if (!status) return;
    const source = W.live(status.dataset.url, { change: onChange });
    source.addEventListener("open", () => {
      status.textContent = status.dataset.connected;
      status.classList.add("on");
    });
    source.addEventListener("error", () => {
      status.textContent = status.dataset.offline;
      status.classList.remove("on");
    });
    const close = document.querySelector("#alert-banner .alert-close");
    if (close) close.addEventListener("click", () => { document.getElementById("alert-banner").hidden = true; });
  }

  function markFresh() {
    document.querySelectorAll("tr[data-event]").forEach((row) => {
      if (fresh.has(row.dataset.event)) row.classList.add("fresh");
    });
  }

  /* ---------------------------------------------------------------- countdowns */
  /* A duration as people say it, in the page's language: 已超期83天, 剩余2天19小时, 5 h 3 min. */
  const CHINESE = document.documentElement.lang.startsWith("zh");
  const UNITS = CHINESE
    ? { day: "天", hour: "小时", minute: "分钟", under: "不到1分钟", gap: "" }
    : { day: " d", hour: " h", minute: " min", under: "under 1 min", gap: " " };

  function span(ms) {
    const minutes = Math.floor(Math.abs(ms) / 60000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const parts = [];
    if (days) parts.push(days + UNITS.day);
    if (hours && days < 10) parts.push(hours + UNITS.hour);
    if (!days && minutes % 60) parts.push((minutes % 60) + UNITS.minute);
    return parts.length ? parts.join(UNITS.gap) : UNITS.under;
  }

  function tick() {
    const now = Date.now();
    document.querySelectorAll("time.countdown[data-due]").forEach((el) => {
      const left = Date.parse(el.dataset.due) - now;
      if (Number.isNaN(left)) return;
      el.textContent = (left >= 0 ? el.dataset.before : el.dataset.after) + UNITS.gap + span(left);
      el.classList.toggle("late", left < 0);
    });
  }

  /* ---------------------------------------------------------------- maps */
  function textElement(text) {
    const el = document.createElement("span");
    el.textContent = text;
    return el;
  }

  function gridStyle() { return { color: "#1d4ed8", weight: 1, fillOpacity: 0.04 }; }

  function eventMap(el) {
    const lat = Number(el.dataset.lat);
    const lon = Number(el.dataset.lon);
    const map = W.map(el, { tileUrl: el.dataset.tileUrl, attribution: el.dataset.attribution, center: [lat, lon], zoom: 15 });
    fetch("/api/grids/" + encodeURIComponent(el.dataset.grid), { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((feature) => {
        if (!feature) return;
        const outline = L.geoJSON(feature, { style: gridStyle }).addTo(map);
        map.fitBounds(outline.getBounds(), { maxZoom: 16 });
      });
    L.circleMarker([lat, lon], { radius: 8, color: "#b42318", fillOpacity: 0.9 }).addTo(map);
  }

  function checkedStates(legend) {
    return Array.from(legend.querySelectorAll("input[name=state]:checked")).map((i) => i.value);
  }

  function consoleMap(el) {
    const legend = document.getElementById("map-legend");
    const summary = document.getElementById("map-summary");
    const map = W.map(el, { tileUrl: el.dataset.tileUrl, attribution: el.dataset.attribution });
    if (!map.getMaxZoom() || map.getMaxZoom() === Infinity) map.setMaxZoom(19); // clustering needs it without tiles
    const grids = L.geoJSON(null, {
      style: gridStyle,
      onEachFeature: (feature, layer) => layer.bindTooltip(textElement(feature.properties.name)),
    }).addTo(map);
    const points = L.markerClusterGroup({ maxClusterRadius: 50 }).addTo(map);
    const cells = L.layerGroup().addTo(map);

    /* A marker's popup: a link at once, then the event's title, category, state and report
       time from the events API (read when opened, so the map's point list stays small). */
    function eventPopup(id, marker) {
      const box = document.createElement("div");
      box.className = "map-popup";
      const link = document.createElement("a");
      link.href = eventUrl(el.dataset.eventUrl, id);
      link.textContent = el.dataset.openLabel + " #" + id;
      box.append(link);
      fetch("/api/events/" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then((response) => (response.ok ? response.json() : null))
        .then((event) => {
          if (!event) return;
          link.textContent = event.title;
          const facts = document.createElement("div");
          facts.className = "map-popup-facts";
          const reported = new Date(event.created_at).toLocaleString(document.documentElement.lang, { hour12: false });
          facts.textContent = [event.category.name, event.state_label, reported].join(" · ");
          const code = document.createElement("div");
          code.className = "map-popup-code";
          code.textContent = event.tracking_code;
          box.append(facts, code);
          if (marker.getPopup()) marker.getPopup().update();
        })
        .catch(() => {});
      return box;
    }

    /* The event whose popup is open: a redraw (a live change, a move of the map) replaces
       every marker, and the reader keeps the popup they opened. */
    function popupShown() {
      let open = null;
      points.eachLayer((layer) => { if (layer.isPopupOpen()) open = layer; });
      return open && { id: open.options.eventId, box: open.popupBox };
    }

    function draw(data) {
      const reopen = popupShown();
      points.clearLayers();
      cells.clearLayers();
      let total = 0;
      data.points.forEach(([id, lon, lat, state, priority]) => {
        const marker = L.circleMarker([lat, lon], {
          radius: priority === "emergency" ? 9 : 6, color: STATE_COLOURS[state] || "#333", weight: 2, fillOpacity: 0.8,
        });
        // Built once, on first opening; Leaflet asks again on every update of the popup.
        marker.bindPopup(() => (marker.popupBox = marker.popupBox || eventPopup(id, marker)));
        marker.options.eventId = id;
        points.addLayer(marker);
        if (reopen && reopen.id === id && marker._map) {
          marker.popupBox = reopen.box;
          marker.openPopup();
        }
        total += 1;
      });
      data.cells.forEach(([code, name, lon, lat, count, states]) => {
        const main = Object.entries(states).sort((a, b) => b[1] - a[1])[0][0];
        const circle = L.circleMarker([lat, lon], {
          radius: 6 + Math.min(24, Math.sqrt(count) * 2), color: STATE_COLOURS[main] || "#333", weight: 1, fillOpacity: 0.5,
        });
        circle.bindTooltip(textElement(name + "：" + count));
        circle.options.cellCode = code;
        cells.addLayer(circle);
        total += count;
      });
      el.dataset.mode = data.mode;
      el.dataset.total = String(total);
      summary.textContent = total + " " + el.dataset.pointsLabel;
    }

    const reload = W.viewportPoints(map, el, {
      grids,
      legend,
      gridsUrl: el.dataset.gridsUrl,
      pointsUrl: el.dataset.eventsUrl,
      query: (params) => {
        params.append("zoom", String(map.getZoom()));
        checkedStates(legend).forEach((s) => params.append("state", s));
        return true;
      },
      draw,
      failed: () => { summary.textContent = "—"; },
    });
    document.body.addEventListener("wangge:changed", reload);
  }

  /* ---------------------------------------------------------------- start */
  document.addEventListener("DOMContentLoaded", () => {
    setupSoundToggle();
    connectLive();
    tick();
    setInterval(tick, 1000);
    document.body.addEventListener("htmx:afterSwap", () => { markFresh(); tick(); });
    const detail = document.getElementById("event-map");
    if (detail) eventMap(detail);
    const overview = document.getElementById("console-map");
    if (overview) consoleMap(overview);
  });
})();
