// The classroom page used as a teacher would, in Debian's headless Chromium at a
// projector's 1280x720: open it, play, move a slider, start joint meetings, look at
// the world, inspect an agent, read the Info tab, export, take screenshots.
//
//   cd tests/web && npm ci && PPISIM_BINARY=../../build/ppisim node --test
//
// Screenshots land in $PPISIM_SCREENSHOTS (default: build/web-screenshots).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { binary, shots, serverAndPage, save, day, playTo, stepWeeks, waitForMessage, pixels, inkOf, onScreen }
  from "./support.mjs";

const downloads = mkdtempSync(path.join(tmpdir(), "ppisim-web-"));
let url, page;
serverAndPage((held) => ({ url, page } = held));

test("the page opens on a live scenario, and at 1280x720 every chart fits without scrolling", async () => {
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  assert.equal(await page.inputValue("#scenario"), "breastfriends");
  assert.match(await page.textContent("#clock"), /day 0 of 1096/);
  assert.ok(await page.isVisible("#p-scheme-boundary_clarity"), "boundary clarity slider");
  assert.ok(await page.isVisible("#development"), "development process switch");
  const controls = await page.$$eval("#controls .control", (boxes) => boxes.length);
  assert.ok(controls > 40, `only ${controls} controls`);
  const charts = await page.$$eval(".chart canvas", (all) => all.length);
  assert.equal(charts, 8);
  for (let k = 1; k <= 8; k++) assert.ok(await onScreen(page, `.chart:nth-child(${k})`), `chart ${k} is on screen`);
  for (const id of ["#monitors", "#play", "#reset", "#restart", "#speed", "#save-csv", "#save-png"])
    assert.ok(await onScreen(page, id), `${id} is on screen`);
  assert.equal(await page.evaluate(() => document.scrollingElement.scrollHeight <= innerHeight), true, "no page scroll");
  await page.screenshot({ path: path.join(shots, "1-opened.png") });
});

test("play runs the model; axes are honest and the warm-up is shaded", async () => {
  const before = await pixels(page, ".chart canvas");
  await playTo(page, 180);
  const paused = await day(page);
  await page.waitForTimeout(500);
  assert.equal(await day(page), paused, "pause holds the clock");
  assert.notEqual(await pixels(page, ".chart canvas"), before, "the first chart changed");
  const axes = await page.$$eval(".chart", (all) => Object.fromEntries(all.map((box) => {
    const c = box.querySelector("canvas");
    return [box.dataset.series, [Number(c.dataset.yMin), Number(c.dataset.yMax)]];
  })));
  for (const score of ["prof_boundary_concern", "prof_gatekeeping", "prof_trust_in_volunteers", "tension_index"])
    assert.deepEqual(axes[score], [0, 1], `${score} is drawn on 0-1`);
  assert.deepEqual(axes.any_bf_share, [0, 100], "breastfeeding is drawn on 0-100%");
  for (const count of ["mothers_waiting", "referrals", "volunteers_active"]) assert.equal(axes[count][0], 0, `${count} starts at 0`);
  // Inside the warm-up the plot is shaded grey; after it, white.
  const shade = await page.$eval(".chart[data-series=prof_gatekeeping] canvas", (c) => {
    const g = c.getContext("2d"), ratio = c.width / c.clientWidth, d = c.dataset;
    const at = (x, y) => Array.from(g.getImageData(Math.round(x * ratio), Math.round(y * ratio), 1, 1).data).join(",");
    const y = Number(d.plotBottom) - 12;  // low on the plot, where gate-keeping (about 0.5) does not run
    return { inside: at(Number(d.warmUpX) - 6, y), after: at(Number(d.warmUpX) + 12, y) };
  });
  assert.equal(shade.inside, "231,229,228,255");
  assert.equal(shade.after, "0,0,0,0");
  assert.match(await page.textContent("#warmup-note"), /first 26 weeks/);
  // The grey band: the scenario as loaded over the shipped posterior, saying what it covers.
  await page.waitForFunction(() => /95% of runs over the uk_trials posterior/.test(document.querySelector("#band-note").textContent));
  assert.match(await page.getAttribute("#band-note", "title"), /parameter uncertainty and replicate noise together/);
  assert.equal(await page.getAttribute(".chart[data-series=any_bf_share] canvas", "data-band"), "true");
  const monitor = await page.textContent(".monitor[data-series=any_bf_share] output");
  assert.match(monitor, /^\d+\.\d%$/);
});

