/* The page of a long spreadsheet import (templates/admin/publishing/spreadsheet_job.html): asks
   where the work stands every two seconds, moves the bar, and reloads the page once the work has
   ended, to show the preview, the row errors or what was written. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-progress-text]");

  function ask() {
    fetch(box.getAttribute("data-progress-url"), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        if (!state.running) {
          window.location.reload();
          return;
        }
        if (state.done !== null) {
          bar.max = state.rows;
          bar.value = state.done;
          bar.textContent = state.done + " / " + state.rows;
        }
        text.textContent = state.text;
        window.setTimeout(ask, 2000);
      })
      .catch(function () {
        window.setTimeout(ask, 5000);
      });
  }

  window.setTimeout(ask, 1000);
})();
