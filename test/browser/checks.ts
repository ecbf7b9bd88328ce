// What every page of a built site must show in the browser, beyond opening without errors: Plot
// charts that hold data marks, the data marks a page promises (CSS selectors), path canvases
// with pixels, chart pictures that decode, and pointer tips that do not throw. Returns problems.
import type { Page } from "playwright-core";

// Plot groups that are scaffolding rather than data.
const NON_DATA = /axis|grid|frame|tip|rule|legend|halo|label/;

/** Drags across a timeline brush (the `index`th on the page) from fraction `from` to `to` of its plot area. */
export async function dragTimeline(page: Page, from: number, to: number, { steps = 12, index = 0 } = {}): Promise<void> {
  const overlay = page.locator(".smw-timeline .smw-brush .overlay").nth(index);
  await overlay.scrollIntoViewIfNeeded();
  const box = await overlay.boundingBox();
  if (!box) throw new Error("timeline brush not found");
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * from, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * to, y, { steps });
  await page.mouse.up();
}

export async function pageProblems(page: Page, expectedMarks: string[] = []): Promise<string[]> {
  const problems: string[] = [];
  const charts = await page.$$eval(
    "svg[class^='plot']",
    (svgs, nonData) =>
      svgs
        .filter((svg) => !svg.closest("[class$='-swatches'], [class$='-ramp']") && !svg.parentElement?.className.toString().includes("legend"))
        .map((svg) => {
          const groups = Array.from(svg.querySelectorAll(":scope > g[aria-label], :scope > foreignObject[aria-label]"));
          const data = groups.filter((g) => !new RegExp(nonData).test(g.getAttribute("aria-label") ?? ""));
          return { where: svg.closest("[id]")?.id ?? "(page)", marks: data.map((g) => `${g.getAttribute("aria-label")}:${g.childElementCount}`), filled: data.some((g) => g.childElementCount > 0) };
        }),
    NON_DATA.source,
  );
  for (const chart of charts) if (!chart.filled) problems.push(`chart in #${chart.where} has no data marks (${chart.marks.join(", ") || "none"})`);
  for (const marks of expectedMarks) if (!((await page.locator(marks).count()) > 0)) problems.push(`expected data marks, found none: ${marks}`);

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
    Promise.all(nodes.map(async (node) => {
      const href = node.getAttribute("href") ?? "";
      const img = new Image();
      img.src = href;
      try {
        await img.decode();
        return { href: href.slice(0, 80), ok: img.naturalWidth > 0 };
      } catch {
        return { href: href.slice(0, 80), ok: false };
      }
    })),
  );
  for (const { href, ok } of images) if (!ok) problems.push(`chart image did not load: ${href}`);
  return problems;
}
