// The statistics page: show the period inputs of the chosen kind; draw the daily trend.
(function () {
  "use strict";
  const form = document.getElementById("stats-form");
  const kind = form && form.querySelector("[data-period-kind]");
  function showPeriod() {
    form.querySelectorAll("[data-period]").forEach(function (label) {
      const shown = label.dataset.period === kind.value;
      label.hidden = !shown;
      label.querySelectorAll("input, select").forEach(function (input) { input.disabled = !shown; });
    });
  }
  if (kind) {
    kind.addEventListener("change", showPeriod);
    showPeriod();
  }
  const target = document.getElementById("stats-trend");
  const data = document.getElementById("stats-trend-data");
  if (!target || !data || !window.echarts) return;
  const trend = JSON.parse(data.textContent);
  const chart = window.echarts.init(target);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: trend.labels },
    grid: { left: 40, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "category", data: trend.days },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: trend.labels[0], type: "line", data: trend.received },
      { name: trend.labels[1], type: "line", data: trend.closed },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
