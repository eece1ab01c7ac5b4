/* Aula activities: save reflections and notes while the learner types, and
   stop a quiz from being sent twice. Every form works without this file:
   its Save button posts it like any other form. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 1200;      // wait this long after the last key press
  var FIRST_RETRY_MS = 2000;   // then 4 s, 8 s, ... up to MAX_RETRY_MS
  var MAX_RETRY_MS = 30000;

  function Autosave(form) {
    this.form = form;
    this.url = form.getAttribute("action");
    this.kind = form.getAttribute("data-kind");
    this.status = form.querySelector(".js-save-status");
    this.token = (form.querySelector("input[name=csrf_token]") || {}).value || "";
    this.dirty = {};        // field key -> true while it has changes not yet saved
    this.inflight = false;
    this.timer = null;
    this.retryDelay = 0;
    this.bind();
  }

  Autosave.prototype.fields = function () {
    return this.form.querySelectorAll("textarea[data-field]");
  };

  Autosave.prototype.message = function (name) {
    return this.form.getAttribute("data-msg-" + name) || "";
  };

  Autosave.prototype.show = function (text, isError) {
    if (!this.status) return;
    this.status.textContent = text;
    this.status.classList.toggle("is-error", !!isError);
  };

  Autosave.prototype.hasUnsaved = function () {
    return this.inflight || Object.keys(this.dirty).length > 0;
  };

  Autosave.prototype.schedule = function (delay) {
    var self = this;
    clearTimeout(this.timer);
    this.timer = setTimeout(function () { self.flush(false); }, delay);
  };

  Autosave.prototype.bind = function () {
    var self = this;
    Array.prototype.forEach.call(this.fields(), function (field) {
      field.addEventListener("input", function () {
        self.dirty[field.getAttribute("data-field")] = true;
        self.retryDelay = 0;
        self.schedule(DEBOUNCE_MS);
      });
      field.addEventListener("blur", function () {
        if (self.dirty[field.getAttribute("data-field")]) self.flush(false);
      });
    });
    // The Save button saves at once, in place.
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      Array.prototype.forEach.call(self.fields(), function (field) {
        self.dirty[field.getAttribute("data-field")] = true;
      });
      self.retryDelay = 0;
      self.flush(false);
    });
  };

  Autosave.prototype.payload = function (keys) {
    var values = {};
    Array.prototype.forEach.call(this.fields(), function (field) {
      var key = field.getAttribute("data-field");
      if (keys.indexOf(key) !== -1) values[key] = field.value;
    });
    if (this.kind === "note") return { text: values.text || "" };
    return { answers: values };
  };

  Autosave.prototype.markErrors = function (errors) {
    Array.prototype.forEach.call(this.fields(), function (field) {
      var key = field.getAttribute("data-field");
      if (errors && errors[key]) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    });
  };

  // Send what changed. `leaving`: the page is being hidden, so use keepalive.
  Autosave.prototype.flush = function (leaving) {
    var self = this;
    clearTimeout(this.timer);
    if (this.inflight) { this.again = true; return; }
    var keys = Object.keys(this.dirty);
    if (!keys.length) return;
    this.dirty = {};
    this.inflight = true;
    this.show(this.message("saving"), false);
    var request = {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": this.token },
      body: JSON.stringify(this.payload(keys))
    };
    if (leaving) request.keepalive = true;
    fetch(this.url, request).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        self.done(response.status, data, keys);
      });
    }).catch(function () {
      self.done(0, {}, keys);
    });
  };

  Autosave.prototype.keepDirty = function (keys) {
    var self = this;
    keys.forEach(function (key) { self.dirty[key] = true; });
  };

  Autosave.prototype.done = function (status, data, keys) {
    this.inflight = false;
    if (status >= 200 && status < 300) {
      this.retryDelay = 0;
      this.markErrors(null);
      // Say "Saved" only when nothing is left to send (the Save button may have asked for more meanwhile).
      if (Object.keys(this.dirty).length) this.again = true;
      else this.show(this.message("saved"), false);
    } else if (status === 422) {
      // Too long, for example: say so; the text stays in the box and is sent again when edited.
      this.keepDirty(Object.keys(data.errors || {}).length ? Object.keys(data.errors) : keys);
      this.markErrors(data.errors || {});
      this.show(data.message || this.message("rejected"), true);
    } else if (status === 0 || status >= 500 || status === 429) {
      // Offline or a server hiccup: keep the changes and try again, waiting longer each time.
      this.keepDirty(keys);
      this.retryDelay = this.retryDelay ? Math.min(this.retryDelay * 2, MAX_RETRY_MS) : FIRST_RETRY_MS;
      this.show(this.message("retrying"), true);
      this.schedule(this.retryDelay);
      return;
    } else {
      // Signed out, or the form expired: retrying will not help until the learner acts.
      this.keepDirty(keys);
      this.show(data.message || this.message("rejected"), true);
    }
    if (this.again) {  // the learner typed while this request was on its way
      this.again = false;
      this.schedule(DEBOUNCE_MS);
    }
  };

  function setupAutosave() {
    if (!window.fetch || !window.JSON) return;
    var savers = [];
    Array.prototype.forEach.call(document.querySelectorAll("form.js-autosave"), function (form) {
      savers.push(new Autosave(form));
    });
    if (!savers.length) return;
    window.addEventListener("beforeunload", function (event) {
      for (var i = 0; i < savers.length; i++) {
        if (savers[i].hasUnsaved()) {
          event.preventDefault();
          event.returnValue = savers[i].message("leave");
          return event.returnValue;
        }
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") savers.forEach(function (s) { s.flush(true); });
    });
    window.addEventListener("online", function () {
      savers.forEach(function (s) { s.retryDelay = 0; s.flush(false); });
    });
  }

  // A double click sends a quiz once (the server also records one attempt per form).
  function setupQuizForms() {
    var forms = document.querySelectorAll("form.js-quiz");
    // Coming back with the browser's Back button: the form may be sent again (as a new attempt).
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(forms, function (form) {
        form.removeAttribute("data-sent");
        var button = form.querySelector("button[type=submit]");
        if (button) button.removeAttribute("aria-disabled");
      });
    });
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        if (form.getAttribute("data-sent")) { event.preventDefault(); return; }
        form.setAttribute("data-sent", "1");
        var button = form.querySelector("button[type=submit]");
        if (button) setTimeout(function () { button.setAttribute("aria-disabled", "true"); }, 0);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupAutosave();
    setupQuizForms();
  });
})();
