// One camera's part of the store bundle (src/data/store.bin.ts): every table the pages filter
// by camera and time window, from the camera's analytics engine, on the store's clock
// (t = t_seconds + the segment's offset, _seg_off: see store.ts). Staff are left out everywhere,
// as the engine's metrics leave them out.
//
// Dense tables (people in view per frame, foot points) stay per frame when small; a month of
// footage is summed into bins (AGGREGATE_STEPS) so the pages stay interactive: a window is then
// cut to whole bins, which the bundle's header says.
import { floorHomography } from "../../../loaders/config/camera.ts";
import { applyHomography } from "../../../loaders/geometry/homography.ts";
import { ensureFloorTracks, walkingSpeeds } from "../../../loaders/analytics/floor.ts";
import { ensureQueueEpisodes, queueZones } from "../../../loaders/analytics/queues.ts";
import type { Analytics } from "../../../loaders/analytics/views.ts";
import { sql } from "../../../loaders/store/duckdb.ts";

/** Bin widths (seconds) a dense table may be summed into, finest first; 0 keeps every row. */
export const AGGREGATE_STEPS = [0, 60, 300, 900, 3600];

export type Cols = Record<string, unknown[]>;

export async function columns(a: Analytics, text: string): Promise<Cols> {
  return (await a.conn.runAndReadAll(text)).getColumnsObjectJS() as Cols;
}
const num = (c: Cols, name: string) => (c[name] ?? []) as number[];

/**
 * The smallest step of AGGREGATE_STEPS that leaves at most `limit` rows of `from` over all
 * cameras: per row (step 0), or per bin and `cell` (an expression; "0" for one row per bin).
 */
export async function stepFor(engines: readonly Analytics[], from: string, cell: string, limit: number): Promise<number> {
  for (const step of AGGREGATE_STEPS) {
    let rows = 0;
    for (const a of engines) {
      const [{ n }] = await a.rows<{ n: number }>(step
        ? `SELECT count(*)::DOUBLE AS n FROM (SELECT 1 FROM ${from} JOIN _seg_off USING (segment) GROUP BY floor((t_seconds + off) / ${step}), ${cell})`
        : `SELECT count(*)::DOUBLE AS n FROM ${from}`);
      rows += n;
    }
    if (rows <= limit || step === AGGREGATE_STEPS.at(-1)) return step;
  }
  return AGGREGATE_STEPS.at(-1)!;
}

/** Customers first seen (start, end on the store clock, walking speed m/s or NaN), by uid. */
export async function visitorRows(a: Analytics) {
  const c = await columns(a, `SELECT v.uid, v.t_seconds + o.off AS t0, v.t_seconds + o.off + v.seconds_in_view AS t1
    FROM visitors v JOIN _seg_off o USING (segment) WHERE NOT v.staff ORDER BY t0, v.uid`);
  const speed = new Map((await walkingSpeeds(a)).map((s) => [s.uid, s.speed]));
  const uid = (c.uid ?? []) as string[];
  return { uid, t0: num(c, "t0"), t1: num(c, "t1"), speed: uid.map((u) => speed.get(u) ?? NaN) };
}

export async function crossingRows(a: Analytics) {
  const c = await columns(a, `SELECT e.uid, e.t_seconds + o.off AS t, e.line, e.direction FROM events e JOIN _seg_off o USING (segment)
    WHERE NOT e.staff ORDER BY t, e.uid`);
  const lines = a.config.lines.map((l) => l.name);
  return { uid: (c.uid ?? []) as string[], t: num(c, "t"), line: ((c.line ?? []) as string[]).map((l) => lines.indexOf(l)), dir: ((c.direction ?? []) as string[]).map((d) => (d === "in" ? 1 : -1)) };
}

export async function visitRows(a: Analytics) {
  const c = await columns(a, `SELECT v.uid, v.zone, v.enter_t + o.off AS enter, v.exit_t + o.off AS exit, v.stopper::INTEGER AS stopper
    FROM zone_visits v JOIN _seg_off o USING (segment) WHERE NOT v.staff ORDER BY enter, v.uid`);
  const zones = a.config.zones.map((z) => z.name);
  return { uid: (c.uid ?? []) as string[], zone: ((c.zone ?? []) as string[]).map((z) => zones.indexOf(z)), enter: num(c, "enter"), exit: num(c, "exit"), stopper: num(c, "stopper") };
}

