// The classroom page used as a teacher would, in Debian's headless Chromium:
// open it, play, move a slider, start joint meetings, see the charts and the
// graph change, save the scenario and the run, take screenshots.
//
//   cd tests/web && npm ci && PPISIM_BINARY=../../build/ppisim node --test
//
// Screenshots land in $PPISIM_SCREENSHOTS (default: build/web-screenshots).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.PPISIM_BINARY || path.join(repo, "build/ppisim");
const shots = process.env.PPISIM_SCREENSHOTS || path.join(repo, "build/web-screenshots");
const downloads = mkdtempSync(path.join(tmpdir(), "ppisim-web-"));

// As root and on a closed network, Chromium needs these to start quietly (see the machine notes).
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let server, url, browser, page;

function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(binary, ["serve", "--port", "0"], { cwd: repo, stdio: ["ignore", "pipe", "pipe"] });
    let seen = "";
    server.stdout.on("data", (chunk) => {
      seen += chunk;
      const found = seen.match(/http:\/\/[^ ]+\//);
      if (found) resolve(found[0]);
    });
    server.on("exit", (code) => reject(new Error(`ppisim serve exited (${code})`)));
    setTimeout(() => reject(new Error("ppisim serve did not start in 30 s")), 30_000);
  });
}

// A fingerprint of what a canvas shows, to tell whether it changed.
const pixels = (selector) => page.$eval(selector, (canvas) => canvas.toDataURL());
const inkOf = (selector) => page.$eval(selector, (canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) ink += data[i] > 0;
  return ink;
});
// Clicks "Step a week" `weeks` times, each once the last step has landed.
async function stepWeeks(weeks) {
  const start = await day();
  for (let k = 1; k <= weeks; k++) {
    await page.click("#step");
    await page.waitForFunction((d) => Number(document.querySelector("#clock").textContent.match(/day (\d+)/)[1]) >= d,
      start + 7 * k, { timeout: 20_000 });
  }
}
const day = async () => Number((await page.textContent("#clock")).match(/day (\d+)/)[1]);

before(async () => {
  mkdirSync(shots, { recursive: true });
  url = await startServer();
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(`script error on the page: ${error.message}`));
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

test("the page opens on a live scenario with controls from the registry", async () => {
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  assert.equal(await page.inputValue("#scenario"), "breastfriends");
  assert.match(await page.textContent("#clock"), /day 0 of 1096/);
  assert.ok(await page.isVisible("#p-scheme-boundary_clarity"), "boundary clarity slider");
  assert.ok(await page.isVisible("#development"), "development process switch");
  const controls = await page.$$eval("#controls .control", (boxes) => boxes.length);
  assert.ok(controls > 40, `only ${controls} controls`);
  assert.ok(await inkOf("#graph") > 1000, "the graph is drawn at day 0");
  await page.screenshot({ path: path.join(shots, "1-opened.png"), fullPage: true });
});

test("play runs the model and the charts grow", async () => {
  const before = await pixels(".chart canvas");
  await page.click("#play");
  await page.waitForFunction(() => Number(document.querySelector("#clock").textContent.match(/day (\d+)/)[1]) >= 180,
    null, { timeout: 60_000 });
  await page.click("#play");  // pause
  const paused = await day();
  await page.waitForTimeout(500);
  assert.equal(await day(), paused, "pause holds the clock");
  assert.notEqual(await pixels(".chart canvas"), before, "the first chart changed");
  assert.ok(await inkOf(".chart canvas") > 2000, "the chart has lines");
});

test("moving a slider changes the live run from the next day, not the baseline", async () => {
  const slider = page.locator("#p-scheme-boundary_clarity");
  await slider.focus();
  await slider.press("End");  // to 1: a fully agreed role
  await page.waitForFunction(() => /Boundary clarity: 1 from day/.test(document.querySelector("#message").textContent));
  await page.selectOption("#p-scheme-referral_policy", "opt_out");
  await page.waitForFunction(() => /Referral policy: opt_out from day/.test(document.querySelector("#message").textContent));
  await page.check("#development");
  await page.waitForFunction(() => /Joint meetings start/.test(document.querySelector("#message").textContent));
  const graphBefore = await pixels("#graph");
  const chartsBefore = await page.$$eval(".chart canvas", (all) => all.map((c) => c.toDataURL()));
  await stepWeeks(8);
  await page.waitForTimeout(300);
  const chartsAfter = await page.$$eval(".chart canvas", (all) => all.map((c) => c.toDataURL()));
  assert.ok(chartsAfter.every((shot, k) => shot !== chartsBefore[k]), "every chart moved on");
  assert.notEqual(await pixels("#graph"), graphBefore, "the graph shows the new day");
  await page.screenshot({ path: path.join(shots, "2-after-changes.png"), fullPage: true });
});

test("a setting that shapes the start waits for reset", async () => {
  await page.locator("#p-professionals-initial-gatekeeping").focus();
  await page.locator("#p-professionals-initial-gatekeeping").press("End");
  await page.waitForFunction(() => /when you press Reset/.test(document.querySelector("#message").textContent));
  assert.ok(await page.$eval("[data-path='professionals.initial.gatekeeping']", (box) => box.classList.contains("pending")));
  await page.click("#reset");
  await page.waitForFunction(() => /day 0 of/.test(document.querySelector("#clock").textContent));
  assert.equal(await page.$eval("[data-path='professionals.initial.gatekeeping']", (box) => box.classList.contains("pending")), false);
  await stepWeeks(4);
});

test("the scenario and the run download, and the scenario is valid", async () => {
  const [yamlDownload] = await Promise.all([page.waitForEvent("download"), page.click("#save-scenario")]);
  const yamlPath = path.join(downloads, yamlDownload.suggestedFilename());
  await yamlDownload.saveAs(yamlPath);
  assert.equal(path.basename(yamlPath), "breastfriends_classroom.yaml");
  const text = readFileSync(yamlPath, "utf8");
  assert.match(text, /gatekeeping: 1\b/);
  assert.match(text, /development_process/);
  execFileSync(binary, ["validate", yamlPath], { stdio: "pipe" });

  const [h5Download] = await Promise.all([page.waitForEvent("download"), page.click("#save-run")]);
  const h5Path = path.join(downloads, h5Download.suggestedFilename());
  await h5Download.saveAs(h5Path);
  assert.equal(readFileSync(h5Path).subarray(0, 8).toString("latin1"), "\x89HDF\r\n\x1a\n");
  const summary = execFileSync(binary, ["summary", h5Path, "--format", "csv"], { encoding: "utf8" });
  assert.match(summary, /any_bf_6w/);
});

test("another scenario starts from the chooser; a bad value is refused with the reason", async () => {
  await page.selectOption("#scenario", "teaching_tension_loop");
  await page.waitForFunction(() => /day 0 of/.test(document.querySelector("#clock").textContent));
  await page.click("#all-parameters summary");
  await page.fill("#p-population-births", "99999");
  await page.press("#p-population-births", "Enter");
  await page.waitForFunction(() => !document.querySelector("#message").hidden &&
    /agents|between/.test(document.querySelector("#message").textContent));
  assert.notEqual(await page.inputValue("#p-population-births"), "99999", "the control went back to the value in force");
  await page.screenshot({ path: path.join(shots, "3-refused.png"), fullPage: true });
});
