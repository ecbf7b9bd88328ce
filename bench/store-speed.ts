// `npm run bench:store`: how fast the store pages answer the scope bar at a month of four cameras
// (scripts/browser/redraw-speed.ts): per page, the redraw time of every view after a window or
// camera change, against the target (median under 100 ms, p90 under 150 ms). Builds dist/ first
// when it is stale; uses Debian's Chromium.
import { loadavg } from "node:os";
import { ensureBuilt } from "../scripts/browser/build.ts";
import { launchChromium } from "../scripts/browser/chromium.ts";
import { measureRedraws, REDRAW_TARGET_MS, STORE_PAGES } from "../scripts/browser/redraw-speed.ts";
import { serveDist } from "../scripts/browser/serve-dist.ts";
import { syntheticStore } from "../scripts/browser/synthetic-store.ts";

const buildError = ensureBuilt();
if (buildError) {
  console.error(`bench:store: ${buildError}`);
  process.exit(1);
}
const month = syntheticStore({ cameras: 4, days: 30 });
const server = await serveDist();
const browser = await launchChromium();
let over = 0;
try {
  console.log(`| page | median ms | p90 ms | target (median < ${REDRAW_TARGET_MS}, p90 < ${1.5 * REDRAW_TARGET_MS}) |`);
  console.log("|---|---|---|---|");
  const reports: string[] = [];
  for (const page of STORE_PAGES) {
    const m = await measureRedraws(browser, server.origin, month, page);
    const ok = m.median < REDRAW_TARGET_MS && m.p90 < 1.5 * REDRAW_TARGET_MS;
    if (!ok) over++;
    console.log(`| ${page.path} | ${m.median.toFixed(1)} | ${m.p90.toFixed(1)} | ${ok ? "met" : "**missed**"}${m.problems.length ? ` (${m.problems.length} page problems)` : ""} |`);
    reports.push(m.report);
  }
  console.log(`\n${reports.join("\n")}`);
} finally {
  await browser.close();
  await server.close();
}
if (over) console.log(`\n${over} of ${STORE_PAGES.length} pages missed the target on this machine (load ${loadavg()[0].toFixed(1)})`);
