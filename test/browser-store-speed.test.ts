// A month of four cameras in a real browser: every store page redraws every one of its views for
// each of 22 scope changes (windows of an hour to the whole month, camera choices) with no console
// error and no off-machine request. How long the redraws take is printed here and held to its
// target by `npm run bench:store` (a benchmark, not a timed test: a busy machine is slower).
import assert from "node:assert/strict";
import { test } from "node:test";
import { measureRedraws, STORE_PAGES } from "../scripts/browser/redraw-speed.ts";
import { syntheticStore } from "../scripts/browser/synthetic-store.ts";
import { useBuiltSite } from "./browser/site.ts";

const site = useBuiltSite();
const month = syntheticStore({ cameras: 4, days: 30 });

for (const page of STORE_PAGES) {
  test(`${page.path}: every view redraws for each window and camera change, a month of 4 cameras`, { timeout: 300_000 }, async (t) => {
    assert.equal(site.buildError, undefined);
    const m = await measureRedraws(site.browser(), site.server().origin, month, page);
    t.diagnostic(m.report);
    assert.deepEqual(m.problems, []);
    assert.equal(m.timings.length, 22);
    for (const x of m.timings) assert.deepEqual(Object.keys(x.views).sort(), [...page.views].sort(), JSON.stringify(x));
  });
}
