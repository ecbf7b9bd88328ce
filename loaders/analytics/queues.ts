// Queues at the till: a zone of kind "queue" served by a checkout zone (camera.json). From the
// customers' zone visits (views.ts), per person:
//  - served: a visit to the checkout of at least `minServedSeconds`. Their wait runs from
//    entering the queue zone (the line visit that leads to the till: it ends at most
//    `handoverSeconds` before the checkout visit starts) to entering the checkout; without a
//    line visit they walked up to a free till (wait 0). Service time: the checkout visit.
//  - abandoned: a line visit of at least `minInLineSeconds` after which the person reaches no
//    checkout within `handoverSeconds`.
//  - censored: the recording cut the episode (in line when the segment began, so the wait is
//    unknown, or when it ended, so the outcome is unknown): counted, but in no wait or rate.
// People walking past a till pass the queue zone and the checkout too briefly to count.
//
// Figures per queue zone and window: served, abandoned, abandonment rate, wait and service time
// (mean, median, 90th percentile), and people in the queue zone over time. Means and the
// abandonment rate get 90% intervals from a bootstrap that resamples 15-minute blocks of
// episodes (people in one line wait alike, so single people are not independent draws);
// below MIN_EPISODES there is no interval. src/components/queues.js repeats the bootstrap in the
// browser draw for draw (test/pages-store.test.ts holds the two equal).
import { quantileSorted, randomLcg } from "d3";
import { checkoutOf } from "../config/camera.ts";
import { pointInPolygon } from "../geometry/plane.ts";
import { query, sql } from "../store/duckdb.ts";
import { clockColumns, windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

/** Episodes (served + abandoned) a window needs before its figures get intervals. */
export const MIN_EPISODES = 20;
/** Seconds per block of the bootstrap. */
export const BLOCK_SECONDS = 900;
export const QUEUE_RESAMPLES = 500;

export type QueueStatus = "served" | "abandoned" | "censored";

export interface QueueEpisode {
  segment: string;
  uid: string;
  queue: string;
  checkout: string;
  /** Seconds from the segment's start: entering the line (or the checkout, without a line visit). */
  join_t: number;
  /** Entering the checkout; null when not served. */
  served_t: number | null;
  /** Leaving the checkout; null when not served or still there when the recording stopped. */
  done_t: number | null;
  wait_seconds: number | null;
  service_seconds: number | null;
  status: QueueStatus;
  /** Served, but the wait joins one track's line visit to another track's checkout visit (a track broken at the till). */
  stitched: boolean;
}

interface VisitRow { segment: string; uid: string; zone: string; enter_t: number; exit_t: number; dwell_seconds: number }

/** Where a track begins and ends: time and foot point. */
export interface TrackEnds { segment: string; uid: string; t0: number; x0: number; y0: number; t1: number; x1: number; y1: number }

/** How far (seconds, pixels) a track may end from where the next begins to be taken as one person standing in line. */
export const LINE_GAP = { seconds: 2, pixels: 40 };

/**
 * People standing in a line hide each other, and the tracker loses and finds them again: one
 * person becomes several tracks, each a short line visit, the first "giving up" and the last
 * "served" with hardly any wait. A track that ends inside the queue zone and one that begins
 * within LINE_GAP of it, in the queue zone or at its till, are taken as one person (the nearest
 * beginning, first come first served). Not at the till: the one being served stands among
 * those next in line, and linking there joined different people (measured: fewer served, shorter
 * service). Returns each linked uid's first uid. Pure.
 */
export function chainTracks(ends: readonly TrackEnds[], inLine: (x: number, y: number) => boolean, atTill: (x: number, y: number) => boolean): Map<string, string> {
  const root = new Map<string, string>();
  const starts = ends.filter((e) => inLine(e.x0, e.y0) || atTill(e.x0, e.y0)).sort((a, b) => a.t0 - b.t0);
  const taken = new Set<string>();
  for (const a of ends.filter((e) => inLine(e.x1, e.y1)).sort((x, y) => x.t1 - y.t1)) {
    let best: TrackEnds | undefined, bestD = LINE_GAP.pixels;
    for (const b of starts) {
      if (b.t0 < a.t1 - 0.5) continue;
      if (b.t0 > a.t1 + LINE_GAP.seconds) break;
      if (b.segment !== a.segment || b.uid === a.uid || taken.has(b.uid)) continue;
      const d = Math.hypot(b.x0 - a.x1, b.y0 - a.y1);
      if (d <= bestD) (best = b), (bestD = d);
    }
    if (!best) continue;
    taken.add(best.uid);
    root.set(best.uid, root.get(a.uid) ?? a.uid);
  }
  return root;
}

/** The queue episodes of every segment (customers only), from the zone visits. Pure. */
export function queueEpisodesOf(
  visits: readonly VisitRow[],
  queues: readonly { queue: string; checkout: string }[],
  rules: { minInLineSeconds: number; minServedSeconds: number; handoverSeconds: number },
  segments: ReadonlyMap<string, { last: number; dt: number }>,
): QueueEpisode[] {
  const out: QueueEpisode[] = [];
  const byPerson = new Map<string, VisitRow[]>();
  for (const v of visits) {
    const key = `${v.segment}\u0000${v.uid}`;
    (byPerson.get(key) ?? byPerson.set(key, []).get(key)!).push(v);
  }
  const cut = (segment: string) => {
    const seg = segments.get(segment) ?? { last: Infinity, dt: 0 };
    // a visit touching the first analysed frame, or ending on the last one, was cut by the recording
    return { atStart: (t: number) => t <= seg.dt * 0.5 + 1e-6, atEnd: (t: number) => t >= seg.last + seg.dt * 0.5 - 1e-6 };
  };
  const served = (c: VisitRow, queue: string, checkout: string, lead: VisitRow | undefined, stitched: boolean) => {
    const { atStart, atEnd } = cut(c.segment);
    const join = lead ? lead.enter_t : c.enter_t;
    const known = !atStart(join);
    const done = atEnd(c.exit_t) ? null : c.exit_t;
    out.push({
      segment: c.segment, uid: c.uid, queue, checkout, join_t: join, served_t: c.enter_t, done_t: done,
      wait_seconds: known ? c.enter_t - join : null, service_seconds: done === null ? null : c.dwell_seconds,
      status: known ? "served" : "censored", stitched,
    });
  };
  for (const { queue, checkout } of queues) {
    // served people whose track begins at the till, and line visits that lead to no till of their own
    const orphans: VisitRow[] = [];
    const loose: VisitRow[] = [];
    for (const rows of byPerson.values()) {
      const { atEnd } = cut(rows[0].segment);
      const line = mergeVisits(rows.filter((v) => v.zone === queue));
      const till = rows.filter((v) => v.zone === checkout).sort((a, b) => a.enter_t - b.enter_t);
      const used = new Set<VisitRow>();
      for (const c of till) {
        // the line visit leading to this checkout visit: the latest that began before it and ended just before or during it
        const lead = line.filter((q) => q.enter_t <= c.enter_t + 1e-9 && q.exit_t >= c.enter_t - rules.handoverSeconds - 1e-9).at(-1);
        if (lead) used.add(lead);
        if (c.dwell_seconds < rules.minServedSeconds) continue; // walked past the till (or too short to tell, recording ended)
        if (lead) served(c, queue, checkout, lead, false);
        else orphans.push(c);
      }
      for (const q of line) if (!used.has(q) && (q.dwell_seconds >= rules.minInLineSeconds || atEnd(q.exit_t))) loose.push(q);
    }
    // A track broken at the till: someone vanishes from the head of the line and, within
    // handoverSeconds, someone appears at the till from nowhere. The line is served first come,
    // first served, so the two are taken as one person (the line visit that ended closest before).
    const taken = new Set<VisitRow>();
    for (const c of orphans.sort((a, b) => a.enter_t - b.enter_t)) {
      const lead = loose
        .filter((q) => !taken.has(q) && q.segment === c.segment && q.enter_t <= c.enter_t && Math.abs(q.exit_t - c.enter_t) <= rules.handoverSeconds + 1e-9)
        .sort((a, b) => Math.abs(a.exit_t - c.enter_t) - Math.abs(b.exit_t - c.enter_t))[0];
      if (lead) taken.add(lead);
      served(c, queue, checkout, lead, !!lead);
    }
    for (const q of loose) {
      if (taken.has(q) || q.dwell_seconds < rules.minInLineSeconds) continue;
      const status: QueueStatus = cut(q.segment).atEnd(q.exit_t) ? "censored" : "abandoned";
      out.push({ segment: q.segment, uid: q.uid, queue, checkout, join_t: q.enter_t, served_t: null, done_t: null, wait_seconds: null, service_seconds: null, status, stitched: false });
    }
  }
  return out.sort((a, b) => a.segment.localeCompare(b.segment) || a.join_t - b.join_t || a.uid.localeCompare(b.uid));
}

/** One person's visits to one zone, those within LINE_GAP of each other joined (a chain of tracks leaves such gaps). */
function mergeVisits(visits: VisitRow[]): VisitRow[] {
  const out: VisitRow[] = [];
  for (const v of [...visits].sort((a, b) => a.enter_t - b.enter_t)) {
    const last = out.at(-1);
    if (last && v.enter_t - last.exit_t <= LINE_GAP.seconds) {
      const exit = Math.max(last.exit_t, v.exit_t);
      out[out.length - 1] = { ...last, exit_t: exit, dwell_seconds: exit - last.enter_t };
    } else out.push(v);
  }
  return out;
}

/** The queue zones of the engine's camera and the checkout serving each. */
export function queueZones(a: Analytics): { queue: string; checkout: string }[] {
  return a.config.zones.filter((z) => z.kind === "queue").map((z) => ({ queue: z.name, checkout: checkoutOf(a.config, z) }));
}

/** Creates (once) the view queue_episodes: one row per episode, with the window columns of its join. */
export async function ensureQueueEpisodes(a: Analytics): Promise<void> {
  const exists = await query(a, `SELECT 1 FROM duckdb_views() WHERE view_name = 'queue_episodes'`);
  if (exists.length) return;
  const zones = queueZones(a);
  const names = zones.flatMap((z) => [z.queue, z.checkout]);
  const visits = zones.length
    ? await query<VisitRow>(a, `SELECT segment, uid, zone, enter_t, exit_t, dwell_seconds FROM zone_visits WHERE NOT staff AND zone IN ${sql.list(names)} ORDER BY segment, uid, enter_t`)
    : [];
  const segments = new Map(a.segments.map((s) => [s.segment, { last: Math.max(0, s.framesAnalysed - 1) * s.dt, dt: s.dt }]));
  // one person per chain of tracks broken while standing in line
  const ends = zones.length ? await query<TrackEnds>(a, `
    SELECT segment, uid, min(t_seconds) AS t0, arg_min(foot_x, frame) AS x0, arg_min(foot_y, frame) AS y0,
      max(t_seconds) AS t1, arg_max(foot_x, frame) AS x1, arg_max(foot_y, frame) AS y1
    FROM customer_tracks GROUP BY segment, uid`) : [];
  const polygon = (name: string) => a.config.zones.find((z) => z.name === name)!.polygon;
  const roots = new Map<string, string>();
  for (const { queue, checkout } of zones) {
    const [line, till] = [polygon(queue), polygon(checkout)];
    for (const [uid, first] of chainTracks(ends, (x, y) => pointInPolygon(x, y, line), (x, y) => pointInPolygon(x, y, till))) roots.set(uid, first);
  }
  const chained = visits.map((v) => (roots.has(v.uid) ? { ...v, uid: roots.get(v.uid)! } : v));
  const episodes = queueEpisodesOf(chained, zones, a.config.queue, segments);
  await a.conn.run(`CREATE TABLE _queue_episodes (segment VARCHAR, uid VARCHAR, queue VARCHAR, checkout VARCHAR, join_t DOUBLE, served_t DOUBLE,
    done_t DOUBLE, wait_seconds DOUBLE, service_seconds DOUBLE, status VARCHAR, stitched BOOLEAN)`);
  const app = await a.conn.createAppender("_queue_episodes");
  const num = (v: number | null) => (v === null ? app.appendNull() : app.appendDouble(v));
  for (const e of episodes) {
    app.appendVarchar(e.segment); app.appendVarchar(e.uid); app.appendVarchar(e.queue); app.appendVarchar(e.checkout);
    app.appendDouble(e.join_t); num(e.served_t); num(e.done_t); num(e.wait_seconds); num(e.service_seconds); app.appendVarchar(e.status); app.appendBoolean(e.stitched);
    app.endRow();
  }
  app.closeSync();
  await a.conn.run(`CREATE VIEW queue_episodes AS SELECT q.*, q.join_t AS t_seconds, ${clockColumns(a.config, "q.join_t")}
    FROM _queue_episodes q JOIN segments USING (segment)`);
}

/** Block key of an episode: 15-minute blocks of the local wall clock, else of the segment's own clock. */
export const blockOf = (e: { segment: string; t_seconds: number; local_ts: Date | null }) =>
  e.local_ts ? Math.floor(e.local_ts.getTime() / 1000 / BLOCK_SECONDS) : `${e.segment}:${Math.floor(e.t_seconds / BLOCK_SECONDS)}`;

/** Blocks in time order: wall-clock blocks by number, others by segment then block. */
function compareBlocks(x: string | number, y: string | number): number {
  if (typeof x === "number" && typeof y === "number") return x - y;
  const [sx, bx] = String(x).split(/:(?=\d+$)/), [sy, by] = String(y).split(/:(?=\d+$)/);
  return sx.localeCompare(sy) || Number(bx) - Number(by);
}

/** Sums of one block of episodes: what the bootstrap draws. */
export interface QueueBlock { served: number; waitSum: number; services: number; serviceSum: number; abandoned: number }

export interface Interval90 { value: number | null; lo: number | null; hi: number | null }

/**
 * Percentile bootstrap over blocks: `resamples` worlds of blocks drawn with replacement (d3's
 * seeded LCG), each giving the mean wait, mean service time and abandonment rate; 5% and 95%
 * quantiles. Pure, and the page's copy draws the same numbers.
 */
export function blockBootstrap(blocks: readonly QueueBlock[], { resamples = QUEUE_RESAMPLES, seed = 1 } = {}) {
  const total = blocks.reduce((t, b) => ({ served: t.served + b.served, waitSum: t.waitSum + b.waitSum, services: t.services + b.services, serviceSum: t.serviceSum + b.serviceSum, abandoned: t.abandoned + b.abandoned }),
    { served: 0, waitSum: 0, services: 0, serviceSum: 0, abandoned: 0 });
  const point = {
    meanWait: total.served ? total.waitSum / total.served : null,
    meanService: total.services ? total.serviceSum / total.services : null,
    abandonment: total.served + total.abandoned ? total.abandoned / (total.served + total.abandoned) : null,
  };
  const tooFew = total.served + total.abandoned < MIN_EPISODES;
  const none = (value: number | null): Interval90 => ({ value, lo: null, hi: null });
  if (tooFew || blocks.length === 0) return { tooFew, meanWait: none(point.meanWait), meanService: none(point.meanService), abandonment: none(point.abandonment) };
  const random = randomLcg(seed);
  const n = blocks.length;
  const wait: number[] = [], service: number[] = [], abandon: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let served = 0, waitSum = 0, services = 0, serviceSum = 0, abandoned = 0;
    for (let k = 0; k < n; k++) {
      const b = blocks[Math.floor(random() * n)];
      served += b.served; waitSum += b.waitSum; services += b.services; serviceSum += b.serviceSum; abandoned += b.abandoned;
    }
    if (served) wait.push(waitSum / served);
    if (services) service.push(serviceSum / services);
    if (served + abandoned) abandon.push(abandoned / (served + abandoned));
  }
  const ci = (value: number | null, xs: number[]): Interval90 => {
    const s = xs.sort((x, y) => x - y);
    return value === null || !s.length ? none(value) : { value, lo: quantileSorted(s, 0.05)!, hi: quantileSorted(s, 0.95)! };
  };
  return { tooFew, meanWait: ci(point.meanWait, wait), meanService: ci(point.meanService, service), abandonment: ci(point.abandonment, abandon) };
}

