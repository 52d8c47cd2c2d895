// The classroom page. Everything it shows comes from ppisim's JSON interface
// (/api/...): controls from the parameter registry, outcomes from a live run
// and its baseline, the world view from the live run's agents, the Info tab
// from the ODD. No libraries: charts and agents are drawn on canvases.
"use strict";

// One colour-blind-safe palette (Okabe-Ito) for lines and categories, and
// viridis for scores 0-1: the same as the report's (analysis/ppisim_analysis/
// plots.py PALETTE and its "viridis" colour map; tests/analysis checks they agree).
const PALETTE = {
  live: "#D55E00", baseline: "#555555", usual: "#56B4E9", waiting: "#E69F00", supported: "#009E73",
};
// The posterior band: the baseline's grey, faint, so both lines stay readable over it.
const BAND_FILL = "rgba(85, 85, 85, 0.16)";
const VIRIDIS = ["#440154", "#472d7b", "#3b528b", "#2c728e", "#21918c", "#28ae80", "#5ec962", "#addc30", "#fde725"];
// One shape code, as in the report's graph: professionals squares, volunteers circles.
const SHAPES = { professional: "square", volunteer: "circle" };

// The outcomes charted, in the order the teacher's guide points at them. Ranges are
// fixed where the quantity has bounds (scores 0-1, shares 0-100%); counts start at 0.
const CHARTS = [
  { series: "prof_boundary_concern", title: "Professionals' concern about boundaries", range: [0, 1], monitor: "Concern" },
  { series: "prof_gatekeeping", title: "Professionals' gate-keeping", range: [0, 1], monitor: "Gate-keeping" },
  { series: "mothers_waiting", title: "Referred mothers waiting for a volunteer", range: [0, null], monitor: "Waiting" },
  { series: "referrals", title: "Referrals to volunteers a day (4-week mean)", smooth: 28, range: [0, null], monitor: "Referrals / day" },
  { series: "prof_trust_in_volunteers", title: "Professionals' trust in volunteers", range: [0, 1], monitor: "Trust" },
  { series: "tension_index", title: "Tension at the interface (index 0-1)", range: [0, 1], monitor: "Tension" },
  { series: "volunteers_active", title: "Volunteers active", range: [0, null], monitor: "Volunteers" },
  { series: "any_bf_share", title: "Mothers breastfeeding (% of those followed)", range: [0, 100], scale: 100, unit: "%", monitor: "Breastfeeding" },
];
const WARM_UP_DAYS = 182;       // 26 weeks, as the report shades (plots.py WARM_UP_DAYS)
const SPEEDS = [1, 2, 3, 7, 14, 30];  // simulated days per tick, slowest first
const TICK_MS = 120;            // pause between ticks while playing
const STEP_DAYS = 7;
const WORLD_MOTHERS = 150;      // mothers drawn per locality at most (the server counts them all)
const WORLD_EVERY_TICKS = 2;    // the world view costs more than a chart point