test("moving a slider changes the live run from the next day, not the baseline", async () => {
  const slider = page.locator("#p-scheme-boundary_clarity");
  await slider.focus();
  await slider.press("End");  // to 1: a fully agreed role
  await waitForMessage(page, /Boundary clarity: 1 from day/);
  await page.selectOption("#p-scheme-referral_policy", "opt_out");
  await waitForMessage(page, /Referral policy: opt_out from day/);
  await page.check("#development");
  await waitForMessage(page, /Joint meetings start/);
  const chartsBefore = await page.$$eval(".chart canvas", (all) => all.map((c) => c.toDataURL()));
  await stepWeeks(page, 8);
  await page.waitForTimeout(300);
  const chartsAfter = await page.$$eval(".chart canvas", (all) => all.map((c) => c.toDataURL()));
  assert.ok(chartsAfter.every((shot, k) => shot !== chartsBefore[k]), "every chart moved on");
  await page.screenshot({ path: path.join(shots, "2-after-changes.png") });
});

test("the world view draws the agents, updates as it runs, and inspects the one clicked", async () => {
  await page.click("#tab-world");
  await page.waitForFunction(() => /Day \d+/.test(document.querySelector("#world-note").textContent));
  assert.ok(await onScreen(page, "#world"), "the world fits on screen");
  assert.ok(await inkOf(page, "#world") > 20_000, "agents are drawn");
  assert.match(await page.textContent("#world-note"), /an evenly spread sample of 150 is drawn/);
  const counts = await page.$$eval("#locality-counts tbody tr", (rows) => rows.map((r) => [...r.cells].map((c) => Number(c.textContent))));
  assert.equal(counts.length, 4, "breastfriends has 4 localities");
  for (const [locality, mothers, drawn, feeding, waiting, supported] of counts) {
    assert.ok(mothers > 150 && drawn === 150, `locality ${locality}: ${mothers} mothers, ${drawn} drawn`);
    assert.ok(feeding <= mothers && waiting + supported <= mothers);
  }
  const before = await pixels(page, "#world");
  await stepWeeks(page, 2);
  // The clock moves before the step's world arrives: wait for the world of the day reached,
  // or the agents picked below may be redrawn elsewhere before the click lands.
  const reached = await day(page);
  await page.waitForFunction((d) => document.querySelector("#world-note").textContent.startsWith(`Day ${d}.`), reached);
  assert.notEqual(await pixels(page, "#world"), before, "the world redrawn after two weeks");
  // Click one agent of each kind where the page drew it, and read what the inspector says.
  const want = { professional: /(midwife|health visitor) \d+.*concern about boundaries/s,
    volunteer: /volunteer \d+.*autonomy/s, mother: /Mother \d+.*baby's age.*breastfeeding/s };
  for (const kind of Object.keys(want)) {
    const spot = await page.$eval("#world", (canvas, k) => {
      const r = canvas.getBoundingClientRect(), agent = canvas.agents.find((a) => a.kind === k);
      return agent && { x: r.left + agent.x, y: r.top + agent.y };
    }, kind);
    assert.ok(spot, `a ${kind} is drawn`);
    await page.mouse.click(spot.x, spot.y);
    assert.match(await page.textContent("#inspector"), want[kind], `the inspector shows the ${kind}`);
  }
  assert.match(await page.textContent("#inspector"), /baby's age|working ties|concern/);
  await page.screenshot({ path: path.join(shots, "3-world.png") });
});

test("the Info tab is in NetLogo's sections, from the model's description", async () => {
  await page.click("#tab-info");
  await page.waitForSelector("#info h2");
  const headings = await page.$$eval("#info h2", (all) => all.map((h) => h.textContent));
  assert.deepEqual(headings, ["What is it?", "How it works", "How to use it", "Things to notice", "Things to try",
    "Extending the model", "Credits and citation"]);
  assert.match(await page.textContent("#info"), /Breastfriends peer-support scheme in Doncaster/);
  assert.equal(await page.$$eval("#info table", (t) => t.length) > 0, true, "the findings table");
  await page.screenshot({ path: path.join(shots, "4-info.png") });
  await page.click("#tab-charts");
});

test("a setting that shapes the start waits for Restart with changes; Reset restores the scenario", async () => {
  await page.locator("#p-professionals-initial-gatekeeping").focus();
  await page.locator("#p-professionals-initial-gatekeeping").press("End");
  await waitForMessage(page, /when you press Restart with changes/);
  assert.ok(await page.$eval("[data-path='professionals.initial.gatekeeping']", (box) => box.classList.contains("pending")));
  await page.click("#restart");
  await page.waitForFunction(() => /day 0 of/.test(document.querySelector("#clock").textContent));
  assert.equal(await page.$eval("[data-path='professionals.initial.gatekeeping']", (box) => box.classList.contains("pending")), false);
  assert.equal(await page.inputValue("#p-professionals-initial-gatekeeping"), "1");
  assert.equal(await page.inputValue("#p-scheme-boundary_clarity"), "1", "restart keeps the settings shown");
  await stepWeeks(page, 4);
});

test("the scenario, the run, the series and the charts download; each opens", async () => {
  const yamlPath = await save(page, "#save-scenario", downloads);
  assert.equal(path.basename(yamlPath), "breastfriends_classroom.yaml");
  const text = readFileSync(yamlPath, "utf8");
  assert.match(text, /gatekeeping: 1\b/);
  assert.match(text, /development_process/);
  execFileSync(binary, ["validate", yamlPath], { stdio: "pipe" });

  const h5Path = await save(page, "#save-run", downloads);
  assert.equal(readFileSync(h5Path).subarray(0, 8).toString("latin1"), "\x89HDF\r\n\x1a\n");
  const summary = execFileSync(binary, ["summary", h5Path, "--format", "csv"], { encoding: "utf8" });
  assert.match(summary, /any_bf_6w/);

  const csvPath = await save(page, "#save-csv", downloads);
  assert.equal(path.basename(csvPath), "breastfriends_day28_series.csv");
  const rows = readFileSync(csvPath, "utf8").trim().split("\n").map((row) => row.split(","));
  assert.equal(rows[0][0], "day");
  assert.ok(rows[0].includes("any_bf_share_live") && rows[0].includes("tension_index_baseline"));
  assert.equal(rows.length, 1 + 28, "one row a day");
  assert.ok(rows.slice(1).every((row) => row.length === rows[0].length && row.slice(1).every((v) => v === "" || Number.isFinite(Number(v)))));

  const pngPath = await save(page, "#save-png", downloads);
  assert.equal(path.basename(pngPath), "breastfriends_day28_charts.png");
  const png = readFileSync(pngPath);
  assert.equal(png.subarray(1, 4).toString("latin1"), "PNG");
  assert.ok(png.readUInt32BE(16) > 800 && png.readUInt32BE(20) > 300, "the picture holds the charts");
});

test("another scenario starts from the chooser; a bad value is refused where the user is looking", async () => {
  await page.selectOption("#scenario", "teaching_tension_loop");
  await page.waitForFunction(() => /day 0 of/.test(document.querySelector("#clock").textContent));
  await page.click("#all-parameters summary");
  await page.fill("#p-population-births", "99999");
  await page.press("#p-population-births", "Enter");
  await waitForMessage(page, /agents|between/);
  assert.ok(await onScreen(page, "#message"), "the message is on screen although the levers are scrolled");
  const inline = page.locator("[data-path='population.births'] .problem");
  assert.ok(await inline.isVisible(), "and under the control");
  assert.ok(await onScreen(page, "[data-path='population.births'] .problem"), "which is on screen too");
  assert.notEqual(await page.inputValue("#p-population-births"), "99999", "the control went back to the value in force");
  await page.screenshot({ path: path.join(shots, "5-refused.png") });
});
