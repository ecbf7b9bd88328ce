// One day of one camera, planned before anything is drawn: who arrives when (Poisson with the
// scenario's rate curve), which route they walk, where they stop and for how long, who queues at
// the till (in order, served one at a time), and the staff's comings and goings. Each person
// becomes a Path; rendering only looks positions up. Times are seconds from local midnight.
import { randomLcg, randomLogNormal, randomNormal, randomPoisson } from "d3-random";
import { pointInPolygon } from "../analytics/geometry.ts";
import type { Duration, LoadedScenario } from "./scenario.ts";
import { nearestOnPolyline, PathBuilder, pointAtMetres, type HeightModel, type Path } from "./path.ts";

type Pt = readonly [number, number];

export interface Stop { zone: string; arrive: number; leave: number }
export interface QueueVisit {
  /** Reached the line; left it (to the till, or giving up); served from/to (null when they gave up). */
  join: number;
  left: number;
  serviceStart: number | null;
  serviceEnd: number | null;
  abandoned: boolean;
}

export interface Agent {
  /** 1-based within the day; the MOT track id in every segment of the day. */
  id: number;
  staff: boolean;
  route: string;
  /** Index into the sprite set's people. */
  person: number;
  path: Path;
  /** What the script made this person do (the rendered boxes decide what the camera saw). */
  stops: Stop[];
  queue?: QueueVisit;
}

export type Random = () => number;

/** Seeded uniform [0, 1) stream for (seed, label): the same seed gives the same day. */
export function stream(seed: number, label: string): Random {
  let h = 2166136261 ^ seed;
  for (const c of label) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return randomLcg(((h >>> 0) % 1e9) / 1e9);
}

export function drawDuration(rng: Random, d: Duration, factor = 1): number {
  return randomLogNormal.source(rng)(Math.log(d.median * factor), d.spread)();
}

/** A uniformly drawn point inside the polygon (and the walkable region), by rejection. */
export function pointIn(rng: Random, polygon: readonly Pt[], walkable?: readonly Pt[]): [number, number] {
  const xs = polygon.map((p) => p[0]), ys = polygon.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (let k = 0; k < 500; k++) {
    const x = x0 + rng() * (x1 - x0), y = y0 + rng() * (y1 - y0);
    if (pointInPolygon(x, y, polygon) && (!walkable || pointInPolygon(x, y, walkable))) return [x, y];
  }
  return [xs.reduce((a, b) => a + b) / xs.length, ys.reduce((a, b) => a + b) / ys.length];
}

/** Arrival times in [from, to) seconds of a Poisson process whose rate (per hour) is constant within each hour. */
export function poissonArrivals(rng: Random, ratePerHour: (hour: number) => number, from: number, to: number): number[] {
  const times: number[] = [];
  for (let h = Math.floor(from / 3600); h * 3600 < to; h++) {
    const a = Math.max(from, h * 3600), b = Math.min(to, (h + 1) * 3600);
    const n = randomPoisson.source(rng)((ratePerHour(h) * (b - a)) / 3600)();
    for (let i = 0; i < n; i++) times.push(a + rng() * (b - a));
  }
  return times.sort((x, y) => x - y);
}

export interface DayContext {
  scenario: LoadedScenario;
  heights: HeightModel;
  people: number;
  /** 1-based day number, and the local weekday (0 = Monday). */
  day: number;
  weekday: number;
  seed: number;
}

function zonePolygon(s: LoadedScenario, name: string): Pt[] {
  return s.cameraConfig.zones.find((z) => z.name === name)!.polygon;
}

/** Interventions in force on a day, folded into multipliers. */
export function effects(s: LoadedScenario, day: number) {
  const on = s.interventions.filter((v) => day >= v.fromDay);
  const zone = (name: string, key: "attraction" | "dwell") => on.filter((v) => v.zone === name).reduce((f, v) => f * v[key], 1);
  return { arrivals: on.filter((v) => !v.zone).reduce((f, v) => f * v.arrivals, 1), zone };
}

