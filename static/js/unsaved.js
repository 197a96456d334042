// A form marked data-guard-unsaved asks before the page is left with changes that
// were not saved (another link, closing the tab, reloading). Sending the form is
// not leaving it. Without JavaScript the form works the same, unguarded.
(function () {
  "use strict";
  var form = document.querySelector("form[data-guard-unsaved]");
  if (!form) return;
  var changed = false;
  function markChanged() { changed = true; }
  form.addEventListener("input", markChanged);
  form.addEventListener("change", markChanged);
  form.addEventListener("submit", function () { changed = false; });
  window.addEventListener("beforeunload", function (event) {
    if (!changed) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers need a value to show their own warning
  });
})();
