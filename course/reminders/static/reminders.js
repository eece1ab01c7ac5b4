/* Reminders page: the - and + buttons (and the day switches) save in place.
   Without this file they are ordinary submit buttons and the page reloads. */
(function () {
  "use strict";

  function setup(form) {
    var status = form.querySelector(".reminder-status");
    var busy = false;

    function markOff() {
      var rows = form.querySelectorAll(".reminder-day");
      for (var i = 0; i < rows.length; i++) {
        var box = rows[i].querySelector(".js-day-enabled");
        rows[i].classList.toggle("off", !!box && !box.checked);
      }
    }

    function show(days) {
      for (var i = 0; i < days.length; i++) {
        var day = days[i];
        var row = form.querySelector('.reminder-day[data-weekday="' + day.weekday + '"]');
        if (!row) continue;
        row.querySelector(".reminder-time").textContent = day.label;
        row.querySelector(".js-day-time").value = day.value;
        row.querySelector(".js-day-enabled").checked = day.enabled;
      }
      markOff();
    }

    function save(submitter) {
      if (busy) return;
      busy = true;
      var data = new FormData(form);
      if (submitter && submitter.name) data.append(submitter.name, submitter.value);
      fetch(form.action, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.status === 422) {
          // A field is not right: let the server show its messages.
          busy = false;
          if (form.requestSubmit && submitter) form.requestSubmit(submitter);
          else form.submit();
          return null;
        }
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (result) {
        busy = false;
        if (!result) return;
        show(result.days);
        status.textContent = result.message;
      }).catch(function () {
        busy = false;
        status.textContent = form.getAttribute("data-error");
      });
    }

    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest(".js-step") : null;
      if (!button || !window.fetch || !window.FormData) return;
      event.preventDefault();
      save(button);
    });
    form.addEventListener("change", function (event) {
      if (event.target.classList.contains("js-day-enabled")) {
        markOff();
        if (window.fetch && window.FormData) save(null);
      }
    });
    markOff();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.js-reminders");
    for (var i = 0; i < forms.length; i++) setup(forms[i]);
  });
})();
