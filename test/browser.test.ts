// The built workbench in a real browser (Debian's Chromium, offline):
// - every page of dist/ opens with no console error, no page error, no request leaving
//   127.0.0.1, no cell error, and charts that actually hold data marks;
// - dragging the footfall timeline's brush changes the dwell heat map;
// - the Compare page shows both maps, their difference and the zone table;
// - a window change reaches every view of the Dwell and Trajectories pages fast with a
//   synthetic day of 1M track points served in place of the demo run's files (figures printed).
// Builds dist/ first when it is missing or stale (see test/browser/build.ts).
import { quantile } from "d3";
import assert from "node:assert/strict";
import { test } from "node:test";
import type { BrowserContext, Page } from "playwright-core";
import { useBuiltSite } from "./browser/site.ts";
import { openPage } from "../scripts/browser/page.ts";
import { DIST, distPages } from "../scripts/browser/serve-dist.ts";
import { syntheticDay } from "./browser/synthetic.ts";
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
};

// Plot groups that are scaffolding rather than data.
const NON_DATA = /axis|grid|frame|tip|rule|legend|halo|label/;

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

      // every Plot chart on the page holds at least one data mark with something in it
      const charts = await page.$$eval(
        "svg[class^='plot']",
        (svgs, nonData) =>
          svgs
            .filter((svg) => !svg.closest("[class$='-swatches'], [class$='-ramp']") && !svg.parentElement?.className.toString().includes("legend"))
            .map((svg) => {
              const groups = Array.from(svg.querySelectorAll(":scope > g[aria-label], :scope > foreignObject[aria-label]"));
              const data = groups.filter((g) => !new RegExp(nonData).test(g.getAttribute("aria-label") ?? ""));
              return {
                where: svg.closest("[id]")?.id ?? "(page)",
                marks: data.map((g) => `${g.getAttribute("aria-label")}:${g.childElementCount}`),
                filled: data.some((g) => g.childElementCount > 0),
              };
            }),
        NON_DATA.source,
      );
      for (const chart of charts) {
        if (!chart.filled) problems.push(`chart in #${chart.where} has no data marks (${chart.marks.join(", ") || "none"})`);
      }
      for (const marks of EXPECTED_MARKS[path] ?? []) {
        if (!((await page.locator(marks).count()) > 0)) problems.push(`expected data marks, found none: ${marks}`);
      }

      // canvases (paths) hold drawn pixels
      const blank = await page.$$eval("figure canvas.smw-paths", (canvases) =>
        (canvases as HTMLCanvasElement[]).filter((c) => {
          const { data } = c.getContext("2d")!.getImageData(0, 0, c.width, c.height);
          for (let i = 3; i < data.length; i += 4) if (data[i]) return false;
          return true;
        }).length,
      );
      if (blank) problems.push(`${blank} canvas(es) with nothing drawn`);

      // hovering a chart (pointer tips) must not throw either
      for (const svg of await page.locator("svg[class^='plot']:has(> g[aria-label='tip'])").all()) {
        await svg.scrollIntoViewIfNeeded();
        const box = await svg.boundingBox();
        if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height * 0.6, { steps: 4 });
      }

      // pictures drawn inside charts (background plate, heat maps) decoded to real pixels
      const images = await page.$$eval("svg image", (nodes) =>
        Promise.all(
          nodes.map(async (node) => {
            const href = node.getAttribute("href") ?? "";
            const img = new Image();
            img.src = href;
            try {
              await img.decode();
              return { href: href.slice(0, 80), ok: img.naturalWidth > 0 };
            } catch {
              return { href: href.slice(0, 80), ok: false };
            }
          }),
        ),
      );
      for (const { href, ok } of images) if (!ok) problems.push(`chart image did not load: ${href}`);
      assert.deepEqual(problems, [], `${path}:\n  ${problems.join("\n  ")}`);
    } finally {
      await context.close();
    }
  });
}

