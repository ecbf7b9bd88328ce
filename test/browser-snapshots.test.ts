// Event snapshots in the workbench and pictures of people in built sites:
// - the Footfall and Dwell pages show the run's snapshots as a strip; clicking an event shows its
//   still (real Chromium, no console error);
// - a scan of the built site (dist/, as `npm run build` makes it: blurred) finds no raw head in
//   any picture, audit frames and the background plate included;
// - `smw publish` carries no picture of people by default (no snapshots, no audit frames), and
//   the scan does find the raw heads of a site published with --snapshots raw (so it can fail).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { publishSite } from "../loaders/site/publish.ts";
import { readRun } from "../loaders/run/read.ts";
import { openPage } from "../scripts/browser/page.ts";
import { DIST, REPO_ROOT } from "../scripts/browser/serve-dist.ts";
import { useBuiltSite } from "./browser/site.ts";
import { tempDir } from "./helpers.ts";
import { scanSite } from "./privacy-scan.ts";

const site = useBuiltSite();
const { buildError } = site;
const runDir = join(REPO_ROOT, process.env.SMW_RUN ?? "data/runs/demo");

const video = () => {
  const { video: v } = readRun(runDir);
  return { path: v.path, width: v.width, height: v.height, frames: v.frameCount };
};

for (const [path, kinds] of [["/footfall", ["cross"]], ["/dwell", ["zone", "alert"]]] as const) {
  test(`${path}: the snapshot strip shows the events' stills; clicking one shows it`, { timeout: 180_000 }, async () => {
    assert.equal(buildError, undefined);
    const expected = JSON.parse(readFileSync(join(DIST, "_file/data", readdirSnapshots()), "utf8"));
    assert.ok(expected.available && expected.blurred, "the default build carries blurred snapshots");
    const mine = expected.items.filter((s: { kind: string }) => (kinds as readonly string[]).includes(s.kind));
    assert.ok(mine.length >= 1, `snapshots of ${kinds.join("/")} in the demo run`);
    const context = await site.browser().newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
    try {
      const { page, problems } = await openPage(context, site.server().origin + path);
      const strip = page.locator("#snapshots .smw-snapshot");
      assert.equal(await strip.count(), mine.length, "one thumbnail per event of the run (the whole run is the window)");
      const ids = await strip.evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.event));
      assert.deepEqual(ids, mine.map((s: { id: string }) => s.id));
      // the first is shown at first; click the last
      const view = page.locator("#snapshots .smw-snapshot-view img");
      assert.equal(await view.getAttribute("data-event"), ids[0]);
      await strip.last().scrollIntoViewIfNeeded();
      await strip.last().click();
      assert.equal(await view.getAttribute("data-event"), ids.at(-1));
      assert.equal(await strip.last().getAttribute("aria-selected"), "true");
      assert.match(await page.locator("#snapshots figcaption").innerText(), /people blurred/);
      const size = await view.evaluate((img) => [(img as HTMLImageElement).naturalWidth, (img as HTMLImageElement).naturalHeight]);
      assert.deepEqual(size, [320, 240], "the still decoded");
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

/** The hashed file name Framework gave data/snapshots.json. */
function readdirSnapshots(): string {
  const files = readdirSync(join(DIST, "_file/data"));
  const f = files.find((n) => /^snapshots\.[0-9a-f]+\.json$/.test(n));
  assert.ok(f, `no snapshots json in ${files.join(", ")}`);
  return f!;
}

test("the built workbench carries no raw picture of a person: audit frames, snapshots and the plate are blurred", { timeout: 600_000 }, async () => {
  assert.equal(buildError, undefined);
  const r = await scanSite(DIST, runDir, video());
  console.log(`dist/: ${r.images} images, ${r.pictures} of them pictures of the camera, ${r.heads} heads checked, ${r.findings.length} raw`);
  assert.ok(r.pictures >= 13, "audit frames, snapshots and the plate were found and checked");
  assert.ok(r.heads >= 30);
  assert.deepEqual(r.findings, []);
});

test("smw publish leaves pictures of people out unless asked; with --snapshots raw the scan finds them", { timeout: 1_200_000 }, async () => {
  const none = join(tempDir("smw-publish-none-"), "site");
  await publishSite({ runs: [runDir], out: none, log: () => {} });
  const jpegs = (readdirSync(none, { recursive: true }) as string[]).filter((f) => /\.jpe?g$/i.test(f) || (/\.(json|js|html)$/.test(f) && readFileSync(join(none, f), "utf8").includes("data:image/jpeg")));
  assert.deepEqual(jpegs, [], "no JPEG in a site published by default");
  const scanNone = await scanSite(none, runDir, video());
  console.log(`published (default): ${scanNone.images} images, ${scanNone.pictures} pictures, ${scanNone.findings.length} raw heads`);
  assert.deepEqual(scanNone.findings, []);

  const raw = join(tempDir("smw-publish-raw-"), "site");
  await publishSite({ runs: [runDir], out: raw, snapshots: "raw", log: () => {} });
  const scanRaw = await scanSite(raw, runDir, video());
  console.log(`published --snapshots raw: ${scanRaw.pictures} pictures, ${scanRaw.heads} heads, ${scanRaw.findings.length} raw heads found`);
  assert.ok(scanRaw.findings.length >= 10, "the audit frames' raw heads are found");
});
