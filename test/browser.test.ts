// The built workbench in a real browser (Debian's Chromium, offline):
// - every page of dist/ opens with no console error, no page error, no request leaving
//   127.0.0.1, no cell error, and charts that actually hold data marks;
// - dragging the footfall timeline's brush changes the dwell heat map;
// - the Compare page shows both maps, their difference and the zone table;
// - the bundled clip maps onto the demo store's floor plan (Floor page), and a run without a
//   queue zone says so on the Queues page.
// Builds dist/ first when it is missing or stale (see scripts/browser/build.ts). The store's pages on
// a rendered week of two cameras: test/browser-store.test.ts; their speed at a month of four
// cameras: test/browser-store-speed.test.ts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { useBuiltSite } from "./browser/site.ts";
import { dragTimeline, pageProblems } from "./browser/checks.ts";
import { openPage } from "../scripts/browser/page.ts";
import { DIST, distPages } from "../scripts/browser/serve-dist.ts";
import { PublishError, publishSite } from "../loaders/site/publish.ts";

/** Per page, what its charts must draw: selectors of data marks, each matching at least once. */
const EXPECTED_MARKS: Record<string, string[]> = {
  "/": [
    '#headline .smw-kpi-value',
    '#trajectories .smw-plot-box canvas.smw-paths',
    '#motion svg g[aria-description="heat"] image',
    '#people-in-view svg g[aria-label="area"] path',
    '#people-in-view svg g[aria-label="line"] path',
  ],
  "/trajectories": [
    '#paths .smw-plot-box canvas.smw-paths',
    '#paths svg g[aria-description="zone"] path',
    '#paths svg g[aria-description="track end"] circle',
    "#track-table table tbody tr",
  ],
  "/footfall": [
    '#visitors svg g[aria-label="rect"] rect',
    '#lines svg g[aria-label="rect"] rect',
    '#dayparts svg g[aria-label="bar"] rect',
  ],
  "/dwell": [
    '#dwell-map svg g[aria-description="heat"] image',
    '#dwell-map svg g[aria-description="contour"] path',
    '#zone-dwell svg g[aria-label="dot"] circle',
    '#impressions svg g[aria-label="bar"] rect',
  ],
  "/motion": ['#motion-map svg g[aria-description="heat"] image', '#dwell-map svg g[aria-description="heat"] image'],
  "/compare": [
    '#map-a svg g[aria-description="heat"] image',
    '#map-b svg g[aria-description="heat"] image',
    '#difference svg g[aria-description="heat"] image',
    "#zone-table table tbody tr",
    "#summary p",
  ],
  "/sales": ['#sales-time svg g[aria-label="rect"] rect', '#conversion svg g[aria-label="dot"] circle', ".smw-banner"],
  "/calendar": ["#heat button.smw-cell", '#days svg g[aria-label="bar"] rect', "#days table button[data-day]", "#dayparts button.smw-cell"],
  "/floor": ['#floor-dwell svg g[aria-description="heat"] image', "#floor-paths canvas.smw-paths", '#speeds svg g[aria-label="rect"] rect', "#floor-zones table tbody tr"],
  "/queues": ["#no-queue"],
};

const buildStarted = Date.now();
const site = useBuiltSite();
const { buildError } = site;
const buildSeconds = (Date.now() - buildStarted) / 1000;
const pages = buildError ? [] : distPages();

const newContext = () => site.browser().newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });

test("site builds with every page of the workbench", (t) => {
  assert.equal(buildError, undefined);
  t.diagnostic(`dist/ ready in ${buildSeconds.toFixed(1)} s (0 when it was up to date)`);
  for (const path of Object.keys(EXPECTED_MARKS)) assert.ok(pages.includes(path), `no page ${path} in ${DIST}: ${pages.join(", ")}`);
});

for (const path of pages) {
  test(`page ${path} renders offline with data and no errors`, { timeout: 120_000 }, async () => {
    const context = await newContext();
    try {
      const { page, problems } = await openPage(context, site.server().origin + path);

      problems.push(...(await pageProblems(page, EXPECTED_MARKS[path])));
      assert.deepEqual(problems, [], `${path}:\n  ${problems.join("\n  ")}`);
    } finally {
      await context.close();
    }
  });
}

const heatHref = (page: Page, card: string) => page.locator(`${card} svg g[aria-description="heat"] image`).first().getAttribute("href");

