// A test file's view of the built site: dist/ built when stale, served on 127.0.0.1 and opened in
// Debian's Chromium for the file's tests, both closed after them.
import { after, before } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium } from "../../scripts/browser/chromium.ts";
import { serveDist, type DistServer } from "../../scripts/browser/serve-dist.ts";
import { ensureBuilt } from "../../scripts/browser/build.ts";

export interface BuiltSite {
  /** Why dist/ could not be built; undefined when it is ready. */
  buildError: string | undefined;
  server: () => DistServer;
  browser: () => Browser;
}

export function useBuiltSite(): BuiltSite {
  const buildError = ensureBuilt();
  let server: DistServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (buildError) return;
    server = await serveDist();
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  return { buildError, server: () => server!, browser: () => browser! };
}
