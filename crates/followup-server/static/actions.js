// The application page's forms work without this script. With it, a form sent once
// cannot be sent again by a second click while the first is on its way (the server
// records a repeat once anyway: each form carries an idempotency key).
"use strict";
document.addEventListener("submit", (e) => {
  const form = e.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  if (form.dataset.sent === "1") {
    e.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  for (const b of form.querySelectorAll("button[type=submit], button:not([type])")) {
    b.setAttribute("aria-disabled", "true");
  }
});