const page = {
  model: null,          // /api/model
  session: null,        // id
  state: null,          // the session's last state
  live: {}, baseline: {},  // series name -> values from day 0
  tops: {},             // series name -> the y-axis top so far (an axis that only grows)
  playing: false, ticks: 0,
  queue: Promise.resolve(),  // requests, in order
  marks: [],            // days on which the teacher changed something live (drawn on every chart)
  controls: new Map(),  // path -> { element, output, spec, box }
  tab: "charts",
  world: null, hits: [], selected: null,
  band: null,           // /uncertainty: the scenario as loaded over the shipped posterior (lo95, hi95, covers), or null
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

// Messages float at the top of the screen, over whatever is scrolled; information fades, errors stay.
let messageTimer = null;
function say(text, kind = "error") {
  const box = $("message");
  box.textContent = text;
  box.className = kind === "info" ? "info" : "";
  box.hidden = !text;
  clearTimeout(messageTimer);
  if (text && kind === "info") messageTimer = setTimeout(() => (box.hidden = true), 8000);
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
  badge.textContent = spec.changes_while_running ? "live" : "at restart";
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
  const problem = document.createElement("div");
  problem.className = "problem";
  problem.setAttribute("role", "alert");
  problem.hidden = true;
  const about = document.createElement("div");
  about.className = "about";
  about.textContent = spec.description + (spec.finding ? ` (${spec.finding})` : "");
  box.append(name, row, problem, about);
  page.controls.set(spec.path, { element, output, spec, box, problem });
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
  box.querySelector("input").addEventListener("change", (event) => inTurn(async () => {
    try {
      showState(await api("POST", `/api/sessions/${page.session}/development`, { on: event.target.checked }));
      mark(page.state.day);
      say(event.target.checked ? `Joint meetings start on day ${page.state.day}.` : `Joint meetings end on day ${page.state.day}.`, "info");
    } catch (error) {
      say(error.message);
      showState(page.state);
    }
  }));
  return box;
}

function changeParameter(spec, element) {
  const raw = spec.kind === "boolean" ? element.checked : element.value;
  const control = page.controls.get(spec.path);
  return inTurn(async () => {
    try {
      const reply = await api("POST", `/api/sessions/${page.session}/change`, { path: spec.path, value: scenarioText(spec, raw) });
      control.problem.hidden = true;
      if (reply.applies === "now") mark(reply.state.day);
      showState(reply.state);
      say(reply.applies === "now"
        ? `${label(spec)}: ${format(spec, reply.state.values[spec.path])} from day ${reply.state.day}.`
        : `${label(spec)} will change when you press Restart with changes (it sets how the run starts).`, "info");
    } catch (error) {
      // Said twice: at the top of the screen, and under the control itself.
      control.problem.textContent = error.message;
      control.problem.hidden = false;
      control.box.scrollIntoView({ block: "nearest" });
      say(error.message);
      showState(page.state);  // back to the value in force
    }
  });
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
  for (const id of ["save-run", "save-csv"]) $(id).classList.toggle("disabled", state.day === 0);
}

async function openSession(name) {
  stop();
  if (page.session) api("DELETE", `/api/sessions/${page.session}`).catch(() => {});
  const reply = await api("POST", "/api/sessions", { scenario: name });
  page.session = reply.id;
  page.band = null;
  startAgain(reply.state);
  say("");
  loadBand(reply.id);
}

// The grey band: where the scenario as loaded goes over the shipped calibration's parameter uncertainty and
// replicate noise (computed by the server once per session). Without a posterior the charts go without it.
async function loadBand(session) {
  const note = $("band-note");
  try {
    const names = CHARTS.map((chart) => chart.series).join(",");
    const band = await api("GET", `/api/sessions/${session}/uncertainty?series=${encodeURIComponent(names)}`);
    if (page.session !== session) return;
    page.band = band;
    note.textContent = `grey band: 95% of runs over the ${band.calibration} posterior`;
    note.title = band.covers;
  } catch (error) {
    note.textContent = "no grey band: " + error.message;
    note.title = "";
  }
  drawCharts();
}

// Empties the charts and the world for a run that starts again at day 0.
function startAgain(state) {
  page.marks = [];
  page.tops = {};
  page.selected = null;
  for (const chart of CHARTS) {
    page.live[chart.series] = [];
    page.baseline[chart.series] = [];
  }
  showState(state);
  drawCharts();
  showMonitors();
  return refreshWorld();
}

function mark(day) {
  page.marks.push(day);
  drawCharts();
}

// Requests run one after another: a click on Step while a tick is out waits its turn instead of being lost.
function advance(days) {
  return inTurn(() => advanceNow(days));
}

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
    showMonitors();
    if (page.tab === "world" && (++page.ticks % WORLD_EVERY_TICKS === 0 || !page.playing)) await refreshWorld();
    if (reply.state.day >= reply.state.horizon) stop();
  } catch (error) {
    say(error.message);
    stop();
  }
}

function daysPerTick() {
  return SPEEDS[Number($("speed").value)];
}

function showSpeed() {
  const days = daysPerTick();
  $("speed-shown").value = days === 7 ? "1 week / tick" : days === 14 ? "2 weeks / tick" : days === 30 ? "1 month / tick"
    : `${days} day${days > 1 ? "s" : ""} / tick`;
}

function play() {
  page.playing = true;
  $("play").textContent = "Pause";
  $("play").classList.add("playing");
  const tick = async () => {
    if (!page.playing) return;
    await advance(daysPerTick());
    if (page.playing) setTimeout(tick, TICK_MS);
  };
  tick();
}

function stop() {
  page.playing = false;
  $("play").textContent = "Play";
  $("play").classList.remove("playing");
}

function resetTo(settings) {
  stop();
  return inTurn(async () => {
    const state = await api("POST", `/api/sessions/${page.session}/reset`, { settings });
    for (const control of page.controls.values()) control.problem.hidden = true;
    await startAgain(state);
    say(settings === "scenario" ? "Back to day 0 with the scenario as loaded: every change undone."
      : "Back to day 0 with the settings shown.", "info");
  });
}

// ---- monitors: today's values, as NetLogo's monitors show them -----------------------------

function buildMonitors() {
  for (const chart of CHARTS) {
    const box = document.createElement("div");
    box.className = "monitor";
    box.dataset.series = chart.series;
    box.title = chart.title;
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = chart.monitor;
    chart.monitorOutput = document.createElement("output");
    box.append(name, chart.monitorOutput);
    $("monitors").append(box);
  }
}

function showMonitors() {
  for (const chart of CHARTS) {
    const values = smoothed(page.live[chart.series], chart.smooth);
    chart.monitorOutput.value = values.length ? valueText(chart, values[values.length - 1]) : "–";
  }
}