/**
 * Footage per bin (or per analysed frame): seconds filmed, customers' person-seconds in view,
 * the most customers in one frame, and the people count's sum over the frames that have one.
 */
export async function coverageRows(a: Analytics, step: number) {
  const t = step ? `floor((p.t_seconds + o.off) / ${step}) * ${step}` : "p.t_seconds + o.off";
  const c = await columns(a, `SELECT ${t} AS t, sum(p.dt_seconds)::DOUBLE AS seconds, sum(p.customers * p.dt_seconds)::DOUBLE AS customers,
      max(p.customers)::INTEGER AS peak, coalesce(sum(c.estimate), 0)::DOUBLE AS counted, count(c.estimate)::INTEGER AS counted_frames
    FROM people_in_view p JOIN _seg_off o USING (segment) LEFT JOIN counts c USING (segment, frame)
    GROUP BY ${step ? "1" : "p.segment, p.frame, p.t_seconds, o.off"} ORDER BY t`);
  return { t: num(c, "t"), seconds: num(c, "seconds"), customers: num(c, "customers"), peak: num(c, "peak"), counted: num(c, "counted"), countedFrames: num(c, "counted_frames") };
}

/** Customers in each queue zone per bin: person-seconds, seconds filmed, the most at once. */
export async function queueLengthRows(a: Analytics, step: number) {
  const zones = queueZones(a).map((q) => q.queue);
  if (!zones.length) return { zone: [], t: [], seconds: [], personSeconds: [], peak: [] };
  const t = step ? `floor((z.t_seconds + o.off) / ${step}) * ${step}` : "z.t_seconds + o.off";
  const c = await columns(a, `SELECT z.zone, ${t} AS t, sum(z.dt_seconds)::DOUBLE AS seconds, sum(z.customers * z.dt_seconds)::DOUBLE AS person_seconds,
      max(z.customers)::INTEGER AS peak
    FROM zone_occupancy z JOIN _seg_off o USING (segment) WHERE z.zone IN ${sql.list(zones)}
    GROUP BY ${step ? "1, 2" : "z.zone, z.segment, z.frame, z.t_seconds, o.off"} ORDER BY t, z.zone`);
  const names = a.config.zones.map((z) => z.name);
  return { zone: ((c.zone ?? []) as string[]).map((z) => names.indexOf(z)), t: num(c, "t"), seconds: num(c, "seconds"), personSeconds: num(c, "person_seconds"), peak: num(c, "peak") };
}

/** Person-seconds per picture cell (the pages' grid) per bin, or per foot point. */
export async function dwellRows(a: Analytics, grid: { cols: number; rows: number; cell: number }, step: number) {
  const cell = `least(${grid.rows - 1}, greatest(0, floor(foot_y / ${grid.cell})))::INTEGER * ${grid.cols} + least(${grid.cols - 1}, greatest(0, floor(foot_x / ${grid.cell})))::INTEGER`;
  const c = step
    ? await columns(a, `SELECT floor((t_seconds + off) / ${step}) * ${step} AS t, ${cell} AS cell, sum(dt_seconds)::DOUBLE AS w
        FROM customer_tracks JOIN _seg_off USING (segment) GROUP BY 1, 2 ORDER BY 1, 2`)
    : await columns(a, `SELECT t_seconds + off AS t, ${cell} AS cell, dt_seconds AS w FROM customer_tracks JOIN _seg_off USING (segment) ORDER BY t, cell`);
  return { t: num(c, "t"), cell: num(c, "cell"), w: num(c, "w") };
}

export interface FloorGrid { x0: number; y0: number; cell: number; cols: number; rows: number }

/** Person-seconds per floor cell (metres, on the store's floor grid) per bin, or per foot point. */
export async function floorRows(a: Analytics, g: FloorGrid, step: number) {
  if (!(await ensureFloorTracks(a))) return { t: [], cell: [], w: [] };
  const cx = `floor((floor_x - ${g.x0}) / ${g.cell})`, cy = `floor((floor_y - ${g.y0}) / ${g.cell})`;
  const inside = `floor_x IS NOT NULL AND ${cx} BETWEEN 0 AND ${g.cols - 1} AND ${cy} BETWEEN 0 AND ${g.rows - 1}`;
  const cell = `(${cy} * ${g.cols} + ${cx})::INTEGER`;
  const c = step
    ? await columns(a, `SELECT floor((t_seconds + off) / ${step}) * ${step} AS t, ${cell} AS cell, sum(dt_seconds)::DOUBLE AS w
        FROM floor_tracks JOIN _seg_off USING (segment) WHERE ${inside} GROUP BY 1, 2 ORDER BY 1, 2`)
    : await columns(a, `SELECT t_seconds + off AS t, ${cell} AS cell, dt_seconds AS w FROM floor_tracks JOIN _seg_off USING (segment) WHERE ${inside} ORDER BY t, cell`);
  return { t: num(c, "t"), cell: num(c, "cell"), w: num(c, "w") };
}

