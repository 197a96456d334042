// The listing form shows the external application link only when students apply on
// another site. Without JavaScript the field stays visible, with its hint.
(function () {
  "use strict";
  var method = document.getElementById("id_apply_method");
  var link = document.getElementById("id_apply_url");
  if (!method || !link) return;
  var field = link.closest(".field");
  function show() {
    // A link typed in (or an error on it) stays visible whatever the method says.
    field.hidden = method.value !== "external" && !link.value && !field.classList.contains("field-invalid");
  }
  method.addEventListener("change", show);
  show();
})();