function valueText(chart, value) {
  if (!Number.isFinite(value)) return "–";
  const v = value * (chart.scale || 1);
  const text = chart.range[1] === 1 ? v.toFixed(Math.abs(v) < 0.1 ? 3 : 2) : Math.abs(v) >= 100 || Number.isInteger(v) ? v.toFixed(0) : v.toFixed(1);
  return text + (chart.unit || "");
}

// ---- charts ------------------------------------------------------------------------------

function buildCharts() {
  const holder = $("charts");
  for (const chart of CHARTS) {
    const box = document.createElement("figure");
    box.className = "chart";
    box.innerHTML = `<h3></h3><canvas></canvas>`;
    box.querySelector("h3").textContent = chart.title;
    box.dataset.series = chart.series;
    chart.canvas = box.querySelector("canvas");
    chart.canvas.setAttribute("aria-label", chart.title);
    holder.append(box);
  }
  // Canvases drawn at their size on screen, in device pixels: sharp on a projector.
  new ResizeObserver(() => { drawCharts(); drawWorld(); }).observe($("outcomes"));
}

// A canvas's 2-D context scaled so that drawing is in CSS pixels at its displayed size.
function fitted(canvas) {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(canvas.clientWidth)), h = Math.max(1, Math.round(canvas.clientHeight));
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(h * ratio);
  }
  const g = canvas.getContext("2d");
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  g.clearRect(0, 0, w, h);
  return { g, w, h };
}

function smoothed(values, window) {
  if (!window || !values) return values || [];
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
    if (!chart.canvas || !chart.canvas.clientWidth) continue;
    const scale = chart.scale || 1;
    const live = smoothed(page.live[chart.series], chart.smooth).map((v) => v * scale);
    const baseline = smoothed(page.baseline[chart.series], chart.smooth).map((v) => v * scale);
    const band = page.band && page.band.lo95[chart.series]
      ? ["lo95", "hi95"].map((edge) => smoothed(page.band[edge][chart.series], chart.smooth).map((v) => v * scale))
      : null;
    drawChart(chart, horizon, live, baseline, band);
  }
}

