/* The big screen: draws the embedded snapshot, then replaces it in place on every
   `snapshot` event of /screen/live. Data reaches the DOM through textContent only. */
"use strict";

(function () {
  const snapshotNode = document.getElementById("screen-snapshot");
  if (!snapshotNode) return;
  const config = JSON.parse(document.getElementById("screen-config").textContent);
  const labels = {};
  document.getElementById("screen-labels").content.querySelectorAll("[data-key]")
    .forEach((el) => { labels[el.dataset.key] = el.textContent; });

  const STATE_GROUP = {
    reported: "open", accepted: "working", verifying: "working", dispatched: "working",
    handling: "working", submitted: "working", closed: "closed",
  };
  const GROUP_COLOUR = { open: "#f59e0b", working: "#38bdf8", closed: "#22c55e", other: "#94a3b8" };

  function figure(snapshot, path, kind) {
    const [period, name] = path.split(".");
    const figures = snapshot[period] || {};
    if (kind === "cards") return [figures.yellow_cards, figures.red_cards];
    return figures[name];
  }

  /* Same text as the server's first render (wangge/web/screen/views.py _shown). */
  function shown(value, kind) {
    if (value === null || value === undefined) return "—";
    if (kind === "rate") return (value * 100).toFixed(2) + "%";
    if (kind === "cards") return value[0].toLocaleString("en-US") + " / " + value[1].toLocaleString("en-US");
    return value.toLocaleString("en-US");
  }

  function drawFigures(snapshot) {
    document.querySelectorAll("[data-figure]").forEach((el) => {
      const text = shown(figure(snapshot, el.dataset.figure, el.dataset.kind), el.dataset.kind);
      if (el.textContent === text) return;
      el.textContent = text;
      el.classList.remove("bumped");
      void el.offsetWidth; // restart the highlight animation
      el.classList.add("bumped");
    });
  }

  function drawRanking(id, rows) {
    const list = document.getElementById(id);
    if (!list) return;
    const items = rows.map((row) => {
      const li = document.createElement("li");
      [["r-rank", row.rank], ["r-name", row.name], ["r-score", row.score.toFixed(2)]].forEach(([cls, text]) => {
        const span = document.createElement("span");
        span.className = cls;
        span.textContent = String(text);
        li.appendChild(span);
      });
      return li;
    });
    if (!items.length) {
      const li = document.createElement("li");
      li.className = "r-none";
      li.textContent = labels.none;
      items.push(li);
    }
    list.replaceChildren(...items);
  }

  const charts = {};
  const AXIS = { axisLine: { lineStyle: { color: "#335577" } }, axisLabel: { color: "#93a9c4" } };

  function drawCharts(snapshot) {
    if (!window.echarts) return;
    charts.trend = charts.trend || echarts.init(document.getElementById("trend-chart"), "dark");
    charts.mix = charts.mix || echarts.init(document.getElementById("mix-chart"), "dark");
    charts.trend.setOption({
      backgroundColor: "transparent",
      animation: false,
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      legend: { top: 0, textStyle: { color: "#bae6fd" } },
      tooltip: { trigger: "axis", renderMode: "richText" }, // drawn on the canvas, never as HTML
      xAxis: { type: "category", data: snapshot.trend.days.map((d) => d.slice(5)), ...AXIS },
      yAxis: { type: "value", splitLine: { lineStyle: { color: "#1e3a5f" } }, ...AXIS },
      series: [
        { name: labels.received, type: "line", smooth: true, areaStyle: { opacity: 0.15 },
          data: snapshot.trend.received, itemStyle: { color: "#38bdf8" } },
        { name: labels.closed, type: "line", smooth: true, data: snapshot.trend.closed,
          itemStyle: { color: "#4ade80" } },
      ],
    });
    charts.mix.setOption({
      backgroundColor: "transparent",
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", orient: "vertical", right: 0, top: "middle", textStyle: { color: "#bae6fd" } },
      series: [{
        type: "pie", radius: ["38%", "68%"], center: ["36%", "50%"],
        label: { show: false },
        data: snapshot.categories.map((c) => ({ name: c.name, value: c.count })),
      }],
    });
  }

  let map = null;
  let grids = null;
  let cluster = null;
  let hotspots = {};

  function hotStyle(feature) {
    const count = hotspots[feature.properties.code] || 0;
    const top = Math.max(1, ...Object.values(hotspots));
    const share = count / top;
    return {
      color: "#1e6fb0", weight: 0.6, opacity: 0.8,
      fillColor: share > 0 ? "#ef4444" : "#0f2a4a", fillOpacity: share > 0 ? 0.12 + 0.55 * share : 0.15,
    };
  }

  function setUpMap() {
    const element = document.getElementById("screen-map");
    if (!element || !window.L || map) return;
    map = Wangge.map(element, { tileUrl: config.tileUrl, attribution: config.attribution });
    map.setMaxZoom(18); // clustering needs a maximum zoom even when there is no tile layer
    const extent = config.extent;
    if (extent) map.fitBounds([[extent[1], extent[0]], [extent[3], extent[2]]]);
    cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
    cluster.addTo(map);
    if (extent) {
      fetch("/api/grids?bbox=" + extent.join(","), { credentials: "same-origin" })
        .then((r) => (r.ok ? r.json() : null))
        .then((collection) => {
          if (!collection) return;
          grids = L.geoJSON(collection, { style: hotStyle, interactive: false }).addTo(map);
          grids.bringToBack();
        });
    }
  }

  function drawMap(snapshot) {
    setUpMap();
    if (!map) return;
    hotspots = snapshot.hotspots || {};
    if (grids) grids.setStyle(hotStyle);
    cluster.clearLayers();
    cluster.addLayers(snapshot.events.map(([lat, lon, state]) => L.circleMarker([lat, lon], {
      radius: 6, weight: 1, color: "#0b1a2e", fillOpacity: 0.9,
      fillColor: GROUP_COLOUR[STATE_GROUP[state] || "other"],
    })));
  }

  function draw(snapshot) {
    if (snapshot.empty) return;
    drawFigures(snapshot);
    drawRanking("townships", snapshot.townships);
    drawRanking("departments", snapshot.departments);
    drawCharts(snapshot);
    drawMap(snapshot);
    document.body.dataset.digest = snapshot.digest;
  }

  function tick() {
    const clock = document.getElementById("wall-clock");
    if (clock) clock.textContent = new Date().toLocaleString("zh-CN", { hour12: false, timeZone: config.timeZone });
  }

  document.addEventListener("DOMContentLoaded", () => {
    draw(JSON.parse(snapshotNode.textContent));
    tick();
    setInterval(tick, 1000);
    const dot = document.getElementById("wall-live");
    const source = Wangge.live(config.liveUrl, { snapshot: draw });
    source.addEventListener("open", () => { dot.classList.remove("offline"); dot.title = ""; });
    source.addEventListener("error", () => { dot.classList.add("offline"); dot.title = labels.offline; });
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
  });
})();
