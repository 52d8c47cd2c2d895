// The teacher's view of a participatory session: the join code, who has
// decided, the class's interface beside the model's at the same seed, pause
// and advance, and the debrief.
"use strict";

const CHARTS = [
  ["referrals", "Referrals a week"],
  ["referrals_withheld", "Referrals withheld (contacts without one)"],
  ["access_refused", "Requests for ward access refused"],
  ["perceived_transgressions", "Boundary concerns reported (perceived transgressions)"],
  ["prof_boundary_concern", "Professionals' mean boundary concern (0-1)", 1],
  ["tension_index", "Tension at the interface (0-1)", 1],
  ["any_bf_share", "Mothers breastfeeding (share of those followed)", 1],
  ["mothers_waiting", "Referred mothers waiting"],
];
const KIND_NAMES = { refer: "refer a mother", grant_access: "grant ward access", report_concern: "report a boundary concern",
  attend_meeting: "attend the joint meeting", take_cases: "take a case", ask_access: "ask for access",
  act_beyond_role: "act beyond the role" };

let teacher = sessionStorage.getItem("ppisim-teacher");
let paused = false;
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attributes, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Two lines on an axis from 0 (or 0-1 for shares), ticked at its ends and middle: no auto-zoom onto noise.
function chart(title, classValues, modelValues, unitMax) {
  const w = 320, h = 170, left = 44, bottom = 22, top = 10;
  const max = unitMax || Math.max(1, ...classValues, ...modelValues);
  const box = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": title });
  const y = (v) => top + (h - top - bottom) * (1 - v / max);
  const x = (i) => left + (w - left - 8) * (classValues.length > 1 ? i / (classValues.length - 1) : 0.5);
  for (const tick of [0, max / 2, max]) {
    box.appendChild(svg("line", { x1: left, x2: w - 8, y1: y(tick), y2: y(tick), stroke: "#e7e5e4" }));
    box.appendChild(svg("text", { x: left - 4, y: y(tick) + 4, "text-anchor": "end", "font-size": 15 },
      unitMax || max < 10 ? tick.toFixed(1) : Math.round(tick)));
  }
  box.appendChild(svg("text", { x: left, y: h - 4, "font-size": 15 }, "week 1"));
  box.appendChild(svg("text", { x: w - 8, y: h - 4, "font-size": 15, "text-anchor": "end" }, `week ${classValues.length}`));
  const line = (values, colour, dash) => {
    if (!values.length) return;
    const points = values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
    box.appendChild(svg("polyline", { points, fill: "none", stroke: colour, "stroke-width": 2.5, "stroke-dasharray": dash }));
  };
  line(modelValues, "#0072b2", "6 3");
  line(classValues, "#d55e00", "");
  const figure = document.createElement("figure");
  figure.className = "chart";
  const caption = document.createElement("h3");
  caption.textContent = title;
  figure.append(caption, box);
  return figure;
}

function table(element, header, rows) {
  element.replaceChildren();
  const head = element.insertRow();
  for (const h of header) head.appendChild(Object.assign(document.createElement("th"), { textContent: h }));
  for (const r of rows) {
    const row = element.insertRow();
    for (const v of r) row.insertCell().textContent = typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : v;
  }
}

function render(view) {
  $("start").hidden = true;
  $("session").hidden = false;
  $("code").textContent = view.code;
  $("join-url").textContent = `${location.origin}/play`;
  paused = view.paused;
  $("pause").textContent = paused ? "Resume" : "Pause for discussion";
  $("clock").textContent = `Week ${view.week}, day ${view.day} of ${view.horizon}` +
    (view.finished ? " (the run has ended)" : paused ? " (paused)" : "");
  $("advance").disabled = $("skip").disabled = view.finished;
  $("results").href = `/api/participatory/teacher/${teacher}/results.h5`;
  $("students-title").textContent = `The class: ${view.students.length} of at most ${view.max_students}, ` +
    `${view.decided} decided this week`;
  $("students").replaceChildren(...view.students.map((s) => Object.assign(document.createElement("li"), {
    className: s.decided ? "decided" : "waiting",
    textContent: `${s.name} (${s.role.replace("_", " ")} ${s.agent})`,
  })));
  $("charts").replaceChildren(...CHARTS.map(([name, title, unit]) => chart(title, view.class[name], view.shadow[name], unit)));
}

