// The built workbench in a real browser: every page of dist/ opens in Debian's Chromium with
// no console error, no page error, no request leaving 127.0.0.1, no cell error, and charts
// that actually hold data marks. Builds dist/ first when it is missing (which runs the loaders,
// and through them the analysis of the bundled clip: minutes, not seconds).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { isLocal, launchChromium } from "./browser/chromium.ts";
import { DIST, REPO_ROOT, distPages, serveDist, type DistServer } from "./browser/serve-dist.ts";

/** Per page, what its charts must draw: selectors of data marks, each matching at least once. */
const EXPECTED_MARKS: Record<string, string[]> = {
  "/": [
    '#trajectories svg g[aria-label="line"] path',
    '#trajectories svg g[aria-label="dot"] circle',
    '#motion svg g[aria-label="image"] image',
    '#people-in-view svg g[aria-label="area"] path',
    '#people-in-view svg g[aria-label="line"] path',
  ],
};

// Plot groups that are scaffolding rather than data.
const NON_DATA = /axis|grid|frame|tip|rule|legend/;

// Build before the tests are declared, so that a fresh checkout still gets one test per page.
function ensureBuilt(): string | undefined {
  if (existsSync(join(DIST, "index.html"))) return undefined;
  console.error("dist/index.html is missing: running `npx observable build` (runs the analysis if needed)");
  const build = spawnSync("npx", ["observable", "build"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", 2, 2], // keep stdout for the test runner's TAP stream
    timeout: 20 * 60_000,
    env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" },
  });
  if (build.status !== 0) return `observable build failed (status ${build.status}, signal ${build.signal}, ${build.error ?? "see its output above"})`;
  if (!existsSync(join(DIST, "index.html"))) return "observable build wrote no dist/index.html";
  return undefined;
}
const buildError = ensureBuilt();
const pages = buildError ? [] : distPages();

let server: DistServer;
let browser: Browser;

before(async () => {
  if (buildError) return;
  server = await serveDist();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test("site builds with an index page", () => {
  assert.equal(buildError, undefined);
  assert.ok(pages.includes("/"), `no index page in ${DIST}: ${pages.join(", ")}`);
});

for (const path of pages) {
  test(`page ${path} renders offline with data and no errors`, { timeout: 120_000 }, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
    const problems: string[] = [];
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (isLocal(url)) return route.continue();
      problems.push(`request to a non-loopback host: ${url}`);
      return route.abort("blockedbyclient");
    });
    const page = await context.newPage();
    page.on("console", (msg) => {
      if (msg.type() === "error") problems.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.stack ?? error.message}`));
    page.on("response", (response) => {
      if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    });
    page.on("requestfailed", (request) => {
      if (isLocal(request.url())) problems.push(`request failed: ${request.url()} (${request.failure()?.errorText})`);
    });
    try {
      await page.goto(server.origin + path, { waitUntil: "load" });
      // Framework replaces each <observablehq-loading> placeholder when its cell settles.
      await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, null, {
        timeout: 60_000,
      });
      await page.waitForLoadState("networkidle");

      const cellErrors = await page.$$eval(".observablehq--error", (nodes) => nodes.map((n) => n.textContent));
      for (const text of cellErrors) problems.push(`cell error: ${text}`);

      // every Plot chart on the page holds at least one data mark with something in it
      const charts = await page.$$eval("svg[class^='plot']", (svgs, nonData) =>
        svgs
          .filter((svg) => !svg.closest("[class$='-swatches'], [class$='-ramp']") && !svg.parentElement?.className.toString().includes("legend"))
          .map((svg) => {
            const groups = Array.from(svg.querySelectorAll(":scope > g[aria-label]"));
            const data = groups.filter((g) => !new RegExp(nonData).test(g.getAttribute("aria-label") ?? ""));
            return {
              where: svg.closest("[id]")?.id ?? "(page)",
              marks: data.map((g) => `${g.getAttribute("aria-label")}:${g.childElementCount}`),
              filled: data.some((g) => g.childElementCount > 0 || g.tagName === "image"),
            };
          }),
        NON_DATA.source,
      );
      for (const chart of charts) {
        if (!chart.filled) problems.push(`chart in #${chart.where} has no data marks (${chart.marks.join(", ") || "none"})`);
      }

      for (const marks of EXPECTED_MARKS[path] ?? []) {
        const count = await page.locator(marks).count();
        if (!(count > 0)) problems.push(`expected data marks, found none: ${marks}`);
      }

      // hovering a chart (pointer tips) must not throw either
      for (const svg of await page.locator("svg[class^='plot']:has(> g[aria-label='tip'])").all()) {
        await svg.scrollIntoViewIfNeeded();
        const box = await svg.boundingBox();
        if (box) await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
      }
      const tips = await page.locator("svg g[aria-label='tip'] text").count();
      if (tips === 0 && (await page.locator("svg g[aria-label='tip']").count()) > 0) problems.push("hovering charts showed no tip");

      // pictures drawn inside charts (background plate, heatmap) decoded to real pixels
      const images = await page.$$eval("svg image", (nodes) =>
        Promise.all(
          nodes.map(async (node) => {
            const href = node.getAttribute("href") ?? "";
            const img = new Image();
            img.src = href;
            try {
              await img.decode();
              return { href, ok: img.naturalWidth > 0 };
            } catch {
              return { href, ok: false };
            }
          }),
        ),
      );
      for (const { href, ok } of images) if (!ok) problems.push(`chart image did not load: ${href}`);
    } finally {
      await context.close();
    }
    assert.deepEqual(problems, [], `${path}:\n  ${problems.join("\n  ")}`);
  });
}
