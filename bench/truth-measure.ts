// bench:truth's measurements of one rendered-and-analysed scenario: the engine's figures over the
// measured runs beside truth.json, per-frame count error, MOTA/IDF1 over all segments, detection
// recall against the true boxes, and Compare (day 1 against day 2) on measured runs and on the
// true boxes (the truth/ run folders smw simulate writes).
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { wallClockToDate, type CameraConfig } from "../loaders/config/camera.ts";
import { compare, type ZoneComparison } from "../loaders/analytics/compare.ts";
import { headline } from "../loaders/analytics/report.ts";
import { openAnalytics, type Analytics } from "../loaders/analytics/views.ts";
import { addCounts, matchFrame, type DetectionCounts } from "../loaders/eval/detection-metrics.ts";
import { evaluateMot, type MotMetrics } from "../loaders/eval/mot-metrics.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { findRunDirs, readRun, runStartOf } from "../loaders/run/read.ts";
import { MIN_INSIDE } from "../loaders/simulate/truth.ts";

export interface Row { name: string; truth: number; measured: number; digits: number }

export interface Measured {
  rows: Row[];
  count: { mae: number; meanTrue: number; meanMeasured: number };
  mot: { mota: number; idf1: number };
  recall: { all: number; visible: number; n: number };
  compare: { measured: ZoneComparison[]; onTruth: ZoneComparison[] };
}

async function open(dirs: string[], config: CameraConfig): Promise<Analytics> {
  return openAnalytics({ runs: dirs.map((dir) => ({ dir, start: runStartOf(dir, config), segment: basename(dir) })), config });
}

async function rowsOf(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}

const file = (p: string) => `'${p.replaceAll("'", "''")}'`;

/**
 * Detection recall of a run (score at least the run's detection threshold) against MOT ground
 * truth, counting only people at least half inside the picture (the rendered truth's rule for
 * being in view, applied to the source clips' ground truth too); `minVisibility` also drops rows
 * whose 9th column says they are mostly hidden.
 */
export async function detectionRecall(runDir: string, gtFile: string, minVisibility = 0): Promise<DetectionCounts> {
  const run = readRun(runDir);
  const threshold = run.thresholds?.detect ?? 0.45;
  const { width: W, height: H } = run.video;
  const det = await rowsOf(`SELECT frame, x1, y1, x2, y2, score FROM read_parquet(${file(join(runDir, "detections.parquet"))}) WHERE score >= ${threshold}`);
  const inside = ([, , x, y, w, h]: number[]) => ((Math.min(W, x + w) - Math.max(0, x)) * (Math.min(H, y + h) - Math.max(0, y))) / (w * h);
  const gt = readFileSync(gtFile, "utf8").trim().split("\n").filter(Boolean).map((l) => l.split(",").map(Number))
    .filter((c) => inside(c) >= MIN_INSIDE && !(c.length >= 9 && c[8] >= 0 && c[8] < minVisibility));
  const frames = new Map<number, { g: number[]; d: number[]; s: number[] }>();
  const at = (f: number) => frames.get(f) ?? frames.set(f, { g: [], d: [], s: [] }).get(f)!;
  for (const c of gt) at(c[0] - 1).g.push(c[2], c[3], c[2] + c[4], c[3] + c[5]);
  for (const r of det as { frame: number; x1: number; y1: number; x2: number; y2: number; score: number }[]) {
    const e = at(r.frame);
    e.d.push(r.x1, r.y1, r.x2, r.y2);
    e.s.push(r.score);
  }
  let total: DetectionCounts = { tp: 0, fp: 0, fn: 0 };
  for (const e of frames.values()) total = addCounts(total, matchFrame({ boxes: e.g, count: e.g.length / 4 }, { boxes: e.d, count: e.s.length, scores: e.s }));
  return total;
}

const recallOf = (c: DetectionCounts) => c.tp / Math.max(1, c.tp + c.fn);

