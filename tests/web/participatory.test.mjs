// The participatory mode played as a class would, in Debian's headless
// Chromium: a teacher's browser at 1280x720 starts a session and shows the
// code; four students, each in a browser context of her own, join, see their
// agents and decide; the week moves on when all have decided; the teacher
// pauses, advances, opens the debrief and saves the run.
//
//   cd tests/web && PPISIM_BINARY=$PWD/../../build/ppisim node --test
//
// Screenshots land in $PPISIM_SCREENSHOTS (default: build/web-screenshots).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, startServer } from "./serve_support.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.PPISIM_BINARY || path.join(repo, "build/ppisim");
const shots = process.env.PPISIM_SCREENSHOTS || path.join(repo, "build/web-screenshots");
const downloads = mkdtempSync(path.join(tmpdir(), "ppisim-play-"));
let server, url, browser, teacher, code;
const students = [];  // { page, role, name }
const errors = [];

async function newPage(viewport) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(error.message));
  return page;
}

const week = async () => Number((await teacher.textContent("#clock")).match(/Week (\d+)/)[1]);

before(async () => {
  mkdirSync(shots, { recursive: true });
  ({ process: server, url } = await startServer(binary, repo));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: CHROMIUM_ARGS });
  teacher = await newPage({ width: 1280, height: 720 });
});

after(async () => {
  await browser?.close();
  server?.kill("SIGTERM");
});

test("the teacher starts a session and the code shows on the projector", async () => {
  await teacher.goto(`${url}class`);
  await teacher.waitForSelector("#scenario option[value=breastfriends]", { state: "attached" });
  await teacher.click("#start-button");
  await teacher.waitForSelector("#code:not(:empty)");
  code = await teacher.textContent("#code");
  assert.match(code, /^[A-Z2-9]{6}$/);
  assert.ok(await teacher.isVisible("#code"), "the code is on screen without scrolling");
  assert.match(await teacher.textContent("#clock"), /Week 1, day 0 of 1096/);
});

test("four students join from their own browsers, each with a role", async () => {
  for (const [name, role] of [["Asha", "midwife"], ["Ben", "health_visitor"], ["Cleo", "volunteer"], ["Dee", "midwife"]]) {
    const page = await newPage({ width: 412, height: 900 });
    await page.goto(`${url}play`);
    await page.fill("#code", code.toLowerCase());
    await page.fill("#name", name);
    await page.check(`input[name=role][value=${role}]`);
    await page.click("#join-button");
    await page.waitForSelector("#play:not([hidden])");
    assert.match(await page.textContent("#who"), new RegExp(`^${name}: `));
    students.push({ page, role, name });
  }
  await teacher.waitForFunction(() => document.querySelector("#students").children.length === 4);
  assert.match(await teacher.textContent("#students-title"), /4 of at most 40, 0 decided/);
  // A few weeks in, so the midwives have mothers to decide about.
  for (let k = 0; k < 4; k++) await teacher.click("#advance");
  await teacher.waitForFunction(() => /Week 5/.test(document.querySelector("#clock").textContent));
});

test("each student decides for her agent; the week moves on when the last has decided", async () => {
  const before = await week();
  for (const { page, role } of students) {
    await page.waitForFunction((w) => new RegExp(`Week ${w}`).test(document.querySelector("#status").textContent), before);
    if (role === "volunteer") {
      assert.match(await page.textContent("#mothers-title"), /Mothers you support/);
      await page.selectOption("select[name='act_beyond_role:']", "yes");
      await page.selectOption("select[name='take_cases:']", "no");
    } else {
      assert.match(await page.textContent("#mothers-title"), /not referred/);
      await page.selectOption("select[name='refer:']", "no");
      await page.selectOption("select[name='report_concern:']", "yes");
      const mothers = await page.$$("#mothers select");
      if (mothers.length) await mothers[0].selectOption("yes");
    }
    if (page === students[0].page) await page.screenshot({ path: path.join(shots, "participatory-student-midwife.png"), fullPage: true });
    await page.click("#decide");
    if (page !== students.at(-1).page)
      await page.waitForFunction(() => /Decided: waiting/.test(document.querySelector("#status").textContent));
  }
  await teacher.waitForFunction((w) => new RegExp(`Week ${w + 1}`).test(document.querySelector("#clock").textContent), before);
  for (const { page } of students)
    await page.waitForFunction((w) => new RegExp(`Week ${w + 1}`).test(document.querySelector("#status").textContent), before);
  // Someone's choice came up last week (a midwife sees about one new mother a week, so not necessarily each).
  const lastWeeks = await Promise.all(students.map(({ page }) => page.textContent("#last-week")));
  assert.ok(lastWeeks.some((text) => /your choice said yes \d+ times, the model's rule would have said yes/.test(text)),
    lastWeeks.join(" | "));
  await students[2].page.screenshot({ path: path.join(shots, "participatory-student-volunteer.png"), fullPage: true });
});

test("a pause holds the class; the teacher advances and resumes", async () => {
  await teacher.click("#pause");
  await teacher.waitForFunction(() => /Resume/.test(document.querySelector("#pause").textContent));
  const { page } = students[1];
  await page.waitForFunction(() => /Paused by the teacher/.test(document.querySelector("#status").textContent));
  const held = await week();
  for (const s of students) await s.page.click("#decide");
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.equal(await week(), held, "no week advances by itself while paused");
  await teacher.click("#advance");
  await teacher.waitForFunction((w) => new RegExp(`Week ${w + 1}`).test(document.querySelector("#clock").textContent), held);
  await teacher.click("#pause");
  await teacher.waitForFunction(() => /Pause for discussion/.test(document.querySelector("#pause").textContent));
});

test("the teacher's view shows the class beside the model's agents, and the debrief", async () => {
  const charts = await teacher.$$("#charts figure");
  assert.equal(charts.length, 8);
  const lines = await teacher.$$eval("#charts polyline", (all) => all.length);
  assert.equal(lines, 16, "a class line and a model line in each chart");
  await teacher.click("#debrief-button");
  await teacher.waitForSelector("#debrief:not([hidden])");
  assert.match(await teacher.textContent("#cost"), /mothers were breastfeeding in the class's run against \d+ with the model's agents/);
  const kinds = await teacher.$$eval("#kinds tr", (rows) => rows.map((r) => r.textContent));
  assert.ok(kinds.some((k) => k.startsWith("refer a mother")), kinds.join(" | "));
  const perStudent = await teacher.$$eval("#per-student tr", (rows) => rows.length);
  assert.equal(perStudent, 5);
  await teacher.screenshot({ path: path.join(shots, "participatory-teacher-1280x720.png") });
  await teacher.screenshot({ path: path.join(shots, "participatory-teacher-debrief.png"), fullPage: true });
});

test("the class's run is saved with its decisions", async () => {
  const [download] = await Promise.all([teacher.waitForEvent("download"), teacher.click("#results")]);
  assert.match(download.suggestedFilename(), /breastfriends_participatory\.h5$/);
  const file = path.join(downloads, download.suggestedFilename());
  await download.saveAs(file);
  const head = readFileSync(file).subarray(0, 8);
  assert.deepEqual([...head], [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a], "an HDF5 file");
  assert.deepEqual(errors, [], "no script error on any page");
});
