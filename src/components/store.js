// data/store.bin (src/data/store.bin.ts) as the pages use it: the header (cameras, their
// configs and engine headlines, the clock, the floor) and every table as typed-array columns,
// viewed in place. Times are seconds on the store's clock: from local midnight of the first date
// (or from the video's start when the footage has no wall clock).
import {unpackColumns} from "./binary.js";

/**
 * @param buffer data/store.bin; pictures data/pictures.json ({backgrounds: [data: URL per camera], plan})
 * @returns the header's fields, `tables` (columns grouped by kind) and helpers for pictures
 */
export function readStore(buffer, pictures = {backgrounds: [], plan: null}) {
  const {header, columns: c} = unpackColumns(buffer);
  const tables = {
    visitors: {cam: c.v_cam, start: c.v_start, end: c.v_end, speed: c.v_speed},
    crossings: {cam: c.c_cam, who: c.c_who, line: c.c_line, t: c.c_t, dir: c.c_dir},
    visits: {cam: c.z_cam, who: c.z_who, zone: c.z_zone, enter: c.z_enter, exit: c.z_exit, stopper: c.z_stopper},
    coverage: {cam: c.b_cam, t: c.b_t, seconds: c.b_seconds, customers: c.b_customers, peak: c.b_peak, counted: c.b_counted, countedFrames: c.b_counted_frames},
    queueLength: {cam: c.l_cam, zone: c.l_zone, t: c.l_t, seconds: c.l_seconds, personSeconds: c.l_person_seconds, peak: c.l_peak},
    dwell: {t: c.d_t, cell: c.d_cell, w: c.d_w},
    floor: {cam: c.f_cam, t: c.f_t, cell: c.f_cell, w: c.f_w},
    paths: {who: c.p_who, cam: c.p_cam, offset: c.p_offset, t: c.p_t, x: c.p_x, y: c.p_y, fx: c.p_fx, fy: c.p_fy},
    queues: {cam: c.q_cam, who: c.q_who, zone: c.q_zone, join: c.q_join, served: c.q_served, done: c.q_done, wait: c.q_wait, service: c.q_service, status: c.q_status},
    sales: {t: c.s_t, cams: c.s_cams, transactions: c.s_transactions, amount: c.s_amount}
  };
  const bases = (f) => header.cameras.reduce((acc, cam) => (acc.push(acc.at(-1) + f(cam)), acc), [0]);
  const zoneBase = bases((cam) => cam.config.zones.length);
  const lineBase = bases((cam) => cam.config.lines.length);
  const store = {
    ...header,
    tables,
    background: (cam) => pictures.backgrounds[cam] ?? null,
    planUrl: () => pictures.plan ?? null,
    motion: (cam) => {
      const m = header.cameras[cam].motion;
      return c.m_value.subarray(m.offset, m.offset + m.length);
    },
    /** The camera's dwell entries (time-sorted): a subarray view of each column. */
    dwellOf: (cam) => {
      const {offset, length} = header.dwellRanges[cam];
      return {t: c.d_t.subarray(offset, offset + length), cell: c.d_cell.subarray(offset, offset + length), w: c.d_w.subarray(offset, offset + length)};
    },
    /** Zones of the chosen cameras as {cam, zone, key (store-wide index), name, kind}: "camera · zone" when there are several cameras. */
    zonesOf(mask) {
      const many = header.cameras.length > 1;
      return header.cameras.flatMap((cam, k) => (mask && !mask[k] ? [] : cam.config.zones.map((z, i) => ({cam: k, zone: i, key: zoneBase[k] + i, name: many ? `${cam.camera} · ${z.name}` : z.name, kind: z.kind}))));
    },
    /** Lines of the chosen cameras as {cam, line, key (store-wide index), name}. */
    linesOf(mask) {
      const many = header.cameras.length > 1;
      return header.cameras.flatMap((cam, k) => (mask && !mask[k] ? [] : cam.config.lines.map((l, i) => ({cam: k, line: i, key: lineBase[k] + i, name: many ? `${cam.camera} · ${l.name}` : l.name}))));
    },
    /** Store-wide index of camera k's zone i (or line i): hot loops index arrays with it, not strings. */
    zoneBase,
    lineBase,
    zoneCount: zoneBase.at(-1) ?? 0,
    lineCount: lineBase.at(-1) ?? 0
  };
  return store;
}