async function tracking(dirs: string[], footage: string): Promise<{ mota: number; idf1: number }> {
  const sum = { fn: 0, fp: 0, idsw: 0, numGt: 0, idtp: 0, idfp: 0, idfn: 0 };
  for (const dir of dirs) {
    const gt = await readMotFile(join(footage, `${basename(dir)}.gt.txt`), { gt: true });
    const res = (await rowsOf(`SELECT frame, track_id AS trackId, x1, y1, x2, y2 FROM read_parquet(${file(join(dir, "tracks.parquet"))})`)) as never[];
    const m: MotMetrics = evaluateMot(gt, res, { hota: false });
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += m[k];
  }
  return { mota: 1 - (sum.fn + sum.fp + sum.idsw) / sum.numGt, idf1: (2 * sum.idtp) / (2 * sum.idtp + sum.idfp + sum.idfn) };
}

export async function measure(footage: string, runsDir: string, config: CameraConfig): Promise<Measured> {
  const truth = JSON.parse(readFileSync(join(footage, "truth.json"), "utf8"));
  const measuredDirs = findRunDirs([runsDir]);
  const truthDirs = findRunDirs([join(footage, "truth")]);
  const m = await open(measuredDirs, config);
  const t = await open(truthDirs, config);
  try {
    const h = await headline(m);
    const all = truth.all;
    const rows: Row[] = [
      { name: "visitors (customers)", truth: all.visitors, measured: h.visitors, digits: 0 },
      { name: "line in", truth: all.lineIn, measured: h.lineIn, digits: 0 },
      { name: "line out", truth: all.lineOut, measured: h.lineOut, digits: 0 },
      { name: "customers in view (mean)", truth: all.meanInView, measured: h.meanInView, digits: 2 },
    ];
    for (const z of all.zones as { zone: string; visits: number; meanDwellSeconds: number | null }[]) {
      const mz = h.zones.find((x) => x.zone === z.zone);
      rows.push({ name: `visits: ${z.zone}`, truth: z.visits, measured: mz?.visits ?? 0, digits: 0 });
      rows.push({ name: `mean dwell (s): ${z.zone}`, truth: z.meanDwellSeconds ?? NaN, measured: mz?.mean_dwell_seconds ?? NaN, digits: 1 });
    }
    const [c] = await rowsOf(`
      WITH mc AS (${measuredDirs.map((d) => `SELECT ${file(basename(d))} AS segment, frame, estimate FROM read_parquet(${file(join(d, "counts.parquet"))})`).join(" UNION ALL ")})
      SELECT avg(abs(mc.estimate - tc.people))::DOUBLE AS mae, avg(tc.people)::DOUBLE AS mt, avg(mc.estimate)::DOUBLE AS mm
      FROM mc JOIN read_parquet(${file(join(footage, "truth", "counts.parquet"))}) tc USING (segment, frame)`);
    let det: DetectionCounts = { tp: 0, fp: 0, fn: 0 }, vis: DetectionCounts = { tp: 0, fp: 0, fn: 0 };
    for (const d of measuredDirs) {
      det = addCounts(det, await detectionRecall(d, join(footage, `${basename(d)}.gt.txt`)));
      vis = addCounts(vis, await detectionRecall(d, join(footage, `${basename(d)}.gt.txt`), 0.5));
    }
    const day = (i: number) => {
      const date = truth.days[i].date as string;
      const next = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return { start: wallClockToDate(`${date}T00:00`, config.timezone)!, end: wallClockToDate(`${next}T00:00`, config.timezone)! };
    };
    const both = async (a: Analytics) => (await compare({ analytics: a, window: day(0), label: "day 1" }, { analytics: a, window: day(1), label: "day 2" })).zones;
    return {
      rows,
      count: { mae: c.mae as number, meanTrue: c.mt as number, meanMeasured: c.mm as number },
      mot: await tracking(measuredDirs, footage),
      recall: { all: recallOf(det), visible: recallOf(vis), n: det.tp + det.fn },
      compare: { measured: await both(m), onTruth: await both(t) },
    };
  } finally {
    m.close();
    t.close();
  }
}
