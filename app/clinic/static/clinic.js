// When an htmx request fails (an expired form, a refused value), say so in the page's
// live region instead of failing silently; the form still works without JavaScript.
document.addEventListener("htmx:responseError", function (event) {
  var status = document.getElementById("status");
  if (status) {
    status.textContent = event.detail.xhr.status === 403
      ? "The form expired. Reload the page and try again."
      : "That did not work (" + event.detail.xhr.status + "). Reload the page and try again.";
  }
});
