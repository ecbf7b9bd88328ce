// The Count audit page in a real browser: the analyst rejects boxes and adds missed people by
// clicking, downloads the labels, and the saved file holds exactly the corrected counts in the
// frame,count form `smw calibrate` reads. Builds dist/ first when it is stale (scripts/browser/build.ts).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { Page } from "playwright-core";
import { parseLabels } from "../loaders/count/labels.ts";
import { openPage } from "../scripts/browser/page.ts";
import { useBuiltSite } from "./browser/site.ts";

const site = useBuiltSite();
const { buildError } = site;

interface FrameState {
  frame: number;
  count: number;
  boxes: number;
}

async function frames(page: Page): Promise<FrameState[]> {
  return page.$$eval("figure.smw-audit-frame", (figs) =>
    figs.map((f) => ({
      frame: Number((f as HTMLElement).dataset.frame),
      count: Number((f as HTMLElement).dataset.count),
      boxes: f.querySelectorAll("rect.audit-box").length,
    })),
  );
}

/** Client coordinates of a point of frame `index`'s picture that no box covers. */
async function emptySpot(page: Page, index: number, avoid: [number, number][] = []): Promise<{ x: number; y: number }> {
  await page.locator("figure.smw-audit-frame").nth(index).scrollIntoViewIfNeeded(); // mouse clicks land in the viewport only
  return page.$$eval(
    "figure.smw-audit-frame svg",
    (svgs, { index, avoid }) => {
      // no named helpers in here: the test runner's transpiler would wrap them in a __name() the page lacks
      const svg = svgs[index] as SVGSVGElement;
      const [, , w, h] = svg.getAttribute("viewBox")!.split(" ").map(Number);
      const rects = Array.from(svg.querySelectorAll("rect.audit-box")).map((r) => ["x", "y", "width", "height"].map((k) => Number(r.getAttribute(k))));
      for (let gy = 0.9; gy > 0.05; gy -= 0.05) {
        for (let gx = 0.05; gx < 0.95; gx += 0.05) {
          const x = gx * w, y = gy * h;
          const clear = rects.every(([rx, ry, rw, rh]) => x < rx - 12 || x > rx + rw + 12 || y < ry - 12 || y > ry + rh + 12) &&
            avoid.every(([ax, ay]) => Math.hypot(ax - x, ay - y) > 30);
          if (!clear) continue;
          const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM()!);
          return { x: p.x, y: p.y };
        }
      }
      throw new Error("no empty spot on the frame");
    },
    { index, avoid },
  );
}

async function clickBox(page: Page, frameIndex: number, box: number): Promise<void> {
  await page.locator("figure.smw-audit-frame").nth(frameIndex).locator(`rect.audit-box[data-i="${box}"]`).click();
}

test("audit page: reject and add by clicking, download the corrected frame,count labels", { timeout: 180_000 }, async (t) => {
  assert.equal(buildError, undefined, buildError);
  const context = await site.browser().newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block", acceptDownloads: true });
  try {
    const { page, problems } = await openPage(context, `${site.server().origin}/audit`);
    await page.waitForSelector("figure.smw-audit-frame rect.audit-box");
    const start = await frames(page);
    assert.ok(start.length >= 10 && start.length <= 12, `expected ~12 sampled frames, got ${start.length}`);
    assert.ok(start.every((f, i) => i === 0 || f.frame > start[i - 1].frame), "frames in time order");
    const withBoxes = start.map((f, i) => [f, i] as const).filter(([f]) => f.boxes >= 2);
    assert.ok(withBoxes.length >= 3, "the demo run has frames with at least two boxes");
    const [a, b, c] = withBoxes.map(([, i]) => i);
    const expected = start.map((f) => f.count);

    // frame a: reject two boxes
    await clickBox(page, a, 0);
    await clickBox(page, a, 1);
    expected[a] -= 2;
    // frame b: add two missed people on empty floor
    const p1 = await emptySpot(page, b);
    await page.mouse.click(p1.x, p1.y);
    const added = await page.locator("figure.smw-audit-frame").nth(b).locator("circle.audit-added").getAttribute("cx");
    const p2 = await emptySpot(page, b, [[Number(added), Number(await page.locator("figure.smw-audit-frame").nth(b).locator("circle.audit-added").getAttribute("cy"))]]);
    await page.mouse.click(p2.x, p2.y);
    expected[b] += 2;
    // frame c: reject a box and change your mind; add a person and take it back; then one real rejection
    await clickBox(page, c, 0);
    await clickBox(page, c, 0);
    const p3 = await emptySpot(page, c);
    await page.mouse.click(p3.x, p3.y);
    await page.locator("figure.smw-audit-frame").nth(c).locator("circle.audit-added").first().click();
    await clickBox(page, c, 1);
    expected[c] -= 1;

    const now = await frames(page);
    assert.deepEqual(now.map((f) => f.count), expected, "counts shown on the page follow the clicks");
    assert.equal(await page.locator("figure.smw-audit-frame").nth(b).locator("circle.audit-added").count(), 2);
    assert.equal(await page.locator("figure.smw-audit-frame").nth(c).locator("circle.audit-added").count(), 0);

    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("button.smw-audit-download").click()]);
    assert.match(download.suggestedFilename(), /labels\.csv$/);
    const text = readFileSync((await download.path())!, "utf8");
    t.diagnostic(`saved ${download.suggestedFilename()}:\n${text}`);
    const lines = text.trim().split("\n");
    assert.equal(lines[0], "frame,count");
    assert.deepEqual(lines.slice(1), start.map((f, i) => `${f.frame + 1},${expected[i]}`), "1-based frames with the corrected counts");
    // and it is a labelled-frames file calibration accepts, with the same frames and counts
    assert.deepEqual(parseLabels(text, "download"), start.map((f, i) => ({ frame: f.frame, count: expected[i] })));

    // undo restores the detector's counts
    await page.locator("button.smw-audit-reset").click();
    assert.deepEqual((await frames(page)).map((f) => f.count), start.map((f) => f.count));
    assert.deepEqual(problems, [], problems.join("\n"));
  } finally {
    await context.close();
  }
});