/** Customers' foot paths smoothed over 5 observations, with floor metres (NaN beyond the plan's mapping). */
export async function pathRows(a: Analytics) {
  const c = await columns(a, `SELECT uid, t_seconds + off AS t,
      avg(foot_x) OVER w AS x, avg(foot_y) OVER w AS y
    FROM customer_tracks JOIN _seg_off USING (segment)
    WINDOW w AS (PARTITION BY uid ORDER BY frame ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)
    ORDER BY uid, t`);
  const fit = floorHomography(a.config);
  const x = num(c, "x"), y = num(c, "y");
  const uid = (c.uid ?? []) as string[];
  const fx = new Float32Array(x.length).fill(NaN), fy = new Float32Array(x.length).fill(NaN);
  if (fit) {
    for (let i = 0; i < x.length; i++) {
      const m = applyHomography(fit.H, x[i], y[i]);
      // a foot point at the horizon maps to the far distance: keep the person's last place instead
      const ok = m && Math.abs(m[0]) < 1e4 && Math.abs(m[1]) < 1e4;
      const same = i > 0 && uid[i - 1] === uid[i];
      fx[i] = ok ? m[0] : same ? fx[i - 1] : NaN;
      fy[i] = ok ? m[1] : same ? fy[i - 1] : NaN;
    }
  }
  return { uid, t: num(c, "t"), x, y, fx, fy };
}

export async function queueEpisodeRows(a: Analytics) {
  await ensureQueueEpisodes(a);
  const c = await columns(a, `SELECT q.uid, q.queue, q.join_t + o.off AS t_join, q.served_t + o.off AS t_served, q.done_t + o.off AS t_done,
      q.wait_seconds, q.service_seconds, q.status
    FROM queue_episodes q JOIN _seg_off o USING (segment) ORDER BY t_join, q.uid`);
  const zones = a.config.zones.map((z) => z.name);
  const orNaN = (v: unknown) => (v === null || v === undefined ? NaN : Number(v));
  return {
    uid: (c.uid ?? []) as string[],
    zone: ((c.queue ?? []) as string[]).map((z) => zones.indexOf(z)),
    join: num(c, "t_join"),
    served: ((c.t_served ?? []) as unknown[]).map(orNaN),
    done: ((c.t_done ?? []) as unknown[]).map(orNaN),
    wait: ((c.wait_seconds ?? []) as unknown[]).map(orNaN),
    service: ((c.service_seconds ?? []) as unknown[]).map(orNaN),
    status: ((c.status ?? []) as string[]).map((s) => ["served", "abandoned", "censored"].indexOf(s)),
  };
}

/** The camera's motion grids summed over its segments, on the pages' grid, as mean grey levels per analysed frame. */
export async function motionGrid(a: Analytics, grid: { cols: number; rows: number; cell: number }, motion: { width: number; height: number; frames: number }[], dirs: string[]) {
  const value = new Float64Array(grid.cols * grid.rows);
  const frames = motion.reduce((t, m) => t + m.frames, 0);
  const seg = a.segments[0];
  for (const [k, dir] of dirs.entries()) {
    const m = motion[k];
    const c = await columns(a, `SELECT least(${grid.cols - 1}, floor((x::DOUBLE + 0.5) * ${seg.width / m.width} / ${grid.cell}))::INTEGER AS cx,
        least(${grid.rows - 1}, floor((y::DOUBLE + 0.5) * ${seg.height / m.height} / ${grid.cell}))::INTEGER AS cy, avg(value)::DOUBLE AS v
      FROM read_parquet(${sql.string(`${dir}/motion.parquet`)}) GROUP BY ALL`);
    const cx = num(c, "cx"), cy = num(c, "cy"), v = num(c, "v");
    for (let i = 0; i < v.length; i++) value[cy[i] * grid.cols + cx[i]] += v[i];
  }
  return { value: Float32Array.from(value, (v) => v / Math.max(1, frames)), frames };
}