interface Pending {
  agent: Omit<Agent, "path">;
  b: PathBuilder;
  /** Route points still to walk after the till, and stops after it. */
  rest: () => void;
  tillPoint: [number, number];
}

/** Customers: arrival, route, stops; those reaching the till wait in `pending` for the queue. */
function planCustomers(ctx: DayContext, rng: Random): { done: Agent[]; atTill: Pending[] } {
  const s = ctx.scenario;
  const fx = effects(s, ctx.day);
  const hourly = s.arrivals.hourly ?? Array(24).fill(1);
  const weekday = s.arrivals.weekday?.[ctx.weekday] ?? 1;
  const [open, close] = s.clock.open.map((h) => h * 3600);
  const rate = (h: number) => s.arrivals.perHour * (hourly[h % 24] ?? 0) * weekday * fx.arrivals;
  const totalWeight = s.routes.reduce((t, r) => t + r.weight, 0);
  const speed = randomNormal.source(rng)(s.arrivals.speed.mean, s.arrivals.speed.sd);
  const done: Agent[] = [];
  const atTill: Pending[] = [];
  let id = 0;
  for (const t0 of poissonArrivals(rng, rate, open, close)) {
    let pick = rng() * totalWeight;
    const route = s.routes.find((r) => (pick -= r.weight) < 0) ?? s.routes[s.routes.length - 1];
    const agent: Omit<Agent, "path"> = { id: ++id, staff: false, route: route.name, person: Math.floor(rng() * ctx.people), stops: [] };
    const b = new PathBuilder(ctx.heights, Math.min(2.2, Math.max(0.6, speed())), t0, route.path[0][0], route.path[0][1]);
    // where each stop leaves the route: the route point nearest to a point drawn in the zone
    const plans = route.stops
      .map((zone) => {
        const isTill = zone === s.queue?.till;
        const a = s.attraction[zone];
        const p = isTill && !a ? s.queue!.probability : (a?.probability ?? 0) * fx.zone(zone, "attraction");
        if (rng() >= Math.min(1, p)) return undefined;
        const target = isTill ? [s.queue!.line[0][0], s.queue!.line[0][1]] as [number, number] : pointIn(rng, zonePolygon(s, zone), s.walkable);
        const dwell = a ? drawDuration(rng, a.dwellSeconds, fx.zone(zone, "dwell")) : 0;
        return { zone, isTill, target, dwell, ...nearestOnPolyline(route.path, target[0], target[1]) };
      })
      .filter((p) => !!p)
      .sort((x, y) => x.segment - y.segment);
    let seg = 0; // route vertices walked so far
    const walkRouteTo = (segment: number, point: Pt) => {
      for (; seg + 1 <= Math.floor(segment) && seg + 1 < route.path.length; seg++) b.walkTo(route.path[seg + 1][0], route.path[seg + 1][1]);
      b.walkTo(point[0], point[1]);
    };
    const stops = (from: number, to: number) => {
      for (const st of plans.slice(from, to)) {
        walkRouteTo(st.segment, st.point);
        const arrive = b.walkTo(...st.target).now;
        agent.stops.push({ zone: st.zone, arrive, leave: b.wait(st.dwell).now });
        b.walkTo(...st.point);
      }
    };
    const toExit = () => {
      for (; seg + 1 < route.path.length; seg++) b.walkTo(route.path[seg + 1][0], route.path[seg + 1][1]);
    };
    const till = plans.findIndex((p) => p.isTill);
    if (till < 0) {
      stops(0, plans.length);
      toExit();
      done.push({ ...agent, path: b.build() });
      continue;
    }
    stops(0, till);
    walkRouteTo(plans[till].segment, plans[till].point);
    atTill.push({ agent, b, tillPoint: plans[till].point, rest: () => (stops(till + 1, plans.length), toExit()) });
  }
  return { done, atTill };
}

/**
 * The till: first come, first served, one at a time. People stand in line at slots `spacing`
 * metres apart along the queue line and step up as those ahead leave it; someone whose wait would
 * pass their patience gives up then; nobody joins a line of `maxLength`.
 */