export interface QueueFigures {
  queue: string;
  checkout: string;
  served: number;
  abandoned: number;
  censored: number;
  /** Fewer than MIN_EPISODES served + abandoned: no intervals. */
  tooFew: boolean;
  abandonment: Interval90;
  meanWait: Interval90;
  medianWait: number | null;
  p90Wait: number | null;
  meanService: Interval90;
  medianService: number | null;
  /** Customers in the queue zone: mean over the window's footage and the most in one frame. */
  length: { mean: number | null; peak: number; footageSeconds: number };
}

const quantileOf = (xs: number[], q: number) => (xs.length ? quantileSorted(xs.sort((x, y) => x - y), q)! : null);

/** Per queue zone, the window's figures (customers only). */
export async function queueFigures(a: Analytics, w: Window = {}): Promise<QueueFigures[]> {
  await ensureQueueEpisodes(a);
  const where = windowWhere(w);
  const episodes = await query<QueueEpisode & { t_seconds: number; local_ts: Date | null }>(a, `
    SELECT * FROM queue_episodes WHERE ${where} ORDER BY segment, join_t, uid`);
  const out: QueueFigures[] = [];
  for (const { queue, checkout } of queueZones(a)) {
    const mine = episodes.filter((e) => e.queue === queue);
    const blocks = new Map<string | number, QueueBlock>();
    for (const e of mine) {
      if (e.status === "censored") continue;
      const key = blockOf(e);
      const b = blocks.get(key) ?? { served: 0, waitSum: 0, services: 0, serviceSum: 0, abandoned: 0 };
      if (e.status === "abandoned") b.abandoned++;
      else {
        b.served++;
        b.waitSum += e.wait_seconds!;
        if (e.service_seconds !== null) (b.services++, (b.serviceSum += e.service_seconds));
      }
      blocks.set(key, b);
    }
    const ordered = [...blocks.entries()].sort(([x], [y]) => compareBlocks(x, y)).map(([, b]) => b);
    const boot = blockBootstrap(ordered);
    const waits = mine.filter((e) => e.status === "served").map((e) => e.wait_seconds!);
    const services = mine.filter((e) => e.status === "served" && e.service_seconds !== null).map((e) => e.service_seconds!);
    const [len] = await query<{ seconds: number; person_seconds: number; peak: number | null }>(a, `
      SELECT coalesce(sum(dt_seconds), 0)::DOUBLE AS seconds, coalesce(sum(customers * dt_seconds), 0)::DOUBLE AS person_seconds, max(customers)::INTEGER AS peak
      FROM zone_occupancy WHERE zone = ${sql.string(queue)} AND ${where}`);
    out.push({
      queue, checkout,
      served: mine.filter((e) => e.status === "served").length,
      abandoned: mine.filter((e) => e.status === "abandoned").length,
      censored: mine.filter((e) => e.status === "censored").length,
      tooFew: boot.tooFew,
      abandonment: boot.abandonment,
      meanWait: boot.meanWait,
      medianWait: quantileOf(waits, 0.5),
      p90Wait: quantileOf(waits, 0.9),
      meanService: boot.meanService,
      medianService: quantileOf(services, 0.5),
      length: { mean: len.seconds ? len.person_seconds / len.seconds : null, peak: len.peak ?? 0, footageSeconds: len.seconds },
    });
  }
  return out;
}

