// The progress bar of a scheme of delegation import: asks how far the import has got every
// second and a half, moves the bar, and reloads the page (with its report) when it finishes.
// Without JavaScript the page refreshes itself instead (a <noscript> meta refresh).
(function () {
  var box = document.querySelector("[data-progress-url]");
  if (!box || !window.fetch) return;
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  var url = box.getAttribute("data-progress-url");

  function rows(n) {
    return n === 1 ? "row" : "rows";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (progress) {
        if (progress.state === "succeeded" || progress.state === "failed") {
          window.location.reload();
          return;
        }
        bar.max = Math.max(progress.rows_total, 1);
        bar.value = progress.rows_done;
        bar.textContent = progress.percent + "%";
        text.textContent =
          progress.rows_done + " of " + progress.rows_total + " " + rows(progress.rows_total) +
          " checked (" + progress.percent + "%).";
        window.setTimeout(poll, 1500);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1500);
})();
