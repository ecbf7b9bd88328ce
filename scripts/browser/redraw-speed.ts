// How long a store page takes to redraw every view after the scope bar changes (a time window, or
// the cameras chosen), at the size of a month of four cameras: a synthetic store
// (synthetic-store.ts, the exact format of data/store.bin) is served in place of the built site's
// bundle. The browser test holds each page to redrawing at all for every change; `npm run
// bench:store` prints the times against the target (median under 100 ms, p90 under 150 ms).
import { quantile } from "d3";
import type { Browser, Page } from "playwright-core";
import { openPage } from "./page.ts";
import type { SyntheticStore } from "./synthetic-store.ts";

export const REDRAW_TARGET_MS = 100;

// camera choices to switch between (the queue is camera 1's, so the Queues page keeps it chosen)
const CHOICES = [[0], [0, 1], [1, 2, 3], [0, 1, 2, 3], [2], [0, 3]];
export const STORE_PAGES: { path: string; views: string[]; choices?: number[][] }[] = [
  { path: "/", views: ["paths", "people in view"] },
  { path: "/calendar", views: ["heat", "days", "day table", "dayparts"] },
  { path: "/footfall", views: ["visitors", "lines", "dayparts"] },
  { path: "/trajectories", views: ["paths"] },
  { path: "/dwell", views: ["dwell map", "zone dwell", "impressions"] },
  { path: "/floor", views: ["floor dwell", "floor paths", "speeds"] },
  { path: "/queues", views: ["queue length", "waits"], choices: [[0], [0, 1], [0, 2, 3], [0, 1, 2, 3], [0, 2], [0, 3]] },
];

// Runs in the page (a string: tsx would wrap named inner functions in a helper the page lacks).
// Each action is {window: [t0, t1]} or {cameras: [...]}; waits until every view has drawn for it.
const MEASURE = `async ({views, actions}) => {
  const g = globalThis;
  const bar = document.querySelector(".smw-scope");
  const out = [];
  for (const action of actions) {
    if (action.window) bar.setWindow(action.window[0], action.window[1]);
    else bar.setCameras(action.cameras);
    const id = g.__smwWindowChange.id;
    const started = performance.now();
    for (;;) {
      const seen = new Set((g.__smwRenders ?? []).filter((r) => r.id === id).map((r) => r.view));
      if (views.every((v) => seen.has(v))) break;
      if (performance.now() - started > 15000) throw new Error("views " + views.filter((v) => !seen.has(v)) + " did not update within 15 s");
      await new Promise((r) => setTimeout(r, 2));
    }
    await new Promise((r) => setTimeout(r, 60));
    const entries = g.__smwRenders.filter((r) => r.id === id);
    out.push({kind: action.window ? "window" : "cameras", ms: Math.max(...entries.map((r) => r.ms)), views: Object.fromEntries(entries.map((r) => [r.view, r.ms]))});
  }
  return out;
}`;

type Timing = { kind: "window" | "cameras"; ms: number; views: Record<string, number> };

async function measure(page: Page, views: string[], actions: unknown[]): Promise<Timing[]> {
  return page.evaluate(`(${MEASURE})(${JSON.stringify({ views, actions })})`) as Promise<Timing[]>;
}

/** Windows of an hour (noon), a day, a week and the whole month, at four places each; then the camera choices. */
function scopeChanges(month: SyntheticStore, choices: number[][]): unknown[] {
  const [e0, e1] = month.extent;
  const actions: unknown[] = [];
  for (const length of [3600, 86400, 7 * 86400, e1 - e0]) {
    for (const day of [0, 9, 19, 29].map((d) => Math.min(d, month.days - 1))) {
      const t0 = length === e1 - e0 ? e0 : Math.min(e1 - length, day * 86400 + (length === 3600 ? 12 * 3600 : 0));
      actions.push({ window: [Math.max(e0, t0), Math.max(e0, t0) + length] });
    }
  }
  return [...actions, ...choices.map((cameras) => ({ cameras }))];
}

export interface RedrawMeasurement {
  /** Console errors, failed or off-machine requests, cell errors while the page was open. */
  problems: string[];
  /** One entry per scope change; each view drew for every one of them (else measuring threw). */
  timings: Timing[];
  median: number;
  p90: number;
  /** One line: the store's size, window and camera change medians and maxima, each view's median. */
  report: string;
}

export async function measureRedraws(browser: Browser, origin: string, month: SyntheticStore, page: (typeof STORE_PAGES)[number]): Promise<RedrawMeasurement> {
  const { path, views, choices = CHOICES } = page;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
  await context.route("**/_file/data/store.*.bin", (route) => route.fulfill({ body: Buffer.from(month.bytes), contentType: "application/octet-stream" }));
  try {
    const opened = await openPage(context, origin + path, { timeout: 120_000 });
    const [e0] = month.extent;
    await measure(opened.page, views, [{ window: [e0, e0 + 86400] }, { cameras: [0, 1, 2, 3] }]); // warm-up (JIT)
    const timings = await measure(opened.page, views, scopeChanges(month, choices));
    const of = (kind: string) => timings.filter((x) => x.kind === kind).map((x) => x.ms);
    const q = (xs: number[], p: number) => quantile(xs, p) ?? NaN;
    const all = timings.map((x) => x.ms);
    const perView = views.map((v) => `${v} ${q(timings.map((x) => x.views[v]), 0.5).toFixed(1)}`);
    const report = `${path}, ${month.cameras} cameras x ${month.days} days (${month.visitors.toLocaleString("en-US")} customers, ${month.dwellEntries.toLocaleString("en-US")} dwell and ${month.floorEntries.toLocaleString("en-US")} floor entries, ${month.pathPoints.toLocaleString("en-US")} path points): ` +
      `window change median ${q(of("window"), 0.5).toFixed(1)} ms (max ${Math.max(...of("window")).toFixed(1)}), camera change median ${q(of("cameras"), 0.5).toFixed(1)} ms (max ${Math.max(...of("cameras")).toFixed(1)}); per view median: ${perView.join(", ")}`;
    return { problems: opened.problems, timings, median: q(all, 0.5), p90: q(all, 0.9), report };
  } finally {
    await context.close();
  }
}
