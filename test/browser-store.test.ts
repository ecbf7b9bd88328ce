// The store workbench in a real browser (Debian's Chromium, offline), built from a rendered week of
// the demo store's two cameras (test/store-fixtures.ts: store=demo-store/camera=front|side/date=.../):
// - every page opens with no console error, no request leaving 127.0.0.1, and its data marks;
// - a Calendar cell sets the window on every page (a filter shown above the timeline), a day in
//   its table makes that day the window;
// - choosing cameras and dates changes what every page counts, and the Overview's figures are
//   the engine's for that choice;
// - Compare says how the periods were matched, with a table per camera; Floor and Queues show
//   the store's plan and its till.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext } from "playwright-core";
import { launchChromium } from "../scripts/browser/chromium.ts";
import { openPage, settle } from "../scripts/browser/page.ts";
import { distPages, serveDist, type DistServer } from "../scripts/browser/serve-dist.ts";
import { pageProblems } from "./browser/checks.ts";
import { storeSite, STORE_DIR } from "./store-fixtures.ts";
import { openDataset } from "../loaders/analytics/dataset.ts";
import { headline } from "../loaders/analytics/report.ts";
import { wallClockToDate } from "../loaders/config/camera.ts";
import { MAX_SNAPSHOTS } from "../loaders/analytics/snapshots.ts";
import { findRunDirs } from "../loaders/run/read.ts";
import { query } from "./helpers.ts";

const EXPECTED: Record<string, string[]> = {
  "/": ["#headline .smw-kpi-value", "#per-camera table tbody tr", "#trajectories canvas.smw-paths", '#people-in-view svg g[aria-label="area"] path'],
  "/calendar": ["#heat button.smw-cell:not([disabled])", '#days svg g[aria-label="bar"] rect', "#days table button[data-day]", "#dayparts button.smw-cell"],
  "/footfall": ['#visitors svg g[aria-label="rect"] rect', '#lines svg g[aria-label="rect"] rect', '#dayparts svg g[aria-label="bar"] rect'],
  "/trajectories": ["#paths canvas.smw-paths", "#track-table table tbody tr"],
  "/dwell": ['#dwell-map svg g[aria-description="heat"] image', '#zone-dwell svg g[aria-label="dot"] circle'],
  "/floor": ['#floor-dwell svg g[aria-description="heat"] image', "#floor-paths canvas.smw-paths", '#speeds svg g[aria-label="rect"] rect', "#floor-zones table tbody tr"],
  "/queues": [".smw-queue .smw-served", '.smw-queue-length svg g[aria-label="area"] path'],
  "/motion": ['#motion-map svg g[aria-description="heat"] image'],
  "/compare": ['#map-a svg g[aria-description="heat"] image', "#zone-table .smw-camera-table table", "#summary .smw-matched"],
};

let site: string;
let server: DistServer;
let browser: Browser;
before(async () => {
  site = storeSite();
  server = await serveDist(site);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});
const newContext = (): Promise<BrowserContext> => browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
const kpi = async (page: import("playwright-core").Page) => Number(((await page.locator(".smw-kpis .smw-kpi-value").first().textContent()) ?? "").replace(/,/g, ""));

