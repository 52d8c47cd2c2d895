// The classroom page. Everything it shows comes from ppisim's JSON interface
// (/api/...): controls from the parameter registry, outcomes from a live run
// and its baseline, the graph from the live run's agents. No libraries.
"use strict";

// The outcomes charted, in order: the tension between volunteers and professionals, and what it does.
const CHARTS = [
  { series: "any_bf_share", title: "Mothers breastfeeding (share of those followed)" },
  { series: "referrals", title: "Referrals to volunteers per day (4-week mean)", smooth: 28 },
  { series: "volunteers_active", title: "Volunteers active" },
  { series: "mothers_waiting", title: "Referred mothers waiting for a volunteer" },
  { series: "prof_boundary_concern", title: "Professionals' concern about boundaries" },
  { series: "prof_gatekeeping", title: "Professionals' gate-keeping" },
  { series: "prof_trust_in_volunteers", title: "Professionals' trust in volunteers" },
  { series: "tension_index", title: "Tension at the interface" },
];
const GRAPH_EVERY_TICKS = 4;   // the graph costs more than a chart point: refresh it every few ticks
const TICK_MS = 120;           // pause between ticks while playing
const STEP_DAYS = 7;

const page = {
  model: null,          // /api/model
  session: null,        // id
  state: null,          // the session's last state
  live: {}, baseline: {},  // series name -> values from day 0
  playing: false, ticks: 0,
  queue: Promise.resolve(),  // advance requests, in order
  marks: [],            // days on which the teacher changed something live (drawn on every chart)
  controls: new Map(),  // path -> { element, output, spec, box }
};

const $ = (id) => document.getElementById(id);

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function say(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.className = kind === "info" ? "info" : "";
  box.hidden = !text;
}

// ---- controls generated from the registry -------------------------------------------------

const SLIDER_STEPS = 100;

