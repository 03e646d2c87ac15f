// Charts of the report panels from the JSON each panel embeds (no inline script: CSP). Panels arrive by
// htmx (hx-trigger="load"), so each one is drawn when it is swapped in (htmx:load), or at page load when
// the page was built whole (?full=1). A click on a bar, point or slice opens the list behind it: the same
// URL as the number in the table below the chart.
(function () {
  const colors = ["#1a73e8", "#34a853", "#fbbc04", "#ea4335", "#9334e6"];

  function draw(el) {
    if (!window.echarts || el.dataset.drawn) return;
    const source = document.getElementById(el.dataset.chart);
    if (!source) return;
    el.dataset.drawn = "1";
    const c = JSON.parse(source.textContent);
    const chart = echarts.init(el);
    let option;
    if (c.type === "pie") {
      option = {tooltip: {trigger: "item"}, color: colors,
        series: [{type: "pie", radius: ["35%", "65%"], data: c.labels.map((l, i) => ({name: l, value: c.series[0].data[i]}))}]};
    } else {
      option = {tooltip: {trigger: "axis"}, color: colors, legend: {top: 0, textStyle: {fontSize: 11}},
        grid: {left: 8, right: 12, top: 28, bottom: 8, containLabel: true},
        xAxis: {type: "category", data: c.labels, axisLabel: {fontSize: 11}}, yAxis: {type: "value"},
        series: c.series.map(s => ({name: s.name, type: c.type, data: s.data, smooth: c.type === "line"}))};
    }
    chart.setOption(option);
    chart.on("click", function (p) {
      const series = c.series[p.seriesIndex || 0];
      const url = series && series.urls[p.dataIndex];
      if (url) window.location.href = url;
    });
    window.addEventListener("resize", () => chart.resize());
  }

  function drawAll(root) {
    if (root.matches && root.matches(".chart[data-chart]")) draw(root);
    if (root.querySelectorAll) root.querySelectorAll(".chart[data-chart]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", () => drawAll(document));
  document.addEventListener("htmx:load", (e) => drawAll(e.detail.elt));
})();
