// The store workbench's small pure pieces: a scope's intervals (window x weekday/hour filter),
// typed-array quantiles against d3's, week-over-week change, and the queue bootstrap's equality
// between the engine and the page on made-up blocks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { quantile } from "d3";
import { scopeIntervals, rangesIn, inIntervals, intervalsLength } from "../src/components/window.js";
import { quantileOf } from "../src/components/stats.js";
import { blockBootstrap as pageBootstrap } from "../src/components/queues.js";
import { blockBootstrap, MIN_EPISODES } from "../loaders/analytics/queues.ts";
import { weekOverWeek } from "../loaders/analytics/calendar.ts";

const DAY = 86400, H = 3600;

test("scopeIntervals: a window alone, Mondays 12:00-13:00 in two weeks, weekends, and adjacent hours merged", () => {
  assert.deepEqual(Array.from(scopeIntervals({ t0: 5, t1: 50 }, null)), [5, 50]);
  // day 0 is a Monday (firstWeekday 0): Mondays are days 0 and 7
  assert.deepEqual(Array.from(scopeIntervals({ t0: 0, t1: 14 * DAY }, { weekdays: [0], hours: [12] }, 0)), [12 * H, 13 * H, 7 * DAY + 12 * H, 7 * DAY + 13 * H]);
  // the same with day 0 a Sunday (6): Mondays are days 1 and 8
  assert.deepEqual(Array.from(scopeIntervals({ t0: 0, t1: 14 * DAY }, { weekdays: [0], hours: [12] }, 6)), [DAY + 12 * H, DAY + 13 * H, 8 * DAY + 12 * H, 8 * DAY + 13 * H]);
  const weekend = scopeIntervals({ t0: 0, t1: 7 * DAY }, { weekdays: [5, 6] }, 0);
  assert.deepEqual(Array.from(weekend), [5 * DAY, 7 * DAY], "Saturday and Sunday as one interval");
  const evening = scopeIntervals({ t0: 17.5 * H, t1: DAY + 18.5 * H }, { hours: [17, 18, 19] }, 0);
  assert.deepEqual(Array.from(evening), [17.5 * H, 20 * H, DAY + 17 * H, DAY + 18.5 * H], "cut to the window, hours merged");
  assert.equal(intervalsLength(evening), 2.5 * H + 1.5 * H);
  assert.ok(inIntervals(19 * H, evening) && !inIntervals(20 * H, evening) && !inIntervals(17 * H, evening));
});

test("rangesIn: index ranges of a sorted array in the intervals", () => {
  const ts = Float64Array.of(1, 2, 3, 5, 8, 13, 21);
  assert.deepEqual(Array.from(rangesIn(ts, Float64Array.of(2, 6, 13, 30))), [1, 4, 5, 7]);
  assert.deepEqual(Array.from(rangesIn(ts, Float64Array.of(30, 40))), [7, 7]);
});

test("quantileOf = d3.quantile (R-7) on odd, even and tied arrays, without changing them", () => {
  for (const values of [[3, 1, 2], [4, 1, 3, 2], [5, 5, 5, 1, 9, 9], Array.from({ length: 1001 }, (_, i) => (i * 7919) % 1013 / 7)]) {
    const copy = values.slice();
    for (const q of [0, 0.1, 0.5, 0.9, 1]) assert.ok(Math.abs(quantileOf(Float64Array.from(values), q) - quantile(values, q)!) < 1e-12, `${values.length} values, q ${q}`);
    assert.deepEqual(values, copy);
  }
  assert.ok(Number.isNaN(quantileOf(new Float64Array(0), 0.5)));
});

test("weekOverWeek: a day's rate against the same weekday a week before", () => {
  const days = weekOverWeek([
    { date: "2024-05-06", weekday: 0, visitors: 100, lineIn: 0, lineOut: 0, footageSeconds: 3600 },
    { date: "2024-05-13", weekday: 0, visitors: 60, lineIn: 0, lineOut: 0, footageSeconds: 1800 },
    { date: "2024-05-14", weekday: 1, visitors: 10, lineIn: 0, lineOut: 0, footageSeconds: 3600 },
  ]);
  assert.deepEqual(days.map((d) => [d.rate, d.weekBefore, d.change]), [[100, null, null], [120, 100, 0.19999999999999996], [10, null, null]]);
});

test("the page's queue bootstrap draws what the engine's draws", () => {
  const blocks = Array.from({ length: 40 }, (_, i) => ({ served: 1 + (i % 4), waitSum: 20 + i * 3, services: 1 + (i % 4), serviceSum: 15 + (i % 7), abandoned: i % 5 === 0 ? 1 : 0 }));
  const engine = blockBootstrap(blocks), page = pageBootstrap(blocks);
  assert.equal(engine.tooFew, false);
  assert.deepEqual(page, engine);
  assert.ok(engine.meanWait.lo! < engine.meanWait.value! && engine.meanWait.value! < engine.meanWait.hi!);
  const few = blockBootstrap(blocks.slice(0, 3));
  assert.ok(few.tooFew && few.meanWait.lo === null, `fewer than ${MIN_EPISODES} episodes: no interval`);
});
