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

// A conversation page follows the conversation live: its transcript is read again every few
// seconds and drawn with textContent only (customer text never becomes markup).
function drawTranscript(list, lines) {
  const items = lines.map((line) => {
    const item = document.createElement("li");
    item.className = `from-${line.from}`;
    const speaker = document.createElement("span");
    speaker.className = "speaker";
    speaker.textContent = line.name ? `${line.from} (${line.name})` : line.from;
    const time = document.createElement("time");
    time.textContent = (line.at || "").slice(11, 19);
    const text = document.createElement("p");
    text.textContent = line.text;
    item.append(speaker, " ", time, text);
    return item;
  });
  list.replaceChildren(...items);
}

function followConversation(section) {
  const list = section.querySelector("ol.messages");
  setInterval(async () => {
    try {
      const response = await fetch(section.dataset.api, { credentials: "same-origin" });
      if (response.ok) drawTranscript(list, (await response.json()).transcript);
    } catch (error) {
      // the console away for a moment: the next round tries again
    }
  }, 3000);
}

document.addEventListener("DOMContentLoaded", () => {
  for (const section of document.querySelectorAll("section.transcript[data-api]")) followConversation(section);
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
