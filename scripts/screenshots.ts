// Screenshots of the built workbench for the docs: serves dist/ (build it first with
// `npm run build`, or `npm run demo:week` for the store's week) on 127.0.0.1 and shoots each page
// with Debian's Chromium, offline, at 1280 px. With the week built, the store pages are shot too.
//
//   node --import tsx scripts/screenshots.ts [outDir] [--only /path,/path] [--store]   (default docs/screenshots)
//
// Problems the page reports (console errors, failed cells, requests leaving the machine) are
// printed, and make the script fail, so a broken page never ends up in the docs.
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { isLocal, launchChromium } from "./browser/chromium.ts";
import { DIST, REPO_ROOT, serveDist } from "./browser/serve-dist.ts";
import { openPage } from "./browser/page.ts";

/** Page path -> file name. Add a line here when a page is added. */
export const SHOTS: Record<string, string> = {
  "/": "overview.png",
  "/trajectories": "trajectories.png",
  "/footfall": "footfall.png",
  "/dwell": "dwell.png",
  "/motion": "motion.png",
  "/compare": "compare.png",
  "/sales": "sales.png",
  "/audit": "audit.png",
};

/** The store's pages, shot from a build of a store's dataset (npm run demo:week): `--store`. */
export const STORE_SHOTS: Record<string, string> = {
  "/": "store-overview.png",
  "/calendar": "calendar.png",
  "/floor": "floor.png",
  "/queues": "queues.png",
  "/compare": "store-compare.png",
};
const WIDTH = 1280;

async function main(): Promise<void> {
  if (!existsSync(join(DIST, "index.html"))) {
    throw new Error(`${DIST}/index.html is missing: run \`npm run build\` first`);
  }
  const args = process.argv.slice(2);
  const onlyAt = args.indexOf("--only");
  const only = onlyAt >= 0 ? new Set(args.splice(onlyAt, 2)[1].split(",")) : undefined;
  const storeAt = args.indexOf("--store");
  const shots = storeAt >= 0 ? (args.splice(storeAt, 1), STORE_SHOTS) : SHOTS;
  const outDir = resolve(REPO_ROOT, args[0] ?? "docs/screenshots");
  mkdirSync(outDir, { recursive: true });
  const server = await serveDist();
  const browser = await launchChromium();
  let failed = false;
  try {
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 900 }, deviceScaleFactor: 1 });
    await context.route("**/*", (route) => (isLocal(route.request().url()) ? route.continue() : route.abort("blockedbyclient")));
    for (const [path, name] of Object.entries(shots)) {
      if (only && !only.has(path)) continue;
      const { page, problems } = await openPage(context, server.origin + path);
      await page.mouse.move(0, 0); // no hover tips in the picture
      const file = join(outDir, name);
      await page.screenshot({ path: file, fullPage: true });
      console.log(`${path} -> ${file}`);
      for (const p of problems) console.error(`  ${path}: ${p}`);
      failed ||= problems.length > 0;
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (failed) throw new Error("some pages reported problems (above)");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
