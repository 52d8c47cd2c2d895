// What the student's page and the teacher's view share: the element lookup,
// the message line (errors shown where the user is looking) and the JSON calls.
"use strict";

const $ = (id) => document.getElementById(id);

function say(text) {
  const m = $("message");
  m.textContent = text;
  m.hidden = !text;
  if (text) m.scrollIntoView({ block: "nearest" });
}

// A JSON request; a refusal becomes an Error carrying the server's one-line message.
async function call(method, path, body) {
  const response = await fetch(path, {
    method, headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}
