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

  // After re-authentication, put back what the person had typed into the form of this page
  // (kept server-side while they were signed out; see accounts/sessions.py).
  var restored = document.getElementById("he-restored-draft");
  var form = document.querySelector("form[data-he-draft]");
  if (restored && form) {
    var fields = JSON.parse(restored.textContent);
    Object.keys(fields).forEach(function (name) {
      var inputs = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
      var values = fields[name];
      inputs.forEach(function (input, index) {
        if (input.type === "checkbox" || input.type === "radio") {
          input.checked = values.indexOf(input.value) !== -1;
        } else if (input.tagName === "SELECT" && input.multiple) {
          Array.prototype.forEach.call(input.options, function (option) {
            option.selected = values.indexOf(option.value) !== -1;
          });
        } else if (input.type !== "file" && input.type !== "password" && input.type !== "hidden") {
          input.value = values[Math.min(index, values.length - 1)];
        }
      });
    });
    var notice = document.getElementById("he-draft-restored-notice");
    if (notice) { notice.hidden = false; }
  }

  // Print buttons (no inline handlers under the content security policy).
  document.querySelectorAll("[data-he-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
