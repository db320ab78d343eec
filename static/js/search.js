// Live search enhancements for /search/. The page works without this file: results come from
// a plain GET form, and each result has a "Compare with…" link.
//
// - Up/Down move between the search box and the results; Enter opens the focused result.
// - Opening another page of results, or the search as typed, moves the focus to the
//   results' heading.
// - Tick two results to open their versus page (/compare/?a=&b=).
// - Counting (see comparisons/search_views.py): live requests do not count towards the match
//   graph unless sent with "X-Search-Settled: 1". Enter in the box sends it at once; otherwise
//   the page sends it once the results have stayed unchanged for SETTLE_MS, or when the reader
//   follows a result before that.
(function () {
  "use strict";

  var SETTLE_MS = 2000;
  var SETTLED_HEADER = "X-Search-Settled";
  var box = document.getElementById("search-q");
  if (!box) {
    return;
  }
  // The keys below work only with this script: their hint shows only with it.
  var keys = document.getElementById("search-keys");
  if (keys) {
    keys.hidden = false;
  }
  var pending = null; // the URL whose results are on screen but not yet counted
  var timer = null;

  function resultLinks() {
    return Array.prototype.slice.call(document.querySelectorAll("#results [data-result-link]"));
  }

  function sendSettled(keepalive) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!pending) {
      return;
    }
    var headers = { "HX-Request": "true" };
    headers[SETTLED_HEADER] = "1";
    fetch(pending, { headers: headers, credentials: "same-origin", keepalive: !!keepalive })
      .catch(function () {});
    pending = null;
  }

  // Keyboard: Down from the box enters the list; Up from the first result returns to the box.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") {
      return;
    }
    var links = resultLinks();
    if (!links.length) {
      return;
    }
    if (document.activeElement === box) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        links[0].focus();
      }
      return;
    }
    var at = links.indexOf(document.activeElement);
    if (at === -1) {
      return;
    }
    event.preventDefault();
    if (event.key === "ArrowDown") {
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (at === 0) {
      box.focus();
    } else {
      links[at - 1].focus();
    }
  });

  // Enter (the "search" event of the box, or the form's submit) is a settled search.
  // Filters left at "any" stay out of the request, and so out of the address to share.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    ["kind", "task", "licence", "language"].forEach(function (name) {
      if (params[name] === "") {
        delete params[name];
      }
    });
    var trigger = event.detail.triggeringEvent;
    if (trigger && (trigger.type === "search" || trigger.type === "submit")) {
      event.detail.headers[SETTLED_HEADER] = "1";
    }
  });

  document.body.addEventListener("htmx:beforeRequest", function () {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    pending = null;
  });

  // A 429 from a live request carries its own results section: show it instead of nothing.
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 429) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.body.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "results") {
      return;
    }
    setUpCompare();
    var request = event.detail.requestConfig;
    // A page of results opened from the links under them, or the search as typed from the
    // link over them: the reader goes on from its heading, at the top of the new results,
    // not from where the link was.
    var from = request && request.elt;
    var heading = document.getElementById("results-h");
    if (heading && from && from.closest && from.closest(".pagination, [data-as-typed]")) {
      heading.focus();
    }
    var counted = request && request.headers && request.headers[SETTLED_HEADER] === "1";
    if (counted || event.detail.xhr.status !== 200) {
      return;
    }
    pending = event.detail.pathInfo && event.detail.pathInfo.finalRequestPath;
    if (pending) {
      timer = setTimeout(sendSettled, SETTLE_MS);
    }
  });

  // Following a result before the pause ends still counts the search it came from.
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("#results [data-result-link]")) {
      sendSettled(true);
    }
  });

  // Tick two to compare: fill a and b of the compare form from the two ticked results.
  function setUpCompare() {
    var form = document.getElementById("compare-picked");
    if (!form) {
      return;
    }
    var bar = form.querySelector("[data-compare-bar]");
    var status = form.querySelector("[data-compare-status]");
    var submit = form.querySelector("[data-compare-submit]");
    var picks = Array.prototype.slice.call(form.querySelectorAll("[data-compare-pick]"));
    form.querySelectorAll("[data-pick]").forEach(function (label) {
      label.hidden = false;
    });

    function update() {
      var ticked = picks.filter(function (p) { return p.checked; });
      picks.forEach(function (p) {
        p.disabled = !p.checked && ticked.length >= 2;
      });
      form.elements.a.value = ticked[0] ? ticked[0].value : "";
      form.elements.b.value = ticked[1] ? ticked[1].value : "";
      // Shown from the first tick: before it, the boxes say what they are for, and the
      // results start higher on a phone.
      bar.hidden = ticked.length === 0;
      submit.disabled = ticked.length !== 2;
      status.textContent = ticked.length === 2
        ? "Two picked."
        : "Tick " + (2 - ticked.length) + " more to compare.";
    }

    picks.forEach(function (p) {
      p.addEventListener("change", update);
    });
    update();
  }

  setUpCompare();
})();
