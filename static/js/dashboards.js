/* Draws the dashboards' charts from the JSON the page embeds; the tables stay the source. */
(function () {
  "use strict";
  var node = document.getElementById("chart-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);

  /* Vertical reference lines (national average, target) on a horizontal bar chart. */
  var referenceLines = {
    id: "referenceLines",
    afterDatasetsDraw: function (chart, args, options) {
      var ctx = chart.ctx, area = chart.chartArea, x = chart.scales.x;
      (options.lines || []).forEach(function (line) {
        if (line.value === null || line.value === undefined) { return; }
        var px = x.getPixelForValue(line.value);
        ctx.save();
        ctx.strokeStyle = line.color; ctx.setLineDash(line.dash || []); ctx.lineWidth = 2;
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
        ctx.fillStyle = line.color; ctx.font = "12px sans-serif";
        ctx.fillText(line.label, Math.min(px + 4, area.right - 120), area.top + 12);
        ctx.restore();
      });
    }
  };

  var ranking = document.getElementById("ranking-chart");
  if (ranking) {
    var values = data.values.filter(function (v) { return v !== null; });
    var low = Math.floor(Math.min.apply(null, values.concat([data.average || 100, data.target || 100])) - 1);
    new Chart(ranking, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{
          data: data.values,
          backgroundColor: data.own.map(function (own, i) {
            if (own) { return "#0d6efd"; }
            return data.synthetic[i] ? "rgba(255,193,7,0.55)" : "rgba(108,117,125,0.6)";
          })
        }]
      },
      options: {
        indexAxis: "y", maintainAspectRatio: false, animation: false,
        scales: { x: { min: low }, y: { ticks: { autoSkip: false, font: { size: 10 } } } },
        plugins: {
          legend: { display: false },
          referenceLines: { lines: [
            { value: data.average, color: "#198754", dash: [6, 4], label: data.averageLabel },
            { value: data.target, color: "#dc3545", dash: [], label: data.targetLabel }
          ] }
        }
      },
      plugins: [referenceLines]
    });
  }

  var trend = document.getElementById("trend-chart");
  if (trend) {
    var colours = ["#0d6efd", "#fd7e14", "#6f42c1", "#20c997"];
    new Chart(trend, {
      type: "line",
      data: {
        labels: data.years.map(function (y) { return data.changes.indexOf(y) >= 0 ? y + " ◆" : String(y); }),
        datasets: data.series.map(function (s, i) {
          return { label: s.label, data: s.index, borderColor: colours[i % colours.length],
                   backgroundColor: colours[i % colours.length], spanGaps: true };
        })
      },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { title: { display: true, text: "%" } } } }
    });
  }

  var projection = document.getElementById("projection-chart");
  if (projection) {
    var datasets = [{ label: data.label, data: data.values, borderColor: "#0d6efd",
                      backgroundColor: "#0d6efd", spanGaps: true }];
    if (data.target !== null) {
      datasets.push({ label: data.targetLabel, data: data.values.map(function () { return data.target; }),
                      borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0 });
    }
    new Chart(projection, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: { maintainAspectRatio: false, animation: false, scales: { y: { title: { display: true, text: "%" } } } }
    });
  }
})();