test("every page of the store's week renders offline with data and no errors", { timeout: 1_800_000 }, async (t) => {
  const pages = distPages(site);
  t.diagnostic(`store site ${site}: ${pages.join(" ")}`);
  for (const path of Object.keys(EXPECTED)) assert.ok(pages.includes(path), `no page ${path}`);
  const context = await newContext();
  try {
    for (const path of pages) {
      const { page, problems } = await openPage(context, server.origin + path, { timeout: 120_000 });
      problems.push(...(await pageProblems(page, EXPECTED[path])));
      assert.deepEqual(problems, [], `${path}:\n  ${problems.join("\n  ")}`);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test("cameras and dates: the Overview counts what the engine counts for the choice", { timeout: 300_000 }, async () => {
  const ds = await openDataset({ paths: [STORE_DIR] });
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${server.origin}/`);
    const both = await kpi(page);
    const front = ds.cameras.find((c) => c.camera === "front")!, side = ds.cameras.find((c) => c.camera === "side")!;
    const [hf, hs] = [await headline(front.a), await headline(side.a)];
    assert.equal(both, hf.visitors + hs.visitors, "both cameras: the sum of their visitors");
    // only the side camera
    await page.locator('input[data-camera="demo-store/front"]').uncheck();
    await page.waitForFunction((n) => document.querySelector(".smw-kpis .smw-kpi-value")?.textContent?.replace(/,/g, "") !== String(n), both);
    assert.equal(await kpi(page), hs.visitors, "side alone");
    // one day, both cameras again
    await page.locator('input[data-camera="demo-store/front"]').check();
    await page.locator("input.smw-from").fill("2024-05-11");
    await page.locator("input.smw-to").fill("2024-05-11");
    const day = { start: wallClockToDate("2024-05-11T00:00", "Europe/Berlin")!, end: wallClockToDate("2024-05-12T00:00", "Europe/Berlin")! };
    const expected = (await headline(front.a, day)).visitors + (await headline(side.a, day)).visitors;
    await page.waitForFunction((n) => document.querySelector(".smw-kpis .smw-kpi-value")?.textContent?.replace(/,/g, "") === String(n), expected, { timeout: 10_000 });
    assert.match((await page.locator(".smw-window strong").first().textContent()) ?? "", /Sat 11 May/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    ds.close();
  }
});

test("a Calendar cell sets the window on every page; a day in its table makes that day the window", { timeout: 300_000 }, async () => {
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${server.origin}/calendar`);
    const cell = page.locator("#heat button.smw-cell:not([disabled])").first();
    const [weekday, hour] = [Number(await cell.getAttribute("data-weekday")), Number(await cell.getAttribute("data-hour"))];
    await cell.click();
    await page.waitForSelector("#heat button.smw-cell.smw-on");
    const days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    const label = `${days[weekday]}s, ${String(hour).padStart(2, "0")}:00`;
    assert.match((await page.locator(".smw-filter").textContent()) ?? "", new RegExp(`Only ${label}`));
    // another page of the tab (the choice lives in the tab's session) opens with the same filter, and counts fewer than the whole week
    const go = async (path: string) => (await page.goto(server.origin + path), await settle(page), page);
    const footfall = await go("/footfall");
    assert.match((await footfall.locator(".smw-filter").textContent()) ?? "", new RegExp(`Only ${label}`));
    const filtered = await kpi(footfall);
    await footfall.locator(".smw-clear-filter").click();
    await footfall.waitForFunction((n) => document.querySelector(".smw-kpis .smw-kpi-value")?.textContent?.replace(/,/g, "") !== String(n), filtered);
    assert.ok((await kpi(footfall)) > filtered, "clearing the filter counts the whole week");
    // a day from the Calendar's table is the window on the Dwell page
    await go("/calendar");
    await page.locator('#days table button[data-day="2024-05-08"]').click();
    await page.waitForFunction(() => /Wed 8 May/.test(document.querySelector(".smw-window strong")?.textContent ?? ""));
    const dwell = await go("/dwell");
    assert.match((await dwell.locator(".smw-window strong").first().textContent()) ?? "", /Wed 8 May/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("Compare says what it matched and gives each camera's zones; Floor shows both cameras on the plan; Queues the till", { timeout: 300_000 }, async () => {
  const context = await newContext();
  try {
    const compare = await openPage(context, `${server.origin}/compare`);
    const matched = (await compare.page.locator("#summary .smw-matched").textContent()) ?? "";
    assert.match(matched, /front: matched by .+side: matched by /);
    assert.equal(await compare.page.locator("#zone-table .smw-camera-table").count(), 2);
    assert.match((await compare.page.locator("#zone-table").textContent()) ?? "", /everyone entering view/);
    const floor = await openPage(context, `${server.origin}/floor`);
    const zones = await floor.page.locator("#floor-zones table").first().locator("tbody tr").allTextContents();
    assert.ok(zones.some((z) => z.includes("front · left window")) && zones.some((z) => z.includes("side · window")), zones.join(" | "));
    assert.ok(zones.every((z) => /\d+\.\d/.test(z)), "every zone has its area in m²");
    const queues = await openPage(context, `${server.origin}/queues`);
    assert.match((await queues.page.locator(".smw-queue h2").first().textContent()) ?? "", /front · queue, served at kiosk/);
    for (const p of [compare, floor, queues]) assert.deepEqual(p.problems, []);
  } finally {
    await context.close();
  }
});

test("the snapshot strips show the store's own events on its clock, for the chosen cameras", { timeout: 300_000 }, async () => {
  const dir = join(site, "_file/data");
  const file = readdirSync(dir).find((n) => /^snapshots\.[0-9a-f]+\.json$/.test(n));
  assert.ok(file, "the store site carries data/snapshots.json");
  const snaps = JSON.parse(readFileSync(join(dir, file!), "utf8")) as { available: boolean; cameras: string[]; items: { kind: string; camera: number; t: number }[] };
  assert.ok(snaps.available);
  assert.deepEqual(snaps.cameras, ["front", "side"]);
  // the dataset's stills (every k-th past the cap), not the bundled clip's
  let taken = 0;
  for (const run of findRunDirs([STORE_DIR])) {
    if (existsSync(join(run, "snapshots.parquet"))) taken += Number((await query(`SELECT count(*)::INTEGER AS n FROM '${join(run, "snapshots.parquet")}'`))[0].n);
  }
  assert.ok(taken > 0);
  assert.equal(snaps.items.length, Math.ceil(taken / Math.ceil(taken / MAX_SNAPSHOTS)));
  assert.ok(snaps.items.every((s) => s.t >= 0 && s.t < 7 * 86400), "times on the store's clock: within the week from its first midnight");
  const crossings = (camera?: number) => snaps.items.filter((s) => s.kind === "cross" && (camera === undefined || s.camera === camera)).length;
  assert.ok(crossings(0) > 0 && crossings(1) > 0, "both cameras' crossings");
  assert.equal(new Set(snaps.items.map((s) => (s as unknown as { id: string }).id)).size, snaps.items.length, "one id per still across segments");
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${server.origin}/footfall`);
    const thumbs = page.locator("#snapshots .smw-snapshot");
    assert.equal(await thumbs.count(), crossings(), "the whole week, both cameras");
    await page.locator('input[data-camera="demo-store/front"]').uncheck();
    await page.waitForFunction((n) => document.querySelectorAll("#snapshots .smw-snapshot").length === n, crossings(1), { timeout: 10_000 });
    assert.match((await page.locator("#snapshots figcaption").innerText()), / · side · /);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the Count audit of a store's site shows frames of one of its cameras, not the bundled clip", () => {
  const dir = join(site, "_file/data");
  const file = readdirSync(dir).find((n) => /^audit-frames\.[0-9a-f]+\.json$/.test(n));
  assert.ok(file, "the store site carries data/audit-frames.json");
  const audit = JSON.parse(readFileSync(join(dir, file!), "utf8")) as { available: boolean; camera: string; run: string; frames: unknown[] };
  assert.ok(audit.available);
  assert.equal(audit.camera, "front");
  assert.ok(findRunDirs([STORE_DIR]).some((d) => d.endsWith(`/camera=front/${d.split("/").at(-2)}/${audit.run}`)), `${audit.run} is a segment of the dataset's front camera`);
  assert.ok(audit.frames.length > 0);
});
