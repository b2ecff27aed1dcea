/* Page behaviour without inline script (the Content-Security-Policy forbids it):
   data-navigate  on a <select>: go to the chosen option's value (an address);
   data-autosubmit on a form field: submit its form when it changes;
   data-print     on a button: open the print dialog;
   data-height    on a box: its height in pixels (e.g. a chart sized to its rows). */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("[data-navigate]")) { window.location.href = field.value; }
    if (field.matches("[data-autosubmit]") && field.form) { field.form.submit(); }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) { window.print(); }
  });
  document.querySelectorAll("[data-height]").forEach(function (box) {
    box.style.height = box.getAttribute("data-height") + "px";
  });
})();
