// data/store.bin: everything the pages show, for every camera of the chosen store and dates, in
// one columnar file (src/components/binary.js reads it, src/components/store.js shapes it): per
// camera its config and engine headline (its picture: data/pictures.json); customers, line crossings and zone visits;
// footage and people in view per frame or bin; dwell per picture cell and per floor cell; sampled
// foot paths (also in floor metres); queue episodes and queue length; motion; sales. Times are on
// the store's clock (src/data/_lib/store.ts). The pages only filter and sum by camera and window,
// in the browser, so a change redraws without a server.
import { basename, resolve } from "node:path";
import { headline } from "../../loaders/analytics/report.ts";
import { floorZones } from "../../loaders/analytics/floor.ts";
import { queueZones } from "../../loaders/analytics/queues.ts";
import { floorHomography, DEFAULT_DAYPARTS, REST_DAYPART, type CameraConfig } from "../../loaders/config/camera.ts";
import { DEFAULT_CORRELATION_SECONDS, DEFAULT_DRIFT } from "../../loaders/count/uncertainty.ts";
import { frameSeconds } from "../../loaders/run/contract.ts";
import { readRun } from "../../loaders/run/read.ts";
import { packColumns, type Column } from "./_lib/binary.ts";
import { emit } from "./_lib/run.ts";
import type { DatasetCamera } from "../../loaders/analytics/dataset.ts";
import { findPlan, gridFor, openStore, placeSegments, pngSize, readBytes, relative, storeId } from "./_lib/store.ts";
import { coverageRows, crossingRows, dwellRows, floorRows, motionGrid, pathRows, queueEpisodeRows, queueLengthRows, stepFor, visitorRows, visitRows, type FloorGrid } from "./_lib/store-tables.ts";
import { salesRows } from "./_lib/store-sales.ts";

const MAX_PATH_POINTS = 200_000;
const FLOOR_CELL_METRES = 0.25;