function serveQueue(ctx: DayContext, rng: Random, pending: Pending[]): Agent[] {
  const q = ctx.scenario.queue!;
  const slot = (k: number) => pointAtMetres(q.line, ctx.heights, (k + 1) * q.spacing);
  const joined: { leave: number }[] = [];
  let serverFree = -Infinity;
  const out: Agent[] = [];
  for (const p of [...pending].sort((a, b) => a.b.now - b.b.now)) {
    const { b, agent } = p;
    const ahead = joined.filter((j) => j.leave > b.now);
    if (ahead.length >= q.maxLength) {
      p.rest();
      out.push({ ...agent, path: b.build() });
      continue;
    }
    let k = ahead.length;
    // joining is reaching the till's spot on the route: the order people are served in
    const join = b.now;
    b.walkTo(...slot(k));
    const patience = q.patienceSeconds ? drawDuration(rng, q.patienceSeconds) : Infinity;
    const lastAhead = Math.max(-Infinity, ...ahead.map((j) => j.leave));
    const service = drawDuration(rng, q.serviceSeconds);
    const willGo = Math.max(join, lastAhead, serverFree);
    const giveUp = willGo - join > patience ? join + patience : Infinity;
    for (const leave of ahead.map((j) => j.leave).sort((x, y) => x - y)) {
      if (leave >= giveUp) break;
      b.waitUntil(leave);
      b.walkTo(...slot(--k));
    }
    if (giveUp < Infinity) {
      b.waitUntil(giveUp);
      joined.push({ leave: giveUp });
      agent.queue = { join, left: giveUp, serviceStart: null, serviceEnd: null, abandoned: true };
    } else {
      const go = b.waitUntil(serverFree).now;
      joined.push({ leave: go });
      const start = b.walkTo(q.line[0][0], q.line[0][1]).now;
      serverFree = b.wait(service).now;
      agent.queue = { join, left: go, serviceStart: start, serviceEnd: serverFree, abandoned: false };
      agent.stops.push({ zone: q.till, arrive: start, leave: serverFree });
    }
    b.walkTo(...p.tillPoint);
    p.rest();
    out.push({ ...agent, path: b.build() });
  }
  return out;
}

/** Staff: from opening to closing in their zone, with trips to other zones now and then. */
function planStaff(ctx: DayContext, rng: Random, firstId: number): Agent[] {
  const s = ctx.scenario;
  const st = s.staff;
  if (!st) return [];
  const [open, close] = s.clock.open.map((h) => h * 3600);
  const home = zonePolygon(s, st.zone);
  return Array.from({ length: st.count }, (_, i) => {
    const [x0, y0] = pointIn(rng, home, s.walkable);
    const b = new PathBuilder(ctx.heights, s.arrivals.speed.mean, open + rng() * 120, x0, y0);
    const stops: Stop[] = [];
    while (b.now < close) {
      b.waitUntil(Math.min(close, b.now + drawDuration(rng, st.tripEveryMinutes) * 60));
      if (b.now >= close || st.trips.length === 0) break;
      const zone = st.trips[Math.floor(rng() * st.trips.length)];
      const arrive = b.walkTo(...pointIn(rng, zonePolygon(s, zone), s.walkable)).now;
      stops.push({ zone, arrive, leave: b.wait(drawDuration(rng, st.tripMinutes) * 60).now });
      b.walkTo(...pointIn(rng, home, s.walkable));
    }
    b.waitUntil(close);
    return { id: firstId + i, staff: true, route: `staff ${i + 1}`, person: Math.floor(rng() * ctx.people), path: b.build(), stops };
  });
}

/** Everyone of one day, ids from 1 (customers by arrival, then staff). */
export function planDay(ctx: DayContext): Agent[] {
  const rng = stream(ctx.seed, `${ctx.scenario.cameraConfig.camera}/day${ctx.day}`);
  const { done, atTill } = planCustomers(ctx, rng);
  const customers = [...done, ...(atTill.length ? serveQueue(ctx, rng, atTill) : [])].sort((a, b) => a.id - b.id);
  return [...customers, ...planStaff(ctx, rng, customers.length + 1)];
}
