// LabJobs: "Add another" for a Django formset (the profile's certifications). The
// page has one empty row and works without this script (save, and a new row
// appears); with it, each click adds a row from the formset's empty form.
(function () {
  "use strict";
  var rows = document.querySelector("[data-formset-rows]");
  var template = document.querySelector("template[data-formset-template]");
  var add = document.querySelector("[data-formset-add]");
  if (!rows || !template || !add) return;
  var form = rows.closest("form");
  var total = form.querySelector('input[name$="-TOTAL_FORMS"]');
  var max = form.querySelector('input[name$="-MAX_NUM_FORMS"]');
  if (!total) return;

  add.hidden = false;
  var noScript = document.querySelector("[data-formset-no-script]");
  if (noScript) noScript.hidden = true;

  add.addEventListener("click", function () {
    var count = parseInt(total.value, 10);
    if (max && count >= parseInt(max.value, 10)) {
      add.disabled = true;
      return;
    }
    var holder = document.createElement("ul");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(count));
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(count + 1);
    var first = row.querySelector("select, input:not([type=hidden])");
    if (first) first.focus();
  });
})();