// 1, 2 or 5 times a power of ten: the step of about `count` ticks from 0 to `top`.
function niceStep(top, count) {
  const raw = top / count, power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

// The y-axis top: the range's own, or for counts a round number above the highest value so far (never shrinking).
function axisTop(chart, live, baseline, band) {
  if (chart.range[1] !== null) return chart.range[1];
  const finite = [...live, ...baseline, ...(band ? band[1] : [])].filter(Number.isFinite);
  const high = Math.max(1, ...finite, page.tops[chart.series] || 0);
  const step = niceStep(high, 4);
  page.tops[chart.series] = Math.ceil(high / step) * step;
  return page.tops[chart.series];
}

function drawChart(chart, horizon, live, baseline, band) {
  const { g, w, h } = fitted(chart.canvas);
  const left = 38, bottom = 18, top = 6, right = 8;
  const lo = chart.range[0], hi = axisTop(chart, live, baseline, band);
  const x = (day) => left + (day / Math.max(1, horizon - 1)) * (w - left - right);
  const y = (v) => top + (1 - (v - lo) / (hi - lo)) * (h - top - bottom);
  g.font = "11px system-ui, sans-serif";
  // Warm-up: the first 26 weeks, shaded and named.
  g.fillStyle = "#e7e5e4";
  g.fillRect(x(0), top, x(Math.min(WARM_UP_DAYS, horizon)) - x(0), h - top - bottom);
  g.fillStyle = "#78716c"; g.textAlign = "left";
  g.fillText("warm-up", x(0) + 3, top + 11);
  // Y ticks and grid lines: the full honest range, 4 or 5 steps.
  const step = niceStep(hi - lo, 4);
  g.strokeStyle = "#ece9e4"; g.lineWidth = 1; g.textAlign = "right"; g.fillStyle = "#44403c";
  for (let v = lo; v <= hi + step / 1e6; v += step) {
    g.beginPath(); g.moveTo(left, y(v)); g.lineTo(w - right, y(v)); g.stroke();
    g.fillText(tickText(v, step) + (chart.unit && v === hi ? chart.unit : ""), left - 4, y(v) + 4);
  }
  g.strokeStyle = "#a8a29e";
  g.strokeRect(left, top, w - left - right, h - top - bottom);
  // X ticks every half year, labelled in years.
  g.textAlign = "center";
  for (let half = 0; half * 182.625 <= horizon; half++) {
    const px = x(half * 182.625);
    g.beginPath(); g.moveTo(px, h - bottom); g.lineTo(px, h - bottom + (half % 2 ? 3 : 5)); g.stroke();
    if (half % 2 === 0) {
      g.textAlign = px > w - right - 20 ? "right" : "center";
      g.fillText(half === 0 ? "0" : `year ${half / 2}`, px > w - right - 20 ? w - right : Math.max(px, left + 8), h - 4);
    }
  }
  g.strokeStyle = "#777"; g.lineWidth = 1.5; g.setLineDash([3, 4]);
  for (const day of page.marks) { g.beginPath(); g.moveTo(x(day), top); g.lineTo(x(day), h - bottom); g.stroke(); }
  g.setLineDash([]);
  if (band) fillBetween(g, band[0], band[1], x, y, BAND_FILL);
  line(g, baseline, x, y, PALETTE.baseline, [7, 5]);
  line(g, live, x, y, PALETTE.live, []);
  // What the chart shows, for tests and screen readers: its axis and where its warm-up ends.
  Object.assign(chart.canvas.dataset, { yMin: lo, yMax: hi, warmUpX: x(Math.min(WARM_UP_DAYS, horizon)), plotTop: top,
    plotBottom: h - bottom, plotLeft: left, band: Boolean(band) });
  chart.canvas.setAttribute("aria-label", `${chart.title}: axis ${lo} to ${hi}${chart.unit || ""}; shaded: warm-up`);
}

function tickText(v, step) {
  const digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
  return v.toFixed(digits);
}

// The area between two series (the band), day by day where both are finite.
function fillBetween(g, lower, upper, x, y, colour) {
  g.fillStyle = colour;
  let run = [];
  const flush = () => {
    if (run.length > 1) {
      g.beginPath();
      run.forEach((day, i) => (i ? g.lineTo(x(day), y(upper[day])) : g.moveTo(x(day), y(upper[day]))));
      for (let i = run.length - 1; i >= 0; i--) g.lineTo(x(run[i]), y(lower[run[i]]));
      g.closePath();
      g.fill();
    }
    run = [];
  };
  lower.forEach((v, day) => (Number.isFinite(v) && Number.isFinite(upper[day]) ? run.push(day) : flush()));
  flush();
}

function line(g, values, x, y, colour, dash) {
  g.strokeStyle = colour; g.lineWidth = 2.5; g.setLineDash(dash);
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

// ---- the world view: localities with their agents ---------------------------------------

function viridis(t) {
  if (!Number.isFinite(t)) return null;
  const s = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1), k = Math.min(VIRIDIS.length - 2, Math.floor(s));
  const hex = (c, i) => parseInt(c.slice(1 + 2 * i, 3 + 2 * i), 16);
  const mixed = [0, 1, 2].map((i) => Math.round(hex(VIRIDIS[k], i) + (hex(VIRIDIS[k + 1], i) - hex(VIRIDIS[k], i)) * (s - k)));
  return `rgb(${mixed.join(",")})`;
}

async function refreshWorld() {
  if (page.tab !== "world" || !page.session) return;
  try {
    page.world = await api("GET", `/api/sessions/${page.session}/world?max_nodes=400&mothers=${WORLD_MOTHERS}`);
    drawWorld();
  } catch (error) {
    say(error.message);
  }
}

// Where each agent of a world is drawn. Localities on a grid; in each, professionals on
// the outer ring, volunteers on an inner one and mothers in the middle, each mother at a
// place set by her id, so she stays put while she is followed.
function worldLayout(world, w, h) {
  const nodes = world.nodes, localities = world.shown_localities;
  const columns = Math.max(1, Math.round(Math.sqrt(localities.length * w / h)));
  const rows = Math.ceil(localities.length / columns);
  const cw = w / columns, ch = h / rows;
  const cells = new Map(localities.map((l, k) => [l, {
    cx: (k % columns + 0.5) * cw, cy: (Math.floor(k / columns) + 0.5) * ch + 8,
    radius: Math.min(cw, ch - 16) * 0.45, x0: (k % columns) * cw, y0: Math.floor(k / columns) * ch, pros: [], vols: [],
  }]));
  (nodes.vertex || []).forEach((vertex, i) => cells.get(nodes.locality[i])?.[nodes.kind[i] === 0 ? "pros" : "vols"].push(i));
  const at = new Map();  // vertex -> [x, y]
  for (const cell of cells.values()) {
    cell.pros.forEach((i, j) => {
      const a = (2 * Math.PI * j) / cell.pros.length;
      at.set(nodes.vertex[i], [cell.cx + cell.radius * Math.cos(a), cell.cy + cell.radius * Math.sin(a)]);
    });
    cell.vols.forEach((i, j) => {
      const a = (2 * Math.PI * j) / Math.max(1, cell.vols.length) + 0.2;
      at.set(nodes.vertex[i], [cell.cx + 0.78 * cell.radius * Math.cos(a), cell.cy + 0.78 * cell.radius * Math.sin(a)]);
    });
  }
  const mothers = world.mothers.sample || {}, mothersAt = [];
  (mothers.id || []).forEach((id, i) => {
    const cell = cells.get(mothers.locality[i]);
    const r = 0.62 * cell.radius * Math.sqrt(unit(id, 12.9898)), a = 2 * Math.PI * unit(id, 78.233);
    mothersAt.push([cell.cx + r * Math.cos(a), cell.cy + r * Math.sin(a)]);
  });
  return { cells, at, mothersAt };
}

// A number in [0, 1) that looks random but is always the same for the same id and salt.
function unit(id, salt) {
  const v = Math.sin(id * salt + salt) * 43758.5453;
  return v - Math.floor(v);
}

function motherColour(mothers, i) {
  if (mothers.volunteer[i] !== null) return PALETTE.supported;
  if (mothers.waiting_since[i] !== null) return PALETTE.waiting;
  return PALETTE.usual;
}

function drawWorld() {
  const canvas = $("world");
  if (page.tab !== "world" || !canvas.clientWidth) return;
  const { g, w, h } = fitted(canvas);
  drawColourBar();
  const world = page.world;
  if (!world || !world.nodes.vertex) return;
  const { cells, at, mothersAt } = worldLayout(world, w, h);
  const nodes = world.nodes, edges = world.edges, mothers = world.mothers.sample || {};
  const index = new Map(nodes.vertex.map((v, i) => [v, i]));
  page.hits = [];
  g.font = "12px system-ui, sans-serif";
  for (const [l, cell] of cells) {
    const counts = world.mothers.per_locality.find((c) => c.locality === l);
    g.fillStyle = "#44403c"; g.textAlign = "left";
    g.fillText(`Locality ${l + 1}: ${counts ? counts.mothers : 0} mothers` +
      (counts && counts.drawn < counts.mothers ? ` (${counts.drawn} drawn)` : ""), cell.x0 + 6, cell.y0 + 14);
  }
  // Working ties only (team and cohort ties would hide everything): colour = the professional's trust.
  g.globalAlpha = 0.55; g.lineWidth = 1;
  for (let k = 0; k < (edges.source || []).length; k++) {
    if (edges.layer[k] !== 2) continue;
    const a = at.get(edges.source[k]), b = at.get(edges.target[k]);
    if (!a || !b) continue;
    g.strokeStyle = viridis(edges.weight[k]);
    g.beginPath(); g.moveTo(a[0], a[1]); g.lineTo(b[0], b[1]); g.stroke();
  }
  g.globalAlpha = 1;
  // Mothers: colour = where she is with the scheme; filled while breastfeeding, hollow once stopped.
  mothersAt.forEach(([px, py], i) => {
    const colour = motherColour(mothers, i);
    g.beginPath(); g.arc(px, py, 3, 0, 2 * Math.PI);
    if (mothers.feeding[i] > 0) { g.fillStyle = colour; g.fill(); } else { g.strokeStyle = colour; g.lineWidth = 1.3; g.stroke(); }
    page.hits.push({ x: px, y: py, r: 4, kind: "mother", i });
  });
  const byPro = $("colour-professionals").value, byVol = $("colour-volunteers").value;
  nodes.vertex.forEach((vertex, i) => {
    const [px, py] = at.get(vertex);
    if (nodes.kind[i] === 0) {
      shape(g, SHAPES.professional, px, py, 5);
      g.fillStyle = viridis(nodes[byPro][i]) || "#fff"; g.fill();
      g.strokeStyle = "#000"; g.lineWidth = 0.8; g.stroke();
      page.hits.push({ x: px, y: py, r: 7, kind: "professional", i });
    } else {
      shape(g, SHAPES.volunteer, px, py, 6);
      if (nodes.active[i]) { g.fillStyle = viridis(nodes[byVol][i]) || "#fff"; g.fill(); g.strokeStyle = "#000"; }
      else g.strokeStyle = "#999";
      g.lineWidth = 1.2; g.stroke();
      page.hits.push({ x: px, y: py, r: 8, kind: "volunteer", i });
    }
  });
  canvas.agents = page.hits;  // where each agent is drawn (CSS pixels), for tests and tools
  if (page.selected) drawSelection(g, at, mothersAt, index);
  showInspector();
  showLocalityCounts(world);
  const shown = world.localities_shown, all = world.localities;
  const sampled = world.mothers.per_locality.some((c) => c.drawn < c.mothers);
  $("world-note").textContent = `Day ${world.day}. ` +
    (shown < all ? `${shown} of ${all} localities shown (whole localities, as many as fit). ` : `All ${all} localities. `) +
    (sampled ? `Where a locality follows more than ${world.mothers.most_per_locality} mothers, an evenly spread sample ` +
      `of ${world.mothers.most_per_locality} is drawn; the counts are of all of them.` : "Every mother followed is drawn.");
}

// Every mother followed in each locality drawn, by state: the world view's monitors.
function showLocalityCounts(world) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const name of ["locality", "mothers", "drawn", "feeding", "waiting", "supported"]) {
    const th = document.createElement("th");
    th.textContent = name;
    head.append(th);
  }
  const body = table.createTBody();
  for (const c of world.mothers.per_locality) {
    const row = body.insertRow();
    for (const v of [c.locality + 1, c.mothers, c.drawn, c.breastfeeding, c.waiting, c.supported])
      row.insertCell().textContent = String(v);
  }
  $("locality-counts").replaceChildren(table);
}

