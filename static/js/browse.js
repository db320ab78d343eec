// Browse: the filters' live requests leave out the filters left empty, so that the address
// the page moves to reads "?kind=dataset", not "?q=&kind=dataset&task=&licence=&...&sort=name".
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("#filters");
    if (!form) {
      return;
    }
    var params = event.detail.parameters;
    Array.from(new FormData(form).keys()).forEach(function (name) {
      if (params[name] === "" || (name === "sort" && params[name] === "name")) {
        delete params[name];  // (by name is the order a list has without one)
      }
    });
  });
})();