const { ds, source } = await openStore();
try {
  const cams = ds.cameras;
  const engines = cams.map((c) => c.a);
  const { clock, unplaced } = await placeSegments(cams);
  const notes: string[] = [];
  if (unplaced.length) notes.push(`${unplaced.length} segment(s) have no start time and are left out (${unplaced.slice(0, 3).join(", ")}...): name files YYYYmmdd_HHMMSS or set start in camera.json`);

  // ---- the floor plan (the first camera's floor block names it) ----
  const floored = cams.find((c) => c.config.floor);
  let plan: { width: number; height: number; metresPerPixel: number; file: string } | null = null;
  if (floored) {
    const f = floored.config.floor!;
    const file = findPlan(f.plan, floored, source.roots);
    if (file) {
      const [width, height] = pngSize(readBytes(file));
      plan = { width, height, metresPerPixel: f.metresPerPixel, file: relative(file) };
    } else notes.push(`floor plan ${f.plan} not found beside ${floored.configPath ?? "camera.json"} or in the dataset's store folder: the Floor page draws the floor without it`);
    for (const c of cams) if (c.config.floor && c.config.floor.plan !== f.plan) notes.push(`camera ${c.camera} maps onto another plan (${c.config.floor.plan}) than ${floored.camera} (${f.plan}): shown on ${f.plan}`);
  }
  const floorExtent = (): [number, number, number, number] => {
    if (plan) return [0, 0, plan.width * plan.metresPerPixel, plan.height * plan.metresPerPixel];
    const pts = cams.flatMap((c) => [...floorZones(c.config).flatMap((z) => z.polygon), ...(c.config.floor?.points.map((p) => p.floor) ?? [])]);
    // without the plan the map starts at its origin, as the plan would: points left of or above it are not drawn
    return [0, 0, Math.max(...pts.map((p) => p[0])) + 2, Math.max(...pts.map((p) => p[1])) + 2];
  };
  let floorGrid: FloorGrid | null = null;
  if (floored) {
    const [x0, y0, x1, y1] = floorExtent();
    const cell = Math.max(FLOOR_CELL_METRES, Math.max(x1 - x0, y1 - y0) / 200);
    floorGrid = { x0, y0, cell, cols: Math.ceil((x1 - x0) / cell), rows: Math.ceil((y1 - y0) / cell) };
  }

  // ---- how fine the dense tables can stay ----
  const coverageStep = await stepFor(engines, "people_in_view", "0", 400_000);
  const dwellStep = await stepFor(engines, "customer_tracks", "floor(foot_x / 5), floor(foot_y / 5)", 2_000_000);
  if (coverageStep) notes.push(`people in view are summed per ${coverageStep / 60} min: windows are cut to whole ${coverageStep / 60}-minute bins`);
  if (dwellStep) notes.push(`dwell maps are summed per ${dwellStep / 60} min: their windows are cut to whole ${dwellStep / 60}-minute bins`);

  // ---- per camera ----
  const visitors: { cam: number; uid: string; t0: number; t1: number; speed: number }[] = [];
  const motionValues: Float32Array[] = [];
  const perCam: CameraPart[] = [];
  for (const [k, c] of cams.entries()) {
    const part = await cameraPart(c, k, { coverageStep, dwellStep, floorGrid, motionOffset: motionValues.reduce((t, m) => t + m.length, 0) });
    part.visitors.uid.forEach((uid, i) => visitors.push({ cam: k, uid, t0: part.visitors.t0[i], t1: part.visitors.t1[i], speed: part.visitors.speed[i] ?? NaN }));
    motionValues.push(part.motion);
    perCam.push(part);
  }

  // ---- one table per kind, all cameras, in time order; people by one index ----
  visitors.sort((x, y) => x.t0 - y.t0 || x.cam - y.cam || x.uid.localeCompare(y.uid));
  const who = new Map(visitors.map((v, i) => [`${v.cam}\u0000${v.uid}`, i]));
  const whoOf = (cam: number, uid: string) => who.get(`${cam}\u0000${uid}`) ?? -1;
  const merge = <T extends Record<string, ArrayLike<number> | string[]>>(part: (p: (typeof perCam)[number]) => T, time: keyof T) => {
    const rows: { cam: number; i: number; t: number; p: T }[] = [];
    perCam.forEach((pc, cam) => {
      const p = part(pc);
      const ts = p[time] as ArrayLike<number>;
      for (let i = 0; i < ts.length; i++) rows.push({ cam, i, t: ts[i], p });
    });
    return rows.sort((x, y) => x.t - y.t || x.cam - y.cam || x.i - y.i);
  };
  const take = <T>(rows: { cam: number; i: number; p: T }[], f: (p: T, i: number, cam: number) => number) => rows.map((r) => f(r.p, r.i, r.cam));

  const cross = merge((p) => p.crossings, "t");
  const visit = merge((p) => p.visits, "enter");
  const cover = merge((p) => p.coverage, "t");
  const qlen = merge((p) => p.queueLength, "t");
  const floorPts = merge((p) => p.floor, "t");
  const episodes = merge((p) => p.queues, "join");

  // dwell: one run per camera, in time order within it (a camera change picks its range)
  const dwellRanges: { offset: number; length: number }[] = [];
  const dwell = { t: [] as number[], cell: [] as number[], w: [] as number[] };
  for (const pc of perCam) {
    dwellRanges.push({ offset: dwell.t.length, length: pc.dwell.t.length });
    dwell.t.push(...pc.dwell.t); dwell.cell.push(...pc.dwell.cell); dwell.w.push(...pc.dwell.w);
  }

  // paths: every track, or every k-th when there are too many, thinned to MAX_PATH_POINTS
  const tracks: { cam: number; who: number; from: number; to: number; p: Awaited<ReturnType<typeof pathRows>> }[] = [];
  perCam.forEach((pc, cam) => {
    const { uid } = pc.paths;
    for (let s = 0; s < uid.length; ) {
      let e = s;
      while (e < uid.length && uid[e] === uid[s]) e++;
      tracks.push({ cam, who: whoOf(cam, uid[s]), from: s, to: e, p: pc.paths });
      s = e;
    }
  });
  tracks.sort((x, y) => x.who - y.who);
  const totalPoints = tracks.reduce((t, x) => t + x.to - x.from, 0);
  const every = Math.max(1, Math.ceil(totalPoints / (MAX_PATH_POINTS * 4)));
  const kept = tracks.filter((_, i) => i % every === 0);
  const keptPoints = kept.reduce((t, x) => t + x.to - x.from, 0);
  const step = Math.max(1, Math.ceil(keptPoints / MAX_PATH_POINTS));
  const path = { who: [] as number[], cam: [] as number[], offset: [] as number[], t: [] as number[], x: [] as number[], y: [] as number[], fx: [] as number[], fy: [] as number[] };
  for (const tr of kept) {
    path.who.push(tr.who); path.cam.push(tr.cam); path.offset.push(path.t.length);
    for (let i = tr.from; i < tr.to; i++) {
      if ((i - tr.from) % step !== 0 && i !== tr.to - 1) continue;
      path.t.push(tr.p.t[i]); path.x.push(tr.p.x[i]); path.y.push(tr.p.y[i]); path.fx.push(tr.p.fx[i]); path.fy.push(tr.p.fy[i]);
    }
  }
  path.offset.push(path.t.length);
  if (every > 1 || step > 1) notes.push(`paths: ${every > 1 ? `every ${every}th of ${tracks.length} tracks` : `all ${tracks.length} tracks`}${step > 1 ? `, thinned to every ${step}th point` : ""}`);

  const sales = await salesRows(cams, clock, source.roots.length === 1 && !process.env.SMW_DATA);

  const dates = [...new Set(cams.flatMap((c) => c.dates))].sort();
  const extent = cover.length ? [Math.min(...cover.map((r) => r.t)), Math.max(...take(cover, (p, i) => p.t[i] + (coverageStep || p.seconds[i])))] : [0, 1];
  const F64 = Float64Array, F32 = Float32Array;
  const cols: Record<string, Column> = {
    v_cam: Uint8Array.from(visitors, (v) => v.cam), v_start: F64.from(visitors, (v) => v.t0), v_end: F64.from(visitors, (v) => v.t1), v_speed: F32.from(visitors, (v) => v.speed),
    c_cam: Uint8Array.from(cross, (r) => r.cam), c_who: Int32Array.from(take(cross, (p, i, cam) => whoOf(cam, p.uid[i]))), c_line: Uint16Array.from(take(cross, (p, i) => p.line[i])),
    c_t: F64.from(take(cross, (p, i) => p.t[i])), c_dir: Int8Array.from(take(cross, (p, i) => p.dir[i])),
    z_cam: Uint8Array.from(visit, (r) => r.cam), z_who: Int32Array.from(take(visit, (p, i, cam) => whoOf(cam, p.uid[i]))), z_zone: Uint16Array.from(take(visit, (p, i) => p.zone[i])),
    z_enter: F64.from(take(visit, (p, i) => p.enter[i])), z_exit: F64.from(take(visit, (p, i) => p.exit[i])), z_stopper: Uint8Array.from(take(visit, (p, i) => p.stopper[i])),
    b_cam: Uint8Array.from(cover, (r) => r.cam), b_t: F64.from(take(cover, (p, i) => p.t[i])), b_seconds: F64.from(take(cover, (p, i) => p.seconds[i])),
    b_customers: F64.from(take(cover, (p, i) => p.customers[i])), b_peak: Uint16Array.from(take(cover, (p, i) => p.peak[i])),
    b_counted: F64.from(take(cover, (p, i) => p.counted[i])), b_counted_frames: Uint32Array.from(take(cover, (p, i) => p.countedFrames[i])),
    l_cam: Uint8Array.from(qlen, (r) => r.cam), l_zone: Uint16Array.from(take(qlen, (p, i) => p.zone[i])), l_t: F64.from(take(qlen, (p, i) => p.t[i])),
    l_seconds: F64.from(take(qlen, (p, i) => p.seconds[i])), l_person_seconds: F64.from(take(qlen, (p, i) => p.personSeconds[i])), l_peak: Uint16Array.from(take(qlen, (p, i) => p.peak[i])),
    d_t: F64.from(dwell.t), d_cell: Uint16Array.from(dwell.cell), d_w: F32.from(dwell.w),
    f_cam: Uint8Array.from(floorPts, (r) => r.cam), f_t: F64.from(take(floorPts, (p, i) => p.t[i])), f_cell: Uint32Array.from(take(floorPts, (p, i) => p.cell[i])), f_w: F32.from(take(floorPts, (p, i) => p.w[i])),
    p_who: Int32Array.from(path.who), p_cam: Uint8Array.from(path.cam), p_offset: Uint32Array.from(path.offset),
    p_t: F64.from(path.t), p_x: F32.from(path.x), p_y: F32.from(path.y), p_fx: F32.from(path.fx), p_fy: F32.from(path.fy),
    q_cam: Uint8Array.from(episodes, (r) => r.cam), q_who: Int32Array.from(take(episodes, (p, i, cam) => whoOf(cam, p.uid[i]))), q_zone: Uint16Array.from(take(episodes, (p, i) => p.zone[i])),
    q_join: F64.from(take(episodes, (p, i) => p.join[i])), q_served: F64.from(take(episodes, (p, i) => p.served[i])), q_done: F64.from(take(episodes, (p, i) => p.done[i])),
    q_wait: F64.from(take(episodes, (p, i) => p.wait[i])), q_service: F64.from(take(episodes, (p, i) => p.service[i])), q_status: Uint8Array.from(take(episodes, (p, i) => p.status[i])),
    m_value: Float32Array.from(motionValues.flatMap((m) => Array.from(m))),
    s_t: F64.from(sales.t), s_cams: Uint32Array.from(sales.cameras), s_transactions: F64.from(sales.transactions), s_amount: F64.from(sales.amount),
  };
  await emit(packColumns({
    version: 1,
    id: storeId(source, cams),
    source: { ...source, roots: source.roots.map(relative) },
    stores: ds.stores,
    wall: clock.wall,
    epochMs: clock.wall ? clock.epoch * 1000 : null,
    timezone: cams[0].config.timezone,
    extent,
    dates,
    coverageStep,
    dwellStep,
    cameras: perCam.map((p) => p.meta),
    dwellRanges,
    floor: floorGrid ? { grid: floorGrid, plan } : null,
    sales: sales.meta,
    notes,
  }, cols));
} finally {
  ds.close();
}

