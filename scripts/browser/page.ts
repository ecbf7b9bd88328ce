// Opens a page of the built site and waits until it has settled, collecting everything that
// went wrong on the way: console errors, page errors, HTTP errors, failed requests, cell errors.
// Requests to hosts other than 127.0.0.1 are blocked and reported.
import type { BrowserContext, Page } from "playwright-core";
import { isLocal } from "./chromium.ts";

export interface OpenedPage {
  page: Page;
  /** Grows while the page lives: check it at the end of a test. */
  problems: string[];
}

export async function openPage(context: BrowserContext, url: string, { timeout = 60_000 } = {}): Promise<OpenedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (isLocal(u)) return route.fallback();
    problems.push(`request to a non-loopback host: ${u}`);
    return route.abort("blockedbyclient");
  });
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
  await page.goto(url, { waitUntil: "load" });
  await settle(page, timeout);
  const cellErrors = await page.$$eval(".observablehq--error", (nodes) => nodes.map((n) => n.textContent));
  for (const text of cellErrors) problems.push(`cell error: ${text}`);
  return { page, problems };
}

/** Waits until Framework has replaced every loading placeholder and the network is quiet. */
export async function settle(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll("observablehq-loading").length === 0, null, { timeout });
  await page.waitForLoadState("networkidle");
}
