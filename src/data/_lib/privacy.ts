// What pictures of people a build of the site may carry, and the blurring that makes a frame
// shippable. $SMW_SNAPSHOTS chooses: `blurred` (the default for `npm run build` and `npm run
// dev`: heads and shoulders of every box the run has in a frame are mosaicked), `none` (what
// `smw publish` builds unless asked: no event snapshots and no audit frames) or `raw` (as
// recorded; only when asked). The people-free plate is blurred wherever a person stood still
// long enough to be part of it, in every mode but raw.
import { NEAR_SECONDS, peopleNear, snapshotMode, type SnapshotMode } from "../../../loaders/analytics/snapshots.ts";
import { blurHeads, type Box, type Image } from "../../../loaders/scene/redact.ts";
import type { Run } from "./run.ts";

export function siteSnapshots(env = process.env): SnapshotMode {
  return snapshotMode(env.SMW_SNAPSHOTS || "blurred", "SMW_SNAPSHOTS");
}

/** The boxes to blur in each of `frames`: detections there and tracks near it (analytics/snapshots.ts). */
export function personBoxes(run: Run, frames: number[]): Promise<Map<number, Box[]>> {
  return peopleNear(run.dir, frames, NEAR_SECONDS * run.info.video.fps);
}

/**
 * The boxes of people who are part of the plate (a per-pixel median over the run): a person
 * standing at one spot in at least 40% of the analysed frames (boxes grouped by a 32-pixel cell
 * of their centre; the group's box spans its 10th to 90th percentile edges), and detections
 * that matched the plate (`static`).
 */
export async function plateBoxes(run: Run): Promise<Box[]> {
  const cols = (await run.rows(`DESCRIBE SELECT * FROM detections`)).map((r) => String(r.column_name));
  const rows = await run.rows(`
    WITH d AS (SELECT frame, x1, y1, x2, y2, round((x1 + x2) / 64) AS cx, round((y1 + y2) / 64) AS cy FROM detections WHERE class = 'person')
    SELECT quantile_cont(x1, 0.1) AS x1, quantile_cont(y1, 0.1) AS y1, quantile_cont(x2, 0.9) AS x2, quantile_cont(y2, 0.9) AS y2
    FROM d GROUP BY cx, cy HAVING count(DISTINCT frame) >= 0.4 * ${Math.max(1, run.info.framesAnalysed)}
    ${cols.includes("static") ? `UNION ALL SELECT DISTINCT round(x1 / 8) * 8, round(y1 / 8) * 8, round(x2 / 8) * 8, round(y2 / 8) * 8 FROM detections WHERE static AND class = 'person'` : ""}`);
  return rows.map((r) => [Number(r.x1), Number(r.y1), Number(r.x2), Number(r.y2)]);
}

/** Blurs the heads of `boxes` (source pixels) in `img`, which shows the source frame at its own size. */
export function blurScaled(img: Image, boxes: readonly Box[], sourceWidth: number, sourceHeight: number): void {
  const sx = img.width / sourceWidth, sy = img.height / sourceHeight;
  blurHeads(img, boxes.map(([x1, y1, x2, y2]) => [x1 * sx, y1 * sy, x2 * sx, y2 * sy]));
}
