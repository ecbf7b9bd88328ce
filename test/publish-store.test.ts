// `smw publish --data <root> --store <id> --from <date> --to <date> --out <site>`: a self-contained
// site of one store and period of a dataset (the rendered week of test/store-fixtures.ts), whose
// pages open offline; a store or dates the dataset lacks stop before building, with one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium } from "../scripts/browser/chromium.ts";
import { openPage } from "../scripts/browser/page.ts";
import { serveDist } from "../scripts/browser/serve-dist.ts";
import { smw, tempDir } from "./helpers.ts";
import { storeWeek } from "./store-fixtures.ts";

const root = storeWeek();

test("a store and dates the dataset lacks: one line, exit 2, nothing built", () => {
  const out = join(tempDir("smw-publish-bad-"), "site");
  const r1 = smw(["publish", "--data", root, "--store", "nowhere", "--out", out]);
  assert.equal(r1.code, 2, r1.stderr);
  assert.match(r1.stderr, /^smw: --store nowhere: no such store in .+ \(stores: demo-store\)\n$/);
  const r2 = smw(["publish", "--data", root, "--from", "2024-06-01", "--to", "2024-06-02", "--out", out]);
  assert.equal(r2.code, 2, r2.stderr);
  assert.match(r2.stderr, /^smw: no footage between 2024-06-01 and 2024-06-02 \(dates in the dataset: 2024-05-06 to 2024-05-12\); choose dates inside it\n$/);
  const r3 = smw(["publish", "--data", root, "--from", "2024-05-9", "--out", out]);
  assert.match(r3.stderr, /--from 2024-05-9: not a date; write it like 2024-05-06/);
  assert.equal(existsSync(out), false);
});

test("smw publish --data --store --from --to builds the store's two days as a site that opens offline", { timeout: 1_200_000 }, async () => {
  const out = join(tempDir("smw-publish-store-"), "site");
  const r = smw(["publish", "--data", root, "--store", "demo-store", "--from", "2024-05-10", "--to", "2024-05-11", "--out", out], { timeout: 1_200_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /11 pages, \d+ files in \d+ s -> .+site/);
  const data = join(out, "_file", "data");
  const bin = readdirSync(data).find((f) => f.startsWith("store."))!;
  const bytes = readFileSync(join(data, bin));
  const header = JSON.parse(bytes.subarray(8, 8 + bytes.readUInt32LE(4)).toString());
  assert.deepEqual(header.dates, ["2024-05-10", "2024-05-11"]);
  assert.deepEqual(header.cameras.map((c: { id: string }) => c.id), ["demo-store/front", "demo-store/side"]);
  assert.equal(header.source.store, "demo-store");
  const server = await serveDist(out);
  const browser = await launchChromium();
  try {
    const context = await browser.newContext();
    for (const path of ["/", "/calendar", "/queues"]) {
      const { page, problems } = await openPage(context, server.origin + path);
      assert.deepEqual(problems, [], `${path}: ${problems.join("; ")}`);
      if (path === "/") assert.match((await page.locator(".smw-window strong").first().textContent()) ?? "", /Fri 10 May .+ Sat 11 May/);
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
});
