// The idle-timeout warning (WCAG 2.2.1): shown before the server signs the person out, with
// one action to stay signed in. At the limit, the server ends the session, keeping any form
// marked data-he-draft as a draft for this page, and the browser goes to the sign-in page,
// which brings the person back here with what they typed. Nothing is written to the
// browser's storage.
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.getAttribute("data-idle-seconds"), 10);
  var warn = parseInt(body.getAttribute("data-warning-seconds"), 10);
  if (!idle) { return; }
  var deadline = Date.now() + idle * 1000;
  var ticking = null;
  var opened = false;
  var countdown = document.getElementById("he-session-countdown");
  var announce = document.getElementById("he-session-announce");

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function post(url, data) {
    data = data || new FormData();
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {"X-CSRFToken": csrf()}});
  }
  function format(seconds) {
    var m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + (s < 10 ? "0" : "") + s;
  }
  function openWarning() {
    if (opened) { return; }
    opened = true;
    var opener = document.getElementById("he-session-warning-opener");
    if (opener) { opener.click(); }
    announce.textContent = "You will be signed out soon because of inactivity.";
    var button = document.getElementById("he-session-extend");
    if (button) { setTimeout(function () { button.focus(); }, 50); }
  }
  function closeWarning() {
    if (!opened) { return; }
    opened = false;
    var close = document.getElementById("he-session-close");
    if (close) { close.click(); }
  }
  function signOut() {
    clearInterval(ticking);
    var form = document.querySelector("form[data-he-draft]");
    var here = window.location.pathname + window.location.search;
    var login = body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(here) + "&ended=idle";
    var gone = false;
    function leave() {
      if (gone) { return; }
      gone = true;
      window.location.assign(login);
    }
    // The server ends the session here too (keeping the form, if any, as a draft), so the
    // sign-in page cannot send a still-signed-in person straight back.
    var data = form ? new FormData(form) : new FormData();
    data.append("path", window.location.pathname);
    // A request that does not answer must not keep the page open past the sign-out.
    setTimeout(leave, 5000);
    post(body.getAttribute("data-draft-url"), data).finally(leave);
  }
  function tick() {
    // Rounded up: the page never signs out before the limit it shows.
    var left = Math.ceil((deadline - Date.now()) / 1000);
    if (left <= 0) { signOut(); return; }
    if (left <= warn) {
      openWarning();
      countdown.textContent = format(left);
    }
  }
  function restart(seconds) {
    deadline = Date.now() + (seconds || idle) * 1000;
    closeWarning();
  }
  document.getElementById("he-session-extend").addEventListener("click", function () {
    opened = false;  // the button closes the dialog itself (data-close-modal)
    post(body.getAttribute("data-extend-url")).then(function (response) {
      if (response.status === 401) { signOut(); return; }
      return response.json().then(function (json) { restart(json.remaining_seconds); });
    });
  });
  // htmx requests count as activity on the server; keep the clock in step.
  document.addEventListener("htmx:afterRequest", function () { restart(); });
  ticking = setInterval(tick, 1000);
})();