/** Drags across the page's (first) timeline from fraction `from` to `to` of its plot area. */
async function dragTimeline(page: Page, from: number, to: number, steps = 12): Promise<void> {
  const overlay = page.locator(".smw-timeline .smw-brush .overlay").first();
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  assert.ok(box, "timeline brush not found");
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps });
  await page.mouse.up();
}

const heatHref = (page: Page, card: string) => page.locator(`${card} svg g[aria-description="heat"] image`).first().getAttribute("href");

test("dragging the timeline window changes the dwell heat map", { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const { page, problems } = await openPage(context, `${site.server().origin}/dwell`);
    const before = await heatHref(page, "#dwell-map");
    const label = await page.locator(".smw-window strong").first().textContent();
    assert.match(label ?? "", /whole run/);
    await dragTimeline(page, 0.15, 0.5);
    await page.waitForFunction(
      (old) => document.querySelector('#dwell-map svg g[aria-description="heat"] image')?.getAttribute("href") !== old,
      before,
      { timeout: 10_000 },
    );
    const after = await heatHref(page, "#dwell-map");
    assert.notEqual(after, before, "the heat map did not change");
    assert.doesNotMatch((await page.locator(".smw-window strong").first().textContent()) ?? "", /whole run/);
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
    // moving window B redraws map B only
    await page.locator(".smw-timeline").nth(1).scrollIntoViewIfNeeded();
    const overlay = await page.locator(".smw-timeline .smw-brush .overlay").nth(1).boundingBox();
    const y = overlay!.y + overlay!.height / 2;
    await page.mouse.move(overlay!.x + overlay!.width * 0.05, y);
    await page.mouse.down();
    await page.mouse.move(overlay!.x + overlay!.width * 0.3, y, { steps: 8 });
    await page.mouse.up();
    await page.waitForFunction((old) => document.querySelector('#map-b svg g[aria-description="heat"] image')?.getAttribute("href") !== old, b, { timeout: 10_000 });
    assert.match((await page.locator("#zone-table h2").textContent()) ?? "", /point estimates/);
    // back to the configured windows: the engine's intervals again
    await page.getByRole("button", { name: "Reset to the configured windows" }).click();
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

// ---- window-change speed on a synthetic day of 1M track points ----

interface Timing {
  windowSeconds: number;
  ms: number;
  painted: number;
  views: Record<string, number>;
}

// Runs in the page. A string, not a function: tsx would wrap named inner functions in a helper
// the page does not have.
const MEASURE = `async ({views, windows}) => {
  const g = globalThis;
  const timeline = document.querySelector(".smw-window-bar .smw-timeline");
  const out = [];
  for (const [t0, t1] of windows) {
    timeline.setWindow(t0, t1);
    const id = g.__smwWindowChange.id;
    const started = performance.now();
    for (;;) {
      const seen = new Set((g.__smwRenders ?? []).filter((r) => r.id === id).map((r) => r.view));
      if (views.every((v) => seen.has(v))) break;
      if (performance.now() - started > 10000) throw new Error("views " + views + " did not all update within 10 s");
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 120)); // let the paint measurement land
    const entries = g.__smwRenders.filter((r) => r.id === id);
    out.push({windowSeconds: t1 - t0, ms: Math.max(...entries.map((r) => r.ms)), painted: Math.max(...entries.map((r) => r.painted)), views: Object.fromEntries(entries.map((r) => [r.view, r.ms]))});
  }
  return out;
}`;

const COMPLETED = `(views) => {
  const byId = new Map();
  for (const r of globalThis.__smwRenders ?? []) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
  return [...byId.values()].filter((rs) => views.every((v) => rs.some((r) => r.view === v))).map((rs) => Math.max(...rs.map((r) => r.ms)));
}`;

async function measureWindowChanges(page: Page, views: string[], windows: [number, number][]): Promise<Timing[]> {
  return page.evaluate(`(${MEASURE})(${JSON.stringify({ views, windows })})`) as Promise<Timing[]>;
}

const quantileOf = (values: number[], q: number) => quantile(values, q) ?? NaN;

async function syntheticContext(): Promise<{ context: BrowserContext; day: ReturnType<typeof syntheticDay> }> {
  const day = syntheticDay({ pointCount: 1_000_000 });
  const context = await newContext();
  await context.route("**/_file/data/a/points.*.bin", (route) => route.fulfill({ body: Buffer.from(day.points), contentType: "application/octet-stream" }));
  await context.route("**/_file/data/a/events.*.bin", (route) => route.fulfill({ body: Buffer.from(day.events), contentType: "application/octet-stream" }));
  await context.route("**/_file/data/a/paths.*.bin", (route) => route.fulfill({ body: Buffer.from(day.paths), contentType: "application/octet-stream" }));
  await context.route("**/_file/data/a/timeline.*.json", (route) => route.fulfill({ body: day.timeline, contentType: "application/json" }));
  return { context, day };
}

for (const { path, views, limit } of [
  { path: "/dwell", views: ["dwell map", "zone dwell", "impressions"], limit: 100 },
  { path: "/trajectories", views: ["paths"], limit: 100 },
]) {
  test(`a window change updates every view of ${path} in under ${limit} ms with 1M track points`, { timeout: 180_000 }, async (t) => {
    const { context, day } = await syntheticContext();
    try {
      const { page, problems } = await openPage(context, site.server().origin + path);
      // windows of 5 min, 30 min, 2 h and the whole day, at five places each
      const windows: [number, number][] = [];
      for (const length of [300, 1800, 7200, day.duration]) {
        for (let k = 0; k < 5; k++) {
          const t0 = ((day.duration - length) * k) / 4;
          windows.push([t0, t0 + length]);
        }
      }
      await measureWindowChanges(page, views, [[0, 600]]); // warm-up (JIT)
      const timings = await measureWindowChanges(page, views, windows);
      // and a real drag with the mouse: every change that reached all views
      await page.evaluate(`document.querySelector(".smw-window-bar .smw-timeline").setWindow(null); globalThis.__smwRenders = []`);
      await page.waitForTimeout(300);
      await page.evaluate("globalThis.__smwRenders = []");
      await dragTimeline(page, 0.1, 0.6, 20);
      await page.waitForTimeout(300);
      const dragged = (await page.evaluate(`(${COMPLETED})(${JSON.stringify(views)})`)) as number[];

      const ms = timings.map((d) => d.ms);
      const painted = timings.map((d) => d.painted);
      const byLength = [300, 1800, 7200, day.duration].map((length) => {
        const m = timings.filter((d) => d.windowSeconds === length).map((d) => d.ms);
        return `${length === day.duration ? "whole day" : `${length / 60} min`}: ${quantileOf(m, 0.5).toFixed(1)} ms`;
      });
      const report =
        `${path}, ${day.pointCount.toLocaleString("en-US")} track points, ${day.trackCount} tracks: window change -> all views updated ` +
        `median ${quantileOf(ms, 0.5).toFixed(1)} ms, p90 ${quantileOf(ms, 0.9).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms ` +
        `(painted: median ${quantileOf(painted, 0.5).toFixed(1)} ms, max ${Math.max(...painted).toFixed(1)} ms); ` +
        `by window ${byLength.join(", ")}; mouse drag: ${dragged.length} updates, median ${dragged.length ? quantileOf(dragged, 0.5).toFixed(1) : "–"} ms`;
      const perView = views.map((v) => `${v} ${quantileOf(timings.map((d) => d.views[v]), 0.5).toFixed(1)}/${Math.max(...timings.map((d) => d.views[v])).toFixed(1)}`);
      t.diagnostic(report);
      t.diagnostic(`per view (median/max ms after the change): ${perView.join(", ")}`);
      console.error(report);
      assert.deepEqual(problems, []);
      assert.ok(dragged.length > 0, "dragging produced no complete update");
      assert.ok(quantileOf(ms, 0.5) < limit, `median window update ${quantileOf(ms, 0.5).toFixed(1)} ms >= ${limit} ms`);
      assert.ok(quantileOf(ms, 0.9) < limit * 1.5, `p90 window update ${quantileOf(ms, 0.9).toFixed(1)} ms >= ${limit * 1.5} ms`);
    } finally {
      await context.close();
    }
  });
}
