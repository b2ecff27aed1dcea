// The dossier's progress: polls its status every second until it is ready or failed.
(function () {
  var box = document.querySelector("[data-dossier-status]");
  if (!box) { return; }
  var bar = box.querySelector("[data-testid=dossier-bar]");
  var label = box.querySelector("[data-testid=dossier-label]");
  var count = box.querySelector("[data-testid=dossier-count]");
  var link = box.querySelector("[data-testid=dossier-download]");
  function poll() {
    fetch(box.getAttribute("data-dossier-status"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.style.width = s.percent + "%";
        bar.textContent = s.percent + "%";
        bar.parentNode.setAttribute("aria-valuenow", s.percent);
        label.textContent = s.label;
        count.textContent = s.done + " / " + s.total;
        if (s.download) { link.classList.remove("d-none"); return; }
        if (s.status !== "failed") { setTimeout(poll, 1000); }
      });
  }
  poll();
})();