// A square or a circle of half-width `size` at (x, y), as a path to fill or stroke.
function shape(g, name, x, y, size) {
  g.beginPath();
  if (name === "square") g.rect(x - size, y - size, 2 * size, 2 * size);
  else g.arc(x, y, size, 0, 2 * Math.PI);
}

function drawColourBar() {
  const { g, w } = fitted($("colour-bar"));
  for (let px = 0; px < w; px++) { g.fillStyle = viridis(px / (w - 1)); g.fillRect(px, 0, 1, 14); }
  g.fillStyle = "#44403c"; g.font = "11px system-ui, sans-serif";
  g.textAlign = "left"; g.fillText("0 (low)", 0, 28);
  g.textAlign = "right"; g.fillText("1 (high)", w, 28);
}

// The agents the selected one is tied to: a mother's professionals and volunteer; an agent's working ties.
function tiesOf(selected) {
  const world = page.world, nodes = world.nodes, mothers = world.mothers.sample || {};
  if (selected.kind === "mother") {
    return ["midwife", "health_visitor", "volunteer"].map((k) => mothers[k][selected.i]).filter((v) => v !== null);
  }
  const vertex = nodes.vertex[selected.i], tied = [];
  const e = world.edges;
  for (let k = 0; k < (e.source || []).length; k++) {
    if (e.layer[k] !== 2) continue;
    if (e.source[k] === vertex) tied.push(e.target[k]);
    if (e.target[k] === vertex) tied.push(e.source[k]);
  }
  return tied;
}

