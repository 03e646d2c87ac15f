// Charts of the complaint analysis page, drawn from the JSON the page embeds (no inline script: CSP).
document.addEventListener("DOMContentLoaded", function () {
  if (!window.echarts) return;
  const data = JSON.parse(document.getElementById("complaint-charts").textContent);
  const names = rows => rows.map(r => r[0]), values = rows => rows.map(r => r[1]);
  const bar = (id, rows, horizontal) => echarts.init(document.getElementById(id)).setOption({
    tooltip: {}, grid: {left: horizontal ? 10 : 40, right: 20, top: 20, bottom: 30, containLabel: horizontal},
    xAxis: horizontal ? {type: "value"} : {type: "category", data: names(rows)},
    yAxis: horizontal ? {type: "category", data: names(rows), inverse: true} : {type: "value"},
    series: [{type: "bar", data: values(rows), itemStyle: {color: "#1a73e8"}}]});
  const pie = (id, rows) => echarts.init(document.getElementById(id)).setOption({
    tooltip: {trigger: "item"}, series: [{type: "pie", radius: ["35%", "65%"], data: rows.map(r => ({name: r[0], value: r[1]}))}]});
  bar("chart-category", data.category, true); pie("chart-object", data.object); bar("chart-department", data.department, true);
  pie("chart-party", data.party); bar("chart-steps", data.steps, true);
  echarts.init(document.getElementById("chart-month")).setOption({tooltip: {trigger: "axis"}, grid: {left: 40, right: 20, top: 20, bottom: 30},
    xAxis: {type: "category", data: names(data.month)}, yAxis: {type: "value"}, series: [{type: "line", data: values(data.month), smooth: true}]});
});
