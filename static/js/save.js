// LabJobs: save and un-save listings in place. Each Save button submits a small form
// (id "save-<listing id>"); without this script that form posts and comes back to the
// page. With it, the form is sent in the background, the button swapped for its new
// state and the result read out; on the tracker an un-saved card goes away.
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function announce(text) {
    var live = document.getElementById("save-status");
    if (!live) {
      live = document.createElement("p");
      live.id = "save-status";
      live.className = "toast";
      live.setAttribute("role", "status");
      document.body.appendChild(live);
    }
    live.textContent = "";
    live.hidden = false;
    window.setTimeout(function () { live.textContent = text; }, 50);
    window.clearTimeout(announce.timer);
    announce.timer = window.setTimeout(function () { live.hidden = true; }, 5000);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.id || form.id.indexOf("save-") !== 0 || form.dataset.busy) return;
    event.preventDefault();
    form.dataset.busy = "1";
    var buttons = Array.from(document.querySelectorAll('button[form="' + form.id + '"]'))
      .concat(Array.from(form.querySelectorAll("button")));
    buttons.forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        form.action = answer.action;
        var card = form.closest("[data-removed-when-unsaved]");
        if (card && !answer.saved) {
          card.remove();
        } else {
          buttons.forEach(function (button) {
            var holder = document.createElement("div");
            holder.innerHTML = answer.button.trim();
            var fresh = holder.firstElementChild;
            if (fresh) {
              button.replaceWith(fresh);
              if (document.activeElement === document.body && fresh.focus) fresh.focus();
            }
          });
        }
        announce(answer.message);
      })
      .catch(function () {
        // Whatever went wrong, the plain form still works: send it the ordinary way.
        delete form.dataset.busy;
        form.submit();
      })
      .finally(function () {
        delete form.dataset.busy;
        buttons.forEach(function (button) { button.disabled = false; });
      });
  });
})();
