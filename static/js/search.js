// LabJobs search: refresh results as filters change, keeping the URL shareable. Each
// search is an entry in the browser's history, so Back and Forward walk them; a chip
// removes its filter in place; "Save this search" saves without leaving the results.
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
  var loading = form.querySelector("[data-loading]");
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

  // history: "push" for a new search, "none" when Back or Forward brought us here.
  function refresh(url, history) {
    url = url || form.action + (queryString() ? "?" + queryString() : "");
    if (pending) pending.abort();
    pending = new AbortController();
    results.setAttribute("aria-busy", "true");
    if (loading) loading.hidden = false;
    fetch(url, { headers: { "X-Requested-With": "fetch" }, signal: pending.signal })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var freshResults = fresh.querySelector("[data-results]");
        if (!freshResults) throw new Error("no results in page");
        if (history === "none") {
          // Back or Forward: the controls take the state of that search too.
          var freshForm = fresh.getElementById("search-form");
          var open = panel && panel.open;
          if (freshForm) form.innerHTML = freshForm.innerHTML;
          results = form.querySelector("[data-results]");
          loading = form.querySelector("[data-loading]");
          panel = form.querySelector("details[data-filters]");
          if (panel) panel.open = open;
        } else {
          results.innerHTML = freshResults.innerHTML;
        }
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
        if (history !== "none" && url !== window.location.href) {
          window.history.pushState({ search: true }, "", url);
        }
        document.title = fresh.title;
      })
      .catch(function (error) {
        if (error.name !== "AbortError") window.location.assign(url); // fall back to a full load
      })
      .finally(function () {
        results.removeAttribute("aria-busy");
        if (loading) loading.hidden = true;
      });
  }

  window.addEventListener("popstate", function () {
    refresh(window.location.href, "none");
  });

  // A chip removes its filter: the same search without it, in place.
  form.addEventListener("click", function (event) {
    var chip = event.target.closest && event.target.closest("a[data-chip]");
    if (!chip || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    refresh(chip.href, "push");
    var title = document.getElementById("results-title");
    if (title) title.focus({ preventScroll: true });
  });

  // "Save this search" in place: the results stay; the answer is read out.
  var saveForm = document.querySelector("[data-save-search] form");
  if (saveForm) {
    saveForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var status = saveForm.querySelector("[data-save-search-status]");
      fetch(saveForm.action, {
        method: "POST",
        body: new FormData(saveForm),
        headers: { Accept: "application/json", "X-Requested-With": "fetch" },
        credentials: "same-origin",
      })
        .then(function (response) { return response.json(); }) // a refusal is JSON too (422)
        .then(function (answer) {
          if (status) status.textContent = answer.message;
        })
        .catch(function () { saveForm.submit(); });
    });
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "q") return; // typed text refreshes on pause or Enter
    refresh(null, "push");
  });
  form.addEventListener("input", function (event) {
    if (event.target.name !== "q") return;
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () { refresh(null, "push"); }, 400);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    refresh(null, "push");
  });
})();
