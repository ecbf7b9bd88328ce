// Figures that survive broken tracks (loaders/analytics/estimators.ts), on real runs of the
// bundled clip: each one recomputed by hand from the run's tables, and the warning that per-visitor
// figures cannot be quoted when tracks follow too few of the people the count sees.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { formatHeadline, headline } from "../loaders/analytics/report.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { loadCameraConfig } from "../loaders/config/camera.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { pointInPolygon } from "../loaders/geometry/plane.ts";
import { analyzeSegment } from "../loaders/pipeline/segment.ts";
import { query, tempDir } from "./helpers.ts";

const repo = join(import.meta.dirname, "..");
const video = join(repo, "data/clips/tud-stadtmitte.mp4");
const configPath = join(repo, "data/camera.example.json");
const config = loadCameraConfig(configPath);

async function run(scoreThreshold?: number) {
  const out = tempDir("smw-estimators-");
  const { summary } = await analyzeSegment({ video, out, config: configPath, scoreThreshold });
  const a = await openAnalytics({ runs: [{ dir: out }], config });
  try {
    return { out, dt: summary.options.stride / summary.video.fps, h: await headline(a) };
  } finally {
    a.close();
  }
}

test("estimators on the bundled clip equal the run's tables worked by hand", async () => {
  const { out, dt, h } = await run();
  const e = h.estimates;
  const file = (name: string) => `'${join(out, name)}'`;
  const [t] = await query(`SELECT (count(*) FILTER (in_region))::INTEGER AS n FROM ${file("tracks.parquet")}`);
  const counts = await query(`SELECT frame, estimate::DOUBLE AS estimate, boxes FROM ${file("counts.parquet")} ORDER BY frame`);
  const counted = counts.reduce((s, c) => s + (c.estimate as number), 0) * dt;
  assert.ok(Math.abs(e.coverage! - ((t.n as number) * dt) / counted) < 1e-9, `coverage ${e.coverage}`);
  assert.equal(e.perVisitorTrusted, e.coverage! >= 0.7 && e.coverage! <= 1.3);
  // Little's law: the people counted in view at the first frame plus the line entries
  const events = await query(`SELECT direction, staff FROM ${file("events.parquet")}`);
  const ins = events.filter((r) => r.direction === "in");
  const people = Math.round(counts[0].estimate as number) + ins.length;
  assert.equal(e.little!.source, "lines");
  assert.equal(e.little!.arrivals, people);
  assert.ok(Math.abs(e.little!.meanSeconds! - counted / people) < 1e-9);
  assert.equal(e.visitorsByLines, ins.filter((r) => !r.staff).length);
  // zone presence: counted boxes whose foot point stood in the zone, scaled like the count
  const boxes = await query(`SELECT (x1 + x2) / 2 AS x, y2 AS y FROM ${file("detections.parquet")} WHERE counted`);
  const ratio = counts.reduce((s, c) => s + (c.estimate as number), 0) / counts.reduce((s, c) => s + (c.boxes as number), 0);
  for (const z of config.zones) {
    const n = boxes.filter((b) => pointInPolygon(b.x as number, b.y as number, z.polygon)).length;
    const row = h.zones.find((r) => r.zone === z.name)!;
    assert.ok(Math.abs(row.presenceSeconds - n * dt * ratio) < 1e-6, `${z.name}: ${row.presenceSeconds} vs ${n * dt * ratio}`);
  }
  assert.ok(h.zones.some((z) => z.presenceSeconds > 0), "people stood in a zone");
  // against the ground truth: Little's law gives the clip's true mean time in view within 15%
  const gt = await readMotFile(join(repo, "data/clips/tud-stadtmitte.gt.txt"), { gt: true });
  const spans = new Map<number, [number, number]>();
  for (const r of gt) spans.set(r.trackId, [Math.min(spans.get(r.trackId)?.[0] ?? r.frame, r.frame), Math.max(spans.get(r.trackId)?.[1] ?? r.frame, r.frame)]);
  const trueMean = [...spans.values()].reduce((s, [a, b]) => s + (b - a + 1) * dt, 0) / spans.size;
  assert.ok(Math.abs(e.little!.meanSeconds! / trueMean - 1) < 0.15, `Little ${e.little!.meanSeconds} s vs true ${trueMean} s`);
  assert.match(formatHeadline(h), /^Track coverage +\d\.\d\d \(tracks follow the people the count sees/m);
});

test("tracking far fewer people than the count sees: the report says per-visitor figures are not trustworthy", async () => {
  // tracking only boxes above 0.8 while the camera's calibration counts from 0.3
  const { h } = await run(0.8);
  assert.ok(h.estimates.coverage! < 0.7, `coverage ${h.estimates.coverage}`);
  assert.equal(h.estimates.perVisitorTrusted, false);
  assert.match(formatHeadline(h), /^Track coverage +0\.\d\d: tracks miss many of the people the count sees, so visitors, time in view and zone visits are NOT trustworthy/m);
});