function drawSelection(g, at, mothersAt, index) {
  const s = page.selected;
  const here = s.kind === "mother" ? mothersAt[s.i] : at.get(page.world.nodes.vertex[s.i]);
  if (!here) return;
  g.strokeStyle = "#000"; g.lineWidth = 2.5;
  for (const vertex of tiesOf(s)) {
    const there = at.get(vertex);
    if (!there) continue;
    g.beginPath(); g.moveTo(here[0], here[1]); g.lineTo(there[0], there[1]); g.stroke();
  }
  g.lineWidth = 3; g.strokeStyle = "#D55E00";
  g.beginPath(); g.arc(here[0], here[1], 11, 0, 2 * Math.PI); g.stroke();
  void index;
}

// Finds the selected agent again in a new world (mothers by id, others by vertex).
function reselect(world) {
  const s = page.selected;
  if (!s) return null;
  if (s.kind === "mother") {
    const i = (world.mothers.sample.id || []).indexOf(s.id);
    return i < 0 ? null : { ...s, i };
  }
  const i = world.nodes.vertex.indexOf(s.vertex);
  return i < 0 ? null : { ...s, i };
}

function pickAgent(event) {
  const rect = $("world").getBoundingClientRect();
  const px = event.clientX - rect.left, py = event.clientY - rect.top;
  let best = null, bestDistance = Infinity;
  for (const hit of page.hits) {
    const d = Math.hypot(hit.x - px, hit.y - py);
    if (d <= hit.r + 3 && d < bestDistance) { best = hit; bestDistance = d; }
  }
  if (!best) { page.selected = null; drawWorld(); return; }
  page.selected = best.kind === "mother"
    ? { kind: "mother", i: best.i, id: page.world.mothers.sample.id[best.i] }
    : { kind: best.kind, i: best.i, vertex: page.world.nodes.vertex[best.i] };
  drawWorld();
}

const FEEDING = ["stopped", "partly (with formula)", "exclusively"];
const DIFFICULTY = ["none", "latch", "pain", "low supply"];

function agentName(vertex) {
  const nodes = page.world.nodes, i = nodes.vertex.indexOf(vertex);
  if (i < 0) return `agent ${vertex} (not drawn)`;
  if (nodes.kind[i] === 1) return `volunteer ${vertex}`;
  return `${nodes.role[i] === 0 ? "midwife" : "health visitor"} ${vertex}`;
}

const score = (v) => (Number.isFinite(v) ? v.toFixed(2) : "–");
const dayText = (d) => (d === null ? "–" : `day ${d}`);

