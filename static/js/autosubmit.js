// A GET form marked data-autosubmit (filters, sorting) applies a change at once; its
// button stays for keyboards and for browsers without JavaScript.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function () { form.submit(); });
  });
})();
