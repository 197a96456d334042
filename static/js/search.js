// LabJobs search: refresh results as filters change, keeping the URL shareable.
// The page is a plain GET form and works without this script.
(function () {
  "use strict";
  // The filters panel starts closed so that a phone shows results first; a wide
  // screen has room for both, so it opens there.
  var panel = document.querySelector("details[data-filters]");
  if (panel && window.matchMedia && window.matchMedia("(min-width: 48rem)").matches) {
    panel.open = true;
  }
  var form = document.getElementById("search-form");
  if (!form || !window.fetch || !window.DOMParser || !window.history.replaceState) return;

  var results = form.querySelector("[data-results]");
  var pending = null;
  var typingTimer = null;

  function queryString() {
    var params = new URLSearchParams(new FormData(form));
    // Empty fields make URLs long and unreadable; leave them out.
    Array.from(params.keys()).forEach(function (key) {
      if (params.getAll(key).every(function (value) { return value === ""; })) params.delete(key);
    });
    return params.toString();
  }

  function refresh() {
    var url = form.action + (queryString() ? "?" + queryString() : "");
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshResults = fresh.querySelector("[data-results]");
        if (!freshResults) throw new Error("no results in page");
        results.innerHTML = freshResults.innerHTML;
        // Update the counts beside each filter option without touching the controls.
        fresh.querySelectorAll("[data-count-for]").forEach(function (count) {
          var mine = form.querySelector('[data-count-for="' + count.getAttribute("data-count-for") + '"]');
          if (mine) mine.textContent = count.textContent;
        });
        fresh.querySelectorAll("[data-error-for]").forEach(function (error) {
          var mine = form.querySelector('[data-error-for="' + error.getAttribute("data-error-for") + '"]');
          if (mine) mine.innerHTML = error.innerHTML;
        });
        // Parts outside the search form that depend on the results (the forms the
        // cards' Save buttons submit, the saved-search form's query).
        fresh.querySelectorAll("[data-refresh]").forEach(function (part) {
          var mine = document.querySelector('[data-refresh="' + part.getAttribute("data-refresh") + '"]');
          if (mine) mine.innerHTML = part.innerHTML;
        });
        window.history.replaceState(null, "", url);
        document.title = fresh.title;
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.assign(url); // fall back to a full load
      })
      .finally(function () {
        results.removeAttribute("aria-busy");
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "q") return; // typed text refreshes on pause or Enter
    refresh();
  });
  form.addEventListener("input", function (event) {
    if (event.target.name !== "q") return;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(refresh, 400);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    refresh();
  });
})();