function showInspector() {
  const box = $("inspector");
  const world = page.world;
  if (page.selected && world) page.selected = reselect(world);
  box.replaceChildren();
  if (!page.selected) {
    const hint = document.createElement("p");
    hint.className = "hint";
    hint.textContent = "Click an agent to inspect its state and ties.";
    box.append(hint);
    return;
  }
  const s = page.selected, nodes = world.nodes, mothers = world.mothers.sample;
  let title, rows;
  if (s.kind === "mother") {
    const age = world.day - mothers.birth_day[s.i];
    title = `Mother ${mothers.id[s.i]}, locality ${mothers.locality[s.i] + 1}`;
    rows = [
      ["baby's age", `${age} days (${(age / 7).toFixed(0)} weeks)`],
      ["breastfeeding", FEEDING[mothers.feeding[s.i]]],
      ["referred", dayText(mothers.referred_day[s.i]) + (mothers.referred_by[s.i] !== null ? ` by ${agentName(mothers.referred_by[s.i])}` : "")],
      ["waiting since", dayText(mothers.waiting_since[s.i])],
      ["volunteer", mothers.volunteer[s.i] === null ? "none now" : agentName(mothers.volunteer[s.i])],
      ["midwife", agentName(mothers.midwife[s.i])],
      ["health visitor", agentName(mothers.health_visitor[s.i])],
      ["peer contacts", mothers.peer_contacts[s.i]],
      ["professional contacts", mothers.professional_contacts[s.i]],
      ["confidence from support", score(mothers.confidence[s.i])],
      ["difficulty now", DIFFICULTY[mothers.difficulty[s.i]] || "–"],
    ];
  } else {
    const vertex = nodes.vertex[s.i], ties = tiesOf(s);
    title = `${agentName(vertex)}, locality ${nodes.locality[s.i] + 1}`;
    rows = s.kind === "professional"
      ? [["concern about boundaries", score(nodes.concern[s.i])], ["trust in volunteers", score(nodes.trust[s.i])],
        ["gate-keeping", score(nodes.gatekeeping[s.i])], ["surveillance", score(nodes.surveillance[s.i])],
        ["orientation (1 = with)", score(nodes.orientation[s.i])]]
      : [["in the scheme", nodes.active[s.i] ? "yes" : "left"], ["autonomy", score(nodes.autonomy[s.i])],
        ["trust in professionals", score(nodes.trust[s.i])], ["self-esteem", score(nodes.self_esteem[s.i])],
        ["felt surveillance", score(nodes.felt_surveillance[s.i])], ["commitment", score(nodes.commitment[s.i])]];
    const cared = (mothers.id || []).filter((_, i) => s.kind === "volunteer" ? mothers.volunteer[i] === vertex
      : mothers.midwife[i] === vertex || mothers.health_visitor[i] === vertex).length;
    rows.push([s.kind === "volunteer" ? "working ties (professionals)" : "working ties (volunteers)", ties.length]);
    rows.push([s.kind === "volunteer" ? "mothers supported (of those drawn)" : "mothers in her care (of those drawn)", cared]);
  }
  const heading = document.createElement("h3");
  heading.textContent = title;
  const table = document.createElement("table");
  for (const [name, value] of rows) {
    const row = table.insertRow();
    const th = document.createElement("th");
    th.textContent = name;
    row.append(th);
    row.insertCell().textContent = String(value);
  }
  box.append(heading, table);
}

// ---- tabs, the Info text, exports ---------------------------------------------------------

function showTab(name) {
  page.tab = name;
  for (const tab of ["charts", "world", "info"]) {
    $(`tab-${tab}`).setAttribute("aria-selected", String(tab === name));
    $(`${tab}-panel`).hidden = tab !== name;
  }
  if (name === "charts") drawCharts();
  if (name === "world") { drawWorld(); inTurn(refreshWorld); }
  if (name === "info" && !$("info").childElementCount) loadInfo();
}

async function loadInfo() {
  try {
    $("info").replaceChildren(...markdown((await api("GET", "/api/info")).markdown));
  } catch (error) {
    say(error.message);
  }
}

