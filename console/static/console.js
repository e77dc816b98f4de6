// The staff console's own script: status changes through the JSON API (CSRF token from
// /api/session), filters applied when a menu changes. Without it the forms still post.
"use strict";

async function csrfToken() {
  const response = await fetch("/api/session", { credentials: "same-origin" });
  if (!response.ok) throw new Error("signed out: reload the page");
  return (await response.json()).csrf_token;
}

async function changeStatus(form) {
  const message = form.querySelector(".form-message");
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  message.textContent = "Saving…";
  try {
    const response = await fetch(form.dataset.api, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": await csrfToken() },
      body: JSON.stringify({
        status: form.elements.status.value,
        note: form.elements.note.value,
        for_customer: form.elements.for_customer.checked,
      }),
    });
    const body = await response.json();
    if (!response.ok) throw new Error(body.error || `error ${response.status}`);
    window.location.reload();
  } catch (error) {
    message.textContent = `Not saved: ${error.message}`;
    button.disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.status-form[data-api]")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      changeStatus(form);
    });
  }
  for (const form of document.querySelectorAll("form[data-autosubmit]")) {
    for (const select of form.querySelectorAll("select")) {
      select.addEventListener("change", () => form.submit());
    }
  }
});
