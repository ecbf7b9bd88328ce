// A synthetic store for load tests of the pages: N cameras x D days of footage in the exact format
// of data/store.bin (src/data/store.bin.ts), served in place of the built site's bundle. Volumes
// of a busy store: 150 customers an hour per camera for 12 opening hours, one line crossing and
// one zone visit each, footage in 5-minute bins, dwell and floor maps per hour with 1,000 occupied
// cells per camera-hour, 200,000 path points, and a till's queue. Deterministic.
import { packColumns } from "../../src/data/_lib/binary.ts";

function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 4294967296;
  };
}

export interface SyntheticStore {
  bytes: Uint8Array;
  cameras: number;
  days: number;
  visitors: number;
  dwellEntries: number;
  floorEntries: number;
  pathPoints: number;
  extent: [number, number];
}

const DAY = 86400;
const OPEN = [9, 21];

export function syntheticStore({ cameras = 4, days = 30, perHour = 150, cellsPerHour = 1000, pathPoints = 200_000 } = {}): SyntheticStore {
  const random = rng(11);
  const grid = { cols: 128, rows: 96, cell: 5 };
  const floorGrid = { x0: 0, y0: 0, cell: 0.25, cols: 80, rows: 56 };
  const zones = [
    { name: "left window", kind: "display", polygon: [[120, 250], [270, 242], [275, 290], [110, 300]] },
    { name: "shop front", kind: "entrance", polygon: [[275, 238], [360, 234], [370, 275], [275, 280]] },
    { name: "kiosk", kind: "checkout", polygon: [[580, 232], [640, 228], [640, 268], [580, 270]] },
    { name: "queue", kind: "queue", polygon: [[415, 240], [580, 234], [580, 270], [415, 274]] },
  ];
  const hours: number[] = [];
  for (let d = 0; d < days; d++) for (let h = OPEN[0]; h < OPEN[1]; h++) hours.push(d * DAY + h * 3600);

  // customers, their crossing and zone visit
  const v: { cam: number; start: number; end: number; speed: number }[] = [];
  for (let c = 0; c < cameras; c++) for (const h of hours) for (let i = 0; i < perHour; i++) {
    const start = h + random() * 3600;
    v.push({ cam: c, start, end: start + 2 + random() * random() * 60, speed: 0.9 + random() * 0.8 });
  }
  v.sort((a, b) => a.start - b.start || a.cam - b.cam);
  const cross = v.map((p, who) => ({ who, cam: p.cam, t: (p.start + p.end) / 2, dir: random() < 0.5 ? 1 : -1 })).sort((a, b) => a.t - b.t);
  const visit = v.map((p, who) => {
    const enter = p.start + 0.5, exit = enter + 0.5 + random() * 20;
    return { who, cam: p.cam, zone: Math.floor(random() * zones.length), enter, exit };
  }).sort((a, b) => a.enter - b.enter);

  // footage and queue length per 5-minute bin
  const bins: { cam: number; t: number; customers: number; peak: number }[] = [];
  for (const h of hours) for (let k = 0; k < 12; k++) for (let c = 0; c < cameras; c++) bins.push({ cam: c, t: h + k * 300, customers: 300 * (1 + random() * 6), peak: 3 + Math.floor(random() * 8) });
  const qlen = bins.filter((b) => b.cam === 0).map((b) => ({ t: b.t, personSeconds: 300 * random() * 4, peak: Math.floor(random() * 7) }));

  // dwell per camera (time-sorted within the camera) and floor (all cameras, time-sorted)
  const dwellRanges: { offset: number; length: number }[] = [];
  const dt: number[] = [], dc: number[] = [], dw: number[] = [];
  for (let c = 0; c < cameras; c++) {
    dwellRanges.push({ offset: dt.length, length: hours.length * cellsPerHour });
    for (const h of hours) for (let i = 0; i < cellsPerHour; i++) {
      dt.push(h);
      dc.push((46 + Math.floor(random() * 20)) * grid.cols + Math.floor(random() * grid.cols));
      dw.push(random() * 30);
    }
  }
  const ft: number[] = [], fc: number[] = [], fw: number[] = [], fcam: number[] = [];
  for (const h of hours) for (let c = 0; c < cameras; c++) for (let i = 0; i < cellsPerHour; i++) {
    ft.push(h);
    fcam.push(c);
    fc.push((36 + Math.floor(random() * 6) + 4 * c) * floorGrid.cols + Math.floor(random() * floorGrid.cols));
    fw.push(random() * 30);
  }

  // paths: every k-th customer walks straight across, 40 points each, until pathPoints
  const every = Math.max(1, Math.ceil((v.length * 40) / pathPoints));
  const pw: number[] = [], pcam: number[] = [], poff: number[] = [], pt: number[] = [], px: number[] = [], py: number[] = [], pfx: number[] = [], pfy: number[] = [];
  v.forEach((p, who) => {
    if (who % every) return;
    pw.push(who); pcam.push(p.cam); poff.push(pt.length);
    const y0 = 240 + random() * 80, ltr = random() < 0.5;
    for (let i = 0; i < 40; i++) {
      const f = i / 39;
      pt.push(p.start + f * (p.end - p.start));
      px.push(ltr ? f * 640 : 640 - f * 640); py.push(y0 + (random() - 0.5) * 4);
      pfx.push(2 + (ltr ? f : 1 - f) * 16); pfy.push(9 + p.cam * 1.2 + (y0 - 240) / 80);
    }
  });
  poff.push(pt.length);

  // a till's episodes on camera 0
  const episodes: { join: number; wait: number; service: number; status: number }[] = [];
  for (const h of hours) for (let i = 0; i < 30; i++) {
    const status = random() < 0.85 ? 0 : random() < 0.8 ? 1 : 2;
    episodes.push({ join: h + random() * 3600, wait: status === 0 ? random() * 120 : NaN, service: status === 0 ? 10 + random() * 30 : NaN, status });
  }
  episodes.sort((a, b) => a.join - b.join);

  const dayparts = [{ name: "morning", from: 6, to: 12 }, { name: "afternoon", from: 12, to: 17 }, { name: "evening", from: 17, to: 24 }];
  const cameraMeta = Array.from({ length: cameras }, (_, c) => ({
    index: c, id: `synthetic/cam${c + 1}`, store: "synthetic", camera: `cam${c + 1}`, segments: days * 12, dates: [], folder: "synthetic",
    video: { file: `cam${c + 1}.mp4`, width: 640, height: 480, fps: 10 }, frameSeconds: 0.1, grid,
    model: "nanodet-m", detect: 0.45, tracker: "bytetrack", stride: 1, framesAnalysed: hours.length * 36000, footageSeconds: hours.length * 3600, analysisSeconds: hours.length * 900,
    config: { name: `cam${c + 1}`, source: "synthetic", timezone: "Europe/Berlin", impressionSeconds: 3, zoneDebounceSeconds: 1, dayparts, restDaypart: "night", lines: [{ name: "walkway", a: [400, 330], b: [400, 232], in: "right" }], zones },
    counts: { tracks: v.length / cameras, points: 0, customers: v.length / cameras, staff: 0, interpolatedShare: 0.05 },
    headline: {
      visitors: v.length / cameras, lineIn: 0, lineOut: 0, medianDwellSeconds: 10, peakInView: 9, meanInView: 4,
      estimates: { coverage: 1, perVisitorTrusted: true, tracked: { people: v.length / cameras, meanSeconds: 12, medianSeconds: 10 }, little: null, visitorsByLines: null },
      zones: zones.map((z) => ({ zone: z.name, presenceSeconds: 1000 })),
    },
    floor: { rmsMetres: 0.02, maxMetres: 0.04, points: 8, at: [[2, 9 + c], [18, 9 + c], [18, 10 + c], [2, 10 + c]], zones: zones.map((z) => ({ zone: z.name, kind: z.kind, polygon: [[2, 9 + c], [6, 9 + c], [6, 10 + c], [2, 10 + c]], areaM2: 4 })) },
    queues: c === 0 ? [{ zone: 3, name: "queue", checkout: "kiosk", rules: { minInLineSeconds: 3, minServedSeconds: 5, handoverSeconds: 5 } }] : [],
    motion: { frames: 1000, offset: c * grid.cols * grid.rows, length: grid.cols * grid.rows },
    background: null,
    counting: { calibrated: false, residuals: null, smoothSeconds: 0, frameSeconds: 0.1, drift: 0.08, correlationSeconds: 2 },
  }));
  const epochMs = Date.UTC(2024, 4, 6);
  const dates = Array.from({ length: days }, (_, d) => new Date(epochMs + d * DAY * 1000).toISOString().slice(0, 10));
  cameraMeta.forEach((m) => (m.dates = dates as never[]));
  const extent: [number, number] = [hours[0], hours.at(-1)! + 3600];
  const F64 = Float64Array, F32 = Float32Array;
  const bytes = packColumns({
    version: 1, id: `synthetic-${cameras}x${days}`, source: { label: `synthetic: ${cameras} cameras x ${days} days`, roots: [] }, stores: ["synthetic"],
    wall: true, epochMs, timezone: "Europe/Berlin", extent, dates, coverageStep: 300, dwellStep: 3600,
    cameras: cameraMeta, dwellRanges, floor: { grid: floorGrid, plan: null },
    sales: { available: false, reason: "synthetic store: no sales" }, notes: ["synthetic load-test store"],
  }, {
    v_cam: Uint8Array.from(v, (p) => p.cam), v_start: F64.from(v, (p) => p.start), v_end: F64.from(v, (p) => p.end), v_speed: F32.from(v, (p) => p.speed),
    c_cam: Uint8Array.from(cross, (x) => x.cam), c_who: Int32Array.from(cross, (x) => x.who), c_line: new Uint16Array(cross.length), c_t: F64.from(cross, (x) => x.t), c_dir: Int8Array.from(cross, (x) => x.dir),
    z_cam: Uint8Array.from(visit, (x) => x.cam), z_who: Int32Array.from(visit, (x) => x.who), z_zone: Uint16Array.from(visit, (x) => x.zone), z_enter: F64.from(visit, (x) => x.enter), z_exit: F64.from(visit, (x) => x.exit), z_stopper: Uint8Array.from(visit, (x) => (x.exit - x.enter >= 3 ? 1 : 0)),
    b_cam: Uint8Array.from(bins, (b) => b.cam), b_t: F64.from(bins, (b) => b.t), b_seconds: F64.from(bins, () => 300), b_customers: F64.from(bins, (b) => b.customers), b_peak: Uint16Array.from(bins, (b) => b.peak), b_counted: F64.from(bins, (b) => b.customers * 10), b_counted_frames: Uint32Array.from(bins, () => 3000),
    l_cam: new Uint8Array(qlen.length), l_zone: Uint16Array.from(qlen, () => 3), l_t: F64.from(qlen, (q) => q.t), l_seconds: F64.from(qlen, () => 300), l_person_seconds: F64.from(qlen, (q) => q.personSeconds), l_peak: Uint16Array.from(qlen, (q) => q.peak),
    d_t: F64.from(dt), d_cell: Uint16Array.from(dc), d_w: F32.from(dw),
    f_cam: Uint8Array.from(fcam), f_t: F64.from(ft), f_cell: Uint32Array.from(fc), f_w: F32.from(fw),
    p_who: Int32Array.from(pw), p_cam: Uint8Array.from(pcam), p_offset: Uint32Array.from(poff), p_t: F64.from(pt), p_x: F32.from(px), p_y: F32.from(py), p_fx: F32.from(pfx), p_fy: F32.from(pfy),
    q_cam: new Uint8Array(episodes.length), q_who: new Int32Array(episodes.length).fill(-1), q_zone: Uint16Array.from(episodes, () => 3), q_join: F64.from(episodes, (e) => e.join),
    q_served: F64.from(episodes, (e) => (e.status === 0 ? e.join + e.wait : NaN)), q_done: F64.from(episodes, (e) => (e.status === 0 ? e.join + e.wait + e.service : NaN)),
    q_wait: F64.from(episodes, (e) => e.wait), q_service: F64.from(episodes, (e) => e.service), q_status: Uint8Array.from(episodes, (e) => e.status),
    m_value: F32.from({ length: cameras * grid.cols * grid.rows }, () => random() * 40),
    s_t: new F64(0), s_cams: new Uint32Array(0), s_transactions: new F64(0), s_amount: new F64(0),
  });
  return { bytes, cameras, days, visitors: v.length, dwellEntries: dt.length, floorEntries: ft.length, pathPoints: pt.length, extent };
}
