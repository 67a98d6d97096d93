// Healtheos page behaviour. No inline script is allowed by the content security policy, so
// everything a page needs lives here or in an htmx attribute.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (event) {
    var body = document.body;
    var headers = body && body.getAttribute("hx-headers");
    if (headers) {
      try {
        var parsed = JSON.parse(headers);
        Object.keys(parsed).forEach(function (key) {
          event.detail.headers[key] = parsed[key];
        });
      } catch (e) {
        /* ignore malformed header declarations */
      }
    }
  });
})();