// The Markdown `ppisim docs info` writes (headings, paragraphs, lists, tables, **bold**, *italic*,
// `code`) as DOM nodes: text is only ever text, never markup.
function markdown(text) {
  const out = [], lines = text.split("\n");
  let k = 0;
  const inline = (parent, words) => {
    for (const part of words.split(/(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`)/)) {
      if (!part) continue;
      const tag = part.startsWith("**") ? "strong" : part.startsWith("*") ? "em" : part.startsWith("`") ? "code" : null;
      if (!tag) { parent.append(part); continue; }
      const node = document.createElement(tag);
      node.textContent = part.replace(/^(\*\*|\*|`)|(\*\*|\*|`)$/g, "");
      parent.append(node);
    }
    return parent;
  };
  const element = (tag, words) => inline(document.createElement(tag), words);
  while (k < lines.length) {
    const here = lines[k];
    if (!here.trim()) { k++; continue; }
    const heading = here.match(/^(#{1,4}) (.*)/);
    if (heading) { out.push(element(`h${heading[1].length}`, heading[2])); k++; continue; }
    if (here.startsWith("|")) {
      const table = document.createElement("table");
      for (; k < lines.length && lines[k].startsWith("|"); k++) {
        if (/^\|[-| ]+\|$/.test(lines[k])) continue;
        const row = table.insertRow();
        for (const cell of lines[k].slice(1, -1).split(" | ")) row.append(element("td", cell.trim()));
      }
      out.push(table);
      continue;
    }
    const item = /^(- |\d+\. )/;
    if (item.test(here)) {
      const list = document.createElement(here.startsWith("- ") ? "ul" : "ol");
      while (k < lines.length && item.test(lines[k])) {
        let words = lines[k++].replace(item, "");
        while (k < lines.length && /^ {2,}\S/.test(lines[k])) words += " " + lines[k++].trim();
        list.append(element("li", words));
      }
      out.push(list);
      continue;
    }
    let words = here;
    for (k++; k < lines.length && lines[k].trim() && !/^(#|\||- |\d+\. )/.test(lines[k]); k++) words += " " + lines[k];
    out.push(element("p", words));
  }
  return out;
}

function fileStem() {
  return `${page.state.scenario}_day${page.state.day}`;
}

function download(blob, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// Every charted series, live and baseline, one row per simulated day (the daily values, not smoothed).
function seriesCsv() {
  const names = CHARTS.map((c) => c.series);
  const header = ["day", ...names.flatMap((n) => [`${n}_live`, `${n}_baseline`])];
  const rows = [header.join(",")];
  const days = page.live[names[0]].length;
  for (let day = 0; day < days; day++) {
    const cells = [day];
    for (const n of names) cells.push(page.live[n][day], page.baseline[n][day]);
    rows.push(cells.map((v) => (Number.isFinite(v) || Number.isInteger(v) ? String(v) : "")).join(","));
  }
  return rows.join("\n") + "\n";
}

// The charts (or the world view) as one picture, titled with the scenario and day.
function picture() {
  if (page.tab === "world") return $("world");
  const canvases = CHARTS.map((c) => c.canvas), ratio = window.devicePixelRatio || 1;
  const cw = canvases[0].width, ch = canvases[0].height, title = 22 * ratio, heading = 16 * ratio;
  const out = document.createElement("canvas");
  out.width = cw * 4; out.height = title + (ch + heading) * 2;
  const g = out.getContext("2d");
  g.fillStyle = "#fff"; g.fillRect(0, 0, out.width, out.height);
  g.fillStyle = "#1f2937"; g.font = `${13 * ratio}px system-ui, sans-serif`;
  g.fillText(`ppisim ${page.state.scenario}, day ${page.state.day}: your run (solid) and the baseline (dashed); ` +
    "shaded: warm-up", 6 * ratio, 16 * ratio);
  CHARTS.forEach((chart, k) => {
    const x = (k % 4) * cw, y = title + Math.floor(k / 4) * (ch + heading);
    g.font = `${11 * ratio}px system-ui, sans-serif`;
    g.fillText(chart.title, x + 4 * ratio, y + 12 * ratio);
    g.drawImage(chart.canvas, x, y + heading);
  });
  return out;
}

function exportPicture() {
  const name = `${fileStem()}_${page.tab === "world" ? "world" : "charts"}.png`;
  picture().toBlob((blob) => download(blob, name), "image/png");
}

// ---- start ------------------------------------------------------------------------------

async function start() {
  for (const [name, colour] of Object.entries(PALETTE)) document.documentElement.style.setProperty(`--${name}`, colour);
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
    buildMonitors();
    buildCharts();
    showSpeed();
    $("speed").addEventListener("input", showSpeed);
    $("play").addEventListener("click", () => (page.playing ? stop() : play()));
    $("step").addEventListener("click", () => { stop(); advance(STEP_DAYS); });
    $("reset").addEventListener("click", () => resetTo("scenario"));
    $("restart").addEventListener("click", () => resetTo("shown"));
    for (const tab of ["charts", "world", "info"]) $(`tab-${tab}`).addEventListener("click", () => showTab(tab));
    $("world").addEventListener("click", pickAgent);
    for (const id of ["colour-professionals", "colour-volunteers"]) $(id).addEventListener("change", drawWorld);
    $("save-csv").addEventListener("click", (event) => {
      event.preventDefault();
      download(new Blob([seriesCsv()], { type: "text/csv" }), `${fileStem()}_series.csv`);
    });
    $("save-png").addEventListener("click", (event) => { event.preventDefault(); exportPicture(); });
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