async function refresh() {
  if (!teacher) return;
  try {
    render(await call("GET", `/api/participatory/teacher/${teacher}`));
  } catch (error) {
    if (/no such/.test(error.message)) {
      sessionStorage.removeItem("ppisim-teacher");
      teacher = null;
      $("start").hidden = false;
      $("session").hidden = true;
    }
    say(error.message);
  }
}

async function debrief() {
  const d = await call("GET", `/api/participatory/teacher/${teacher}/debrief`);
  $("debrief").hidden = false;
  const b = d.breastfeeding;
  $("cost").textContent = d.day === 0 ? "Nothing has been played yet." :
    `On day ${d.day}, ${b.class_mothers_today.toFixed(0)} mothers were breastfeeding in the class's run against ` +
    `${b.shadow_mothers_today.toFixed(0)} with the model's agents (${(b.difference_mothers_today >= 0 ? "+" : "")}` +
    `${b.difference_mothers_today.toFixed(0)}; ${(100 * b.class_share_today).toFixed(1)}% against ` +
    `${(100 * b.shadow_share_today).toFixed(1)}% of the mothers followed). Over the session the class had on average ` +
    `${b.mean_difference_mothers.toFixed(1)} mothers breastfeeding more (negative: fewer) each day. One run, one seed: ` +
    `a difference of a few mothers can be chance; ask what in the choices could explain it.`;
  table($("kinds"), ["decision", "times it came up", "the class said yes", "the model's rule said yes", "the class chose otherwise"],
    d.decisions.map((k) => [KIND_NAMES[k.kind] || k.kind, k.times, k.class_yes, k.model_yes, k.differed]));
  table($("totals"), ["", "the class", "the model's agents"],
    Object.entries(d.totals).map(([name, t]) => [name.replaceAll("_", " "), t.class, t.shadow]));
  table($("per-student"), ["student", "role", "agent", "weeks decided", "choices used", "otherwise than the model"],
    d.students.map((s) => [s.name, s.role.replace("_", " "), s.agent, s.weeks_decided, s.times, s.differed]));
}

async function loadScenarios() {
  const model = await call("GET", "/api/model");
  const select = $("scenario");
  for (const s of model.scenarios) {
    if (s.problem) continue;
    select.appendChild(Object.assign(document.createElement("option"), { value: s.name, textContent: s.name }));
  }
  select.value = model.default_scenario;
}

$("start-button").addEventListener("click", async () => {
  try {
    const data = await call("POST", "/api/participatory", { scenario: $("scenario").value });
    teacher = data.teacher;
    sessionStorage.setItem("ppisim-teacher", teacher);
    say("");
    render({ ...data.view, code: data.code });
  } catch (error) {
    say(error.message);
  }
});
$("advance").addEventListener("click", async () => {
  try { render(await call("POST", `/api/participatory/teacher/${teacher}/advance`)); } catch (error) { say(error.message); }
});
$("skip").addEventListener("click", async () => {
  try { render(await call("POST", `/api/participatory/teacher/${teacher}/advance`, { weeks: 27 })); } catch (error) { say(error.message); }
});
$("pause").addEventListener("click", async () => {
  try { render(await call("POST", `/api/participatory/teacher/${teacher}/pause`, { paused: !paused })); } catch (error) { say(error.message); }
});
$("debrief-button").addEventListener("click", () => debrief().catch((error) => say(error.message)));

loadScenarios().catch((error) => say(error.message));
refresh();
setInterval(refresh, 2000);