/** Episodes of the window, for export. */
export async function queueEpisodeRows(a: Analytics, w: Window = {}) {
  await ensureQueueEpisodes(a);
  return query<QueueEpisode & { ts: Date | null }>(a, `
    SELECT segment, uid, queue, checkout, join_t, served_t, done_t, wait_seconds, service_seconds, status, ts
    FROM queue_episodes WHERE ${windowWhere(w)} ORDER BY segment, join_t, uid`);
}

const seconds = (v: number | null) => (v === null ? "–" : `${v.toFixed(1)} s`);
const withCi = (c: Interval90, fmt: (v: number | null) => string) => (c.lo === null ? fmt(c.value) : `${fmt(c.value)} (90%: ${fmt(c.lo)}–${fmt(c.hi)})`);
const pct = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(0)}%`);

/** Terminal lines for `smw report`. */
export function formatQueues(figures: readonly QueueFigures[]): string[] {
  return figures.flatMap((q) => [
    `Queue '${q.queue}' (served at '${q.checkout}'): ${q.served} served, ${q.abandoned} gave up${q.censored ? `, ${q.censored} cut by the recording` : ""}${q.tooFew ? ` (fewer than ${MIN_EPISODES}: no intervals)` : ""}`,
    `  wait: mean ${withCi(q.meanWait, seconds)}, median ${seconds(q.medianWait)}, 90th percentile ${seconds(q.p90Wait)}`,
    `  service: mean ${withCi(q.meanService, seconds)}, median ${seconds(q.medianService)}; gave up: ${withCi(q.abandonment, pct)}`,
    `  in line: mean ${q.length.mean === null ? "–" : q.length.mean.toFixed(2)}, most ${q.length.peak}`,
  ]);
}