// "scheme.boundary_clarity" -> "Boundary clarity"; deeper paths keep their parent ("Initial gatekeeping").
function label(spec) {
  const parts = spec.path.split(".");
  const words = parts.slice(parts.length >= 3 ? -2 : -1).join(" ").replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function format(spec, value) {
  if (typeof value !== "number") return String(value);
  const text = Number.isInteger(value) ? String(value) : value.toPrecision(3).replace(/\.?0+$/, "");
  return spec.unit && spec.unit !== "share" ? `${text} ${spec.unit}` : text;
}

// The words a scenario file would use: durations and rates carry their unit.
function scenarioText(spec, value) {
  if (spec.kind === "duration") return `${value} days`;
  if (spec.kind === "rate") return `${value} per day`;
  return String(value);
}

function makeControl(spec) {
  const box = document.createElement("div");
  box.className = "control";
  box.dataset.path = spec.path;
  const id = "p-" + spec.path.replaceAll(".", "-");
  const name = document.createElement("label");
  name.htmlFor = id;
  name.textContent = label(spec) + " ";
  const badge = document.createElement("span");
  badge.className = spec.changes_while_running ? "badge now" : "badge reset";
  badge.textContent = spec.changes_while_running ? "live" : "at reset";
  name.append(badge);
  const row = document.createElement("div");
  row.className = "row";
  let element;
  const output = document.createElement("output");
  if (spec.kind === "boolean") {
    element = document.createElement("input");
    element.type = "checkbox";
  } else if (spec.kind === "choice") {
    element = document.createElement("select");
    for (const choice of spec.choices) element.append(new Option(choice.replaceAll("_", " "), choice));
  } else if (spec.max - spec.min <= 100) {
    element = document.createElement("input");
    element.type = "range";
    element.min = spec.min;
    element.max = spec.max;
    element.step = spec.kind === "integer" ? 1 : (spec.max - spec.min) / SLIDER_STEPS;
    element.addEventListener("input", () => (output.value = format(spec, Number(element.value))));
  } else {
    element = document.createElement("input");
    element.type = "number";
    element.min = spec.min;
    element.max = spec.max;
    element.step = spec.kind === "integer" ? 1 : "any";
  }
  element.id = id;
  element.addEventListener("change", () => changeParameter(spec, element));
  row.append(element);
  if (spec.kind !== "choice") row.append(output);  // a chooser shows its value itself
  const about = document.createElement("div");
  about.className = "about";
  about.textContent = spec.description + (spec.finding ? ` (${spec.finding})` : "");
  box.append(name, row, about);
  page.controls.set(spec.path, { element, output, spec, box });
  return box;
}

function buildControls() {
  const levers = $("levers"), others = $("others");
  levers.append(makeDevelopmentSwitch());
  const bySpec = new Map(page.model.parameters.map((spec) => [spec.path, spec]));
  for (const path of page.model.levers) levers.append(makeControl(bySpec.get(path)));
  // The rest under their section's name, so "Gain" under "trust" reads as trust's gain.
  const offered = ["real", "integer", "boolean", "choice", "duration", "rate"];
  let section = null;
  for (const spec of page.model.parameters) {
    if (page.model.levers.includes(spec.path) || !offered.includes(spec.kind)) continue;
    const name = spec.path.includes(".") ? spec.path.split(".")[0] : "run";
    if (name !== section) {
      section = name;
      const heading = document.createElement("h3");
      heading.textContent = name.replaceAll("_", " ");
      others.append(heading);
    }
    others.append(makeControl(spec));
  }
}

function makeDevelopmentSwitch() {
  const box = document.createElement("div");
  box.className = "control";
  box.innerHTML = `<label for="development">Development process <span class="badge now">live</span></label>
    <div class="row"><input type="checkbox" id="development"><output id="development-state"></output></div>
    <div class="about">Joint meetings of volunteers and professionals every 4 weeks: they diffuse concern, agree
    boundaries and build trust (F9).</div>`;
  box.querySelector("input").addEventListener("change", async (event) => {
    try {
      showState(await api("POST", `/api/sessions/${page.session}/development`, { on: event.target.checked }));
      mark(page.state.day);
      say(event.target.checked ? `Joint meetings start on day ${page.state.day}.` : `Joint meetings end on day ${page.state.day}.`, "info");
    } catch (error) {
      say(error.message);
      showState(page.state);
    }
  });
  return box;
}

async function changeParameter(spec, element) {
  const raw = spec.kind === "boolean" ? element.checked : element.value;
  try {
    const reply = await api("POST", `/api/sessions/${page.session}/change`, { path: spec.path, value: scenarioText(spec, raw) });
    if (reply.applies === "now") mark(reply.state.day);
    showState(reply.state);
    say(reply.applies === "now"
      ? `${label(spec)}: ${format(spec, reply.state.values[spec.path])} from day ${reply.state.day}.`
      : `${label(spec)} will change when you press Reset (it sets how the run starts).`, "info");
  } catch (error) {
    say(error.message);
    showState(page.state);  // back to the value in force
  }
}

// ---- session and clock -----------------------------------------------------------------

function showState(state) {
  page.state = state;
  const years = (state.day / 365.25).toFixed(1);
  $("clock").textContent = `day ${state.day} of ${state.horizon} (year ${years})` + (state.day >= state.horizon ? ": the end" : "");
  for (const [path, control] of page.controls) {
    const value = state.values[path];
    if (control.spec.kind === "boolean") control.element.checked = value;
    else control.element.value = value;
    control.output.value = format(control.spec, value);
    control.box.classList.toggle("pending", state.waiting_for_reset.includes(path));
  }
  $("development").checked = state.development_process;
  $("development-state").value = state.development_process ? "meeting" : "off";
  const base = `/api/sessions/${page.session}`;
  $("save-scenario").href = `${base}/scenario.yaml`;
  $("save-run").href = `${base}/results.h5`;
  $("save-run").classList.toggle("disabled", state.day === 0);
}

async function openSession(name) {
  stop();
  if (page.session) api("DELETE", `/api/sessions/${page.session}`).catch(() => {});
  const reply = await api("POST", "/api/sessions", { scenario: name });
  page.session = reply.id;
  clearSeries();
  showState(reply.state);
  drawCharts();
  await refreshGraph();
  say("");
}

function mark(day) {
  page.marks.push(day);
  drawCharts();
}

// Empties the charts for a run that starts again (drawn once the new state, with its horizon, is shown).
function clearSeries() {
  page.marks = [];
  for (const chart of CHARTS) {
    page.live[chart.series] = [];
    page.baseline[chart.series] = [];
  }
}

// Requests to advance run one after another: a click on Step while a tick is
// out waits its turn instead of being lost.
function advance(days) {
  return inTurn(() => advanceNow(days));
}

// Runs `work` after every request already queued (advances, resets, scenario switches).
function inTurn(work) {
  page.queue = page.queue.then(work).catch((error) => say(error.message));
  return page.queue;
}

async function advanceNow(days) {
  if (page.state && page.state.day >= page.state.horizon) return stop();
  try {
    const reply = await api("POST", `/api/sessions/${page.session}/advance`, {
      days, since: page.live[CHARTS[0].series].length, series: CHARTS.map((chart) => chart.series),
    });
    for (const chart of CHARTS) {
      page.live[chart.series].push(...reply.series.live[chart.series]);
      page.baseline[chart.series].push(...reply.series.baseline[chart.series]);
    }
    showState(reply.state);
    drawCharts();
    if (++page.ticks % GRAPH_EVERY_TICKS === 0 || !page.playing) await refreshGraph();
    if (reply.state.day >= reply.state.horizon) stop();
  } catch (error) {
    say(error.message);
    stop();
  }
}

function play() {
  page.playing = true;
  $("play").textContent = "Pause";
  $("play").classList.add("playing");
  const tick = async () => {
    if (!page.playing) return;
    await advance(Number($("speed").value));
    if (page.playing) setTimeout(tick, TICK_MS);
  };
  tick();
}

function stop() {
  page.playing = false;
  $("play").textContent = "Play";
  $("play").classList.remove("playing");
}

// ---- charts ------------------------------------------------------------------------------

function buildCharts() {
  const holder = $("charts");
  for (const chart of CHARTS) {
    const box = document.createElement("figure");
    box.className = "chart";
    box.innerHTML = `<h3></h3><canvas width="600" height="300"></canvas>`;
    box.querySelector("h3").textContent = chart.title;
    box.dataset.series = chart.series;
    chart.canvas = box.querySelector("canvas");
    chart.canvas.setAttribute("aria-label", chart.title);
    holder.append(box);
  }
}

function smoothed(values, window) {
  if (!window) return values;
  const out = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (i >= window) sum -= values[i - window];
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

function drawCharts() {
  const horizon = page.state ? page.state.horizon : 1;
  for (const chart of CHARTS) {
    const live = smoothed(page.live[chart.series] || [], chart.smooth);
    const baseline = smoothed(page.baseline[chart.series] || [], chart.smooth);
    drawChart(chart.canvas, horizon, live, baseline);
  }
}

function drawChart(canvas, horizon, live, baseline) {
  const g = canvas.getContext("2d");
  const w = canvas.width, h = canvas.height, left = 70, bottom = 34, top = 10, right = 10;
  g.clearRect(0, 0, w, h);
  const finite = [...live, ...baseline].filter(Number.isFinite);
  let lo = finite.length ? Math.min(...finite) : 0, hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.08;
  lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;  // counts and shares never dip below 0
  hi += pad;
  const x = (day) => left + (day / Math.max(1, horizon - 1)) * (w - left - right);
  const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  g.strokeStyle = "#d6d3cc"; g.lineWidth = 1;
  g.strokeRect(left, top, w - left - right, h - top - bottom);
  g.fillStyle = "#57534e"; g.font = "20px system-ui, sans-serif";
  g.textAlign = "right";
  if (finite.length) {
    g.fillText(niceNumber(hi), left - 6, top + 16);
    g.fillText(niceNumber(lo), left - 6, h - bottom);
  }
  g.textAlign = "center";
  for (let year = 0; year * 365.25 < horizon - 60; year++) g.fillText(`year ${year}`, x(year * 365.25) + 30, h - 8);
  g.strokeStyle = "#a8a29e"; g.lineWidth = 1.5; g.setLineDash([3, 4]);
  for (const day of page.marks) { g.beginPath(); g.moveTo(x(day), top); g.lineTo(x(day), h - bottom); g.stroke(); }
  g.setLineDash([]);
  line(g, baseline, x, y, getComputedStyle(document.body).getPropertyValue("--baseline"), [8, 6]);
  line(g, live, x, y, getComputedStyle(document.body).getPropertyValue("--live"), []);
}

function niceNumber(v) {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toFixed(2);
}

function line(g, values, x, y, colour, dash) {
  g.strokeStyle = colour.trim() || "#000"; g.lineWidth = 3; g.setLineDash(dash);
  g.beginPath();
  let drawing = false;
  values.forEach((v, day) => {
    if (!Number.isFinite(v)) { drawing = false; return; }
    if (drawing) g.lineTo(x(day), y(v)); else g.moveTo(x(day), y(v));
    drawing = true;
  });
  g.stroke();
  g.setLineDash([]);
}

// ---- the social graph ---------------------------------------------------------------------

async function refreshGraph() {
  try {
    drawGraph(await api("GET", `/api/sessions/${page.session}/graph?max_nodes=400`));
  } catch (error) {
    say(error.message);
  }
}

// Localities on a grid; in each, professionals on a ring and volunteers inside it.
// Positions depend only on who exists, so the picture stays still while states change.
function layout(graph) {
  const n = graph.nodes.vertex.length;
  const localities = [...new Set(graph.nodes.locality)].sort((a, b) => a - b);
  const columns = Math.ceil(Math.sqrt(localities.length * 2.2));
  const rows = Math.ceil(localities.length / columns);
  const canvas = $("graph");
  const cw = canvas.width / columns, ch = canvas.height / rows;
  const groups = new Map(localities.map((l) => [l, { pros: [], vols: [] }]));
  for (let i = 0; i < n; i++) groups.get(graph.nodes.locality[i])[graph.nodes.kind[i] === 0 ? "pros" : "vols"].push(i);
  const at = new Map();
  localities.forEach((l, k) => {
    const cx = (k % columns + 0.5) * cw, cy = (Math.floor(k / columns) + 0.5) * ch;
    const radius = Math.min(cw, ch) * 0.42;
    const { pros, vols } = groups.get(l);
    pros.forEach((i, j) => {
      const a = (2 * Math.PI * j) / pros.length;
      at.set(graph.nodes.vertex[i], [cx + radius * Math.cos(a), cy + radius * Math.sin(a)]);
    });
    vols.forEach((i, j) => {
      const a = (2 * Math.PI * j) / Math.max(1, vols.length) + 0.3;
      const r = radius * (0.25 + 0.3 * (j % 2));
      at.set(graph.nodes.vertex[i], [cx + r * Math.cos(a), cy + r * Math.sin(a)]);
    });
  });
  return at;
}

function mix(from, to, t) {
  const c = (k) => Math.round(from[k] + (to[k] - from[k]) * Math.min(1, Math.max(0, t)));
  return `rgb(${c(0)},${c(1)},${c(2)})`;
}

function drawGraph(graph) {
  const canvas = $("graph"), g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (!graph.nodes.vertex) return;
  const at = layout(graph);
  const e = graph.edges;
  for (let k = 0; k < (e.source || []).length; k++) {
    const a = at.get(e.source[k]), b = at.get(e.target[k]);
    if (!a || !b) continue;
    const working = e.layer[k] === 2;
    g.strokeStyle = working ? mix([220, 38, 38], [22, 163, 74], e.weight[k]) : e.layer[k] === 1 ? "#c4b5fd" : "#e7e5e4";
    g.lineWidth = working ? 1.6 : 1;
    g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
  }
  const nodes = graph.nodes;
  for (let i = 0; i < nodes.vertex.length; i++) {
    const [px, py] = at.get(nodes.vertex[i]);
    g.beginPath();
    if (nodes.kind[i] === 0) {
      g.fillStyle = mix([37, 99, 235], [220, 38, 38], nodes.concern[i]);
      g.arc(px, py, 5, 0, 2 * Math.PI);
      g.fill();
    } else {
      const colour = mix([220, 252, 231], [21, 128, 61], nodes.autonomy[i]);
      g.rect(px - 6, py - 6, 12, 12);
      if (nodes.active[i]) { g.fillStyle = colour; g.fill(); }
      g.strokeStyle = "#14532d"; g.lineWidth = 1.5; g.stroke();
    }
  }
  const pros = nodes.kind.filter((k) => k === 0).length;
  const vols = nodes.kind.filter((k, i) => k === 1 && nodes.active[i]).length;
  $("graph-note").textContent = `Day ${graph.day}: ${pros} professionals and ${vols} active volunteers` +
    (graph.localities_shown < graph.localities ? ` in ${graph.localities_shown} of ${graph.localities} localities (a sample).` : ` in ${graph.localities} localities.`);
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  try {
    page.model = await api("GET", "/api/model");
    const chooser = $("scenario");
    for (const s of page.model.scenarios) {
      const option = new Option(s.name.replaceAll("_", " "), s.name);
      option.title = s.problem || s.description;
      option.disabled = Boolean(s.problem);
      chooser.append(option);
    }
    chooser.value = page.model.default_scenario;
    chooser.addEventListener("change", () => { stop(); inTurn(() => openSession(chooser.value)); });
    buildControls();
    buildCharts();
    $("play").addEventListener("click", () => (page.playing ? stop() : play()));
    $("step").addEventListener("click", () => { stop(); advance(STEP_DAYS); });
    $("reset").addEventListener("click", () => {
      stop();
      inTurn(async () => {
        const state = await api("POST", `/api/sessions/${page.session}/reset`);
        clearSeries();
        showState(state);
        drawCharts();
        await refreshGraph();
        say("Back to day 0 with the settings shown.", "info");
      });
    });
    document.addEventListener("keydown", (event) => {
      if (event.code === "Space" && !["INPUT", "SELECT", "BUTTON"].includes(document.activeElement.tagName)) {
        event.preventDefault();
        page.playing ? stop() : play();
      }
    });
    await inTurn(() => openSession(chooser.value));
    // A closed or reloaded tab gives its session back at once, not after the idle timeout.
    addEventListener("pagehide", () => navigator.sendBeacon(`/api/sessions/${page.session}/close`));
    document.body.dataset.ready = "true";
  } catch (error) {
    say(`The page could not start: ${error.message}`);
  }
}

start();
