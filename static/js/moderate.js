// Keys on the moderation page: a approves, r moves to the rejection reason, n skips to
// the next listing waiting. Never while typing in a field, never with a modifier.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    if (event.key === "a") {
      var approve = document.querySelector('[data-shortcut="a"]');
      if (approve) approve.click();
    } else if (event.key === "r") {
      var reason = document.getElementById("id_canned_reason");
      if (reason) { reason.focus(); event.preventDefault(); }
    } else if (event.key === "n") {
      var next = document.querySelector('[data-shortcut="n"]');
      if (next) window.location.assign(next.href);
    }
  });
})();
