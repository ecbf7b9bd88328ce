// Screenshots of the built workbench for the docs: serves dist/ (build it first with
// `npm run build`) on 127.0.0.1 and shoots each page with Debian's Chromium, offline.
//
//   node --import tsx scripts/screenshots.ts [outDir]      (default docs/screenshots)
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { isLocal, launchChromium } from "../test/browser/chromium.ts";
import { DIST, REPO_ROOT, serveDist } from "../test/browser/serve-dist.ts";

/** Page path -> file name. Add a line here when a page is added. */
const SHOTS: Record<string, string> = {
  "/": "overview.png",
};
const WIDTH = 1280;

async function main(): Promise<void> {
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error(`${DIST}/index.html is missing: run \`npm run build\` first`);
  }
  const outDir = resolve(REPO_ROOT, process.argv[2] ?? "docs/screenshots");
  mkdirSync(outDir, { recursive: true });
  const server = await serveDist();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 });
    await context.route("**/*", (route) => (isLocal(route.request().url()) ? route.continue() : route.abort("blockedbyclient")));
    for (const [path, name] of Object.entries(SHOTS)) {
      const page = await context.newPage();
      await page.goto(server.origin + path, { waitUntil: "load" });
      await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, null, { timeout: 60_000 });
      await page.waitForLoadState("networkidle");
      await page.mouse.move(0, 0); // no hover tips in the picture
      const file = join(outDir, name);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`${path} -> ${file}`);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
