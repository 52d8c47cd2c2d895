// What the browser tests share: a `ppisim serve` on a free loopback port, Debian's
// headless Chromium at a projector's 1280x720, and ways to read the page.
import assert from "node:assert/strict";
import { CHROMIUM_ARGS, startServer as startServerFrom } from "./serve_support.mjs";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { before, after } from "node:test";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const binary = process.env.PPISIM_BINARY || path.join(repo, "build/ppisim");
export const shots = process.env.PPISIM_SCREENSHOTS || path.join(repo, "build/web-screenshots");
export const PROJECTOR = { width: 1280, height: 720 };

// The server, through the participatory tests' helper (one way to start it).
export async function startServer() {
  const { process: server, url } = await startServerFrom(binary, repo);
  return { server, url };
}

// A browser and one page at `viewport`; a script error on the page fails the test.
export async function openBrowser(viewport = PROJECTOR) {
  mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (error) => assert.fail(`script error on the page: ${error.message}`));
  return { browser, page };
}

// Registers the test file's hooks: a server and a browser page before its tests (handed to
// `ready` as { server, url, browser, page }), both closed after.
export function serverAndPage(ready) {
  const held = {};
  before(async () => {
    Object.assign(held, await startServer());
    Object.assign(held, await openBrowser());
    ready(held);
  });
  after(async () => {
    await held.browser?.close();
    held.server?.kill("SIGTERM");
  });
}

// Clicks a download link and keeps the file in `folder`; returns its path.
export async function save(page, selector, folder) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const file = path.join(folder, download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

export const day = async (page) => Number((await page.textContent("#clock")).match(/day (\d+)/)[1]);

export function untilDay(page, least, timeout = 60_000) {
  return page.waitForFunction((d) => Number(document.querySelector("#clock").textContent.match(/day (\d+)/)[1]) >= d,
    least, { timeout });
}

// Plays until day `least`, then pauses (the page stops at the tick that passes it).
export async function playTo(page, least) {
  await page.click("#play");
  await untilDay(page, least);
  await page.click("#play");
  await page.waitForFunction(() => document.querySelector("#play").textContent === "Play");
}

// Plays to exactly `target` (a whole number of weeks): plays to the week before, then steps.
export async function playToWeek(page, target) {
  await playTo(page, target - 7);
  while ((await day(page)) < target) await stepWeeks(page, 1);
  assert.equal(await day(page), target, "paused on the day the guide names");
}

// Clicks "Step a week" `weeks` times, each once the last step has landed.
export async function stepWeeks(page, weeks) {
  const start = await day(page);
  for (let k = 1; k <= weeks; k++) {
    await page.click("#step");
    await untilDay(page, start + 7 * k, 20_000);
  }
}

export function waitForMessage(page, pattern) {
  return page.waitForFunction((source) => {
    const box = document.querySelector("#message");
    return !box.hidden && new RegExp(source).test(box.textContent);
  }, pattern.source);
}

// A fingerprint of what a canvas shows, to tell whether it changed, and how much of it is drawn.
export const pixels = (page, selector) => page.$eval(selector, (canvas) => canvas.toDataURL());
export const inkOf = (page, selector) => page.$eval(selector, (canvas) => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let i = 3; i < data.length; i += 4) ink += data[i] > 0;
  return ink;
});

// True when the element is wholly inside the window: seen without scrolling.
export const onScreen = (page, selector) => page.$eval(selector, (element) => {
  const r = element.getBoundingClientRect();
  return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
});