type CameraPart = Awaited<ReturnType<typeof cameraPart>>;

/** One camera's meta (for the header) and tables. */
async function cameraPart(c: DatasetCamera, k: number, o: {
  coverageStep: number; dwellStep: number; floorGrid: FloorGrid | null; motionOffset: number;
}) {
  const runs = c.dirs.map((d) => readRun(d));
  const { video } = runs[0];
  const grid = gridFor(video.width, video.height);
  const visitors = await visitorRows(c.a);
  const motion = await motionGrid(c.a, grid, runs.map((r) => r.motion), c.dirs);

  const fit = floorHomography(c.config);
  const [{ tracks, points, interpolated }] = await c.a.rows<{ tracks: number; points: number; interpolated: number }>(`
    SELECT count(DISTINCT uid)::INTEGER AS tracks, count(*)::INTEGER AS points, coalesce(avg(interpolated::INTEGER), 0)::DOUBLE AS interpolated FROM tracks`);
  const [{ staff }] = await c.a.rows<{ staff: number }>(`SELECT count(*)::INTEGER AS staff FROM staff_uids`);
  const counting = runs.find((r) => r.counting)?.counting;
  const meta = {
    index: k, id: c.store ? `${c.store}/${c.camera}` : c.camera, store: c.store, camera: c.camera,
    segments: c.dirs.length, dates: c.dates, folder: relative(resolve(c.dirs[0], c.dirs.length > 1 ? "../.." : ".")),
    video: { file: basename(video.path), width: video.width, height: video.height, fps: video.fps },
    frameSeconds: frameSeconds(runs[0]), grid,
    model: runs[0].model.name, detect: runs[0].thresholds.detect, tracker: runs[0].options.tracker, stride: runs[0].options.stride,
    framesAnalysed: runs.reduce((t, r) => t + r.framesAnalysed, 0),
    footageSeconds: runs.reduce((t, r) => t + r.framesAnalysed * frameSeconds(r), 0),
    analysisSeconds: runs.reduce((t, r) => t + (r.timings?.total ?? 0), 0),
    config: pageConfig(c.config, c.configPath ? relative(c.configPath) : "none"),
    counts: { tracks, points, customers: visitors.uid.length, staff, interpolatedShare: interpolated },
    headline: await headline(c.a),
    floor: fit ? { rmsMetres: fit.rms, maxMetres: fit.max, points: c.config.floor!.points.length, at: c.config.floor!.points.map((p) => p.floor), zones: floorZones(c.config) } : null,
    queues: queueZones(c.a).map((q) => ({ zone: c.config.zones.findIndex((z) => z.name === q.queue), name: q.queue, checkout: q.checkout, rules: c.config.queue })),
    motion: { frames: motion.frames, offset: o.motionOffset, length: motion.value.length },
    counting: {
      calibrated: !!counting?.calibrated, residuals: counting?.calibrated ? counting.residuals : null, smoothSeconds: counting?.smoothSeconds ?? 0,
      frameSeconds: frameSeconds(runs[0]), drift: DEFAULT_DRIFT, correlationSeconds: DEFAULT_CORRELATION_SECONDS,
    },
  };
  return {
    meta,
    visitors,
    motion: motion.value,
    crossings: await crossingRows(c.a),
    visits: await visitRows(c.a),
    coverage: await coverageRows(c.a, o.coverageStep),
    queueLength: await queueLengthRows(c.a, o.coverageStep),
    dwell: await dwellRows(c.a, grid, o.dwellStep),
    floor: o.floorGrid ? await floorRows(c.a, o.floorGrid, o.dwellStep) : { t: [] as number[], cell: [] as number[], w: [] as number[] },
    paths: await pathRows(c.a),
    queues: await queueEpisodeRows(c.a),
  };
}

/** What the pages need of a camera config: lines, zones, dayparts, thresholds. */
function pageConfig(config: CameraConfig, source: string) {
  return {
    name: config.camera,
    source,
    timezone: config.timezone,
    impressionSeconds: config.stopperSeconds,
    zoneDebounceSeconds: config.zoneDebounceSeconds,
    dayparts: Object.entries(config.dayparts ?? DEFAULT_DAYPARTS).map(([name, [from, to]]) => ({ name, from, to })).sort((x, y) => x.from - y.from),
    restDaypart: REST_DAYPART,
    lines: config.lines.map((l) => ({ name: l.name, a: l.a, b: l.b, in: l.in })),
    zones: config.zones.map((z) => ({ name: z.name, kind: z.kind, polygon: z.polygon })),
  };
}