test("dragging the timeline window changes the dwell heat map", { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${site.server().origin}/dwell`);
    const before = await heatHref(page, "#dwell-map");
    const label = await page.locator(".smw-window strong").first().textContent();
    assert.match(label ?? "", /whole of the chosen dates/);
    await dragTimeline(page, 0.15, 0.5);
    await page.waitForFunction(
      (old) => document.querySelector('#dwell-map svg g[aria-description="heat"] image')?.getAttribute("href") !== old,
      before,
      { timeout: 10_000 },
    );
    const after = await heatHref(page, "#dwell-map");
    assert.notEqual(after, before, "the heat map did not change");
    assert.doesNotMatch((await page.locator(".smw-window strong").first().textContent()) ?? "", /whole of the chosen dates/);
    // a click outside the window goes back to the whole run, and to the first map
    const overlay = await page.locator(".smw-timeline .smw-brush .overlay").first().boundingBox();
    await page.mouse.click(overlay!.x + overlay!.width * 0.9, overlay!.y + overlay!.height / 2);
    await page.waitForFunction((old) => document.querySelector('#dwell-map svg g[aria-description="heat"] image')?.getAttribute("href") === old, before, {
      timeout: 10_000,
    });
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("hovering a path on the Trajectories page names the track and its times", { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${site.server().origin}/trajectories`);
    const svg = page.locator("#paths .smw-plot-box svg");
    await svg.scrollIntoViewIfNeeded();
    // the end dot of the first track: a point on its path
    const dot = await page.locator('#paths svg g[aria-description="track end"] circle').first().boundingBox();
    assert.ok(dot, "no track end to hover");
    await page.mouse.move(dot.x + dot.width / 2, dot.y + dot.height / 2, { steps: 3 });
    const tip = page.locator("#paths .smw-tip");
    await tip.waitFor({ state: "visible", timeout: 5_000 });
    const text = (await tip.textContent()) ?? "";
    assert.match(text, /track #\d+/);
    assert.match(text, /entered view .+left view .+time in view/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("the compare page shows both maps, their difference and a zone table with intervals", { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${site.server().origin}/compare`);
    const a = await heatHref(page, "#map-a");
    const b = await heatHref(page, "#map-b");
    assert.ok(a?.startsWith("data:image/png"), "map A missing");
    assert.ok(b?.startsWith("data:image/png"), "map B missing");
    assert.notEqual(a, b, "maps A and B are identical: the windows should differ");
    assert.ok(await heatHref(page, "#difference"), "difference map missing");
    const header = await page.locator("#zone-table thead").textContent();
    assert.match(header ?? "", /95% interval/);
    assert.ok((await page.locator("#zone-table tbody tr").count()) >= 2, "zone table has no zone rows");
    // the demo's zones see a handful of visits: no interval, and the page says why instead of a zero-width one
    assert.ok((await page.locator("#zone-table td.smw-ci").allTextContents()).includes("too few people to tell"), "no 'too few people' cell");
    assert.match((await page.locator("#summary").textContent()) ?? "", /Too few people in the windows to tell/);
    assert.match((await page.locator("#summary .smw-matched").textContent()) ?? "", /matched by weekday and hour of day/);
    // moving period B (the page's third timeline: the scope bar's own is hidden here) redraws map B
    await dragTimeline(page, 0.05, 0.3, { steps: 8, index: 2 });
    await page.waitForFunction((old) => document.querySelector('#map-b svg g[aria-description="heat"] image')?.getAttribute("href") !== old, b, { timeout: 10_000 });
    assert.match((await page.locator("#zone-table h2").textContent()) ?? "", /point estimates/);
    // back to the configured windows: the engine's intervals again
    await page.getByRole("button", { name: "Reset to the configured periods" }).click();
    await page.waitForFunction(() => !document.querySelector("#zone-table h2")?.textContent?.includes("point estimates"), null, { timeout: 10_000 });
    assert.equal(await heatHref(page, "#map-b"), b, "map B did not return to the configured window");
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test("pages agree on the whole run's visitor count", { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const counts: Record<string, string | null> = {};
    for (const path of ["/", "/footfall", "/sales"]) {
      const { page, problems } = await openPage(context, site.server().origin + path);
      assert.deepEqual(problems, []);
      counts[path] = await page.locator(".smw-kpis .smw-kpi-value").first().textContent();
      await page.close();
    }
    assert.ok(Number(counts["/"]) > 0, `no visitors on the Overview: ${JSON.stringify(counts)}`);
    assert.equal(new Set(Object.values(counts)).size, 1, `visitor counts differ: ${JSON.stringify(counts)}`);
  } finally {
    await context.close();
  }
});

test("publishSite refuses a folder that holds no run, before building anything", async () => {
  await assert.rejects(publishSite({ runs: ["test/fixtures"], out: "/tmp/smw-never-written" }), (e: unknown) => e instanceof PublishError && /no run\.json/.test(e.message));
  await assert.rejects(publishSite({ runs: [], out: "/tmp/smw-never-written" }), PublishError);
});
